import Testing
@testable import DeviceProtocols

@Suite("Failure messages")
struct FailureDescriptionTests {
    @Test func everyReasonReadsAsASentence() {
        let format = "Heart Rate Measurement (0x2A37)"
        #expect(DecodingFailure(format: format, field: "RR-Interval[2]", reason: .needMoreBytes(needed: 2, available: 1)).description
            == "Heart Rate Measurement (0x2A37): field \"RR-Interval[2]\" needs 2 bytes, only 1 available")
        #expect(DecodingFailure(format: format, field: "Flags", reason: .reservedBitsSet(mask: 0xE0)).description
            == "Heart Rate Measurement (0x2A37): field \"Flags\" has reserved bits set (mask 0xE0)")
        #expect(DecodingFailure(format: "T", field: "Temperature Type", reason: .reservedValue(10)).description
            == "T: field \"Temperature Type\" has reserved value 10 (0x0A)")
        #expect(DecodingFailure(format: "B", field: "Battery Level", reason: .trailingBytes(count: 1)).description
            == "B: 1 unexpected byte after the last field, \"Battery Level\"")
        #expect(DecodingFailure(format: "A", field: "Length", reason: .lengthNotMultiple(length: 7, recordSize: 6)).description
            == "A: field \"Length\" is 7 bytes long, not a multiple of 6")
        #expect(DecodingFailure(format: "C", field: "Byte 2", reason: .syncBit(expectedSet: false)).description
            == "C: field \"Byte 2\" should have its sync bit (bit 7) clear")
        #expect(EncodingFailure(format: "B", field: "Battery Level", reason: .outOfRange(value: 101, allowed: 0...100)).description
            == "B: field \"Battery Level\" is 101, allowed 0...100")
    }

    @Test func onlyShortInputCountsAsNeedMoreBytes() {
        #expect(DecodingFailure(format: "F", field: "f", reason: .needMoreBytes(needed: 1, available: 0)).isNeedMoreBytes)
        #expect(!DecodingFailure(format: "F", field: "f", reason: .trailingBytes(count: 1)).isNeedMoreBytes)
    }

    @Test func byteReaderMovesOnlyOnSuccess() {
        var reader = ByteReader([0x01, 0x02, 0x03])
        #expect(reader.readUInt32LittleEndian() == nil)
        #expect(reader.readerIndex == 0)
        #expect(reader.readUInt24LittleEndian() == 0x030201)
        #expect(reader.readUInt8() == nil)
        #expect(reader.readBytes(count: -1) == nil)
        #expect(reader.readBytes(count: 0) == [])
        var other = ByteReader([0xFE, 0xFF])
        #expect(other.peekUInt8() == 0xFE)
        #expect(other.readInt16LittleEndian() == -2)
    }
}
