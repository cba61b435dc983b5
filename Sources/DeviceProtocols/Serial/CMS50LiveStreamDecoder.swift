/// Finds ``CMS50LiveSample`` frames in a CMS50-family serial byte stream that arrives in arbitrary chunks.
///
/// A frame is a sync byte (bit 7 set) followed by exactly four data bytes (bit 7 clear). The format has no
/// checksum, so the decoder emits a frame only once the *next* sync byte confirms it was exactly five bytes long;
/// a frame with a byte lost or a byte inserted is thereby discarded rather than read with shifted fields. The
/// price is one frame of latency (about 17 ms at the device's 60 frames a second); call ``finish()`` when the
/// stream ends to take the last, unconfirmed frame.
///
/// Resynchronisation: a sync byte in the middle of a frame discards the partial frame and starts a new one; a data
/// byte outside a frame is discarded; a fifth data byte makes the frame too long and discards it. The decoder
/// holds at most five bytes, whatever it is fed, and counts every byte and frame it discards, so that
/// `5 × decodedFrameCount + discardedByteCount + bufferedByteCount` always equals the bytes fed.
public struct CMS50LiveStreamDecoder: Hashable, Sendable {
    /// The bytes of the frame in progress: empty, or a sync byte followed by at most four data bytes.
    private var pending: [UInt8] = []
    /// Bytes thrown away: garbage outside frames and the bytes of discarded frames.
    public private(set) var discardedByteCount = 0
    /// Frames begun with a sync byte and then discarded (too short or too long).
    public private(set) var discardedFrameCount = 0
    /// Frames emitted as samples.
    public private(set) var decodedFrameCount = 0

    /// Creates a decoder waiting for a sync byte.
    public init() {
        pending.reserveCapacity(CMS50LiveSample.frameLength)
    }

    /// Bytes held for the frame in progress, 0...5.
    public var bufferedByteCount: Int { pending.count }

    /// Feeds one byte; returns the sample that byte confirms, if any.
    public mutating func feed(_ byte: UInt8) -> CMS50LiveSample? {
        if byte & 0x80 != 0 {
            let confirmed = pending.count == CMS50LiveSample.frameLength ? takeFrame() : nil
            discardPending()
            pending.append(byte)
            return confirmed
        }
        switch pending.count {
        case 0:
            discardedByteCount = discardedByteCount.saturatingAdd(1)
        case CMS50LiveSample.frameLength:
            discardedByteCount = discardedByteCount.saturatingAdd(1)
            discardPending()
        default:
            pending.append(byte)
        }
        return nil
    }

    /// Feeds a chunk of any size; returns the samples it confirms, oldest first.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [CMS50LiveSample] {
        var samples: [CMS50LiveSample] = []
        for byte in bytes {
            if let sample = feed(byte) { samples.append(sample) }
        }
        return samples
    }

    /// Ends the stream: returns the last frame if it is complete (it cannot be confirmed by a following sync
    /// byte), discards an incomplete one, and leaves the decoder ready for a new stream with its counters kept.
    public mutating func finish() -> CMS50LiveSample? {
        let last = pending.count == CMS50LiveSample.frameLength ? takeFrame() : nil
        discardPending()
        return last
    }

    private mutating func takeFrame() -> CMS50LiveSample {
        let sample = CMS50LiveSample(validFrame: pending[0], pending[1], pending[2], pending[3], pending[4])
        decodedFrameCount = decodedFrameCount.saturatingAdd(1)
        pending.removeAll(keepingCapacity: true)
        return sample
    }

    private mutating func discardPending() {
        guard !pending.isEmpty else { return }
        discardedByteCount = discardedByteCount.saturatingAdd(pending.count)
        discardedFrameCount = discardedFrameCount.saturatingAdd(1)
        pending.removeAll(keepingCapacity: true)
    }
}

extension Int {
    /// Adds without trapping: counters stop at `Int.max` rather than crash a long-running reader.
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
