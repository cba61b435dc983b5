import TestSupport
import Testing
@testable import DeviceProtocols

@Suite("PLX Continuous Measurement (0x2A5F)")
struct PLXContinuousMeasurementTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let hex: String
        let expected: PLXContinuousMeasurement
        var testDescription: String { name }
    }

    // StanfordSpezi/SpeziBluetooth Tests/SpeziBluetoothServicesTests/PLXTests.swift:
    // testVerySimpleMeasurementCoding (the brief's required vector), testSimpleMeasurementCoding,
    // testFullMeasurementCoding (bytes written there in decimal).
    static let published: [Vector] = [
        Vector(name: "100.0 % at 90.0 bpm (Spezi very simple)", hex: "00 E8 F3 84 F3",
               expected: PLXContinuousMeasurement(normal: PLXReading(oxygenSaturation: sfloat(1000, -1),
                                                                     pulseRate: sfloat(900, -1)))),
        Vector(name: "status and PAI (Spezi simple)", hex: "1C 5F 00 5A 00 20 00 00 00 00 57 F0",
               expected: PLXContinuousMeasurement(
                   normal: PLXReading(oxygenSaturation: sfloat(95, 0), pulseRate: sfloat(90, 0)),
                   measurementStatus: .measurementOngoing, deviceAndSensorStatus: [],
                   pulseAmplitudeIndex: sfloat(87, -1))),
        Vector(name: "fast, slow, status, PAI (Spezi full)",
               hex: "1F DE F3 CA F3 CA F3 5A F5 D4 F3 B2 F2 20 01 00 00 00 7A E3",
               expected: PLXContinuousMeasurement(
                   normal: PLXReading(oxygenSaturation: sfloat(990, -1), pulseRate: sfloat(970, -1)),
                   fast: PLXReading(oxygenSaturation: sfloat(970, -1), pulseRate: sfloat(1370, -1)),
                   slow: PLXReading(oxygenSaturation: sfloat(980, -1), pulseRate: sfloat(690, -1)),
                   measurementStatus: [.measurementOngoing, .fullyQualifiedData], deviceAndSensorStatus: [],
                   pulseAmplitudeIndex: sfloat(890, -2))),
    ]

    @Test("published vectors decode field by field", arguments: published)
    func publishedVectorsDecode(vector: Vector) throws {
        let bytes = hexBytes(vector.hex)
        let measurement = try PLXContinuousMeasurement(decoding: bytes)
        #expect(measurement.normal == vector.expected.normal)
        #expect(measurement.fast == vector.expected.fast)
        #expect(measurement.slow == vector.expected.slow)
        #expect(measurement.measurementStatus == vector.expected.measurementStatus)
        #expect(measurement.deviceAndSensorStatus == vector.expected.deviceAndSensorStatus)
        #expect(measurement.pulseAmplitudeIndex == vector.expected.pulseAmplitudeIndex)
        #expect(try measurement.encoded() == bytes)
    }

    @Test func requiredVectorReads100PercentAt90Bpm() throws {
        let measurement = try PLXContinuousMeasurement(decoding: hexBytes("00 E8 F3 84 F3"))
        #expect(measurement.normal.oxygenSaturation.doubleValue == 100.0)
        #expect(measurement.normal.pulseRate.doubleValue == 90.0)
    }

    @Test func everyFlagCombinationDecodesItsFields() throws {
        for flags in UInt8(0)...0x1F {
            var bytes: [UInt8] = [flags, 0x62, 0x00, 0x3C, 0x00]
            if flags & 0x01 != 0 { bytes += [0x61, 0x00, 0x3D, 0x00] }
            if flags & 0x02 != 0 { bytes += [0x63, 0x00, 0x3B, 0x00] }
            if flags & 0x04 != 0 { bytes += [0x00, 0x20] }
            if flags & 0x08 != 0 { bytes += [0x20, 0x00, 0x00] }
            if flags & 0x10 != 0 { bytes += [0xFF, 0x07] }
            let measurement = try PLXContinuousMeasurement(decoding: bytes)
            #expect(measurement.normal.oxygenSaturation.doubleValue == 98)
            #expect(measurement.fast?.pulseRate.doubleValue == (flags & 0x01 != 0 ? 61 : nil))
            #expect(measurement.slow?.oxygenSaturation.doubleValue == (flags & 0x02 != 0 ? 99 : nil))
            #expect(measurement.measurementStatus == (flags & 0x04 != 0 ? .measurementUnavailable : nil))
            #expect(measurement.deviceAndSensorStatus == (flags & 0x08 != 0 ? .lowPerfusionDetected : nil))
            #expect(measurement.pulseAmplitudeIndex == (flags & 0x10 != 0 ? .nan : nil))
            #expect(try measurement.encoded() == bytes)
        }
    }

    @Test("reserved flag bits 5-7 are rejected", arguments: [UInt8(0x20), 0x40, 0x80])
    func reservedFlagBitsAreRejected(flags: UInt8) {
        let failure = decodingFailure { try PLXContinuousMeasurement(decoding: [flags, 0, 0, 0, 0]) }
        #expect(failure == DecodingFailure(format: PLXContinuousMeasurement.formatName, field: "Flags",
                                           reason: .reservedBitsSet(mask: UInt32(flags))))
    }

    @Test func truncationAtEveryLengthNeedsMoreBytes() {
        let bytes = hexBytes(Self.published[2].hex)
        for length in 0..<bytes.count {
            let failure = decodingFailure { try PLXContinuousMeasurement(decoding: bytes.prefix(length)) }
            #expect(failure?.isNeedMoreBytes == true, "prefix of \(length) bytes")
        }
        #expect(decodingFailure { try PLXContinuousMeasurement(decoding: bytes.prefix(5)) }?.field == "SpO2PR-Fast.SpO2")
        #expect(decodingFailure { try PLXContinuousMeasurement(decoding: bytes.prefix(7)) }?.field == "SpO2PR-Fast.PR")
    }

    @Test func trailingBytesAreRejected() {
        let failure = decodingFailure { try PLXContinuousMeasurement(decoding: hexBytes("00 E8 F3 84 F3 00")) }
        #expect(failure == DecodingFailure(format: PLXContinuousMeasurement.formatName, field: "SpO2PR-Normal.PR",
                                           reason: .trailingBytes(count: 1)))
    }

    @Test func generatedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x2A5F)
        for _ in 0..<2_000 {
            let value = Generate.continuous(&rng)
            #expect(try PLXContinuousMeasurement(decoding: value.encoded()) == value)
        }
    }
}

@Suite("PLX Spot-check Measurement (0x2A5E)")
struct PLXSpotCheckMeasurementTests {
    // StanfordSpezi/SpeziBluetooth Tests/SpeziBluetoothServicesTests/PLXTests.swift testSpotCheckMeasurementCoding.
    static let spezi = hexBytes("0F AC F3 BE F5 E8 07 0B 1D 17 08 39 20 40 22 00 00 66 E3")

    @Test func publishedVectorDecodesFieldByField() throws {
        let measurement = try PLXSpotCheckMeasurement(decoding: Self.spezi)
        #expect(measurement.reading == PLXReading(oxygenSaturation: sfloat(940, -1), pulseRate: sfloat(1470, -1)))
        #expect(measurement.timestamp == BluetoothDateTime(year: 2024, month: 11, day: 29, hour: 23, minute: 8, second: 57))
        #expect(measurement.measurementStatus == [.measurementOngoing, .questionableMeasurementDetected])
        #expect(measurement.deviceAndSensorStatus == [.equipmentMalfunctionDetected, .lowPerfusionDetected])
        #expect(measurement.pulseAmplitudeIndex == sfloat(870, -2))
        #expect(measurement.deviceClockNotSet == false)
        #expect(try measurement.encoded() == Self.spezi)
    }

    @Test func everyFlagCombinationDecodesItsFields() throws {
        for flags in UInt8(0)...0x1F {
            var bytes: [UInt8] = [flags, 0x60, 0x00, 0x50, 0x00]
            if flags & 0x01 != 0 { bytes += hexBytes("E9 07 01 0F 08 1E 00") }
            if flags & 0x02 != 0 { bytes += [0x00, 0x80] }
            if flags & 0x04 != 0 { bytes += [0x00, 0x80, 0x00] }
            if flags & 0x08 != 0 { bytes += [0x0A, 0xF0] }
            let measurement = try PLXSpotCheckMeasurement(decoding: bytes)
            #expect(measurement.reading.oxygenSaturation.doubleValue == 96)
            #expect(measurement.timestamp?.year == (flags & 0x01 != 0 ? 2025 : nil))
            #expect(measurement.measurementStatus == (flags & 0x02 != 0 ? .invalidMeasurementDetected : nil))
            #expect(measurement.deviceAndSensorStatus == (flags & 0x04 != 0 ? .sensorDisconnected : nil))
            #expect(measurement.pulseAmplitudeIndex?.doubleValue == (flags & 0x08 != 0 ? 1.0 : nil))
            #expect(measurement.deviceClockNotSet == (flags & 0x10 != 0))
            #expect(try measurement.encoded() == bytes)
        }
    }

    @Test("each measurement status bit has its name", arguments: [
        (5, PLXMeasurementStatus.measurementOngoing), (6, .earlyEstimatedData), (7, .validatedData),
        (8, .fullyQualifiedData), (9, .dataFromMeasurementStorage), (10, .dataForDemonstration),
        (11, .dataForTesting), (12, .calibrationOngoing), (13, .measurementUnavailable),
        (14, .questionableMeasurementDetected), (15, .invalidMeasurementDetected),
    ])
    func measurementStatusBits(bit: Int, expected: PLXMeasurementStatus) throws {
        let raw = UInt16(1) << bit
        let bytes: [UInt8] = [0x02, 0, 0, 0, 0, UInt8(raw & 0xFF), UInt8(raw >> 8)]
        #expect(try PLXSpotCheckMeasurement(decoding: bytes).measurementStatus == expected)
    }

    @Test("each device and sensor status bit has its name", arguments: [
        (0, PLXDeviceAndSensorStatus.extendedDisplayUpdateOngoing), (1, .equipmentMalfunctionDetected),
        (2, .signalProcessingIrregularityDetected), (3, .inadequateSignalDetected), (4, .poorSignalDetected),
        (5, .lowPerfusionDetected), (6, .erraticSignalDetected), (7, .nonpulsatileSignalDetected),
        (8, .questionablePulseDetected), (9, .signalAnalysisOngoing), (10, .sensorInterferenceDetected),
        (11, .sensorUnconnectedToUser), (12, .unknownSensorConnected), (13, .sensorDisplaced),
        (14, .sensorMalfunctioning), (15, .sensorDisconnected),
    ])
    func deviceAndSensorStatusBits(bit: Int, expected: PLXDeviceAndSensorStatus) throws {
        let raw = UInt32(1) << bit
        let bytes: [UInt8] = [0x04, 0, 0, 0, 0, UInt8(raw & 0xFF), UInt8((raw >> 8) & 0xFF), 0]
        #expect(try PLXSpotCheckMeasurement(decoding: bytes).deviceAndSensorStatus == expected)
    }

    @Test("reserved measurement status bits 0-4 are rejected", arguments: [0, 1, 2, 3, 4])
    func reservedMeasurementStatusBits(bit: Int) {
        let failure = decodingFailure { try PLXSpotCheckMeasurement(decoding: [0x02, 0, 0, 0, 0, UInt8(1 << bit), 0]) }
        #expect(failure == DecodingFailure(format: PLXSpotCheckMeasurement.formatName, field: "Measurement Status",
                                           reason: .reservedBitsSet(mask: UInt32(1) << bit)))
    }

    @Test("reserved device and sensor status bits 16-23 are rejected", arguments: [16, 20, 23])
    func reservedDeviceStatusBits(bit: Int) {
        let failure = decodingFailure {
            try PLXContinuousMeasurement(decoding: [0x08, 0, 0, 0, 0, 0, 0, UInt8(1 << (bit - 16))])
        }
        #expect(failure == DecodingFailure(format: PLXContinuousMeasurement.formatName, field: "Device and Sensor Status",
                                           reason: .reservedBitsSet(mask: UInt32(1) << bit)))
    }

    @Test("reserved flag bits 5-7 are rejected", arguments: [UInt8(0x20), 0x40, 0x80])
    func reservedFlagBitsAreRejected(flags: UInt8) {
        #expect(decodingFailure { try PLXSpotCheckMeasurement(decoding: [flags, 0, 0, 0, 0]) }?.reason
            == .reservedBitsSet(mask: UInt32(flags)))
    }

    @Test func outOfRangeTimestampIsRejected() {
        var bytes = Self.spezi
        bytes[9] = 24 // hours
        #expect(decodingFailure { try PLXSpotCheckMeasurement(decoding: bytes) }
            == DecodingFailure(format: PLXSpotCheckMeasurement.formatName, field: "Timestamp.hours",
                               reason: .outOfRange(value: 24, allowed: 0...23)))
    }

    @Test func truncationAtEveryLengthNeedsMoreBytesAndTrailingBytesAreRejected() {
        for length in 0..<Self.spezi.count {
            #expect(decodingFailure { try PLXSpotCheckMeasurement(decoding: Self.spezi.prefix(length)) }?.isNeedMoreBytes == true)
        }
        #expect(decodingFailure { try PLXSpotCheckMeasurement(decoding: Self.spezi + [1, 2, 3]) }?.reason
            == .trailingBytes(count: 3))
    }

    @Test func encodingAStatusWithReservedBitsFails() {
        let spot = PLXSpotCheckMeasurement(reading: PLXReading(oxygenSaturation: .nan, pulseRate: .nan),
                                           measurementStatus: PLXMeasurementStatus(rawValue: 0x0001))
        #expect(encodingFailure { try spot.encoded() }?.reason == .reservedBitsSet(mask: 1))
        let continuous = PLXContinuousMeasurement(normal: PLXReading(oxygenSaturation: .nan, pulseRate: .nan),
                                                  deviceAndSensorStatus: PLXDeviceAndSensorStatus(rawValue: 0x0100_0000))
        #expect(encodingFailure { try continuous.encoded() }?.reason == .reservedBitsSet(mask: 0x0100_0000))
    }

    @Test func generatedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x2A5E)
        for _ in 0..<2_000 {
            let value = Generate.spotCheck(&rng)
            #expect(try PLXSpotCheckMeasurement(decoding: value.encoded()) == value)
        }
    }
}
