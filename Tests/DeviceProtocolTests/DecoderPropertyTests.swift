import TestSupport
import Testing
@testable import DeviceProtocols

/// Every decoder against 100,000 random and mutated inputs: it returns or throws `DecodingFailure` and never traps;
/// "need more bytes" comes exactly when the input is shorter than its flags announce; whatever decodes re-encodes
/// to the same bytes. The same inputs go through each GATT format's `decode(from:)` (`+ByteReader`), and the CMS50
/// stream decoder gets 100,000 streams of its own (`+Stream`).
@Suite("Decoder properties")
struct DecoderPropertyTests {
    enum Subject: String, CaseIterable, Sendable {
        case heartRate, temperature, spotCheck, continuous, bloodPressure, battery, accelerometer, cms50Frame

        /// A valid encoding of a random value.
        func validEncoding(_ rng: inout SplitMix64) -> [UInt8] {
            do {
                switch self {
                case .heartRate: return try Generate.heartRate(&rng).encoded()
                case .temperature: return try Generate.temperature(&rng).encoded()
                case .spotCheck: return try Generate.spotCheck(&rng).encoded()
                case .continuous: return try Generate.continuous(&rng).encoded()
                case .bloodPressure: return try Generate.bloodPressure(&rng).encoded()
                case .battery: return try Generate.battery(&rng).encoded()
                case .accelerometer: return try Generate.accelerometer(&rng).encoded()
                case .cms50Frame: return try Generate.cms50(&rng).encoded()
                }
            } catch {
                preconditionFailure("generator made an unencodable value: \(error)")
            }
        }

        /// Flag bits the format defines, so random inputs get past the flags byte half of the time.
        var definedFlags: UInt8 {
            switch self {
            case .temperature: 0x07
            case .heartRate, .spotCheck, .continuous, .bloodPressure: 0x1F
            case .battery, .accelerometer, .cms50Frame: 0xFF
            }
        }

        /// Decodes and re-encodes; the re-encoding must not fail for a decoded value.
        func roundTrip(_ bytes: [UInt8]) throws(DecodingFailure) -> [UInt8] {
            do {
                switch self {
                case .heartRate: return try HeartRateMeasurement(decoding: bytes).encoded()
                case .temperature: return try TemperatureMeasurement(decoding: bytes).encoded()
                case .spotCheck: return try PLXSpotCheckMeasurement(decoding: bytes).encoded()
                case .continuous: return try PLXContinuousMeasurement(decoding: bytes).encoded()
                case .bloodPressure: return try BloodPressureMeasurement(decoding: bytes).encoded()
                case .battery: return try BatteryLevel(decoding: bytes).encoded()
                case .accelerometer: return try AccelerometerPacket(decoding: bytes, fullScale: .g4).encoded()
                case .cms50Frame: return try CMS50LiveSample(decodingFrame: bytes).encoded()
                }
            } catch let failure as DecodingFailure {
                throw failure
            } catch {
                Issue.record("a decoded value failed to re-encode: \(error)")
                return []
            }
        }

        /// Independent oracle: is `bytes` shorter than its own flags announce? `nil` when the flags are reserved
        /// (then the flags, not the length, are the problem).
        func isShort(_ bytes: [UInt8]) -> Bool? {
            guard let flags = bytes.first else { return true }
            let n = bytes.count
            func has(_ bit: UInt8) -> Bool { flags & bit != 0 }
            switch self {
            case .heartRate:
                guard flags & 0xE0 == 0 else { return nil }
                let base = 1 + (has(0x01) ? 2 : 1) + (has(0x08) ? 2 : 0)
                if !has(0x10) { return n < base }
                return n < base + 2 || (n - base) % 2 == 1
            case .temperature:
                guard flags & 0xF8 == 0 else { return nil }
                return n < 5 + (has(0x02) ? 7 : 0) + (has(0x04) ? 1 : 0)
            case .spotCheck:
                guard flags & 0xE0 == 0 else { return nil }
                return n < 5 + (has(0x01) ? 7 : 0) + (has(0x02) ? 2 : 0) + (has(0x04) ? 3 : 0) + (has(0x08) ? 2 : 0)
            case .continuous:
                guard flags & 0xE0 == 0 else { return nil }
                return n < 5 + (has(0x01) ? 4 : 0) + (has(0x02) ? 4 : 0) + (has(0x04) ? 2 : 0) + (has(0x08) ? 3 : 0)
                    + (has(0x10) ? 2 : 0)
            case .bloodPressure:
                guard flags & 0xE0 == 0 else { return nil }
                return n < 7 + (has(0x02) ? 7 : 0) + (has(0x04) ? 2 : 0) + (has(0x08) ? 1 : 0) + (has(0x10) ? 2 : 0)
            case .battery: return n < 1
            case .accelerometer: return n == 0
            case .cms50Frame: return n < 5
            }
        }

        /// The bytes an encoder writes for the same value: the one non-canonical pattern is heart-rate sensor
        /// contact 0b01, which means "not supported" like 0b00.
        func canonical(_ bytes: [UInt8]) -> [UInt8] {
            guard self == .heartRate, let flags = bytes.first, flags & 0b110 == 0b010 else { return bytes }
            return [flags & ~0b010] + bytes.dropFirst()
        }
    }

    static let iterations = 100_000

    @Test("random and mutated inputs never trap and need more bytes only when short", arguments: Subject.allCases)
    func randomAndMutatedInputs(subject: Subject) {
        var rng = SplitMix64(seed: 0xD15EA5E ^ UInt64(subject.rawValue.utf8.count) &* 0x1_0000_0001)
        var outcomes = (decoded: 0, short: 0, malformed: 0)
        var readerOutcomes: [ReaderOutcome: Int] = [:]
        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            if iteration % 2 == 0 {
                var bytes = rng.bytes(rng.int(0...(subject == .accelerometer ? 260 : 40)))
                if !bytes.isEmpty, rng.oneIn(2) { bytes[0] &= subject.definedFlags }
                input = bytes
            } else {
                let valid = subject.validEncoding(&rng)
                checkStrictPrefixNeedsMoreBytes(subject, valid, &rng)
                input = Mutator.mutate(valid, using: &rng)
            }
            let short = subject.isShort(input)
            let whole = Result { () throws(DecodingFailure) in try subject.roundTrip(input) }
            if let outcome = checkReaderEntryPoint(subject, input, whole: whole, &rng) {
                readerOutcomes[outcome, default: 0] += 1
            }
            switch whole {
            case let .success(reencoded):
                outcomes.decoded += 1
                if short == true { Issue.record("\(subject) decoded a short input \(input)") }
                if reencoded != subject.canonical(input) {
                    Issue.record("\(subject) re-encoded \(input) as \(reencoded)")
                }
            case let .failure(error):
                if case let .needMoreBytes(needed, available) = error.reason {
                    outcomes.short += 1
                    if short != true { Issue.record("\(subject) asked for more bytes on \(input): \(error)") }
                    if !(needed > available && available >= 0 && available < max(1, input.count + 1)) {
                        Issue.record("\(subject) reported an impossible shortage: \(error)")
                    }
                } else {
                    outcomes.malformed += 1
                    if error.format.isEmpty || error.field.isEmpty { Issue.record("unnamed failure \(error)") }
                }
            }
        }
        // Each kind of outcome is actually reached, so the property is not vacuous.
        #expect(outcomes.decoded > Self.iterations / 100)
        // An accelerometer packet is short only when empty; every other format has many ways to be short.
        #expect(outcomes.short > (subject == .accelerometer ? 100 : Self.iterations / 100))
        #expect(outcomes.malformed > Self.iterations / 100)
        guard !readerOutcomes.isEmpty else { return } // no `decode(from:)`
        #expect(readerOutcomes[.failed, default: 0] > Self.iterations / 100)
        #expect(readerOutcomes[.consumedAll, default: 0] > Self.iterations / 100)
        #expect(readerOutcomes[.consumedPart, default: 0] > Self.iterations / 100)
    }

    /// A strict prefix of a valid encoding has only valid fields, so it fails only for being short.
    private func checkStrictPrefixNeedsMoreBytes(_ subject: Subject, _ valid: [UInt8], _ rng: inout SplitMix64) {
        let prefix = Array(valid.prefix(rng.int(0...(valid.count - 1))))
        guard subject.isShort(prefix) == true else { return } // e.g. fewer whole RR-Intervals
        do {
            _ = try subject.roundTrip(prefix)
            Issue.record("\(subject) decoded the strict prefix \(prefix)")
        } catch {
            if !error.isNeedMoreBytes { Issue.record("\(subject) prefix \(prefix) failed as \(error)") }
        }
    }
}
