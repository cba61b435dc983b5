#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Vitals

/// JSON for every SilverWatch payload: compact, keys sorted (so equal payloads are equal bytes), and decoding errors
/// that name the field.
public enum PayloadCodec {
    /// Payloads larger than this are rejected before parsing (a reading batch of the maximum size is far smaller).
    public static let maximumPayloadBytes = 256 * 1024

    /// Encodes a payload.
    public static func encode(_ payload: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Payloads are plain structs of strings, numbers and arrays: encoding them cannot fail.
        return (try? Array(encoder.encode(payload))) ?? []
    }

    /// Decodes a payload of type `Payload`, or says which field is wrong.
    public static func decode<Payload: Decodable>(_ type: Payload.Type, from bytes: [UInt8]) throws(PayloadError) -> Payload {
        guard bytes.count <= maximumPayloadBytes else {
            throw PayloadError(field: "(payload)", reason: "is \(bytes.count) bytes, more than the \(maximumPayloadBytes) allowed")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            let (path, message) = DecodingFailureDescription.describe(error)
            throw PayloadError(field: path == "(document)" ? "(payload)" : path, reason: message)
        } catch {
            throw PayloadError(field: "(payload)", reason: "\(error)")
        }
    }

    /// Decodes a reading batch: the plain form through ``ReadingBatchParser``, anything else (and every error)
    /// through ``decode(_:from:)``, with the same results.
    public static func decodeReadingBatch(from bytes: [UInt8]) throws(PayloadError) -> ReadingBatch {
        guard bytes.count <= maximumPayloadBytes else { return try decode(ReadingBatch.self, from: bytes) }
        if let batch = ReadingBatchParser.parse(bytes) { return batch }
        return try decode(ReadingBatch.self, from: bytes)
    }

    /// Checks the schema version every payload carries.
    static func checkSchema(_ schema: Int, supported: Int) throws(PayloadError) {
        guard schema == supported else {
            throw PayloadError(field: "schema", reason: "version \(schema) is not supported (this hub reads \(supported))")
        }
    }
}

/// Milliseconds since 1970-01-01 UTC, the time format of every payload: compact, exact and cheap to parse.
extension Date {
    /// This instant in whole milliseconds since the epoch.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// The instant `milliseconds` after the epoch.
    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// Time stamps in payloads must fall between 2000 and 2100: anything else is a device or agent clock gone wrong.
let plausibleMilliseconds: ClosedRange<Int64> = 946_684_800_000...4_102_444_800_000

func checkTime(_ milliseconds: Int64, field: String) throws(PayloadError) {
    guard plausibleMilliseconds.contains(milliseconds) else {
        throw PayloadError(field: field, reason: "\(milliseconds) ms is not a time between 2000 and 2100")
    }
}
