import Foundation
import Telemetry
import Testing
import Vitals

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// 2025-11-21 05:00:00 UTC in milliseconds.
let t0: Int64 = 1_763_701_200_000

@Suite struct TopicTreeTests {
    let tree = TopicTree()

    @Test(arguments: [
        (TopicTree.Route.gatewayStatus(gateway: "gw-0001"), "silverwatch/v1/gateways/gw-0001/status"),
        (.readings(gateway: "gw-0001", device: "oxi-7"), "silverwatch/v1/gateways/gw-0001/devices/oxi-7/readings"),
        (.deviceStatus(gateway: "gw-0001", device: "oxi-7"), "silverwatch/v1/gateways/gw-0001/devices/oxi-7/status"),
        (.acknowledgements(gateway: "gw-0001"), "silverwatch/v1/gateways/gw-0001/acks"),
        (.configuration(gateway: "gw-0001"), "silverwatch/v1/gateways/gw-0001/config"),
    ])
    func routesAndTopicsRoundTrip(route: TopicTree.Route, topic: String) throws {
        #expect(tree.topic(route) == topic)
        #expect(try tree.route(of: topic) == route)
    }

    @Test(arguments: [
        ("other/v1/gateways/gw/status", "topic"), ("silverwatch/v1/gateways/gw/devices/d/other", "topic"),
        ("silverwatch/v1/gateways/gw/extra/status", "topic"), ("silverwatch/v1/gateways//status", "topic.gateway"),
        ("silverwatch/v1/gateways/g+w/status", "topic.gateway"), ("silverwatch/v1/gateways/gw/devices/#/readings", "topic.device"),
        ("silverwatch/v1/gateways/gw/devices/dev ice/readings", "topic.device"),
    ])
    func foreignOrMalformedTopicsAreRejectedWithTheField(topic: String, field: String) {
        #expect(throws: PayloadError.self) { try tree.route(of: topic) }
        do { _ = try tree.route(of: topic) } catch { #expect(error.field == field) }
    }

    @Test func identifiersAreLimitedToSafeCharactersAndLength() {
        #expect(TopicTree.isValidIdentifier("gw-0001.home_2"))
        #expect(!TopicTree.isValidIdentifier(""))
        #expect(!TopicTree.isValidIdentifier(String(repeating: "a", count: 65)))
        #expect(!TopicTree.isValidIdentifier("a/b"))
        #expect(!TopicTree.isValidIdentifier("é"))
    }

    @Test func subscriptionsCoverWhatEachSideReads() {
        #expect(tree.hubSubscriptions.contains("silverwatch/v1/gateways/+/devices/+/readings"))
        #expect(tree.gatewaySubscriptions(gateway: "gw-1") == ["silverwatch/v1/gateways/gw-1/acks", "silverwatch/v1/gateways/gw-1/config"])
    }
}

@Suite struct ReadingBatchTests {
    static let valid = """
    {"schema":1,"gateway":"gw-0001","device":"oxi-7","readings":[
      {"seq":1041,"kind":"spo2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200040,"flags":["low-perfusion"]},
      {"seq":1042,"kind":"body-temperature","value":100.4,"unit":"[degF]","measuredAt":1763701201000,"receivedAt":1763701201040}]}
    """

    @Test func aValidBatchBecomesReadingsInCanonicalUnitsWithTheirSource() throws {
        let batch = try PayloadCodec.decode(ReadingBatch.self, from: bytes(Self.valid))
        let accepted = try batch.validated(gateway: "gw-0001", device: "oxi-7")
        #expect(accepted.count == 2)
        #expect(accepted[0].reading.kind == .oxygenSaturation)
        #expect(accepted[0].reading.source == ReadingSource(deviceID: "oxi-7", sequence: 1041))
        #expect(accepted[0].reading.deviceFlags == .lowPerfusion)
        #expect(accepted[0].reading.measuredAt == Date(millisecondsSince1970: t0))
        #expect(accepted[0].receivedAt == Date(millisecondsSince1970: t0 + 40))
        #expect(abs(accepted[1].reading.value - 38.0) < 1e-9, "°F is converted to °C")
    }

    @Test func theWireFormatIsExactlyAsDocumented() {
        let reading = Reading(kind: .oxygenSaturation, value: 97, measuredAt: Date(millisecondsSince1970: t0), deviceFlags: .lowPerfusion)
        let batch = ReadingBatch(gateway: "gw-0001", device: "oxi-7", readings: [
            ReadingBatch.entry(reading, seq: 1041, receivedAt: Date(millisecondsSince1970: t0 + 40)),
        ])
        let json = String(decoding: PayloadCodec.encode(batch), as: UTF8.self)
        #expect(json == #"{"device":"oxi-7","gateway":"gw-0001","readings":[{"flags":["low-perfusion"],"kind":"spo2","measuredAt":1763701200000,"receivedAt":1763701200040,"seq":1041,"unit":"%","value":97}],"schema":1}"#)
    }

    @Test func encodedBatchesRoundTrip() throws {
        let readings = (0..<50).map { index in
            ReadingBatch.entry(Reading(kind: .heartRate, value: Double(60 + index), measuredAt: Date(millisecondsSince1970: t0 + Int64(index) * 1000)),
                               seq: UInt64(index), receivedAt: Date(millisecondsSince1970: t0 + Int64(index) * 1000 + 5))
        }
        let batch = ReadingBatch(gateway: "gw-1", device: "hr-1", readings: readings)
        let decoded = try PayloadCodec.decode(ReadingBatch.self, from: PayloadCodec.encode(batch))
        #expect(decoded == batch)
        #expect(try decoded.validated(gateway: "gw-1", device: "hr-1").map(\.reading.value) == (60..<110).map(Double.init))
    }

    static func entry(_ fields: String) -> String {
        #"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000"# + fields + "}]}"
    }

    @Test(arguments: [
        (#"{"schema":2,"gateway":"gw","device":"d","readings":[]}"#, "schema", "version 2 is not supported"),
        (#"{"schema":1,"gateway":"other","device":"d","readings":[]}"#, "gateway", "does not match"),
        (#"{"schema":1,"gateway":"gw","device":"x","readings":[]}"#, "device", "does not match"),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[]}"#, "readings", "is empty"),
        (entry(#","flags":["wet"]"#), "readings[0].flags[0]", "unknown flag \"wet\""),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"glucose","value":5,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#,
         "readings[0].kind", "unknown kind \"glucose\""),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","value":97,"unit":"percent","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#,
         "readings[0].unit", "unknown UCUM unit"),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","value":97,"unit":"mm[Hg]","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#,
         "readings[0].unit", "is not a unit of spo2"),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","value":97,"unit":"%","measuredAt":12,"receivedAt":1763701200000}]}"#,
         "readings[0].measuredAt", "not a time between 2000 and 2100"),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000},{"seq":1,"kind":"spo2","value":96,"unit":"%","measuredAt":1763701201000,"receivedAt":1763701201000}]}"#,
         "readings[1].seq", "appears twice"),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":-1,"kind":"spo2","value":97,"unit":"%","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#,
         "readings[0].seq", "is negative"),
    ])
    func invalidBatchesNameTheField(json: String, field: String, reason: String) throws {
        let batch = try PayloadCodec.decode(ReadingBatch.self, from: bytes(json))
        do {
            _ = try batch.validated(gateway: "gw", device: "d")
            Issue.record("accepted an invalid batch")
        } catch {
            #expect(error.field == field)
            #expect(error.reason.contains(reason), "got \(error.reason)")
        }
    }

    @Test(arguments: [
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"kind":"spo2","value":97,"unit":"%","measuredAt":1,"receivedAt":1}]}"#, "readings[0].seq", "is required"),
        (#"{"schema":1,"gateway":"gw","device":"d","readings":[{"seq":1,"kind":"spo2","value":null,"unit":"%","measuredAt":1,"receivedAt":1}]}"#, "readings[0].value", "not null"),
        (#"{"schema":"one"}"#, "schema", "a number"),
        (#"{"schema":1,"gateway":"gw""#, "(payload)", "not valid JSON"),
        ("\u{FF}\u{FE}", "(payload)", "not valid JSON"),
    ])
    func undecodablePayloadsNameTheField(json: String, field: String, reason: String) {
        do {
            _ = try PayloadCodec.decode(ReadingBatch.self, from: bytes(json))
            Issue.record("decoded an invalid payload")
        } catch {
            #expect(error.field == field)
            #expect(error.reason.contains(reason), "got \(error.reason)")
        }
    }

    @Test func oversizedPayloadsAreRejectedBeforeParsing() {
        let huge = [UInt8](repeating: 0x20, count: PayloadCodec.maximumPayloadBytes + 1)
        #expect(throws: PayloadError(field: "(payload)", reason: "is \(huge.count) bytes, more than the \(PayloadCodec.maximumPayloadBytes) allowed")) {
            try PayloadCodec.decode(ReadingBatch.self, from: huge)
        }
    }

    @Test func tooManyReadingsInOneBatchAreRejected() {
        let entries = (0...ReadingBatch.maximumReadings).map {
            ReadingBatch.Entry(seq: Int64($0), kind: "spo2", value: 97, unit: "%", measuredAt: t0, receivedAt: t0)
        }
        #expect(throws: PayloadError.self) { try ReadingBatch(gateway: "gw", device: "d", readings: entries).validated(gateway: "gw", device: "d") }
    }
}

@Suite struct SequenceRangesTests {
    @Test func numbersMergeIntoRanges() {
        let set = SequenceRanges([5, 1, 2, 3, 9, 10, 3, 7])
        #expect(set.ranges == [1...3, 5...5, 7...7, 9...10])
        #expect(set.count == 7)
        #expect(set.contains(2) && set.contains(10) && !set.contains(4) && !set.contains(11))
        #expect(Array(set) == [1, 2, 3, 5, 7, 9, 10])
    }

    @Test func insertingFillsGaps() {
        var set = SequenceRanges([1, 2, 4, 5])
        set.insert(3)
        #expect(set.ranges == [1...5])
        set.insert(3)
        #expect(set.ranges == [1...5])
        set.insert(UInt64.max)
        set.insert(UInt64.max - 1)
        #expect(set.ranges == [1...5, (UInt64.max - 1)...UInt64.max])
    }

    @Test func aThousandConsecutiveAcknowledgementsAreOnePair() throws {
        let ack = Acknowledgement(device: "oxi-7", committed: SequenceRanges(1000..<2000))
        #expect(String(decoding: PayloadCodec.encode(ack), as: UTF8.self) == #"{"committed":[[1000,1999]],"device":"oxi-7","schema":1}"#)
        let decoded = try PayloadCodec.decode(Acknowledgement.self, from: PayloadCodec.encode(ack)).validated()
        #expect(decoded == ack)
    }

    @Test func decodedRangesAreNormalisedAndBadPairsRejected() throws {
        let ack = try PayloadCodec.decode(Acknowledgement.self, from: bytes(#"{"schema":1,"device":"d","committed":[[8,9],[1,3],[2,5]]}"#))
        #expect(ack.committed.ranges == [1...5, 8...9])
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Acknowledgement.self, from: bytes(#"{"schema":1,"device":"d","committed":[[5,1]]}"#)) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Acknowledgement.self, from: bytes(#"{"schema":1,"device":"d","committed":[[1,2,3]]}"#)) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Acknowledgement.self, from: bytes(#"{"schema":1,"device":"a/b","committed":[]}"#)).validated() }
    }
}

@Suite struct StatusPayloadTests {
    @Test func theLastWillIsTheMinimalOfflineStatus() {
        let will = GatewayStatus.lastWill(gateway: "gw-0001")
        #expect(String(decoding: PayloadCodec.encode(will), as: UTF8.self) == #"{"gateway":"gw-0001","schema":1,"state":"offline"}"#)
    }

    @Test func statusesRoundTripAndValidate() throws {
        let status = GatewayStatus(gateway: "gw-1", state: .online, version: "0.1.0", wifiLinkQuality: 62, outboxDepth: 3, outboxDropped: 0, reportedAt: t0)
        #expect(try PayloadCodec.decode(GatewayStatus.self, from: PayloadCodec.encode(status)).validated(gateway: "gw-1") == status)
        let device = DeviceStatus(device: "oxi-7", model: "cms50", connected: true, batteryPercent: 81, rssiDBm: -67, firmware: "4.6", lastReadingAt: t0, reportedAt: t0)
        #expect(try PayloadCodec.decode(DeviceStatus.self, from: PayloadCodec.encode(device)).validated(device: "oxi-7") == device)
    }

    @Test(arguments: [
        (DeviceStatus(device: "d", connected: true, batteryPercent: 101, reportedAt: t0), "batteryPercent"),
        (DeviceStatus(device: "d", connected: true, rssiDBm: 40, reportedAt: t0), "rssiDBm"),
        (DeviceStatus(device: "x", connected: true, reportedAt: t0), "device"),
        (DeviceStatus(device: "d", connected: true, reportedAt: 0), "reportedAt"),
    ])
    func implausibleDeviceStatusesNameTheField(status: DeviceStatus, field: String) {
        do {
            _ = try status.validated(device: "d")
            Issue.record("accepted \(status)")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func gatewayStatusStateMustBeKnown() {
        #expect(throws: PayloadError.self) {
            try PayloadCodec.decode(GatewayStatus.self, from: bytes(#"{"schema":1,"gateway":"gw","state":"asleep"}"#))
        }
    }
}

@Suite struct GatewayConfigurationTests {
    @Test func theWireFormatIsExactlyAsDocumented() throws {
        let configuration = GatewayConfiguration(gateway: "gw-0001", epoch: "9f2c41d07ab3e816", version: 3, statusIntervalSeconds: 30, resendAfterSeconds: 20)
        let json = String(decoding: PayloadCodec.encode(configuration), as: UTF8.self)
        #expect(json == #"{"epoch":"9f2c41d07ab3e816","gateway":"gw-0001","resendAfterSeconds":20,"schema":1,"statusIntervalSeconds":30,"version":3}"#)
        #expect(try PayloadCodec.decode(GatewayConfiguration.self, from: Array(json.utf8)).validated(gateway: "gw-0001") == configuration)
        let status = GatewayStatus(gateway: "gw-0001", state: .online, version: "0.1.0", wifiLinkQuality: 62, outboxDepth: 0, outboxDropped: 0,
                                   reportedAt: 1_763_701_205_000, configVersion: 3, configEpoch: "9f2c41d07ab3e816")
        #expect(String(decoding: PayloadCodec.encode(status), as: UTF8.self)
                == #"{"configEpoch":"9f2c41d07ab3e816","configVersion":3,"gateway":"gw-0001","outboxDepth":0,"outboxDropped":0,"reportedAt":1763701205000,"schema":1,"state":"online","version":"0.1.0","wifiLinkQuality":62}"#)
    }

    @Test(arguments: [
        (GatewayConfiguration(gateway: "gw-2", epoch: "e1", version: 1), "gateway"),
        (GatewayConfiguration(gateway: "gw-1", epoch: "e1", version: 0), "version"),
        (GatewayConfiguration(gateway: "gw-1", epoch: "e1", version: 1, statusIntervalSeconds: 4), "statusIntervalSeconds"),
        (GatewayConfiguration(gateway: "gw-1", epoch: "e1", version: 1, resendAfterSeconds: 3601), "resendAfterSeconds"),
        (GatewayConfiguration(gateway: "gw-1", epoch: "", version: 1), "epoch"),
    ])
    func unusableConfigurationsNameTheField(configuration: GatewayConfiguration, field: String) {
        do {
            _ = try configuration.validated(gateway: "gw-1")
            Issue.record("accepted \(configuration)")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func aStatusCannotClaimVersionZero() {
        #expect(throws: PayloadError.self) {
            try GatewayStatus(gateway: "gw-1", state: .online, configVersion: 0).validated(gateway: "gw-1")
        }
    }
}
