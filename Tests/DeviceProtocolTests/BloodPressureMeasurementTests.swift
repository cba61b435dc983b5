import TestSupport
import Testing
@testable import DeviceProtocols

@Suite("Blood Pressure Measurement (0x2A35)")
struct BloodPressureMeasurementTests {
    // NordicSemiconductor/Android-BLE-Common-Library
    // ble-common/src/test/java/no/nordicsemi/android/ble/common/callback/bps/BloodPressureMeasurementDataCallbackTest.java
    // onBloodPressureMeasurementReceived_full (the brief's required vector).
    static let nordicFull = hexBytes("1E 8A 00 58 00 78 00 00 00 04 11 14 29 3B 3C 00 01 27 00")

    @Test func fullPublishedVectorReads138Over88WithMap120Pulse60User1() throws {
        let measurement = try BloodPressureMeasurement(decoding: Self.nordicFull)
        #expect(measurement.unit == .mmHg)
        #expect(measurement.systolic.doubleValue == 138)
        #expect(measurement.diastolic.doubleValue == 88)
        #expect(measurement.meanArterialPressure.doubleValue == 120)
        #expect(measurement.timestamp == BluetoothDateTime(year: nil, month: 4, day: 17, hour: 20, minute: 41, second: 59))
        #expect(measurement.pulseRate?.doubleValue == 60)
        #expect(measurement.user == .id(1))
        #expect(measurement.status == BloodPressureMeasurementStatus(
            bodyMovementDetected: true, cuffTooLoose: true, irregularPulseDetected: true,
            pulseRateRange: .withinRange, improperMeasurementPosition: true))
        #expect(measurement.status?.rawValue == 0b10_0111)
        #expect(try measurement.encoded() == Self.nordicFull)
    }

    // Same file, onBloodPressureMeasurementReceived_some.
    @Test func somePublishedVectorReadsKilopascalWithPulseBelowLowerLimit() throws {
        let bytes = hexBytes("15 BD F0 0B 00 9F F0 3C 00 12 00")
        let measurement = try BloodPressureMeasurement(decoding: bytes)
        #expect(measurement.unit == .kPa)
        #expect(measurement.systolic.value == .number(mantissa: 189, exponent: -1))
        #expect(measurement.diastolic.value == .number(mantissa: 11, exponent: 0))
        #expect(measurement.meanArterialPressure.value == .number(mantissa: 159, exponent: -1))
        #expect(measurement.timestamp == nil)
        #expect(measurement.pulseRate?.doubleValue == 60)
        #expect(measurement.user == nil)
        #expect(measurement.status == BloodPressureMeasurementStatus(cuffTooLoose: true, pulseRateRange: .belowLowerLimit))
        #expect(try measurement.encoded() == bytes)
    }

    // Same file, onBloodPressureMeasurementReceived_minimal.
    @Test func minimalPublishedVectorHasNoOptionalFields() throws {
        let bytes = hexBytes("00 BD F0 0B 00 9F F0")
        let measurement = try BloodPressureMeasurement(decoding: bytes)
        #expect(measurement == BloodPressureMeasurement(systolic: sfloat(189, -1), diastolic: sfloat(11, 0),
                                                        meanArterialPressure: sfloat(159, -1)))
        #expect(try measurement.encoded() == bytes)
    }

    // Same file, onInvalidDataReceived_toShort and onInvalidDataReceived_noTimestamp.
    @Test("published invalid vectors need more bytes", arguments: [
        ("01 02 03 04 05 06", "Mean Arterial Pressure"), ("03 02 03 04 05 06 07", "Time Stamp.year"),
    ])
    func publishedShortVectorsNeedMoreBytes(hex: String, field: String) {
        let failure = decodingFailure { try BloodPressureMeasurement(decoding: hexBytes(hex)) }
        #expect(failure?.isNeedMoreBytes == true)
        #expect(failure?.field == field)
    }

    @Test func everyFlagCombinationDecodesItsFields() throws {
        for flags in UInt8(0)...0x1F {
            var bytes: [UInt8] = [flags, 0x78, 0x00, 0x50, 0x00, 0xFF, 0x07]
            if flags & 0x02 != 0 { bytes += hexBytes("E8 07 01 02 03 04 05") }
            if flags & 0x04 != 0 { bytes += [0x48, 0x00] }
            if flags & 0x08 != 0 { bytes += [0xFF] }
            if flags & 0x10 != 0 { bytes += [0x08, 0x00] }
            let measurement = try BloodPressureMeasurement(decoding: bytes)
            #expect(measurement.unit == (flags & 0x01 == 0 ? .mmHg : .kPa))
            #expect(measurement.meanArterialPressure == .nan)
            #expect((measurement.timestamp != nil) == (flags & 0x02 != 0))
            #expect(measurement.pulseRate?.doubleValue == (flags & 0x04 != 0 ? 72 : nil))
            #expect(measurement.user == (flags & 0x08 != 0 ? .unknown : nil))
            #expect(measurement.status?.pulseRateRange == (flags & 0x10 != 0 ? .exceedsUpperLimit : nil))
            #expect(try measurement.encoded() == bytes)
        }
    }

    @Test("each status bit maps to its own property", arguments: [
        (UInt16(0x0001), BloodPressureMeasurementStatus(bodyMovementDetected: true)),
        (0x0002, BloodPressureMeasurementStatus(cuffTooLoose: true)),
        (0x0004, BloodPressureMeasurementStatus(irregularPulseDetected: true)),
        (0x0008, BloodPressureMeasurementStatus(pulseRateRange: .exceedsUpperLimit)),
        (0x0010, BloodPressureMeasurementStatus(pulseRateRange: .belowLowerLimit)),
        (0x0020, BloodPressureMeasurementStatus(improperMeasurementPosition: true)),
    ] as [(UInt16, BloodPressureMeasurementStatus)])
    func statusBitsDecode(raw: UInt16, expected: BloodPressureMeasurementStatus) throws {
        let bytes: [UInt8] = [0x10, 0, 0, 0, 0, 0, 0, UInt8(raw & 0xFF), UInt8(raw >> 8)]
        #expect(try BloodPressureMeasurement(decoding: bytes).status == expected)
        #expect(expected.rawValue == raw)
    }

    @Test func pulseRateRangeValueThreeIsReserved() {
        let failure = decodingFailure { try BloodPressureMeasurement(decoding: [0x10, 0, 0, 0, 0, 0, 0, 0x18, 0x00]) }
        #expect(failure == DecodingFailure(format: BloodPressureMeasurement.formatName,
                                           field: "Measurement Status.Pulse Rate Range", reason: .reservedValue(3)))
    }

    @Test("reserved status bits 6-15 are rejected", arguments: [UInt16(0x0040), 0x0080, 0x0100, 0x8000, 0xFFC0])
    func reservedStatusBitsAreRejected(raw: UInt16) {
        let bytes: [UInt8] = [0x10, 0, 0, 0, 0, 0, 0, UInt8(raw & 0xFF), UInt8(raw >> 8)]
        let failure = decodingFailure { try BloodPressureMeasurement(decoding: bytes) }
        #expect(failure == DecodingFailure(format: BloodPressureMeasurement.formatName, field: "Measurement Status",
                                           reason: .reservedBitsSet(mask: UInt32(raw))))
    }

    @Test("reserved flag bits 5-7 are rejected", arguments: [UInt8(0x20), 0x40, 0x80])
    func reservedFlagBitsAreRejected(flags: UInt8) {
        let failure = decodingFailure { try BloodPressureMeasurement(decoding: [flags, 0, 0, 0, 0, 0, 0]) }
        #expect(failure?.reason == .reservedBitsSet(mask: UInt32(flags)))
    }

    @Test func monthThirteenInTheTimeStampIsRejectedWithAReadableMessage() {
        var bytes = Self.nordicFull
        bytes[9] = 13
        let failure = decodingFailure { try BloodPressureMeasurement(decoding: bytes) }
        #expect(failure?.description == "Blood Pressure Measurement (0x2A35): field \"Time Stamp.month\" is 13, allowed 0...12")
    }

    @Test func truncationAtEveryLengthNeedsMoreBytes() {
        for length in 0..<Self.nordicFull.count {
            let failure = decodingFailure { try BloodPressureMeasurement(decoding: Self.nordicFull.prefix(length)) }
            #expect(failure?.isNeedMoreBytes == true, "prefix of \(length) bytes")
        }
    }

    @Test func trailingBytesAreRejected() {
        let failure = decodingFailure { try BloodPressureMeasurement(decoding: Self.nordicFull + [0]) }
        #expect(failure?.reason == .trailingBytes(count: 1))
        #expect(failure?.field == "Measurement Status")
    }

    @Test func userIDFFIsTheUnknownUserAndEncodingIt255IsRefused() throws {
        let bytes: [UInt8] = [0x08, 0, 0, 0, 0, 0, 0, 0xFF]
        #expect(try BloodPressureMeasurement(decoding: bytes).user == .unknown)
        var measurement = try BloodPressureMeasurement(decoding: bytes)
        measurement.user = .id(255)
        #expect(encodingFailure { try measurement.encoded() }?.reason == .reservedValue(0xFF))
        measurement.user = .id(254)
        #expect(try BloodPressureMeasurement(decoding: measurement.encoded()).user == .id(254))
    }

    @Test func generatedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x2A35)
        for _ in 0..<2_000 {
            let value = Generate.bloodPressure(&rng)
            #expect(try BloodPressureMeasurement(decoding: value.encoded()) == value)
        }
    }
}

@Suite("Battery Level (0x2A19)")
struct BatteryLevelTests {
    // NordicSemiconductor/Android-BLE-Common-Library
    // ble-common/src/test/java/no/nordicsemi/android/ble/common/callback/battery/BatteryLevelDataCallbackTest.java
    @Test("published levels decode", arguments: [(UInt8(0x64), UInt8(100)), (0x0F, 15), (0x00, 0)])
    func publishedLevelsDecode(byte: UInt8, percent: UInt8) throws {
        #expect(try BatteryLevel(decoding: [byte]).percent == percent)
        #expect(try BatteryLevel(percent: percent).encoded() == [byte])
    }

    // Same file, onInvalidDataReceived_batteryLevelOutOfRange (0x65) and larger values.
    @Test("levels above 100 are rejected", arguments: [UInt8(101), 0xFF])
    func levelsAbove100AreRejected(byte: UInt8) {
        #expect(decodingFailure { try BatteryLevel(decoding: [byte]) } == DecodingFailure(
            format: BatteryLevel.formatName, field: "Battery Level", reason: .outOfRange(value: Int64(byte), allowed: 0...100)))
        #expect(encodingFailure { try BatteryLevel(percent: byte).encoded() }?.field == "Battery Level")
    }

    @Test func batteryOf101ReadsAsAHumanSentence() {
        #expect(decodingFailure { try BatteryLevel(decoding: [101]) }?.description
            == "Battery Level (0x2A19): field \"Battery Level\" is 101, allowed 0...100")
    }

    @Test func emptyValueNeedsMoreBytes() {
        #expect(decodingFailure { try BatteryLevel(decoding: []) }?.reason == .needMoreBytes(needed: 1, available: 0))
    }

    // Same file, onInvalidDataReceived_dataTooLong.
    @Test func extraBytesAreRejected() {
        #expect(decodingFailure { try BatteryLevel(decoding: [0x64, 0x00]) }?.reason == .trailingBytes(count: 1))
    }

    @Test func everyByteEitherDecodesOrIsOutOfRange() {
        for byte in UInt8.min...UInt8.max {
            let decoded = try? BatteryLevel(decoding: [byte])
            #expect((decoded != nil) == (byte <= 100))
        }
    }
}
