import TestSupport
import Testing
@testable import DeviceProtocols

@Suite("Accelerometer samples")
struct AccelerometerTests {
    @Test("raw counts scale to g at each full-scale range", arguments: AccelerometerFullScale.allCases)
    func rawCountsScaleToG(fullScale: AccelerometerFullScale) throws {
        // x = +16384 (half scale), y = -32768 (negative full scale), z = 0.
        let packet = try AccelerometerPacket(decoding: [0x00, 0x40, 0x00, 0x80, 0x00, 0x00], fullScale: fullScale)
        #expect(packet.samples == [AccelerometerSample(x: 16384, y: -32768, z: 0)])
        #expect(packet.accelerations == [Acceleration(x: fullScale.g / 2, y: -fullScale.g, z: 0)])
    }

    @Test func oneGOnZAtPlusMinusFourGIsRaw8192() throws {
        let sample = try AccelerometerSample(x: 0, y: 0, z: 1.0, fullScale: .g4)
        #expect(sample == AccelerometerSample(x: 0, y: 0, z: 8192))
        let packet = AccelerometerPacket(fullScale: .g4, samples: [sample])
        #expect(try packet.encoded() == [0, 0, 0, 0, 0x00, 0x20])
    }

    @Test func fortySamplesFitOneNotificationAndFortyOneDoNot() throws {
        let forty = [UInt8](repeating: 0x01, count: 240)
        #expect(try AccelerometerPacket(decoding: forty, fullScale: .g2).samples.count == 40)
        let failure = decodingFailure { try AccelerometerPacket(decoding: forty + Array(repeating: 1, count: 6), fullScale: .g2) }
        #expect(failure == DecodingFailure(format: AccelerometerPacket.formatName, field: "Length",
                                           reason: .outOfRange(value: 246, allowed: 6...240)))
    }

    @Test("a length that is not a multiple of 6 is rejected", arguments: [1, 5, 7, 11, 239])
    func lengthNotAMultipleOfSixIsRejected(length: Int) {
        let failure = decodingFailure {
            try AccelerometerPacket(decoding: [UInt8](repeating: 0, count: length), fullScale: .g8)
        }
        #expect(failure?.reason == .lengthNotMultiple(length: length, recordSize: 6))
        #expect(failure?.isNeedMoreBytes == false)
    }

    @Test func emptyPacketNeedsMoreBytes() {
        #expect(decodingFailure { try AccelerometerPacket(decoding: [], fullScale: .g2) }?.reason
            == .needMoreBytes(needed: 6, available: 0))
    }

    @Test func encodingRejectsEmptyAndOversizedPacketsAndUnrepresentableValues() {
        #expect(encodingFailure { try AccelerometerPacket(fullScale: .g2, samples: []).encoded() }?.field == "Sample count")
        let many = [AccelerometerSample](repeating: AccelerometerSample(x: 0, y: 0, z: 0), count: 41)
        #expect(encodingFailure { try AccelerometerPacket(fullScale: .g2, samples: many).encoded() }?.reason
            == .outOfRange(value: 41, allowed: 1...40))
        #expect(encodingFailure { try AccelerometerSample(x: 2.0, y: 0, z: 0, fullScale: .g2) }?.reason
            == .notRepresentable(value: 2.0, allowed: -32768...32767))
        #expect(encodingFailure { try AccelerometerSample(x: 0, y: .nan, z: 0, fullScale: .g2) }?.reason == .notFinite)
        #expect((try? AccelerometerSample(x: -2.0, y: 0, z: 0, fullScale: .g2))?.x == -32768)
    }

    @Test func generatedPacketsRoundTrip() throws {
        var rng = SplitMix64(seed: 0xACC)
        for _ in 0..<1_000 {
            let packet = Generate.accelerometer(&rng)
            #expect(try AccelerometerPacket(decoding: packet.encoded(), fullScale: packet.fullScale) == packet)
        }
    }
}
