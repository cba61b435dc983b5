#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Deterministic randomness addressed by position: every value is a hash of (seed, stream, index).
///
/// A counter-based source rather than a sequential generator, so that a model can be asked for its value at any
/// time, in any order, and give the same answer: the simulators stay pure functions of the seed and the time they
/// are given. The hash is SplitMix64's finaliser (Steele, Lea and Flood, OOPSLA 2014), applied twice.
struct SeededNoise: Sendable, Hashable {
    /// The seed; the same seed gives the same values everywhere.
    let seed: UInt64

    /// A source for `seed`.
    init(seed: UInt64) {
        self.seed = seed
    }

    /// 64 well-mixed bits for `index` of `stream`.
    func bits(_ stream: NoiseStream, _ index: Int64) -> UInt64 {
        let key = Self.mix(seed &+ stream.rawValue &* 0x9E37_79B9_7F4A_7C15)
        return Self.mix(key ^ (UInt64(bitPattern: index) &* 0xD1B5_4A32_D192_ED03))
    }

    /// A uniform value in `0..<1`.
    func uniform(_ stream: NoiseStream, _ index: Int64) -> Double {
        Double(bits(stream, index) >> 11) * 0x1p-53
    }

    /// A uniform value in `range`.
    func uniform(_ stream: NoiseStream, _ index: Int64, in range: ClosedRange<Double>) -> Double {
        range.lowerBound + uniform(stream, index) * (range.upperBound - range.lowerBound)
    }

    /// A standard normal value (mean 0, standard deviation 1), by the Box–Muller transform.
    func gaussian(_ stream: NoiseStream, _ index: Int64) -> Double {
        let u1 = 1 - uniform(stream, index &* 2)  // in (0, 1], so the logarithm is finite
        let u2 = uniform(stream, index &* 2 &+ 1)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Smooth noise at `seconds`: standard normal values at knots `period` apart, joined by cosine interpolation.
    /// Its standard deviation is 1 at the knots and about 0.7 midway; it never jumps.
    func smooth(_ stream: NoiseStream, at seconds: Double, period: Double) -> Double {
        let position = seconds / period
        let knot = position.rounded(.down)
        let fraction = position - knot
        let index = Int64(knot)
        let a = gaussian(stream, index)
        let b = gaussian(stream, index &+ 1)
        let weight = (1 - cos(Double.pi * fraction)) / 2
        return a + (b - a) * weight
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Independent streams of ``SeededNoise``, one per use, so that no two quantities share random values.
enum NoiseStream: UInt64 {
    case heartRateDrift = 1
    case oxygenSaturationDrift
    case temperatureDrift
    case respiratoryRateDrift
    case bloodPressureDrift
    case perfusionDrift
    case beatToBeat
    case mayerWavePhase
    case firstBeat
    case oximeterReading
    case oximeterPulse
    case oximeterArtifact
    case oximeterArtifactDepth
    case serialOximeterReading
    case serialOximeterPulse
    case displacedValues
    case thermometerReading
    case systolicReading
    case diastolicReading
    case accelerometerX
    case accelerometerY
    case accelerometerZ
    case walkingCadence
    case perfusionReading
}
