import TestSupport
import Testing
@testable import DeviceProtocols

/// The property inputs through each GATT format's `decode(from:)`, from a reader that sometimes holds random bytes
/// before and after them: on success the reader moves past exactly the bytes that re-encode to the value; on failure
/// it does not move at all; and the result agrees with `whole`, the input's outcome through `init(decoding:)`.
extension DecoderPropertyTests {
    enum ReaderOutcome {
        case failed
        case consumedAll
        /// Decoded, leaving bytes in the reader.
        case consumedPart
    }

    /// Returns `nil` for the formats without `decode(from:)`.
    @discardableResult
    func checkReaderEntryPoint(_ subject: Subject, _ input: [UInt8], whole: Result<[UInt8], DecodingFailure>,
                               _ rng: inout SplitMix64) -> ReaderOutcome? {
        let before = rng.oneIn(2) ? [] : rng.bytes(rng.int(1...3))
        let after = rng.oneIn(2) ? [] : rng.bytes(rng.int(1...4))
        let storage = before + input + after
        var reader = ByteReader(storage)
        _ = reader.readBytes(count: before.count)
        let start = reader
        func context() -> String { "\(subject).decode(from:) on \(input) between \(before) and \(after)" }
        // Bytes after a value change nothing unless the value was short or ends in RR-Intervals, which run to the
        // end of the reader.
        let runsToEnd = subject == .heartRate && (input.first ?? 0) & 0x10 != 0
        let wholeIsShort = if case let .failure(error) = whole { error.isNeedMoreBytes } else { false }
        let agreesWithWhole = after.isEmpty || (!runsToEnd && !wholeIsShort)
        do {
            guard let reencoded = try subject.decodeAndReencode(from: &reader) else { return nil }
            let outcome: ReaderOutcome = reader.readableBytes == 0 ? .consumedAll : .consumedPart
            guard reader.readerIndex > start.readerIndex, reader.readerIndex <= storage.count else {
                Issue.record("\(context()) succeeded moving the reader from \(start.readerIndex) to \(reader.readerIndex)")
                return outcome
            }
            if runsToEnd, outcome == .consumedPart {
                Issue.record("\(context()) left \(reader.readableBytes) bytes after the RR-Intervals")
            }
            let consumed = Array(storage[start.readerIndex..<reader.readerIndex])
            if reencoded != subject.canonical(consumed) {
                Issue.record("\(context()) consumed \(consumed) but re-encoded \(reencoded)")
            }
            guard agreesWithWhole else { return outcome }
            switch whole {
            case let .success(wholeReencoded) where consumed.count == input.count && wholeReencoded == reencoded:
                break
            case let .failure(error) where error.reason == .trailingBytes(count: input.count - consumed.count):
                break
            default:
                Issue.record("\(context()) consumed \(consumed) as \(reencoded), but as a whole value: \(whole)")
            }
            return outcome
        } catch {
            if reader != start {
                Issue.record("""
                    \(context()) moved the reader from \(start.readerIndex) to \(reader.readerIndex) and threw \(error)
                    """)
            }
            if agreesWithWhole, whole != .failure(error) {
                Issue.record("\(context()) threw \(error), but as a whole value: \(whole)")
            }
            return .failed
        }
    }
}

extension DecoderPropertyTests.Subject {
    /// Decodes one value through the format's `decode(from:)` and re-encodes it; `nil` for the formats that have no
    /// such entry point (an accelerometer packet needs its full scale, a CMS50 frame comes from a stream decoder).
    func decodeAndReencode(from reader: inout ByteReader) throws(DecodingFailure) -> [UInt8]? {
        do {
            switch self {
            case .heartRate: return try HeartRateMeasurement.decode(from: &reader).encoded()
            case .temperature: return try TemperatureMeasurement.decode(from: &reader).encoded()
            case .spotCheck: return try PLXSpotCheckMeasurement.decode(from: &reader).encoded()
            case .continuous: return try PLXContinuousMeasurement.decode(from: &reader).encoded()
            case .bloodPressure: return try BloodPressureMeasurement.decode(from: &reader).encoded()
            case .battery: return try BatteryLevel.decode(from: &reader).encoded()
            case .accelerometer, .cms50Frame: return nil
            }
        } catch let failure as DecodingFailure {
            throw failure
        } catch {
            Issue.record("a value decoded from a reader failed to re-encode: \(error)")
            return []
        }
    }
}
