import BrokerSupport
import Dispatch
import Synchronization
import Testing
@testable import MQTT

/// The Swift state behind a client, driven the way libmosquitto's loop thread drives it, with no broker.
@Suite("Client state without a broker")
struct ClientCoreTests {
    private func makeCore(bufferCapacity: Int = 10) -> ClientCore {
        ClientCore(logger: testLogger, protocolVersion: .v5, bufferCapacity: bufferCapacity)
    }

    private func message(_ number: Int) -> MQTTMessage {
        MQTTMessage(topic: "t", payload: number.bigEndianBytes, qos: .atLeastOnce, retain: false)
    }

    @Test func acknowledgementArrivingBeforeTheCallerWaitsIsNotLost() async throws {
        let core = makeCore()
        _ = core.connectionAccepted(sessionPresent: false)
        let epoch = core.currentEpoch()
        // libmosquitto can report the PUBACK before `mosquitto_publish` has returned the message id to the caller.
        core.acknowledged(42, .published(.success))
        let acknowledgement = try await within(.seconds(30)) {
            try await core.acknowledgement(for: 42, sentAt: epoch, survivesReconnect: true)
        }
        guard case .published(.success) = acknowledgement else {
            Issue.record("unexpected \(acknowledgement)")
            return
        }
    }

    @Test func qosOneWaitSurvivesAReconnectButASubscribeWaitDoesNot() async throws {
        let core = makeCore()
        _ = core.connectionAccepted(sessionPresent: false)
        let epoch = core.currentEpoch()
        let publish = Task { try await core.acknowledgement(for: 1, sentAt: epoch, survivesReconnect: true) }
        let subscribe = Task { try await core.acknowledgement(for: 2, sentAt: epoch, survivesReconnect: false) }
        try await Task.sleep(for: .milliseconds(50))

        core.connectionClosed(code: 7, errno: 0)  // MOSQ_ERR_CONN_LOST: the loop thread reconnects
        await #expect(throws: MQTTError.connectionLost) { try await subscribe.value }

        _ = core.connectionAccepted(sessionPresent: true)
        core.acknowledged(1, .published(.success))
        _ = try await within(.seconds(30)) { try await publish.value }
    }

    @Test func waitsStillPendingWhenTheClientClosesFailWithClosed() async throws {
        let core = makeCore()
        _ = core.connectionAccepted(sessionPresent: false)
        let epoch = core.currentEpoch()
        let publish = Task { try await core.acknowledgement(for: 9, sentAt: epoch, survivesReconnect: true) }
        let reader = Task { try await core.nextMessage() }
        try await Task.sleep(for: .milliseconds(50))

        core.beginClosing()
        core.finishClosing()

        await #expect(throws: MQTTError.closed) { try await publish.value }
        #expect(try await reader.value == nil)
        await #expect(throws: MQTTError.closed) { try await core.acknowledgement(for: 10, sentAt: epoch, survivesReconnect: true) }
    }

    @Test func brokerDisconnectEndsTheClientWithItsReasonCode() async throws {
        let core = makeCore()
        _ = core.connectionAccepted(sessionPresent: false)
        let events = core.connectionEvents()
        let reader = Task { try await core.nextMessage() }
        try await Task.sleep(for: .milliseconds(50))

        core.connectionClosed(code: 0x98, errno: 0)  // DISCONNECT: administrative action

        await #expect(throws: MQTTError.disconnectedByBroker(.administrativeAction)) { try await reader.value }
        var received: [MQTTConnectionEvent] = []
        for await event in events { received.append(event) }
        #expect(received == [.connected(sessionPresent: false), .disconnected(.disconnectedByBroker(.administrativeAction), reconnecting: false)])
    }

    @Test func fullBufferBlocksTheLoopThreadUntilTheReaderCatchesUp() async throws {
        let core = makeCore(bufferCapacity: 2)
        _ = core.connectionAccepted(sessionPresent: false)
        let delivered = Atomic<Int>(0)
        let producerDone = DispatchSemaphore(value: 0)
        DispatchQueue(label: "loop thread").async {
            for number in 0..<6 {
                core.deliver(message(number))
                delivered.add(1, ordering: .sequentiallyConsistent)
            }
            producerDone.signal()
        }

        // Two fit; the third holds the producer.
        try await within(.seconds(30)) {
            while delivered.load(ordering: .sequentiallyConsistent) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(delivered.load(ordering: .sequentiallyConsistent) == 2)

        var received: [Int] = []
        for _ in 0..<6 {
            guard let next = try await core.nextMessage() else { break }
            received.append(Int(fromBigEndianBytes: next.payload))
        }
        #expect(received == Array(0..<6))
        #expect(core.bufferHighWaterMark() == 2)
        #expect(producerDone.wait(timeout: .now() + 30) == .success)
    }

    @Test func closingReleasesALoopThreadBlockedOnAFullBuffer() async throws {
        let core = makeCore(bufferCapacity: 1)
        _ = core.connectionAccepted(sessionPresent: false)
        let producerDone = DispatchSemaphore(value: 0)
        DispatchQueue(label: "loop thread").async {
            core.deliver(message(0))
            core.deliver(message(1))
            producerDone.signal()
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(producerDone.wait(timeout: .now()) == .timedOut)

        core.beginClosing()
        #expect(producerDone.wait(timeout: .now() + 30) == .success)
        core.finishClosing()
    }

    @Test func cancelledReaderStopsWaiting() async throws {
        let core = makeCore()
        _ = core.connectionAccepted(sessionPresent: false)
        let reader = Task { try await core.nextMessage() }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }

        // The next message goes to the next reader, not to the cancelled one.
        core.deliver(message(5))
        #expect(try await core.nextMessage().map { Int(fromBigEndianBytes: $0.payload) } == 5)
    }
}

@Suite("Message ids abandoned across a reconnect")
struct AbandonedMessageIDTests {
    /// libmosquitto reuses message ids. A re-subscription whose SUBACK was lost with its connection must not leave
    /// its id marked abandoned: a later publish given the same id would have its PUBACK thrown away and wait forever.
    @Test func anIDWhoseAcknowledgementCannotComeIsForgottenWhenTheConnectionIsLost() async throws {
        let core = ClientCore(logger: testLogger, protocolVersion: .v5, bufferCapacity: 10)
        _ = core.connectionAccepted(sessionPresent: false)
        core.ignoreAcknowledgement(of: 7)  // a re-subscription the client made by itself
        core.connectionClosed(code: 7, errno: 0)  // lost before its SUBACK came
        _ = core.connectionAccepted(sessionPresent: true)
        // Much later, id 7 again: a publish whose PUBACK arrives before its caller waits.
        let epoch = core.currentEpoch()
        core.acknowledged(7, .published(.success))
        let acknowledgement = try await within(.seconds(30)) {
            try await core.acknowledgement(for: 7, sentAt: epoch, survivesReconnect: true)
        }
        guard case .published(.success) = acknowledgement else {
            Issue.record("unexpected \(acknowledgement)")
            return
        }
    }

}
