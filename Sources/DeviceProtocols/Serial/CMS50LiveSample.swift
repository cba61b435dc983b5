/// One live-data frame of the Contec CMS50D+ / CMS50E family of finger pulse oximeters, sent over their serial
/// link (19200 baud, 8 data bits, odd parity, 1 stop bit) about 60 times a second.
///
/// Layout, 5 bytes; only the first has bit 7 (sync) set:
/// - byte 1: signal strength bits 0–3, searching too long ("finger out") bit 4, SpO2 dropping bit 5, beep bit 6;
/// - byte 2: plethysmogram (pulse waveform) bits 0–6;
/// - byte 3: bar graph bits 0–3, probe error bit 4, searching bit 5, bit 7 of the pulse rate in bit 6;
/// - byte 4: pulse rate bits 0–6;
/// - byte 5: SpO2 bits 0–6.
///
/// Source: the reverse-engineered protocol in the open-source reader `atbrask/CMS50Dplus`
/// (`cms50dplus/cms50dplus.py`, class `LiveDataPoint`), which Contec does not publish. Open-source CMS50-family
/// readers treat SpO2 127 and pulse rate 255 as "no valid reading", which ``oxygenSaturation`` and ``pulseRate``
/// map to `nil`.
public struct CMS50LiveSample: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "CMS50 live data frame"
    /// Bytes in a frame.
    public static let frameLength = 5

    /// Signal strength 0...15.
    public var signalStrength: UInt8
    /// Byte 1 bit 4: the device has searched too long, usually because the finger is out.
    public var searchingTooLong: Bool
    /// Byte 1 bit 5: SpO2 is dropping.
    public var oxygenSaturationDropping: Bool
    /// Byte 1 bit 6: the device beeps for a detected pulse beat.
    public var beep: Bool
    /// Plethysmogram (pulse waveform) sample 0...127.
    public var plethysmogram: UInt8
    /// Pulse-strength bar graph 0...15.
    public var barGraph: UInt8
    /// Byte 3 bit 4: probe error.
    public var probeError: Bool
    /// Byte 3 bit 5: the device is searching for a pulse.
    public var searching: Bool
    /// Pulse rate as sent, 0...255 (255 = no valid reading).
    public var rawPulseRate: UInt8
    /// SpO2 as sent, 0...127 (127 = no valid reading).
    public var rawOxygenSaturation: UInt8

    /// Creates a sample; encoding checks each field's width.
    public init(signalStrength: UInt8 = 0, searchingTooLong: Bool = false, oxygenSaturationDropping: Bool = false,
                beep: Bool = false, plethysmogram: UInt8 = 0, barGraph: UInt8 = 0, probeError: Bool = false,
                searching: Bool = false, rawPulseRate: UInt8, rawOxygenSaturation: UInt8) {
        self.signalStrength = signalStrength
        self.searchingTooLong = searchingTooLong
        self.oxygenSaturationDropping = oxygenSaturationDropping
        self.beep = beep
        self.plethysmogram = plethysmogram
        self.barGraph = barGraph
        self.probeError = probeError
        self.searching = searching
        self.rawPulseRate = rawPulseRate
        self.rawOxygenSaturation = rawOxygenSaturation
    }

    /// Pulse rate in bpm, or `nil` when the device sends 255 (no valid reading).
    public var pulseRate: Int? { rawPulseRate == 255 ? nil : Int(rawPulseRate) }

    /// SpO2 in percent, or `nil` when the device sends 127 (no valid reading) or anything above 100, which no
    /// saturation can be.
    public var oxygenSaturation: Int? { rawOxygenSaturation > 100 ? nil : Int(rawOxygenSaturation) }

    /// Decodes exactly one 5-byte frame, checking every sync bit; trailing bytes are an error.
    ///
    /// Use ``CMS50LiveStreamDecoder`` for a serial stream, which finds frame boundaries and resynchronises.
    public init(decodingFrame bytes: some Sequence<UInt8>) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        var frame: [UInt8] = []
        for index in 0..<Self.frameLength {
            let field = "Byte \(index + 1)"
            let byte = try reader.uint8(field)
            let expectedSet = index == 0
            guard (byte & 0x80 != 0) == expectedSet else {
                throw reader.failure(field, .syncBit(expectedSet: expectedSet))
            }
            frame.append(byte)
        }
        try reader.expectEnd()
        self.init(validFrame: frame[0], frame[1], frame[2], frame[3], frame[4])
    }

    /// Builds a sample from bytes whose sync bits are already checked.
    init(validFrame b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        self.init(signalStrength: b1 & 0x0F, searchingTooLong: b1 & 0x10 != 0, oxygenSaturationDropping: b1 & 0x20 != 0,
                  beep: b1 & 0x40 != 0, plethysmogram: b2 & 0x7F, barGraph: b3 & 0x0F, probeError: b3 & 0x10 != 0,
                  searching: b3 & 0x20 != 0, rawPulseRate: (b3 & 0x40) << 1 | (b4 & 0x7F),
                  rawOxygenSaturation: b5 & 0x7F)
    }

    /// The 5-byte frame, as a device (or the simulator) sends it.
    ///
    /// Throws when a field exceeds its width: signal strength or bar graph above 15, plethysmogram or SpO2 above 127.
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        func check(_ value: UInt8, _ field: String, max: UInt8) throws(EncodingFailure) -> UInt8 {
            guard value <= max else {
                throw EncodingFailure(format: Self.formatName, field: field,
                                      reason: .outOfRange(value: Int64(value), allowed: 0...Int64(max)))
            }
            return value
        }
        var b1: UInt8 = 0x80 | (try check(signalStrength, "Signal Strength", max: 15))
        if searchingTooLong { b1 |= 0x10 }
        if oxygenSaturationDropping { b1 |= 0x20 }
        if beep { b1 |= 0x40 }
        let b2 = try check(plethysmogram, "Plethysmogram", max: 127)
        var b3 = try check(barGraph, "Bar Graph", max: 15)
        if probeError { b3 |= 0x10 }
        if searching { b3 |= 0x20 }
        b3 |= (rawPulseRate & 0x80) >> 1
        return [b1, b2, b3, rawPulseRate & 0x7F, try check(rawOxygenSaturation, "SpO2", max: 127)]
    }
}
