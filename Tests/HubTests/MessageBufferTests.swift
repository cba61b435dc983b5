@testable import Hub
import MQTT
import Telemetry
import Testing

/// The buffer between the MQTT reader and the committing flusher.
@Suite struct MessageBufferTests {
    static func message(_ index: Int) -> Parsed {
        let mqtt = MQTTMessage(topic: "t/\(index)", payload: [], qos: .atLeastOnce, retain: false)
        return Parsed(message: mqtt, meaning: .rejected(gatewayID: nil, deviceID: nil, sequences: [], error: PayloadError(field: "f", reason: "r")))
    }

    @Test func theFlusherWaitsForMessagesTakesThemInOrderAndStopsWaitingWhenCancelled() async throws {
        let buffer = MessageBuffer()
        let flusher = Task { await buffer.next(limit: 2).map(\.message.topic) }
        try await Task.sleep(for: .milliseconds(100))
        buffer.append((0..<3).map(Self.message))
        #expect(await flusher.value == ["t/0", "t/1"], "woken by the append, at most the limit, oldest first")
        #expect(buffer.drain(limit: 10).map(\.message.topic) == ["t/2"])

        let idle = Task { await buffer.next(limit: 10) }
        try await Task.sleep(for: .milliseconds(100))
        idle.cancel()
        #expect(await idle.value.isEmpty, "a cancelled flusher stops waiting")
    }
}
