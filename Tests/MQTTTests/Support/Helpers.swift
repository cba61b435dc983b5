import BrokerSupport
import Logging
@testable import MQTT

/// Logs warnings and worse from the client under test to standard error.
let testLogger: Logger = {
    var logger = Logger(label: "mqtt-tests")
    logger.logLevel = .warning
    return logger
}()

extension MQTTConfiguration {
    /// A client of the test broker, with a one-second reconnect delay so that restarts are quick.
    static func local(
        _ broker: Broker,
        clientID: String,
        session: Session = .clean,
        protocolVersion: ProtocolVersion = .v5
    ) -> MQTTConfiguration {
        MQTTConfiguration(
            host: "127.0.0.1",
            port: broker.port,
            clientID: clientID,
            session: session,
            protocolVersion: protocolVersion,
            reconnect: .init(initialDelay: .seconds(1), maximumDelay: .seconds(1)),
            connectTimeout: .seconds(30)
        )
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "did not finish within \(limit)" }
}

/// Runs `operation`, failing with `TimedOut` (and cancelling it) if it takes longer than `limit`: a guard against
/// hanging, not a performance bound, so limits are generous (other targets' CPU-bound tests share the machine).
func within<Value: Sendable>(
    _ limit: Duration = .seconds(30),
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(limit: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimedOut(limit: limit) }
        return first
    }
}

/// The next `count` messages the client receives.
func receive(_ count: Int, on client: MQTTClient, within limit: Duration = .seconds(30)) async throws -> [MQTTMessage] {
    try await within(limit) {
        var received: [MQTTMessage] = []
        for try await message in client.messages {
            received.append(message)
            if received.count == count { break }
        }
        return received
    }
}

/// The next event on a connection-event stream.
func nextEvent(_ events: AsyncStream<MQTTConnectionEvent>, within limit: Duration = .seconds(30)) async throws -> MQTTConnectionEvent? {
    try await within(limit) {
        var iterator = events.makeAsyncIterator()
        return await iterator.next()
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
