import Foundation
import Telemetry
import TestSupport
import Testing

/// The fast reading-batch reader against the general JSON decoder: whatever the fast path accepts, the general
/// decoder reads to the same value; what it declines goes to the general decoder.
@Suite struct ReadingBatchParserTests {
    static func general(_ bytes: [UInt8]) -> ReadingBatch? {
        try? JSONDecoder().decode(ReadingBatch.self, from: Data(bytes))
    }

    static func randomBatch(_ random: inout SplitMix64) -> ReadingBatch {
        let names = ["gw-1", "oxi-7", "a", "Z.9_x-", "thermo-1"]
        let values: [Double] = [97, 72, 36.7, -0.5, 0, 1e-3, 120.25, 98.6, 1_000_000, 0.1 + 0.2, 5e-324, 1.7976931348623157e308]
        let texts = ["questionable", "low-perfusion", "°C", "impact 3.2 g", "", "naïve ☃"]
        let readings = (0..<Int.random(in: 1...5, using: &random)).map { _ in
            ReadingBatch.Entry(
                seq: Int64.random(in: 0...Int64(1) << 50, using: &random), kind: texts.randomElement(using: &random)!,
                value: Bool.random(using: &random) ? values.randomElement(using: &random)! : Double.random(in: -500...500, using: &random),
                unit: ["%", "/min", "Cel", "mm[Hg]"].randomElement(using: &random)!,
                measuredAt: Int64.random(in: 946_684_800_000...4_102_444_800_000, using: &random),
                receivedAt: Int64.random(in: -5...4_102_444_800_000, using: &random),
                flags: Bool.random(using: &random) ? (0..<Int.random(in: 0...2, using: &random)).map { _ in texts.randomElement(using: &random)! } : nil,
                details: Bool.random(using: &random) ? Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0...2, using: &random)).map { index in
                    ("k\(index)", texts.randomElement(using: &random)!)
                }) : nil)
        }
        return ReadingBatch(gateway: names.randomElement(using: &random)!, device: names.randomElement(using: &random)!, readings: readings)
    }

    /// The same document with white space anywhere JSON allows it and keys in any order.
    static func reformatted(_ bytes: [UInt8], _ random: inout SplitMix64) throws -> [UInt8] {
        func render(_ value: Any) -> String {
            func space() -> String { [" ", "", "\n", "\t", "  ", "\r\n"].randomElement(using: &random)! }
            switch value {
            case let object as [String: Any]:
                let members = object.keys.shuffled(using: &random).map { key in space() + quoted(key) + space() + ":" + space() + render(object[key]!) + space() }
                return "{" + members.joined(separator: ",") + "}"
            case let array as [Any]:
                return "[" + array.map { space() + render($0) + space() }.joined(separator: ",") + "]"
            case let string as String:
                return quoted(string)
            case let number as NSNumber:
                return number.stringValue
            default:
                return "null"
            }
        }
        func quoted(_ text: String) -> String { "\"" + text + "\"" }
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        return Array(render(object).utf8)
    }

    @Test func encodedBatchesReadTheSameFastAndGeneral() throws {
        var random = SplitMix64(seed: 1)
        for _ in 0..<3000 {
            let batch = Self.randomBatch(&random)
            let bytes = PayloadCodec.encode(batch)
            let fast = try #require(ReadingBatchParser.parse(bytes), "declined \(String(decoding: bytes, as: UTF8.self))")
            #expect(fast == batch)
            #expect(fast == Self.general(bytes))
        }
    }

    @Test func whiteSpaceAndKeyOrderDoNotMatter() throws {
        var random = SplitMix64(seed: 2)
        for _ in 0..<2000 {
            let batch = Self.randomBatch(&random)
            let bytes = try Self.reformatted(PayloadCodec.encode(batch), &random)
            let general = try #require(Self.general(bytes))
            if let fast = ReadingBatchParser.parse(bytes) {
                #expect(fast == general, "\(String(decoding: bytes, as: UTF8.self))")
            } else {
                // Only numbers JSONSerialization rewrote (e.g. 1e-05) may be declined; none of these documents should be.
                Issue.record("declined \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    /// Mutated documents: the fast path either declines or agrees with the general decoder, value for value.
    @Test func mutatedDocumentsAreDeclinedOrReadAsTheGeneralDecoderReadsThem() {
        var random = SplitMix64(seed: 3)
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-nulltrue"#.utf8) + [0x00, 0x1F, 0xC3, 0xA9, 0xFF]
        var agreed = 0
        var declined = 0
        for _ in 0..<20_000 {
            var bytes = PayloadCodec.encode(Self.randomBatch(&random))
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = alphabet.randomElement(using: &random)!
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: index)
                case 2: bytes.remove(at: index)
                default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 8)], at: index)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            guard let fast = ReadingBatchParser.parse(bytes) else {
                declined += 1
                continue
            }
            agreed += 1
            #expect(Self.general(bytes) == fast, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(agreed > 1000 && declined > 1000, "both paths exercised: \(agreed) read, \(declined) declined")
    }

    @Test(arguments: [
        #"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"sp\u006F2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#,
        #"{"schema":1,"gateway":"gw","device":"d","extra":true,"readings":[{"seq":1,"kind":"spo2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#,
        #"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000,"flags":null}]}"#,
        #"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1.0,"kind":"spo2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#,
    ])
    func documentsBeyondThePlainFormGoToTheGeneralDecoder(text: String) throws {
        let bytes = Array(text.utf8)
        #expect(ReadingBatchParser.parse(bytes) == nil)
        let general = try #require(Self.general(bytes), "the general decoder reads it")
        #expect(try PayloadCodec.decodeReadingBatch(from: bytes) == general)
    }

    @Test func errorsStillNameTheField() {
        let bytes = Array(#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#.utf8)
        #expect(throws: PayloadError.self) { try PayloadCodec.decodeReadingBatch(from: bytes) }
        do {
            _ = try PayloadCodec.decodeReadingBatch(from: bytes)
        } catch {
            #expect(error.field == "readings[0].value")
        }
    }
}
