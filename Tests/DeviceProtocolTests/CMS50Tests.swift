import TestSupport
import Testing
@testable import DeviceProtocols

@Suite("CMS50 live data frames")
struct CMS50LiveSampleTests {
    // Bit layout per atbrask/CMS50Dplus cms50dplus/cms50dplus.py (LiveDataPoint) and its unittests.py, which
    // checks each field in isolation, e.g. [0x80 | x, 0, 0, 0, 0] -> signal strength x and
    // [0x80, 0, highbit, lowbits, 0] -> pulse rate; the frames below follow those tests.
    @Test("single-field frames from the reference reader's tests decode", arguments: [
        ([UInt8(0x8F), 0, 0, 0, 0], \CMS50LiveSample.signalStrength, UInt8(15)),
        ([0x80, 0x7F, 0, 0, 0], \.plethysmogram, 127),
        ([0x80, 0, 0x0F, 0, 0], \.barGraph, 15),
        ([0x80, 0, 0x40, 0x7F, 0], \.rawPulseRate, 255),
        ([0x80, 0, 0x40, 0x00, 0], \.rawPulseRate, 128),
        ([0x80, 0, 0x00, 0x48, 0], \.rawPulseRate, 72),
        ([0x80, 0, 0, 0, 0x62], \.rawOxygenSaturation, 98),
    ] as [([UInt8], KeyPath<CMS50LiveSample, UInt8> & Sendable, UInt8)])
    func singleFieldFramesDecode(frame: [UInt8], field: KeyPath<CMS50LiveSample, UInt8> & Sendable, expected: UInt8) throws {
        let sample = try CMS50LiveSample(decodingFrame: frame)
        #expect(sample[keyPath: field] == expected)
        #expect(try sample.encoded() == frame)
    }

    @Test("flag bits decode to their names", arguments: [
        ([UInt8(0x90), 0, 0, 0, 0], \CMS50LiveSample.searchingTooLong),
        ([0xA0, 0, 0, 0, 0], \.oxygenSaturationDropping),
        ([0xC0, 0, 0, 0, 0], \.beep),
        ([0x80, 0, 0x10, 0, 0], \.probeError),
        ([0x80, 0, 0x20, 0, 0], \.searching),
    ] as [([UInt8], KeyPath<CMS50LiveSample, Bool> & Sendable)])
    func flagBitsDecode(frame: [UInt8], flag: KeyPath<CMS50LiveSample, Bool> & Sendable) throws {
        let sample = try CMS50LiveSample(decodingFrame: frame)
        #expect(sample[keyPath: flag])
        #expect(try sample.encoded() == frame)
    }

    @Test func typicalFrameReadsNinetyEightPercentAtSeventyTwoBpm() throws {
        let sample = try CMS50LiveSample(decodingFrame: [0xC5, 0x3A, 0x04, 0x48, 0x62])
        #expect(sample.oxygenSaturation == 98)
        #expect(sample.pulseRate == 72)
        #expect(sample.beep)
        #expect(sample.signalStrength == 5)
        #expect(sample.plethysmogram == 0x3A)
        #expect(sample.barGraph == 4)
    }

    @Test func sentinelValuesMeanNoReading() throws {
        let sample = try CMS50LiveSample(decodingFrame: [0x90, 0, 0x60, 0x7F, 0x7F])
        #expect(sample.pulseRate == nil)
        #expect(sample.oxygenSaturation == nil)
        #expect(sample.searching && sample.searchingTooLong)
        #expect(try CMS50LiveSample(decodingFrame: [0x80, 0, 0, 0, 101]).oxygenSaturation == nil)
        #expect(try CMS50LiveSample(decodingFrame: [0x80, 0, 0, 0, 100]).oxygenSaturation == 100)
    }

    @Test("a wrong sync bit is rejected naming the byte", arguments: [
        ([UInt8(0x00), 0, 0, 0, 0], "Byte 1", true), ([0x80, 0x80, 0, 0, 0], "Byte 2", false),
        ([0x80, 0, 0, 0, 0x80], "Byte 5", false),
    ])
    func wrongSyncBitIsRejected(frame: [UInt8], field: String, expectedSet: Bool) {
        #expect(decodingFailure { try CMS50LiveSample(decodingFrame: frame) } == DecodingFailure(
            format: CMS50LiveSample.formatName, field: field, reason: .syncBit(expectedSet: expectedSet)))
    }

    @Test func shortAndLongFramesAreRejected() {
        #expect(decodingFailure { try CMS50LiveSample(decodingFrame: [0x80, 0, 0]) }?.reason
            == .needMoreBytes(needed: 1, available: 0))
        #expect(decodingFailure { try CMS50LiveSample(decodingFrame: [0x80, 0, 0, 0, 0, 0]) }?.reason
            == .trailingBytes(count: 1))
    }

    @Test func encodingChecksFieldWidths() {
        #expect(encodingFailure { try CMS50LiveSample(signalStrength: 16, rawPulseRate: 0, rawOxygenSaturation: 0).encoded() }?.field
            == "Signal Strength")
        #expect(encodingFailure { try CMS50LiveSample(plethysmogram: 128, rawPulseRate: 0, rawOxygenSaturation: 0).encoded() }?.field
            == "Plethysmogram")
        #expect(encodingFailure { try CMS50LiveSample(barGraph: 16, rawPulseRate: 0, rawOxygenSaturation: 0).encoded() }?.field
            == "Bar Graph")
        #expect(encodingFailure { try CMS50LiveSample(rawPulseRate: 0, rawOxygenSaturation: 128).encoded() }?.reason
            == .outOfRange(value: 128, allowed: 0...127))
    }

    @Test func generatedSamplesRoundTrip() throws {
        var rng = SplitMix64(seed: 0xC350)
        for _ in 0..<2_000 {
            let sample = Generate.cms50(&rng)
            #expect(try CMS50LiveSample(decodingFrame: sample.encoded()) == sample)
        }
    }
}

@Suite("CMS50 streaming decoder")
struct CMS50LiveStreamDecoderTests {
    static func samples(count: Int, seed: UInt64) -> [CMS50LiveSample] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Generate.cms50(&rng) }
    }

    static func stream(_ samples: [CMS50LiveSample]) -> [UInt8] {
        samples.flatMap { sample in
            do { return try sample.encoded() } catch { preconditionFailure("\(error)") }
        }
    }

    /// Decodes the whole buffer in one call and finishes the stream.
    static func decodeAll(_ bytes: [UInt8]) -> (samples: [CMS50LiveSample], decoder: CMS50LiveStreamDecoder) {
        var decoder = CMS50LiveStreamDecoder()
        var out = decoder.feed(bytes)
        if let last = decoder.finish() { out.append(last) }
        return (out, decoder)
    }

    @Test func cleanStreamYieldsEverySampleAndDiscardsNothing() {
        let samples = Self.samples(count: 50, seed: 1)
        let (decoded, decoder) = Self.decodeAll(Self.stream(samples))
        #expect(decoded == samples)
        #expect(decoder.discardedByteCount == 0)
        #expect(decoder.discardedFrameCount == 0)
        #expect(decoder.decodedFrameCount == 50)
    }

    @Test func aFrameIsEmittedWhenTheNextSyncByteConfirmsIt() {
        var decoder = CMS50LiveStreamDecoder()
        #expect(decoder.feed([0xC5, 0x3A, 0x04, 0x48, 0x62]).isEmpty)
        #expect(decoder.bufferedByteCount == 5)
        #expect(decoder.feed(0x80)?.pulseRate == 72)
        #expect(decoder.bufferedByteCount == 1)
    }

    @Test func byteAtATimeFeedEqualsWholeBufferDecoding() {
        let bytes = Self.stream(Self.samples(count: 40, seed: 2))
        var decoder = CMS50LiveStreamDecoder()
        var decoded: [CMS50LiveSample] = []
        for byte in bytes {
            if let sample = decoder.feed(byte) { decoded.append(sample) }
        }
        if let last = decoder.finish() { decoded.append(last) }
        #expect(decoded == Self.decodeAll(bytes).samples)
    }

    @Test func arbitraryChunkingOfANoisyStreamEqualsWholeBufferDecoding() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            var bytes = Self.stream(Self.samples(count: rng.int(0...20), seed: rng.next()))
            for _ in 0..<rng.int(0...4) { bytes = Mutator.mutate(bytes, using: &rng) }
            let whole = Self.decodeAll(bytes)
            var decoder = CMS50LiveStreamDecoder()
            var chunked: [CMS50LiveSample] = []
            var index = 0
            while index < bytes.count {
                let end = min(bytes.count, index + rng.int(0...9))
                chunked += decoder.feed(bytes[index..<end])
                index = end
            }
            if let last = decoder.finish() { chunked.append(last) }
            #expect(chunked == whole.samples)
            #expect(decoder == whole.decoder)
            #expect(5 * decoder.decodedFrameCount + decoder.discardedByteCount == bytes.count)
        }
    }

    @Test func leadingGarbageIsDiscardedUntilTheFirstSyncByte() {
        let samples = Self.samples(count: 3, seed: 4)
        let (decoded, decoder) = Self.decodeAll([0x00, 0x7F, 0x12, 0x55] + Self.stream(samples))
        #expect(decoded == samples)
        #expect(decoder.discardedByteCount == 4)
        #expect(decoder.discardedFrameCount == 0)
    }

    @Test func garbageWithSyncBytesMidStreamCostsOnlyTheFramesItTouches() {
        let samples = Self.samples(count: 4, seed: 5)
        let good = Self.stream(samples)
        // Garbage between frame 2 and frame 3: a stray sync byte then two data bytes.
        let bytes = Array(good[0..<10]) + [0xFF, 0x01, 0x02] + Array(good[10...])
        let (decoded, decoder) = Self.decodeAll(bytes)
        #expect(decoded == samples)
        #expect(decoder.discardedByteCount == 3)
        #expect(decoder.discardedFrameCount == 1)
    }

    @Test func aDroppedByteDiscardsOnlyThatFrame() {
        let samples = Self.samples(count: 5, seed: 6)
        var bytes = Self.stream(samples)
        bytes.remove(at: 12) // third data byte of frame 3
        let (decoded, decoder) = Self.decodeAll(bytes)
        #expect(decoded == [samples[0], samples[1], samples[3], samples[4]])
        #expect(decoder.discardedByteCount == 4)
        #expect(decoder.discardedFrameCount == 1)
    }

    @Test func anInsertedDataByteDiscardsTheOverlongFrameInsteadOfShiftingItsFields() {
        let samples = Self.samples(count: 5, seed: 7)
        var bytes = Self.stream(samples)
        bytes.insert(0x33, at: 7) // inside frame 2
        let (decoded, decoder) = Self.decodeAll(bytes)
        #expect(decoded == [samples[0], samples[2], samples[3], samples[4]])
        #expect(decoder.discardedByteCount == 6)
        #expect(decoder.discardedFrameCount == 1)
    }

    @Test func anInsertedSyncByteDiscardsTheInterruptedFrameAndTheFalseStart() {
        let samples = Self.samples(count: 4, seed: 8)
        var bytes = Self.stream(samples)
        bytes.insert(0x80, at: 7) // inside frame 2: [S a] 0x80 [b c d]
        let (decoded, decoder) = Self.decodeAll(bytes)
        #expect(decoded == [samples[0], samples[2], samples[3]])
        #expect(decoder.discardedByteCount == 6)
        #expect(decoder.discardedFrameCount == 2)
    }

    @Test func finishDiscardsAnIncompleteLastFrame() {
        var decoder = CMS50LiveStreamDecoder()
        _ = decoder.feed([0x80, 0x01, 0x02])
        #expect(decoder.finish() == nil)
        #expect(decoder.discardedByteCount == 3)
        #expect(decoder.discardedFrameCount == 1)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func theBufferNeverHoldsMoreThanOneFrameWhateverItIsFed() {
        var rng = SplitMix64(seed: 9)
        var decoder = CMS50LiveStreamDecoder()
        var fed = 0
        for _ in 0..<20_000 {
            let byte = rng.oneIn(3) ? 0x80 | rng.byte() : rng.byte() & 0x7F
            _ = decoder.feed(byte)
            fed += 1
            #expect(decoder.bufferedByteCount <= 5)
        }
        #expect(5 * decoder.decodedFrameCount + decoder.discardedByteCount + decoder.bufferedByteCount == fed)
    }
}
