import TestSupport
import Testing
@testable import DeviceProtocols

@Suite("IEEE 11073 SFLOAT and FLOAT")
struct MedFloatTests {
    struct SFloatVector: Sendable, CustomTestStringConvertible {
        let raw: UInt16
        let mantissa: Int
        let exponent: Int
        let double: Double
        let text: String
        var testDescription: String { "0x\(String(raw, radix: 16)) = \(text)" }
    }

    // Raw values taken from the published characteristic vectors cited in the GATT test files:
    // 0xF3E8, 0xF384 (StanfordSpezi/SpeziBluetooth Tests/SpeziBluetoothServicesTests/PLXTests.swift),
    // 0x008A, 0xF0BD, 0xF09F (NordicSemiconductor/Android-BLE-Common-Library
    // ble-common/src/test/java/no/nordicsemi/android/ble/common/callback/bps/BloodPressureMeasurementDataCallbackTest.java),
    // 0xE37A (SpeziBluetooth PLXTests.swift, Pulse Amplitude Index 8.90).
    static let sfloatVectors: [SFloatVector] = [
        SFloatVector(raw: 0xF3E8, mantissa: 1000, exponent: -1, double: 100.0, text: "100.0"),
        SFloatVector(raw: 0xF384, mantissa: 900, exponent: -1, double: 90.0, text: "90.0"),
        SFloatVector(raw: 0x008A, mantissa: 138, exponent: 0, double: 138, text: "138"),
        SFloatVector(raw: 0xF0BD, mantissa: 189, exponent: -1, double: 18.9, text: "18.9"),
        SFloatVector(raw: 0xF09F, mantissa: 159, exponent: -1, double: 15.9, text: "15.9"),
        SFloatVector(raw: 0xE37A, mantissa: 890, exponent: -2, double: 8.9, text: "8.90"),
        SFloatVector(raw: 0xFFFF, mantissa: -1, exponent: -1, double: -0.1, text: "-0.1"),
        SFloatVector(raw: 0x1005, mantissa: 5, exponent: 1, double: 50, text: "50"),
        SFloatVector(raw: 0x87FF, mantissa: 2047, exponent: -8, double: 0.00002047, text: "0.00002047"),
        SFloatVector(raw: 0x7800, mantissa: -2048, exponent: 7, double: -20_480_000_000, text: "-20480000000"),
        SFloatVector(raw: 0x0000, mantissa: 0, exponent: 0, double: 0, text: "0"),
    ]

    @Test("SFLOAT bit patterns decode to exact mantissa and exponent", arguments: sfloatVectors)
    func sfloatDecodesPublishedPatterns(vector: SFloatVector) {
        let value = MedFloat16(rawValue: vector.raw)
        #expect(value.value == .number(mantissa: vector.mantissa, exponent: vector.exponent))
        #expect(value.doubleValue == vector.double)
        #expect(value.description == vector.text)
        #expect(value.bytes == [UInt8(vector.raw & 0xFF), UInt8(vector.raw >> 8)])
        #expect((try? MedFloat16(mantissa: vector.mantissa, exponent: vector.exponent)) == value)
    }

    @Test("SFLOAT special values are distinct cases and never numbers", arguments: [
        (UInt16(0x07FF), MedFloat16.Value.nan), (0x0800, .nres), (0x07FE, .positiveInfinity),
        (0x0802, .negativeInfinity), (0x0801, .reserved),
    ])
    func sfloatSpecialValues(raw: UInt16, expected: MedFloat16.Value) {
        let value = MedFloat16(rawValue: raw)
        #expect(value.value == expected)
        #expect(value.doubleValue == nil)
    }

    @Test func sfloatNamedSpecialsMatchTheirBitPatterns() {
        #expect(MedFloat16.nan.rawValue == 0x07FF)
        #expect(MedFloat16.nres.rawValue == 0x0800)
        #expect(MedFloat16.positiveInfinity.rawValue == 0x07FE)
        #expect(MedFloat16.negativeInfinity.rawValue == 0x0802)
        #expect(MedFloat16.reserved.rawValue == 0x0801)
        #expect(MedFloat16.nan.description == "NaN")
    }

    @Test func everySFloatPatternDecodesWithoutTrapping() {
        var specials = 0
        for raw in UInt16.min...UInt16.max {
            let value = MedFloat16(rawValue: raw)
            if value.doubleValue == nil { specials += 1 }
            if case let .number(mantissa, exponent) = value.value {
                #expect(MedFloat16.mantissaRange.contains(mantissa) && MedFloat16.exponentRange.contains(exponent))
            }
        }
        #expect(specials == 5)
    }

    @Test func sfloatFromMantissaAndExponentRejectsOutOfRangeParts() {
        #expect(encodingFailure { try MedFloat16(mantissa: 2048, exponent: 1) }?.reason
            == .outOfRange(value: 2048, allowed: -2048...2047))
        #expect(encodingFailure { try MedFloat16(mantissa: 1, exponent: 8) }?.reason
            == .outOfRange(value: 8, allowed: -8...7))
        #expect(encodingFailure { try MedFloat16(mantissa: 1, exponent: -9) }?.field == "exponent")
        // Exponent 0 with these mantissas would spell NaN, NRes, ±INF or reserved.
        for mantissa in [2046, 2047, -2048, -2047, -2046] {
            #expect(encodingFailure { try MedFloat16(mantissa: mantissa, exponent: 0) }?.field == "mantissa")
        }
        #expect((try? MedFloat16(mantissa: 2045, exponent: 0))?.doubleValue == 2045)
        #expect((try? MedFloat16(mantissa: -2048, exponent: 1))?.doubleValue == -20480)
    }

    @Test func sfloatFromDoubleRoundsHalfAwayFromZeroAtTheChosenExponent() throws {
        #expect(try MedFloat16(37.6, exponent: -1).value == .number(mantissa: 376, exponent: -1))
        #expect(try MedFloat16(0.25, exponent: -1).value == .number(mantissa: 3, exponent: -1))
        #expect(try MedFloat16(-0.25, exponent: -1).value == .number(mantissa: -3, exponent: -1))
        #expect(try MedFloat16(98.04, exponent: -1).value == .number(mantissa: 980, exponent: -1))
        #expect(try MedFloat16(123_000, exponent: 3).value == .number(mantissa: 123, exponent: 3))
        #expect(try MedFloat16(120, exponent: 0).bytes == [0x78, 0x00])
    }

    @Test func sfloatFromDoubleThrowsWhenTheValueDoesNotFit() {
        #expect(encodingFailure { try MedFloat16(204.8, exponent: -1) }?.reason
            == .notRepresentable(value: 204.8, allowed: -2048...2047))
        #expect(encodingFailure { try MedFloat16(2046, exponent: 0) }?.reason
            == .notRepresentable(value: 2046, allowed: -2045...2045))
        #expect(encodingFailure { try MedFloat16(.nan, exponent: 0) }?.reason == .notFinite)
        #expect(encodingFailure { try MedFloat16(.infinity, exponent: 0) }?.reason == .notFinite)
        #expect(encodingFailure { try MedFloat16(1e300, exponent: -8) }?.field == "value")
        #expect(encodingFailure { try MedFloat16(1, exponent: 9) }?.field == "exponent")
    }

    // 0xFE000EB0 = 37.60 comes from the Temperature Measurement vector in NordicSemiconductor/Android-BLE-Common-Library
    // ble-common/src/test/java/no/nordicsemi/android/ble/common/callback/ht/TemperatureMeasurementDataCallbackTest.java.
    @Test("FLOAT bit patterns decode to exact mantissa and exponent", arguments: [
        (UInt32(0xFE00_0EB0), 3760, -2, 37.6, "37.60"),
        (0x0000_0000, 0, 0, 0.0, "0"),
        (0xFF80_0003, -8_388_605, -1, -838_860.5, "-838860.5"),
        (0x0200_0001, 1, 2, 100.0, "100"),
        (0xFD00_0001, 1, -3, 0.001, "0.001"),
    ])
    func floatDecodesBitPatterns(raw: UInt32, mantissa: Int, exponent: Int, double: Double, text: String) {
        let value = MedFloat32(rawValue: raw)
        #expect(value.value == .number(mantissa: mantissa, exponent: exponent))
        #expect(value.doubleValue == double)
        #expect(value.description == text)
        #expect((try? MedFloat32(mantissa: mantissa, exponent: exponent)) == value)
    }

    @Test("FLOAT special values are distinct cases and never numbers", arguments: [
        (UInt32(0x007F_FFFF), MedFloat16.Value.nan), (0x0080_0000, .nres), (0x007F_FFFE, .positiveInfinity),
        (0x0080_0002, .negativeInfinity), (0x0080_0001, .reserved),
    ])
    func floatSpecialValues(raw: UInt32, expected: MedFloat16.Value) {
        #expect(MedFloat32(rawValue: raw).value == expected)
        #expect(MedFloat32(rawValue: raw).doubleValue == nil)
    }

    @Test func floatWithTheSmallestExponentStillReadsExactly() {
        let tiny = MedFloat32(rawValue: 0x807F_FFFF)
        #expect(tiny.value == .number(mantissa: 8_388_607, exponent: -128))
        #expect(tiny.description == "0." + String(repeating: "0", count: 121) + "8388607")
        #expect((tiny.doubleValue ?? 0) > 0)
    }

    @Test func floatNamedSpecialsMatchTheirBitPatterns() {
        #expect([MedFloat32.nan, .nres, .positiveInfinity, .negativeInfinity, .reserved].map(\.rawValue)
            == [0x007F_FFFF, 0x0080_0000, 0x007F_FFFE, 0x0080_0002, 0x0080_0001])
    }

    @Test func floatEncodingChecksRangesAndRounds() throws {
        #expect(try MedFloat32(37.6, exponent: -2).rawValue == 0xFE00_0EB0)
        #expect(try MedFloat32(37.6, exponent: -2).bytes == [0xB0, 0x0E, 0x00, 0xFE])
        #expect(encodingFailure { try MedFloat32(mantissa: 8_388_608, exponent: 1) }?.field == "mantissa")
        #expect(encodingFailure { try MedFloat32(mantissa: 8_388_606, exponent: 0) }?.field == "mantissa")
        #expect(encodingFailure { try MedFloat32(mantissa: 1, exponent: 128) }?.field == "exponent")
        #expect(encodingFailure { try MedFloat32(1e10, exponent: 0) }?.reason
            == .notRepresentable(value: 1e10, allowed: -8_388_605...8_388_605))
        #expect(encodingFailure { try MedFloat32(-.infinity, exponent: 0) }?.reason == .notFinite)
    }

    @Test func randomFiniteValuesRoundTripThroughMantissaAndExponent() throws {
        var rng = SplitMix64(seed: 0x5F10A7)
        for _ in 0..<5_000 {
            let sfloat = Generate.sfloat(&rng)
            if case let .number(mantissa, exponent) = sfloat.value {
                #expect(try MedFloat16(mantissa: mantissa, exponent: exponent) == sfloat)
            }
            let float = Generate.float(&rng)
            if case let .number(mantissa, exponent) = float.value {
                #expect(try MedFloat32(mantissa: mantissa, exponent: exponent) == float)
            }
        }
    }
}
