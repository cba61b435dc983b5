import BrokerSupport
import Testing
@testable import MQTT

@Suite("Publishing and subscribing through a real broker")
struct PublishSubscribeTests {
    @Test(arguments: [MQTTConfiguration.ProtocolVersion.v5, .v3_1_1])
    func qosOnePublishIsAcknowledgedAndTheSubscriberReceivesTheExactPayload(version: MQTTConfiguration.ProtocolVersion) async throws {
        try await withBroker { broker in
            let payload = (0...255).map(UInt8.init) + [0, 0, 255]
            try await MQTTClient.withConnection(.local(broker, clientID: "subscriber", protocolVersion: version), logger: testLogger) { subscriber in
                let granted = try await subscriber.subscribe([("patients/+/spo2", .atLeastOnce)])
                #expect(granted == [.atLeastOnce])

                try await MQTTClient.withConnection(.local(broker, clientID: "publisher", protocolVersion: version), logger: testLogger) { publisher in
                    try await publisher.publish(topic: "patients/p-17/spo2", payload: payload, qos: .atLeastOnce)
                }

                let received = try await receive(1, on: subscriber)
                #expect(received == [MQTTMessage(topic: "patients/p-17/spo2", payload: payload, qos: .atLeastOnce, retain: false)])
            }
        }
    }

    @Test func qosZeroPublishIsWrittenAndDelivered() async throws {
        try await withBroker { broker in
            try await MQTTClient.withConnection(.local(broker, clientID: "both"), logger: testLogger) { client in
                try await client.subscribe(to: "heartbeat", qos: .atMostOnce)
                for beat in 0..<10 {
                    try await client.publish(topic: "heartbeat", payload: [UInt8(beat)], qos: .atMostOnce)
                }
                let received = try await receive(10, on: client)
                #expect(received.map(\.payload) == (0..<10).map { [UInt8($0)] })
                #expect(received.allSatisfy { $0.qos == .atMostOnce && !$0.retain })
            }
        }
    }

    /// Batches hand over everything received so far, in order, none empty and none over the maximum.
    @Test func messageBatchesDeliverEveryMessageInOrder() async throws {
        try await withBroker { broker in
            try await MQTTClient.withConnection(.local(broker, clientID: "batched"), logger: testLogger) { client in
                try await client.subscribe(to: "ward/b", qos: .atLeastOnce)
                let count = 500
                for index in 0..<count {
                    try await client.publish(topic: "ward/b", payload: [UInt8(index >> 8), UInt8(index & 0xFF)], qos: .atLeastOnce)
                }
                var received: [MQTTMessage] = []
                var sizes: [Int] = []
                for try await batch in client.messageBatches(maximum: 64) {
                    sizes.append(batch.count)
                    received += batch
                    if received.count >= count { break }
                }
                #expect(received.map { Int($0.payload[0]) << 8 | Int($0.payload[1]) } == Array(0..<count))
                #expect(sizes.allSatisfy { (1...64).contains($0) }, "\(sizes)")
                #expect(sizes.count < count, "several messages per batch once they have queued: \(sizes.count) batches")
            }
        }
    }

    @Test func retainedMessageIsDeliveredToALaterSubscriber() async throws {
        try await withBroker { broker in
            try await MQTTClient.withConnection(.local(broker, clientID: "device"), logger: testLogger) { device in
                try await device.publish(topic: "devices/d-1/status", payload: "battery 81%".bytes, qos: .atLeastOnce, retain: true)
            }
            try await MQTTClient.withConnection(.local(broker, clientID: "later"), logger: testLogger) { later in
                try await later.subscribe(to: "devices/+/status")
                let received = try await receive(1, on: later)
                #expect(received == [MQTTMessage(topic: "devices/d-1/status", payload: "battery 81%".bytes, qos: .atLeastOnce, retain: true)])
            }
        }
    }

    @Test func unsubscribeStopsDelivery() async throws {
        try await withBroker { broker in
            try await MQTTClient.withConnection(.local(broker, clientID: "reader"), logger: testLogger) { client in
                try await client.subscribe([("ward/a", .atLeastOnce), ("ward/sentinel", .atLeastOnce)])
                try await client.publish(topic: "ward/a", payload: "before".bytes)
                #expect(try await receive(1, on: client).map(\.payload) == ["before".bytes])

                try await client.unsubscribe(["ward/a"])
                try await client.publish(topic: "ward/a", payload: "after".bytes)
                try await client.publish(topic: "ward/sentinel", payload: "sentinel".bytes)

                // The broker keeps one publisher's messages in order: had "after" been delivered, it would come first.
                let next = try await receive(1, on: client)
                #expect(next.map(\.topic) == ["ward/sentinel"])
            }
        }
    }

    @Test func slowConsumerLosesNoMessagesAndTheBufferStaysBounded() async throws {
        let total = 5_000
        let capacity = 64
        try await withBroker(.init(maxQueuedMessages: 100_000)) { broker in
            var configuration = MQTTConfiguration.local(broker, clientID: "slow-hub")
            configuration.messageBufferCapacity = capacity
            try await MQTTClient.withConnection(configuration, logger: testLogger) { consumer in
                try await consumer.subscribe(to: "load/#", qos: .atLeastOnce)

                // Given everything published before the consumer reads a single message,
                try await MQTTClient.withConnection(.local(broker, clientID: "fast-gateway"), logger: testLogger) { publisher in
                    for sequence in 0..<total {
                        try await publisher.publish(topic: "load/readings", payload: sequence.bigEndianBytes, qos: .atLeastOnce)
                    }
                }

                // when the consumer then reads slowly,
                let received = try await within(.seconds(120)) {
                    var sequences: [Int] = []
                    for try await message in consumer.messages {
                        sequences.append(Int(fromBigEndianBytes: message.payload))
                        if sequences.count % 500 == 0 { try await Task.sleep(for: .milliseconds(20)) }
                        if sequences.count == total { break }
                    }
                    return sequences
                }

                // then every message arrives, in order, and no more than `capacity` ever waited in memory.
                #expect(received == Array(0..<total))
                #expect(consumer.bufferHighWaterMark == capacity)
            }
        }
    }
}

extension Int {
    var bigEndianBytes: [UInt8] { withUnsafeBytes(of: UInt32(self).bigEndian, Array.init) }

    init(fromBigEndianBytes bytes: [UInt8]) {
        self = bytes.reduce(0) { $0 << 8 | Int($1) }
    }
}
