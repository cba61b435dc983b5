/// The full-scale range a three-axis accelerometer was configured with; raw ±32768 maps to ± this many g.
public enum AccelerometerFullScale: Int, Hashable, Sendable, CaseIterable {
    /// ±2 g.
    case g2 = 2
    /// ±4 g.
    case g4 = 4
    /// ±8 g.
    case g8 = 8
    /// ±16 g.
    case g16 = 16

    /// The range in g.
    public var g: Double { Double(rawValue) }
}

/// One three-axis sample as the sensor sends it: signed 16-bit counts per axis.
public struct AccelerometerSample: Hashable, Sendable {
    /// X axis, raw counts.
    public var x: Int16
    /// Y axis, raw counts.
    public var y: Int16
    /// Z axis, raw counts.
    public var z: Int16

    /// Creates a sample from raw counts.
    public init(x: Int16, y: Int16, z: Int16) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Creates the sample nearest to an acceleration in g at `fullScale` (`raw = g / fullScale × 32768`,
    /// rounded half away from zero); throws when an axis is not finite or does not fit in 16 bits.
    public init(x: Double, y: Double, z: Double, fullScale: AccelerometerFullScale) throws(EncodingFailure) {
        func raw(_ value: Double, _ axis: String) throws(EncodingFailure) -> Int16 {
            let format = AccelerometerPacket.formatName
            guard value.isFinite else { throw EncodingFailure(format: format, field: axis, reason: .notFinite) }
            let scaled = (value / fullScale.g * 32768).rounded(.toNearestOrAwayFromZero)
            guard scaled >= -32768, scaled <= 32767 else {
                throw EncodingFailure(format: format, field: axis,
                                      reason: .notRepresentable(value: value, allowed: -32768...32767))
            }
            return Int16(scaled)
        }
        self.init(x: try raw(x, "x"), y: try raw(y, "y"), z: try raw(z, "z"))
    }

    /// The acceleration in g at `fullScale`: `raw / 32768 × fullScale` per axis.
    public func acceleration(fullScale: AccelerometerFullScale) -> Acceleration {
        Acceleration(x: Double(x) / 32768 * fullScale.g, y: Double(y) / 32768 * fullScale.g,
                     z: Double(z) / 32768 * fullScale.g)
    }
}

/// An acceleration in units of standard gravity (g).
public struct Acceleration: Hashable, Sendable {
    /// X axis, g.
    public var x: Double
    /// Y axis, g.
    public var y: Double
    /// Z axis, g.
    public var z: Double

    /// Creates an acceleration.
    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }
}

/// A packet of three-axis accelerometer samples: each sample is x, y, z as little-endian `Int16`, 6 bytes, with
/// no header; the sample count is the length divided by 6.
///
/// A packet holds 1...``maximumSampleCount`` samples: 40 samples are 240 bytes, the most that fits one BLE
/// notification at the largest ATT MTU of 247 (244 bytes of payload). An empty packet needs more bytes; a length
/// that is not a multiple of 6 or exceeds 240 bytes is rejected. The full-scale range is not on the wire: the
/// caller passes the one the sensor was configured with.
public struct AccelerometerPacket: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "Accelerometer Samples"
    /// Bytes per sample.
    public static let sampleByteCount = 6
    /// Most samples in one packet.
    public static let maximumSampleCount = 40

    /// The range the sensor was configured with.
    public var fullScale: AccelerometerFullScale
    /// The samples, oldest first.
    public var samples: [AccelerometerSample]

    /// Creates a packet; encoding fails when it holds no sample or more than ``maximumSampleCount``.
    public init(fullScale: AccelerometerFullScale, samples: [AccelerometerSample]) {
        self.fullScale = fullScale
        self.samples = samples
    }

    /// The samples in g.
    public var accelerations: [Acceleration] { samples.map { $0.acceleration(fullScale: fullScale) } }

    /// Decodes a whole packet read at `fullScale`.
    public init(decoding bytes: some Sequence<UInt8>, fullScale: AccelerometerFullScale) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        let length = reader.readableBytes
        let maximumLength = Self.maximumSampleCount * Self.sampleByteCount
        guard length > 0 else {
            throw reader.failure("Sample[0]", .needMoreBytes(needed: Self.sampleByteCount, available: 0))
        }
        guard length <= maximumLength else {
            throw reader.failure("Length", .outOfRange(value: Int64(length), allowed: 6...Int64(maximumLength)))
        }
        guard length % Self.sampleByteCount == 0 else {
            throw reader.failure("Length", .lengthNotMultiple(length: length, recordSize: Self.sampleByteCount))
        }
        var samples: [AccelerometerSample] = []
        samples.reserveCapacity(length / Self.sampleByteCount)
        // The length is a whole number of samples, so these reads succeed; the guard keeps that unforced.
        while let x = reader.bytes.readInt16LittleEndian() {
            guard let y = reader.bytes.readInt16LittleEndian(), let z = reader.bytes.readInt16LittleEndian() else {
                throw reader.failure("Sample[\(samples.count)]",
                                     .needMoreBytes(needed: Self.sampleByteCount, available: reader.readableBytes))
            }
            samples.append(AccelerometerSample(x: x, y: y, z: z))
        }
        self.init(fullScale: fullScale, samples: samples)
    }

    /// Encodes the packet; throws when it holds no sample or more than ``maximumSampleCount``.
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        guard (1...Self.maximumSampleCount).contains(samples.count) else {
            throw EncodingFailure(format: Self.formatName, field: "Sample count",
                                  reason: .outOfRange(value: Int64(samples.count), allowed: 1...Int64(Self.maximumSampleCount)))
        }
        var out: [UInt8] = []
        out.reserveCapacity(samples.count * Self.sampleByteCount)
        for sample in samples {
            out.appendUInt16(UInt16(bitPattern: sample.x))
            out.appendUInt16(UInt16(bitPattern: sample.y))
            out.appendUInt16(UInt16(bitPattern: sample.z))
        }
        return out
    }
}
