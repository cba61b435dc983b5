import Crypto
import Foundation

/// One access to patient data (or to accounts), about to be written to the audit log.
public struct AuditRecord: Sendable, Hashable {
    public var actorID: Int64?
    public var actorRole: Role?
    /// What was done: `patient.read`, `careTeam.change`, `account.create`…
    public var action: String
    public var patientID: Int64?
    /// The request's method and path.
    public var resource: String
    /// The client's address.
    public var address: String?

    public init(actorID: Int64?, actorRole: Role?, action: String, patientID: Int64?, resource: String, address: String?) {
        self.actorID = actorID
        self.actorRole = actorRole
        self.action = action
        self.patientID = patientID
        self.resource = resource
        self.address = address
    }
}

/// A written audit entry and its place in the hash chain.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var record: AuditRecord
    public var previousHash: String
    public var hash: String

    /// The chain's first `previousHash`.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// SHA-256, in hex, of the previous entry's hash and this entry's fields as a JSON array: a change to any
    /// field of any entry, or a removed or inserted entry, changes every hash after it.
    public static func hash(id: Int64, at milliseconds: Int64, record: AuditRecord, previousHash: String) -> String {
        let fields: [String?] = [
            String(id), String(milliseconds), record.actorID.map(String.init), record.actorRole?.rawValue, record.action,
            record.patientID.map(String.init), record.resource, record.address,
        ]
        var input = Array(previousHash.utf8)
        input.append(0x0A)
        appendJSON(fields, to: &input)
        return sha256Hex(Data(input))
    }

    /// `fields` as JSONEncoder writes an array of optional strings, byte for byte (the chain's format was defined by
    /// it): `null`, and strings with `"`, `\` and `/` escaped, `\b \f \n \r \t` for those controls and `\u00XX`
    /// for the other ones below 0x20. Written by hand: an audited read appends an entry per patient, and
    /// JSONEncoder was most of the cost of each.
    static func appendJSON(_ fields: [String?], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if let field { JSONText.appendString(field, to: &bytes) } else { bytes += Array("null".utf8) }
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

/// SHA-256 of `data` in lower-case hex: audit hashes, and refresh tokens as the hub stores them.
public func sha256Hex(_ data: Data) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: data) {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: hex, as: UTF8.self)
}

/// The outcome of checking the audit chain from its first entry.
public struct AuditVerification: Sendable, Hashable {
    public var entriesChecked: Int
    /// The first entry whose stored hash or link does not match, nil when the chain holds.
    public var firstBrokenID: Int64?
    public var isIntact: Bool { firstBrokenID == nil }
}

/// Which audit entries to list.
public struct AuditFilter: Sendable, Hashable {
    public var actorID: Int64?
    public var patientID: Int64?
    public var action: String?
    public var from: Date?
    public var to: Date?

    public init(actorID: Int64? = nil, patientID: Int64? = nil, action: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.actorID = actorID
        self.patientID = patientID
        self.action = action
        self.from = from
        self.to = to
    }
}

/// JSON text written by hand.
package enum JSONText {
    /// `value` as a JSON string, escaped exactly as JSONEncoder escapes it: the audit hash depends on it byte for
    /// byte, and the API's hand-written JSON uses it too.
    package static func appendString(_ value: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "/"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "/")]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
