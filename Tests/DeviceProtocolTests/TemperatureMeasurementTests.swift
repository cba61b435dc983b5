import TestSupport
import Testing
@testable import DeviceProtocols

@Suite("Temperature Measurement (0x2A1C)")
struct TemperatureMeasurementTests {
    // NordicSemiconductor/Android-BLE-Common-Library
    // ble-common/src/test/java/no/nordicsemi/android/ble/common/callback/ht/TemperatureMeasurementDataCallbackTest.java
    // (onTemperatureMeasurementReceived); also the brief's required vector.
    static let nordicVector = hexBytes("06 B0 0E 00 FE DC 07 0C 05 0B 32 1B 04")

    @Test func publishedVectorReads37Point60CelsiusOnTheFingerAt20121205115027() throws {
        let measurement = try TemperatureMeasurement(decoding: Self.nordicVector)
        #expect(measurement.value.value == .number(mantissa: 3760, exponent: -2))
        #expect(measurement.value.doubleValue == 37.6)
        #expect(measurement.unit == .celsius)
        #expect(measurement.timestamp == BluetoothDateTime(year: 2012, month: 12, day: 5, hour: 11, minute: 50, second: 27))
        #expect(measurement.temperatureType == .finger)
        #expect(try measurement.encoded() == Self.nordicVector)
    }

    // Same file, onInvalidDataReceived: the vector without its last byte.
    @Test func publishedVectorMissingItsTemperatureTypeNeedsMoreBytes() {
        let failure = decodingFailure { try TemperatureMeasurement(decoding: Self.nordicVector.dropLast()) }
        #expect(failure == DecodingFailure(format: TemperatureMeasurement.formatName, field: "Temperature Type",
                                           reason: .needMoreBytes(needed: 1, available: 0)))
    }

    @Test func everyFlagCombinationDecodesItsFields() throws {
        let stamp = hexBytes("E8 07 02 1D 17 3B 3B")
        for flags in UInt8(0)...0x07 {
            var bytes: [UInt8] = [flags, 0x6D, 0x01, 0x00, 0xFF] // 36.5
            if flags & 0x02 != 0 { bytes += stamp }
            if flags & 0x04 != 0 { bytes.append(0x09) }
            let measurement = try TemperatureMeasurement(decoding: bytes)
            #expect(measurement.value.doubleValue == 36.5)
            #expect(measurement.unit == (flags & 0x01 == 0 ? .celsius : .fahrenheit))
            #expect(measurement.timestamp == (flags & 0x02 == 0 ? nil : BluetoothDateTime(
                year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59)))
            #expect(measurement.temperatureType == (flags & 0x04 == 0 ? nil : .tympanum))
            #expect(try measurement.encoded() == bytes)
        }
    }

    @Test("temperature types 1...9 decode to their sites", arguments: Array(TemperatureType.allCases))
    func temperatureTypesDecode(type: TemperatureType) throws {
        #expect(try TemperatureMeasurement(decoding: [0x04, 0, 0, 0, 0, type.rawValue]).temperatureType == type)
    }

    @Test("temperature types 0 and 10...255 are reserved", arguments: [UInt8(0), 10, 11, 0x7F, 0xFF])
    func reservedTemperatureTypesAreRejected(raw: UInt8) {
        let failure = decodingFailure { try TemperatureMeasurement(decoding: [0x04, 0, 0, 0, 0, raw]) }
        #expect(failure == DecodingFailure(format: TemperatureMeasurement.formatName, field: "Temperature Type",
                                           reason: .reservedValue(UInt32(raw))))
    }

    @Test("reserved flag bits 3-7 are rejected", arguments: [UInt8(0x08), 0x10, 0x20, 0x40, 0x80, 0xFF])
    func reservedFlagBitsAreRejected(flags: UInt8) {
        let failure = decodingFailure { try TemperatureMeasurement(decoding: [flags, 0, 0, 0, 0]) }
        #expect(failure?.field == "Flags")
        #expect(failure?.reason == .reservedBitsSet(mask: UInt32(flags & 0xF8)))
    }

    @Test func truncationAtEveryLengthNeedsMoreBytes() {
        let fields = ["Flags"] + Array(repeating: "Temperature Measurement Value", count: 4)
            + ["Time Stamp.year", "Time Stamp.year", "Time Stamp.month", "Time Stamp.day", "Time Stamp.hours",
               "Time Stamp.minutes", "Time Stamp.seconds", "Temperature Type"]
        for length in 0..<Self.nordicVector.count {
            let failure = decodingFailure { try TemperatureMeasurement(decoding: Self.nordicVector.prefix(length)) }
            #expect(failure?.isNeedMoreBytes == true)
            #expect(failure?.field == fields[length])
        }
    }

    @Test func bytesAfterTheLastAnnouncedFieldAreRejected() {
        let failure = decodingFailure { try TemperatureMeasurement(decoding: Self.nordicVector + [0x00, 0x00]) }
        #expect(failure == DecodingFailure(format: TemperatureMeasurement.formatName, field: "Temperature Type",
                                           reason: .trailingBytes(count: 2)))
    }

    @Test func specialTemperatureValuesSurviveAsSpecials() throws {
        let measurement = try TemperatureMeasurement(decoding: [0x00, 0xFF, 0xFF, 0x7F, 0x00])
        #expect(measurement.value == .nan)
        #expect(measurement.value.doubleValue == nil)
    }

    @Test func decodeFromReaderLeavesFollowingBytesAndMovesOnlyOnSuccess() throws {
        var reader = ByteReader(Self.nordicVector + [0xAA])
        _ = try TemperatureMeasurement.decode(from: &reader)
        #expect(reader.readableBytes == 1)

        var bad = ByteReader([0x04, 0, 0, 0, 0, 0x0A])
        #expect(decodingFailure { try TemperatureMeasurement.decode(from: &bad) }?.reason == .reservedValue(10))
        #expect(bad.readerIndex == 0)
    }

    @Test func generatedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x2A1C)
        for _ in 0..<2_000 {
            let value = Generate.temperature(&rng)
            #expect(try TemperatureMeasurement(decoding: value.encoded()) == value)
        }
    }
}

@Suite("Date Time time stamps")
struct BluetoothDateTimeTests {
    static func decode(_ stamp: [UInt8]) throws(DecodingFailure) -> BluetoothDateTime? {
        try TemperatureMeasurement(decoding: [0x02, 0, 0, 0, 0] + stamp).timestamp
    }

    @Test func zeroYearMonthAndDayMeanUnknown() throws {
        let stamp = try Self.decode(hexBytes("00 00 00 00 00 00 00"))
        #expect(stamp == BluetoothDateTime(year: nil, month: nil, day: nil, hour: 0, minute: 0, second: 0))
        #expect(stamp?.description == "????-??-?? 00:00:00")
    }

    @Test func boundaryValuesAreAccepted() throws {
        #expect(try Self.decode(hexBytes("2E 06 01 01 00 00 00"))?.year == 1582)
        #expect(try Self.decode(hexBytes("0F 27 0C 1F 17 3B 3B"))
            == BluetoothDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59))
    }

    @Test("out-of-range parts are rejected, naming the part", arguments: [
        ("2D 06 01 01 00 00 00", "Time Stamp.year", 1581, 1582...9999),
        ("10 27 01 01 00 00 00", "Time Stamp.year", 10000, 1582...9999),
        ("01 00 01 01 00 00 00", "Time Stamp.year", 1, 1582...9999),
        ("DC 07 0D 01 00 00 00", "Time Stamp.month", 13, 0...12),
        ("DC 07 01 20 00 00 00", "Time Stamp.day", 32, 0...31),
        ("DC 07 01 01 18 00 00", "Time Stamp.hours", 24, 0...23),
        ("DC 07 01 01 00 3C 00", "Time Stamp.minutes", 60, 0...59),
        ("DC 07 01 01 00 00 3C", "Time Stamp.seconds", 60, 0...59),
        ("DC 07 01 01 00 00 FF", "Time Stamp.seconds", 255, 0...59),
    ] as [(String, String, Int64, ClosedRange<Int64>)])
    func outOfRangePartsAreRejected(hex: String, field: String, value: Int64, allowed: ClosedRange<Int64>) {
        let failure = decodingFailure { try Self.decode(hexBytes(hex)) }
        #expect(failure == DecodingFailure(format: TemperatureMeasurement.formatName, field: field,
                                           reason: .outOfRange(value: value, allowed: allowed)))
    }

    @Test func encodingChecksEveryPart() {
        func failure(_ stamp: BluetoothDateTime) -> EncodingFailure? {
            encodingFailure { try TemperatureMeasurement(value: .nan, timestamp: stamp).encoded() }
        }
        #expect(failure(BluetoothDateTime(year: 1581, month: 1, day: 1, hour: 0, minute: 0, second: 0))?.field == "Time Stamp.year")
        #expect(failure(BluetoothDateTime(year: nil, month: 0, day: 1, hour: 0, minute: 0, second: 0))?.field == "Time Stamp.month")
        #expect(failure(BluetoothDateTime(year: nil, month: nil, day: 32, hour: 0, minute: 0, second: 0))?.field == "Time Stamp.day")
        #expect(failure(BluetoothDateTime(year: nil, month: nil, day: nil, hour: -1, minute: 0, second: 0))?.reason
            == .outOfRange(value: -1, allowed: 0...23))
        #expect(failure(BluetoothDateTime(year: nil, month: nil, day: nil, hour: 0, minute: 60, second: 0))?.field == "Time Stamp.minutes")
        #expect(failure(BluetoothDateTime(year: nil, month: nil, day: nil, hour: 0, minute: 0, second: 60))?.field == "Time Stamp.seconds")
    }

    @Test func descriptionPadsEveryPart() {
        #expect(BluetoothDateTime(year: 2012, month: 12, day: 5, hour: 11, minute: 50, second: 7).description
            == "2012-12-05 11:50:07")
    }
}
