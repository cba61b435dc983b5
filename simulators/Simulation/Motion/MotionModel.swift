#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DeviceProtocols

/// A chest-worn accelerometer's readings for a ``MotionScript``: pure, seeded, in wall time.
///
/// Shaped to the published signatures the agent's fall detector looks for (Bourke et al. 2007 and 2010): walking
/// swings between about 0.7 and 1.35 g and never leaves 1 g long; a fall spends about 0.35 s near 0.3 g while the
/// trunk rotates (never below 0.2 g, which would look like a dropped device), lands with about 3.6 g, bounces for
/// half a second and then lies still turned 90°.
public struct MotionModel: Sendable, Hashable {
    /// What the wearer does.
    public var script: MotionScript
    let noise: SeededNoise
    /// Steps per second, about 1.75–1.95 depending on the seed.
    let cadence: Double

    /// The readings of `script` with noise from `seed`.
    public init(script: MotionScript, seed: UInt64) {
        self.script = script
        self.noise = SeededNoise(seed: seed)
        self.cadence = 1.75 + 0.2 * noise.uniform(.walkingCadence, 0)
    }

    /// The sample rate, per second.
    public static let sampleRate = 50

    /// Sample `index` (at `index / 50` s), in g.
    public func acceleration(sample index: Int64) -> Acceleration {
        let seconds = Double(index) / Double(Self.sampleRate)
        let (activity, offset) = script.activity(at: seconds)
        var signal: Vector3
        var sigma: Double
        switch activity {
        case .still(let posture):
            signal = posture.gravity
            sigma = 0.012
        case .walking:
            signal = walking(at: seconds)
            sigma = 0.03
        case .turning(let from, let to):
            let fraction = ramp(offset, 0, 3)
            signal = Vector3.slerp(from.gravity, to.gravity, fraction) * (1 + 0.08 * sin(Double.pi * fraction))
            sigma = 0.025
        case .falling(let posture):
            signal = falling(onto: posture, after: offset)
            sigma = 0.02
        }
        let jitter = Vector3(x: sigma * noise.gaussian(.accelerometerX, index),
                             y: sigma * noise.gaussian(.accelerometerY, index),
                             z: sigma * noise.gaussian(.accelerometerZ, index))
        var reading = signal + jitter
        if case .falling = activity, reading.length < 0.25 {
            // Stay above the detector's "weightless" 0.2 g: a body falling about its feet is never in free fall.
            reading = reading * (0.25 / max(reading.length, 1e-6))
        }
        return reading.acceleration
    }

    /// Upright walking: vertical bounce at the step frequency with a harmonic, fore-aft sway, lateral sway at the
    /// stride frequency (half the step frequency).
    private func walking(at seconds: Double) -> Vector3 {
        let phase = 2 * Double.pi * cadence * seconds
        return Vector3(x: 0.08 * sin(phase / 2),
                       y: 1 + 0.25 * sin(phase) + 0.06 * sin(2 * phase + 0.7),
                       z: 0.1 + 0.15 * sin(phase + 1.2))
    }

    /// The fall, `offset` seconds after it began.
    private func falling(onto posture: Posture, after offset: Double) -> Vector3 {
        let start = Posture.upright.gravity
        let end = posture.gravity
        switch offset {
        case ..<0.05:
            // Losing balance: support gives way within 50 ms.
            return start * (1 - 0.7 * offset / 0.05)
        case ..<0.40:
            // Falling: about 0.3 g while the trunk rotates towards the floor.
            let direction = Vector3.slerp(start, end, (offset - 0.05) / 0.35)
            return direction * (0.3 + 0.03 * sin(2 * Double.pi * 6 * offset))
        case ..<0.48:
            // Impact: peaks at 3.6 g 20 ms after the low-g phase ends.
            let spike = exp(-pow((offset - 0.42) / 0.02, 2))
            return end * (1 + 2.6 * spike) + Vector3(x: 0, y: 0.4 * spike, z: 0.3 * spike)
        default:
            // A damped bounce, then lying still.
            let t = offset - 0.48
            return end * (1 + 0.5 * exp(-t / 0.1) * sin(2 * Double.pi * 6 * t))
        }
    }
}
