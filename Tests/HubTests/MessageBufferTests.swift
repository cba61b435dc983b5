@testable import Hub
import MQTT
import Synchronization
import Telemetry
import Testing

final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// The buffer between the MQTT reader and the committing flusher: bounded, in order, waking each side.
@Suite struct MessageBufferTests {
    static func message(_ index: Int) -> Parsed {
        let mqtt = MQTTMessage(topic: "t/\(index)", payload: [], qos: .atLeastOnce, retain: false)
        return Parsed(message: mqtt, meaning: .rejected(gatewayID: nil, deviceID: nil, sequences: [], error: PayloadError(field: "f", reason: "r")))
    }

    @Test func aFullBufferHoldsTheReaderUntilTheFlusherTakesSome() async throws {
        let buffer = MessageBuffer(capacity: 3)
        await buffer.append((0..<3).map(Self.message))
        let appended = Flag()
        let reader = Task {
            await buffer.append([Self.message(3)])
            appended.set()
        }
        try await Task.sleep(for: .milliseconds(200))
        let early = appended.isSet
        #expect(!early, "the reader waits while the buffer is full")
        #expect(buffer.drain(limit: 2).map(\.message.topic) == ["t/0", "t/1"])
        await reader.value
        let late = appended.isSet
        #expect(late)
        #expect(buffer.drain(limit: 10).map(\.message.topic) == ["t/2", "t/3"], "in order, nothing lost")
    }

    @Test func theFlusherWaitsForMessagesAndCancellationEndsTheWaits() async throws {
        let buffer = MessageBuffer(capacity: 1)
        let flusher = Task { await buffer.next(limit: 10).map(\.message.topic) }
        try await Task.sleep(for: .milliseconds(100))
        await buffer.append([Self.message(7)])
        #expect(await flusher.value == ["t/7"])

        let idle = Task { await buffer.next(limit: 10) }
        try await Task.sleep(for: .milliseconds(100))
        idle.cancel()
        #expect(await idle.value.isEmpty, "a cancelled flusher stops waiting")

        await buffer.append([Self.message(8)])
        let blocked = Task { await buffer.append([Self.message(9)]) }
        try await Task.sleep(for: .milliseconds(100))
        blocked.cancel()
        await blocked.value
        #expect(buffer.drain(limit: 10).count == 2, "a cancelled reader stops waiting and keeps what it took from MQTT")
    }
}
