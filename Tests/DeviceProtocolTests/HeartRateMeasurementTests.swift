import TestSupport
import Testing
@testable import DeviceProtocols

@Suite("Heart Rate Measurement (0x2A37)")
struct HeartRateMeasurementTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let heartRate: UInt16
        let format: HeartRateMeasurement.ValueFormat
        let contact: HeartRateMeasurement.SensorContact
        let energy: UInt16?
        let rr: [UInt16]
        var testDescription: String { name }
    }

    // All four from NordicSemiconductor/Android-BLE-Common-Library
    // ble-common/src/test/java/no/nordicsemi/android/ble/common/callback/hr/HeartRateMeasurementDataCallbackTest.java
    // (onHeartRateMeasurementReceived_uint8 is the brief's required vector).
    static let published: [Vector] = [
        Vector(name: "uint8 rate, contact, energy, one RR (Nordic _uint8)", bytes: hexBytes("1E 55 32 00 21 00"),
               heartRate: 85, format: .uint8, contact: .detected, energy: 50, rr: [33]),
        Vector(name: "rate only (Nordic _simple)", bytes: hexBytes("00 55"),
               heartRate: 85, format: .uint8, contact: .notSupported, energy: nil, rr: []),
        Vector(name: "contact supported, not detected (Nordic _noContact)", bytes: hexBytes("04 FF"),
               heartRate: 255, format: .uint8, contact: .notDetected, energy: nil, rr: []),
        Vector(name: "uint16 rate, three RR (Nordic _uint16)", bytes: hexBytes("1F 01 01 32 01 01 00 02 01 FF FF"),
               heartRate: 257, format: .uint16, contact: .detected, energy: 306, rr: [1, 258, 65535]),
    ]

    @Test("published vectors decode field by field", arguments: published)
    func publishedVectorsDecode(vector: Vector) throws {
        let measurement = try HeartRateMeasurement(decoding: vector.bytes)
        #expect(measurement.heartRate == vector.heartRate)
        #expect(measurement.valueFormat == vector.format)
        #expect(measurement.sensorContact == vector.contact)
        #expect(measurement.energyExpended == vector.energy)
        #expect(measurement.rrIntervals == vector.rr)
        #expect(try measurement.encoded() == vector.bytes)
    }

    @Test func requiredVectorReadsAsEightyFiveBpmWithOneRRIntervalOf33Over1024Seconds() throws {
        let measurement = try HeartRateMeasurement(decoding: hexBytes("1E 55 32 00 21 00"))
        #expect(measurement.rrIntervalSeconds == [33.0 / 1024.0])
    }

    @Test func everyDefinedFlagCombinationDecodesItsFields() throws {
        for flags in UInt8(0)...0x1F {
            var bytes: [UInt8] = [flags]
            let wide = flags & 0x01 != 0
            bytes += wide ? [0x2C, 0x01] : [0x48]
            if flags & 0x08 != 0 { bytes += [0x10, 0x27] }
            if flags & 0x10 != 0 { bytes += [0x00, 0x04, 0x00, 0x02] }
            let measurement = try HeartRateMeasurement(decoding: bytes)
            #expect(measurement.heartRate == (wide ? 300 : 72))
            #expect(measurement.energyExpended == (flags & 0x08 != 0 ? 10_000 : nil))
            #expect(measurement.rrIntervals == (flags & 0x10 != 0 ? [1024, 512] : []))
            let contact: HeartRateMeasurement.SensorContact =
                flags & 0b110 == 0b110 ? .detected : (flags & 0b110 == 0b100 ? .notDetected : .notSupported)
            #expect(measurement.sensorContact == contact)
        }
    }

    @Test func contactBitsZeroOneMeanNotSupportedLikeZeroZero() throws {
        #expect(try HeartRateMeasurement(decoding: [0x02, 60]).sensorContact == .notSupported)
        // The encoder writes the canonical 0b00.
        #expect(try HeartRateMeasurement(decoding: [0x02, 60]).encoded() == [0x00, 60])
    }

    @Test("reserved flag bits 5-7 are rejected", arguments: [UInt8(0x20), 0x40, 0x80, 0xE0, 0xFF])
    func reservedFlagBitsAreRejected(flags: UInt8) {
        let failure = decodingFailure { try HeartRateMeasurement(decoding: [flags, 60, 0, 0, 0, 0]) }
        #expect(failure == DecodingFailure(format: HeartRateMeasurement.formatName, field: "Flags",
                                           reason: .reservedBitsSet(mask: UInt32(flags & 0xE0))))
    }

    @Test func truncationAtEveryLengthNeedsMoreBytesNamingTheFieldUnlessItEndsOnAWholeRRInterval() {
        let full = hexBytes("1F 01 01 32 01 01 00 02 01 FF FF")
        // (field, available) for each prefix length; nil where the prefix is itself valid (fewer RR-Intervals).
        let expected: [(field: String, available: Int)?] = [
            ("Flags", 0), ("Heart Rate Measurement Value", 0), ("Heart Rate Measurement Value", 1),
            ("Energy Expended", 0), ("Energy Expended", 1), ("RR-Interval[0]", 0), ("RR-Interval[0]", 1),
            nil, ("RR-Interval[1]", 1), nil, ("RR-Interval[2]", 1),
        ]
        for length in 0..<full.count {
            let failure = decodingFailure { try HeartRateMeasurement(decoding: full.prefix(length)) }
            if let want = expected[length] {
                #expect(failure == DecodingFailure(
                    format: HeartRateMeasurement.formatName, field: want.field,
                    reason: .needMoreBytes(needed: length == 0 ? 1 : 2, available: want.available)))
                #expect(failure?.isNeedMoreBytes == true)
            } else {
                #expect(failure == nil)
                #expect((try? HeartRateMeasurement(decoding: full.prefix(length)))?.rrIntervals.count == (length - 5) / 2)
            }
        }
    }

    // NordicSemiconductor/Android-BLE-Common-Library HeartRateMeasurementDataCallbackTest.onInvalidDataReceived:
    // flags announce RR-Intervals but none follow.
    @Test func rrFlagWithoutAnyIntervalNeedsMoreBytes() {
        let failure = decodingFailure { try HeartRateMeasurement(decoding: hexBytes("17 01 01")) }
        #expect(failure?.field == "RR-Interval[0]")
        #expect(failure?.reason == .needMoreBytes(needed: 2, available: 0))
    }

    @Test func decodeFromReaderConsumesEverythingAndMovesOnlyOnSuccess() throws {
        var reader = ByteReader(hexBytes("10 50 00 04"))
        let value = try HeartRateMeasurement.decode(from: &reader)
        #expect(value.rrIntervals == [1024])
        #expect(reader.readableBytes == 0)

        var short = ByteReader(hexBytes("10 50 00"))
        #expect(decodingFailure { try HeartRateMeasurement.decode(from: &short) }?.isNeedMoreBytes == true)
        #expect(short.readerIndex == 0)
    }

    @Test func encodingAnEightBitFormatAbove255Fails() {
        let measurement = HeartRateMeasurement(heartRate: 300, valueFormat: .uint8)
        #expect(encodingFailure { try measurement.encoded() } == EncodingFailure(
            format: HeartRateMeasurement.formatName, field: "Heart Rate Measurement Value",
            reason: .outOfRange(value: 300, allowed: 0...255)))
        #expect(HeartRateMeasurement(heartRate: 300).valueFormat == .uint16)
        #expect(HeartRateMeasurement(heartRate: 255).valueFormat == .uint8)
    }

    @Test func generatedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x2A37)
        for _ in 0..<2_000 {
            let value = Generate.heartRate(&rng)
            #expect(try HeartRateMeasurement(decoding: value.encoded()) == value)
        }
    }
}
