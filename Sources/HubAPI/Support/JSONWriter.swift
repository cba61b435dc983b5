import Foundation
import Hub
import Hummingbird
import NIOCore

/// JSON written straight into bytes, for the few responses whose size makes Foundation's JSONEncoder the larger part
/// of a request's work (a caregiver's overview: fifty patients' vitals). Everything else goes through Codable. Each
/// type written here keeps its Codable form too, and a test checks that the two give the same JSON.
struct JSONWriter {
    /// A 200 response of what `write` writes.
    static func response(status: HTTPResponse.Status = .ok, _ write: (inout JSONWriter) -> Void) -> Response {
        var json = JSONWriter()
        write(&json)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<Element>(_ elements: some Sequence<Element>, _ body: (inout JSONWriter, Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for element in elements { body(&self, element) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member's key; its value follows.
    mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        appendString(value)
        needsComma = true
    }

    mutating func int(_ value: some BinaryInteger) {
        separate()
        bytes += Array(String(value).utf8)
        needsComma = true
    }

    /// A finite number (a non-finite one is written as null: JSON has none).
    mutating func double(_ value: Double) {
        separate()
        if value.isFinite {
            bytes += Array((value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)).utf8)
        } else {
            bytes += Array("null".utf8)
        }
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes += Array((value ? "true" : "false").utf8)
        needsComma = true
    }

    mutating func date(_ value: Date) { string(APIJSON.iso8601(value)) }

    /// `key: value` members, left out when the value is nil (as Codable leaves out a nil optional).
    mutating func member(_ name: String, _ value: String?) { if let value { key(name); string(value) } }
    mutating func member<Integer: BinaryInteger>(_ name: String, _ value: Integer?) { if let value { key(name); int(value) } }
    mutating func member(_ name: String, _ value: Double?) { if let value { key(name); double(value) } }
    mutating func member(_ name: String, _ value: Date?) { if let value { key(name); date(value) } }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendString(_ value: String) {
        JSONText.appendString(value, to: &bytes)
    }
}

extension DTO.Reading {
    func write(_ json: inout JSONWriter) {
        json.object { json in
            json.member("kind", kind)
            json.member("value", value)
            json.member("unit", unit)
            json.member("unitSymbol", unitSymbol)
            json.member("measuredAt", measuredAt)
            json.member("deviceId", deviceId)
            json.member("sequence", sequence)
            json.key("flags")
            json.array(flags) { json, flag in json.string(flag) }
        }
    }
}

extension DTO.News2 {
    func write(_ json: inout JSONWriter) {
        json.object { json in
            json.member("total", total)
            json.member("partialTotal", partialTotal)
            json.member("risk", risk)
            json.member("minimumRisk", minimumRisk)
            json.member("scale", scale)
            json.key("parameters")
            json.object { json in
                for (name, points) in parameters.sorted(by: { $0.key < $1.key }) { json.member(name, points) }
            }
            json.key("missing")
            json.array(missing) { json, name in json.string(name) }
        }
    }
}

extension DTO.LatestVitals {
    func write(_ json: inout JSONWriter) {
        json.object { json in
            json.member("patientId", patientId)
            json.member("displayName", displayName)
            json.key("vitals")
            json.array(vitals) { json, reading in reading.write(&json) }
            json.key("news2")
            news2.write(&json)
        }
    }
}

extension Page where Item == DTO.LatestVitals {
    func write(_ json: inout JSONWriter) {
        json.object { json in
            json.key("items")
            json.array(items) { json, item in item.write(&json) }
            json.member("nextCursor", nextCursor)
        }
    }
}
