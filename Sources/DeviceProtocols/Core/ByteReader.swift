/// A read cursor over bytes, shaped like SwiftNIO's `ByteBuffer` reader API.
///
/// Every `read…` either returns a value and moves ``readerIndex`` past it, or returns `nil` and leaves the index
/// where it was, so a caller can wait for more bytes and try again. Multi-byte integers are little-endian, as in
/// every Bluetooth GATT characteristic.
public struct ByteReader: Hashable, Sendable {
    private var storage: [UInt8]
    /// Index of the next byte to read; it only moves when a read succeeds.
    public private(set) var readerIndex: Int

    /// Creates a reader positioned at the first of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        storage = Array(bytes)
        readerIndex = 0
    }

    /// How many bytes remain to be read.
    public var readableBytes: Int { storage.count - readerIndex }

    /// The next byte, without moving the reader; `nil` when none remains.
    public func peekUInt8() -> UInt8? {
        readableBytes >= 1 ? storage[readerIndex] : nil
    }

    /// Reads one byte.
    public mutating func readUInt8() -> UInt8? {
        guard readableBytes >= 1 else { return nil }
        defer { readerIndex += 1 }
        return storage[readerIndex]
    }

    /// Reads a little-endian `UInt16`.
    public mutating func readUInt16LittleEndian() -> UInt16? {
        guard let value = readLittleEndian(byteCount: 2) else { return nil }
        return UInt16(truncatingIfNeeded: value)
    }

    /// Reads a little-endian 24-bit unsigned integer into the low bits of a `UInt32`.
    public mutating func readUInt24LittleEndian() -> UInt32? {
        readLittleEndian(byteCount: 3)
    }

    /// Reads a little-endian `UInt32`.
    public mutating func readUInt32LittleEndian() -> UInt32? {
        readLittleEndian(byteCount: 4)
    }

    /// Reads a little-endian `Int16`.
    public mutating func readInt16LittleEndian() -> Int16? {
        readUInt16LittleEndian().map { Int16(bitPattern: $0) }
    }

    /// Reads `count` bytes; `nil` when fewer remain or `count` is negative.
    public mutating func readBytes(count: Int) -> [UInt8]? {
        guard count >= 0, readableBytes >= count else { return nil }
        defer { readerIndex += count }
        return Array(storage[readerIndex..<(readerIndex + count)])
    }

    private mutating func readLittleEndian(byteCount: Int) -> UInt32? {
        guard readableBytes >= byteCount else { return nil }
        var value: UInt32 = 0
        for offset in 0..<byteCount {
            value |= UInt32(storage[readerIndex + offset]) << (8 * offset)
        }
        readerIndex += byteCount
        return value
    }
}

/// A ``ByteReader`` that knows which format it decodes, so that every failed read names the format and the field.
struct FieldReader {
    var bytes: ByteReader
    let format: String
    /// The last field read successfully; named by a trailing-bytes failure.
    private(set) var lastField = "(none)"

    init(_ bytes: ByteReader, format: String) {
        self.bytes = bytes
        self.format = format
    }

    func failure(_ field: String, _ reason: DecodingFailure.Reason) -> DecodingFailure {
        DecodingFailure(format: format, field: field, reason: reason)
    }

    private func shortage(_ field: String, needed: Int) -> DecodingFailure {
        failure(field, .needMoreBytes(needed: needed, available: bytes.readableBytes))
    }

    var readableBytes: Int { bytes.readableBytes }

    mutating func uint8(_ field: String) throws(DecodingFailure) -> UInt8 {
        guard let value = bytes.readUInt8() else { throw shortage(field, needed: 1) }
        lastField = field
        return value
    }

    mutating func uint16(_ field: String) throws(DecodingFailure) -> UInt16 {
        guard let value = bytes.readUInt16LittleEndian() else { throw shortage(field, needed: 2) }
        lastField = field
        return value
    }

    mutating func uint24(_ field: String) throws(DecodingFailure) -> UInt32 {
        guard let value = bytes.readUInt24LittleEndian() else { throw shortage(field, needed: 3) }
        lastField = field
        return value
    }

    mutating func uint32(_ field: String) throws(DecodingFailure) -> UInt32 {
        guard let value = bytes.readUInt32LittleEndian() else { throw shortage(field, needed: 4) }
        lastField = field
        return value
    }

    mutating func sfloat(_ field: String) throws(DecodingFailure) -> MedFloat16 {
        MedFloat16(rawValue: try uint16(field))
    }

    mutating func float(_ field: String) throws(DecodingFailure) -> MedFloat32 {
        MedFloat32(rawValue: try uint32(field))
    }

    /// Reads a flags byte and rejects any bit outside `defined`.
    mutating func flags(_ field: String = "Flags", defined: UInt8) throws(DecodingFailure) -> UInt8 {
        var probe = self
        let value = try probe.uint8(field)
        let reserved = value & ~defined
        guard reserved == 0 else { throw failure(field, .reservedBitsSet(mask: UInt32(reserved))) }
        self = probe
        return value
    }

    /// Throws ``DecodingFailure/Reason/trailingBytes(count:)`` unless every byte has been read.
    func expectEnd() throws(DecodingFailure) {
        guard bytes.readableBytes == 0 else {
            throw failure(lastField, .trailingBytes(count: bytes.readableBytes))
        }
    }
}

/// Little-endian appends for encoders.
extension Array where Element == UInt8 {
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendUInt24(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value >> 16))
    }

    mutating func appendUInt32(_ value: UInt32) {
        appendUInt24(value)
        append(UInt8(truncatingIfNeeded: value >> 24))
    }
}
