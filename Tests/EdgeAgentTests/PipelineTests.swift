import DeviceProtocols
import DeviceReadings
import EdgeAgent
import Foundation
import Telemetry
import Testing
import Vitals

let receivedAt = Date(timeIntervalSince1970: 1_763_701_200)

@Suite struct ChannelDecoderTests {
    @Test func aCMS50StreamBecomesOneReadingPerSecondAndGarbageIsCounted() throws {
        var decoder = ChannelDecoder(format: .cms50)
        let frame = try CMS50LiveSample(signalStrength: 8, plethysmogram: 60, barGraph: 5, rawPulseRate: 72, rawOxygenSaturation: 97).encoded()
        // Garbage, then 60 frames in one second (the decoder confirms each frame when the next sync byte arrives).
        var output = decoder.decode([0x01, 0x02, 0x03] + Array((0..<60).map { _ in frame }.joined()), receivedAt: receivedAt)
        output.observations += decoder.decode(frame, receivedAt: receivedAt.addingTimeInterval(1)).observations
        #expect(output.observations.count == 2, "one per second")
        #expect(output.observations.first?.readings.map(\.kind) == [.oxygenSaturation, .pulseRate])
        #expect(output.observations.first?.readings.map(\.value) == [97, 72])
        #expect(decoder.discardedBytes == 3)
    }

    @Test func gattValuesBecomeObservationsAndMalformedOnesAreCounted() {
        var decoder = ChannelDecoder(format: .heartRate)
        #expect(decoder.decode([0x1E, 0x55, 0x32, 0x00, 0x21, 0x00], receivedAt: receivedAt).observations.first?.readings.map(\.value) == [85])
        let bad = decoder.decode([0xE0, 0x55], receivedAt: receivedAt)
        #expect(bad.observations.isEmpty)
        #expect(bad.rejectedMessages == 1, "reserved flag bits")
    }

    @Test func batteryLevelFeedsTheStatusNotReadings() {
        var decoder = ChannelDecoder(format: .battery)
        let output = decoder.decode([0x2A], receivedAt: receivedAt)
        #expect(output.batteryPercent == 42)
        #expect(output.observations.isEmpty)
    }

    @Test func aFallInAccelerometerPacketsBecomesAFallReadingWithItsFigures() throws {
        // Standing 3 s, falling, impact, lying still 8 s: the same shape the Vitals fall tests use, at 50 Hz.
        var vectors: [(Double, Double, Double)] = Array(repeating: (0, 1, 0), count: 150)
        vectors += (0..<20).map { step in let f = Double(step) / 20; return (0.25 * f, 1 - 0.8 * f, 0) }
        vectors += [(2.8, 1.0, 0.4), (3.6, 0.8, 0.3), (2.2, 0.4, 0.1)]
        vectors += (0..<25).map { step in let f = Double(step) / 25; return (1.6 - 0.6 * f, 0.2 - 0.15 * f, 0) }
        vectors += Array(repeating: (1, 0.05, 0.05), count: 400)
        var decoder = ChannelDecoder(format: .accelerometer, fullScale: .g8, sampleRate: 50)
        var observations: [DeviceObservation] = []
        var details: [[String: String]] = []
        for chunk in stride(from: 0, to: vectors.count, by: 40) {
            let slice = vectors[chunk..<min(chunk + 40, vectors.count)]
            let samples = try slice.map { try AccelerometerSample(x: $0.0, y: $0.1, z: $0.2, fullScale: .g8) }
            let packet = try AccelerometerPacket(fullScale: .g8, samples: samples).encoded()
            let output = decoder.decode(packet, receivedAt: receivedAt.addingTimeInterval(Double(chunk + slice.count - 1) / 50))
            details += output.details.values
            observations += output.observations
        }
        let falls = observations.flatMap(\.readings).filter { $0.kind == .fallEvent }
        #expect(falls.count == 1)
        #expect(details.first?["impactG"] != nil)
        let activity = observations.flatMap(\.readings).filter { $0.kind == .activity }
        #expect(activity.count >= 11, "one activity reading per second")
        #expect(activity.allSatisfy { $0.value >= 0 && $0.value < 3 })
    }
}

@Suite struct AgentConfigurationTests {
    static let example = """
    {"gateway": "gw-0001",
     "broker": {"host": "127.0.0.1", "port": 1883, "passwordFile": "/etc/silverwatch/gw-0001.password"},
     "outbox": {"path": "/var/lib/silverwatch-agent/outbox.sqlite"},
     "devices": [
       {"id": "oxi-7", "model": "cms50", "channels": [{"format": "cms50", "serial": "/dev/ttyUSB0"}]},
       {"id": "hr-1", "channels": [{"format": "heart-rate", "socket": "/run/sw/hr-1.sock"}, {"format": "battery", "socket": "/run/sw/hr-1-bat.sock"}]},
       {"id": "acc-1", "channels": [{"format": "accelerometer", "socket": "/run/sw/acc-1.sock", "fullScaleG": 4, "sampleRate": 25}]}]}
    """

    @Test func theDocumentedExampleLoads() throws {
        let configuration = try AgentConfiguration.load(json: Array(Self.example.utf8))
        #expect(configuration.devices.map(\.id) == ["oxi-7", "hr-1", "acc-1"])
        #expect(configuration.devices[0].channels[0].connection == .serial(path: "/dev/ttyUSB0", settings: SerialPortSettings()))
        #expect(configuration.devices[1].channels[1].connection == .notificationSocket(path: "/run/sw/hr-1-bat.sock"))
        #expect(configuration.devices[2].channels[0].accelerometerFullScale == .g4)
    }

    /// The example the README shows users, read from the README itself, loads with every field it sets.
    @Test func theReadmesExampleLoadsWithEveryField() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "### Agent (`silverwatch-agent --config agent.json`)"))
        let start = try #require(readme.range(of: "```json\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let configuration = try AgentConfiguration.load(json: Array(readme[start.upperBound..<end.lowerBound].utf8))
        #expect(configuration.gateway == "gw-0001")
        #expect(configuration.broker.tls?.caFile == "/etc/silverwatch/ca.pem")
        #expect(configuration.broker.passwordFile == "/etc/silverwatch/gw-0001.password")
        #expect(configuration.outbox.capacity == 500_000)
        #expect(configuration.outbox.resendAfterSeconds == 30)
        #expect(configuration.statusIntervalSeconds == 60)
        #expect(configuration.deviceUTCOffsetMinutes == 60)
        #expect(configuration.devices.map(\.id) == ["oxi-7", "hr-1", "acc-1"])
        #expect(configuration.devices[1].channels.map(\.format) == [.heartRate, .battery])
        #expect(configuration.devices[2].channels[0].accelerometerFullScale == .g8)
        #expect(configuration.devices[2].channels[0].sampleRate == 50)
    }

    @Test(arguments: [
        (#""gateway": "gw-0001""#, #""gateway": "gw/1""#, "gateway"),
        (#""port": 1883"#, #""port": 70000"#, "broker.port"),
        (#""serial": "/dev/ttyUSB0""#, #""socket": "/dev/ttyUSB0""#, "devices[0].channels[0].serial"),
        (#""format": "heart-rate", "socket""#, #""format": "heart-rate", "serial""#, "devices[1].channels[0].socket"),
        (#""fullScaleG": 4"#, #""fullScaleG": 3"#, "devices[2].channels[0].fullScaleG"),
        (#""id": "hr-1""#, #""id": "oxi-7""#, "devices[1].id"),
        (#""format": "heart-rate""#, #""format": "glucose""#, "devices[1].channels[0].format"),
        (#""host": "127.0.0.1", "#, "", "broker.host"),
    ])
    func invalidConfigurationsNameTheField(original: String, replacement: String, field: String) {
        let json = Self.example.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try AgentConfiguration.load(json: Array(json.utf8))
            Issue.record("accepted an invalid configuration")
        } catch {
            #expect(error.field == field, "got \(error)")
        }
    }
}
