/// A fast, strict reader for the common shape of a ``ReadingBatch``: what the hub spends most of its time on when
/// gateways are busy (a general JSON decoder took 60 % of the hub's CPU in the ingest benchmark).
///
/// It reads only the plain form of the document: the known keys, each once; strings without `\u` escapes;
/// integers without fraction or exponent; no `null`. Anything else (an escape, an unknown key, a syntax error, a missing
/// field) makes it return `nil`, and the caller hands the payload to the general decoder, which either reads it or
/// reports the error with the field named. So the fast path never accepts a document the general decoder would
/// refuse, and what it accepts it reads to the same values (the tests check both on random and mutated payloads).
public enum ReadingBatchParser {
    /// The batch in `bytes`, or `nil` when the document is not in the plain form this reader handles.
    public static func parse(_ bytes: [UInt8]) -> ReadingBatch? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            guard let batch = reader.batch(), reader.atEnd() else { return nil }
            return batch
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func batch() -> ReadingBatch? {
            var schema: Int?, gateway: String?, device: String?, readings: [ReadingBatch.Entry]?
            let complete = object { key, reader in
                switch key {
                case "schema" where schema == nil: schema = reader.integer().flatMap { Int(exactly: $0) }; return schema != nil
                case "gateway" where gateway == nil: gateway = reader.string(); return gateway != nil
                case "device" where device == nil: device = reader.string(); return device != nil
                case "readings" where readings == nil: readings = reader.entries(); return readings != nil
                default: return false
                }
            }
            guard complete, let schema, let gateway, let device, let readings else { return nil }
            var batch = ReadingBatch(gateway: gateway, device: device, readings: readings)
            batch.schema = schema
            return batch
        }

        mutating func entries() -> [ReadingBatch.Entry]? {
            var entries: [ReadingBatch.Entry] = []
            let complete = array { reader in
                guard let entry = reader.entry() else { return false }
                entries.append(entry)
                return true
            }
            return complete ? entries : nil
        }

        mutating func entry() -> ReadingBatch.Entry? {
            var seq: Int64?, kind: String?, value: Double?, unit: String?, measuredAt: Int64?, receivedAt: Int64?
            var flags: [String]?, details: [String: String]?
            let complete = object { key, reader in
                switch key {
                case "seq" where seq == nil: seq = reader.integer(); return seq != nil
                case "kind" where kind == nil: kind = reader.string(); return kind != nil
                case "value" where value == nil: value = reader.number(); return value != nil
                case "unit" where unit == nil: unit = reader.string(); return unit != nil
                case "measuredAt" where measuredAt == nil: measuredAt = reader.integer(); return measuredAt != nil
                case "receivedAt" where receivedAt == nil: receivedAt = reader.integer(); return receivedAt != nil
                case "flags" where flags == nil:
                    var list: [String] = []
                    guard reader.array({ reader in
                        guard let flag = reader.string() else { return false }
                        list.append(flag)
                        return true
                    }) else { return false }
                    flags = list
                    return true
                case "details" where details == nil:
                    var map: [String: String] = [:]
                    guard reader.object({ name, reader in
                        guard map[name] == nil, let text = reader.string() else { return false }
                        map[name] = text
                        return true
                    }) else { return false }
                    details = map
                    return true
                default: return false
                }
            }
            guard complete, let seq, let kind, let value, let unit, let measuredAt, let receivedAt else { return nil }
            return ReadingBatch.Entry(seq: seq, kind: kind, value: value, unit: unit, measuredAt: measuredAt, receivedAt: receivedAt,
                                      flags: flags, details: details)
        }

        // MARK: JSON, the plain form

        /// `{ "key": value, … }`, handing each key to `member`, which reads the value and says whether it could.
        mutating func object(_ member: (String, inout Reader) -> Bool) -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            if take(UInt8(ascii: "}")) { return true }
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")), member(key, &self) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        }

        /// `[ value, … ]`, handing each element to `element`.
        mutating func array(_ element: (inout Reader) -> Bool) -> Bool {
            guard take(UInt8(ascii: "[")) else { return false }
            if take(UInt8(ascii: "]")) { return true }
            repeat {
                guard element(&self) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        }

        /// A string in valid UTF-8 without control characters; of the escapes, the one-character ones (`\/` is
        /// how the encoder writes the slash of `/min`), not `\u`.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            var unescaped: [UInt8]?
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let text = unescaped.map { String(validating: $0, as: UTF8.self) }
                        ?? String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                    position += 1
                    return text
                }
                if byte < 0x20 { return nil }
                if byte == UInt8(ascii: "\\") {
                    guard position + 1 < bytes.count else { return nil }
                    let replacement: UInt8
                    switch bytes[position + 1] {
                    case UInt8(ascii: "\""): replacement = UInt8(ascii: "\"")
                    case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
                    case UInt8(ascii: "/"): replacement = UInt8(ascii: "/")
                    case UInt8(ascii: "b"): replacement = 0x08
                    case UInt8(ascii: "f"): replacement = 0x0C
                    case UInt8(ascii: "n"): replacement = 0x0A
                    case UInt8(ascii: "r"): replacement = 0x0D
                    case UInt8(ascii: "t"): replacement = 0x09
                    default: return nil
                    }
                    if unescaped == nil { unescaped = Array(bytes[start..<position]) }
                    unescaped?.append(replacement)
                    position += 2
                    continue
                }
                unescaped?.append(byte)
                position += 1
            }
            return nil
        }

        /// An integer: an optional minus and 1–18 digits, no leading zero, no fraction or exponent.
        mutating func integer() -> Int64? {
            skipSpace()
            var index = position
            let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let first = index
            var magnitude: Int64 = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                // 18 digits always fit in an Int64; a 19th could overflow, and such numbers are not ours to read.
                if index - first == 18 { return nil }
                magnitude = magnitude * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            let digits = index - first
            guard digits > 0, !(digits > 1 && bytes[first] == UInt8(ascii: "0")), !continuesNumber(at: index) else { return nil }
            position = index
            return negative ? -magnitude : magnitude
        }

        /// A JSON number, converted with correct rounding; `nil` for one out of `Double`'s range.
        mutating func number() -> Double? {
            skipSpace()
            var index = position
            func digits() -> Int {
                let start = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
                return index - start
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            let integerDigits = digits()
            guard integerDigits > 0, !(integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0")) else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return nil }
            }
            guard !continuesNumber(at: index), index - position <= 64 else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<index]), as: UTF8.self)
            // Out of range either way: too large (infinite) or so small it rounds to zero although a digit is not.
            guard let value = Double(text), value.isFinite else { return nil }
            if value == 0, bytes[position..<index].contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
                // Only the mantissa's digits count: "0e5" is zero, "5e-400" underflowed.
                let mantissaEnd = bytes[position..<index].firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? index
                if bytes[position..<mantissaEnd].contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) { return nil }
            }
            position = index
            return value
        }

        /// Whether a number is followed by something that would make it a different token (`1.5` after `1`).
        func continuesNumber(at index: Int) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                 UInt8(ascii: "+"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }

        /// Skips white space and takes `byte` if it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func atEnd() -> Bool {
            skipSpace()
            return position == bytes.count
        }
    }
}
