import TestSupport
import Testing
@testable import DeviceProtocols

/// The CMS50 stream decoder against 100,000 streams (random, sync-heavy, clean and mutated, a few of them thousands
/// of bytes long) cut into random chunks. After every chunk the decoder has emitted exactly the frames confirmed so
/// far, holds at most one frame, and accounts for every byte fed; after `finish()` it has emitted every frame.
///
/// The oracle restates the documented framing rule rather than replaying the decoder's state machine: a frame is a
/// sync byte and four data bytes followed by a sync byte, or by the end of the stream.
extension DecoderPropertyTests {
    struct Stream {
        enum Kind: CaseIterable { case randomBytes, syncHeavyBytes, cleanFrames, mutatedFrames }

        var kind: Kind
        var bytes: [UInt8]
        /// Chunk lengths summing to `bytes.count`; empty chunks included.
        var chunks: [Int]
        /// Feed each byte through `feed(_: UInt8)` rather than chunks through `feed(_:)`.
        var byteAtATime: Bool
        /// For a clean stream: the data bytes of garbage before the first frame, and the samples that follow.
        var clean: (garbage: Int, samples: [CMS50LiveSample])?

        init(_ rng: inout SplitMix64) {
            kind = Kind.allCases[rng.int(0...(Kind.allCases.count - 1))]
            let length = rng.oneIn(400) ? rng.int(1_000...4_000) : rng.int(0...64)
            func frames(_ samples: [CMS50LiveSample]) -> [UInt8] {
                samples.flatMap { sample in
                    do { return try sample.encoded() } catch { preconditionFailure("\(error)") }
                }
            }
            switch kind {
            case .randomBytes:
                bytes = rng.bytes(length)
            case .syncHeavyBytes: // one byte in five is a sync byte, so frames turn up by chance
                bytes = (0..<length).map { _ in rng.oneIn(5) ? rng.byte() | 0x80 : rng.byte() & 0x7F }
            case .cleanFrames:
                let garbage = (0..<rng.int(0...6)).map { _ in rng.byte() & 0x7F }
                let samples = (0..<length / 5).map { _ in Generate.cms50(&rng) }
                bytes = garbage + frames(samples)
                clean = (garbage.count, samples)
            case .mutatedFrames:
                bytes = frames((0...length / 5).map { _ in Generate.cms50(&rng) })
                for _ in 0..<rng.int(1...3) { bytes = Mutator.mutate(bytes, using: &rng) }
            }
            byteAtATime = rng.oneIn(4)
            let longest = rng.oneIn(2) ? 9 : max(1, bytes.count)
            chunks = []
            var left = bytes.count
            while left > 0 {
                let chunk = min(left, rng.int(0...longest))
                chunks.append(chunk)
                left -= chunk
            }
        }
    }

    /// Where the documented framing rule puts the frames of a whole stream.
    struct FramingOracle {
        let bytes: [UInt8]
        /// Index of the sync byte of every frame the stream carries, in order.
        let frameStarts: [Int]
        let syncByteCount: Int

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var starts: [Int] = []
            var syncs = 0
            var lastSync: Int?
            // The end of the stream (index == count) confirms a frame as a sync byte does.
            for index in 0...bytes.count {
                let isSync = index < bytes.count && bytes[index] & 0x80 != 0
                if isSync || index == bytes.count, let lastSync, index - lastSync == 5 { starts.append(lastSync) }
                if isSync {
                    syncs += 1
                    lastSync = index
                }
            }
            frameStarts = starts
            syncByteCount = syncs
        }

        /// Bytes held once `fed` bytes are in: those since the last sync byte, unless a fifth data byte overran them.
        func buffered(afterFeeding fed: Int) -> Int {
            guard let lastSync = bytes[max(0, fed - 5)..<fed].lastIndex(where: { $0 & 0x80 != 0 }) else { return 0 }
            return fed - lastSync
        }

        func sample(at start: Int) -> CMS50LiveSample? {
            try? CMS50LiveSample(decodingFrame: bytes[start..<start + 5])
        }
    }

    @Test func streamDecoderEmitsConfirmedFramesAndAccountsForEveryByteOfRandomStreams() {
        var rng = SplitMix64(seed: 0x5EED)
        // Kept across streams three times in four, so counters that carry over past `finish()` are checked too.
        var decoder = CMS50LiveStreamDecoder()
        var totals = (frames: 0, discardedFrames: 0, framesInRandomStreams: 0, longStreams: 0, failingStreams: 0)
        for _ in 0..<Self.iterations {
            if rng.oneIn(4) { decoder = CMS50LiveStreamDecoder() }
            let stream = Stream(&rng)
            let before = decoder
            let problems = Self.feedChecking(stream, to: &decoder)
            totals.frames += decoder.decodedFrameCount - before.decodedFrameCount
            totals.discardedFrames += decoder.discardedFrameCount - before.discardedFrameCount
            if stream.kind == .randomBytes {
                totals.framesInRandomStreams += decoder.decodedFrameCount - before.decodedFrameCount
            }
            if stream.bytes.count > 64 { totals.longStreams += 1 }
            guard problems.isEmpty else {
                Issue.record("""
                    \(stream.kind) stream \(stream.bytes) in chunks \(stream.chunks)\
                    \(stream.byteAtATime ? " byte at a time" : ""), decoder before: \(before): \
                    \(problems.joined(separator: "; "))
                    """)
                totals.failingStreams += 1
                if totals.failingStreams == 5 { break }
                decoder = CMS50LiveStreamDecoder() // so that the next stream's report is not this one's aftermath
                continue
            }
        }
        guard totals.failingStreams == 0 else { return } // the totals below are partial
        // Frames are both emitted and discarded, even from uniformly random bytes, so the checks are not vacuous.
        #expect(totals.frames > Self.iterations)
        #expect(totals.discardedFrames > Self.iterations)
        #expect(totals.framesInRandomStreams > 100)
        #expect(totals.longStreams > 100)
    }

    /// Feeds `stream` and finishes it, returning every broken promise.
    static func feedChecking(_ stream: Stream, to decoder: inout CMS50LiveStreamDecoder) -> [String] {
        let oracle = FramingOracle(stream.bytes)
        let start = decoder
        var problems: [String] = []
        if start.bufferedByteCount != 0 { problems.append("\(start.bufferedByteCount) bytes held before the stream") }
        var samples: [CMS50LiveSample] = []
        var fed = 0
        var confirmed = 0
        func checkAccounts(_ moment: @autoclosure () -> String) {
            let decoded = decoder.decodedFrameCount - start.decodedFrameCount
            let discarded = decoder.discardedByteCount - start.discardedByteCount
            while confirmed < oracle.frameStarts.count, oracle.frameStarts[confirmed] + 5 < fed { confirmed += 1 }
            let expectedBuffered = oracle.buffered(afterFeeding: fed)
            guard samples.count != confirmed || decoded != confirmed || decoder.bufferedByteCount != expectedBuffered
                || 5 * decoded + discarded + decoder.bufferedByteCount != fed else { return }
            problems.append("""
                \(moment()), after \(plural(fed, "byte")): emitted \(samples.count) and counted \(decoded) of \
                \(confirmed) confirmed frames, holds \(decoder.bufferedByteCount) (expected \(expectedBuffered)), \
                discarded \(discarded); 5 × counted + discarded + held = \
                \(5 * decoded + discarded + decoder.bufferedByteCount)
                """)
        }
        var chunkStart = 0
        for (index, length) in stream.chunks.enumerated() where problems.isEmpty {
            let chunk = stream.bytes[chunkStart..<chunkStart + length]
            chunkStart += length
            if stream.byteAtATime {
                for byte in chunk where problems.isEmpty {
                    if let sample = decoder.feed(byte) { samples.append(sample) }
                    fed += 1
                    checkAccounts("byte \(fed - 1)")
                }
            } else {
                samples += decoder.feed(chunk)
                fed += length
                checkAccounts("chunk \(index)")
            }
        }
        guard problems.isEmpty else { return problems }
        if let last = decoder.finish() { samples.append(last) }

        let expected = oracle.frameStarts.compactMap(oracle.sample(at:))
        if expected.count != oracle.frameStarts.count { problems.append("a frame did not decode on its own") }
        if samples != expected { problems.append("emitted \(samples), expected \(expected)") }
        let decoded = decoder.decodedFrameCount - start.decodedFrameCount
        let discarded = decoder.discardedByteCount - start.discardedByteCount
        let discardedFrames = decoder.discardedFrameCount - start.discardedFrameCount
        // Every sync byte opens a frame that is then either emitted or discarded.
        if decoded != expected.count || discardedFrames != oracle.syncByteCount - expected.count
            || decoder.bufferedByteCount != 0 || 5 * decoded + discarded != stream.bytes.count {
            problems.append("""
                after finish(): counted \(decoded) of \(expected.count) frames, discarded \(discardedFrames) frames \
                of \(oracle.syncByteCount) opened and \(discarded) bytes, holds \(decoder.bufferedByteCount)
                """)
        }
        if let clean = stream.clean,
           samples != clean.samples || discarded != clean.garbage || discardedFrames != 0 {
            problems.append("a clean stream after \(clean.garbage) bytes of garbage lost frames or bytes")
        }
        return problems
    }
}
