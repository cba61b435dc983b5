import Dispatch
import Logging
import MQTT

/// `mqtt-cycle HOST PORT [CYCLES]`: connects, subscribes, publishes at QoS 1, receives its own message back,
/// unsubscribes and disconnects, CYCLES times (default 20). scripts/leak-check runs it under valgrind: every
/// cycle creates and destroys a libmosquitto client, starts and joins a loop thread, and crosses every callback.
@main
struct MQTTCycle {
    /// A synchronous `main` that waits for the work on a semaphore: an `async` main parks the main thread in
    /// `dispatch_main`, whose `sigsuspend` loop valgrind 3.19 cannot follow (it crashes with SIGSEGV).
    static func main() {
        let finished = DispatchSemaphore(value: 0)
        // Detached: `main` runs on the main actor, whose thread is about to block on the semaphore.
        Task.detached {
            await run()
            finished.signal()
        }
        finished.wait()
    }

    static func run() async {
        var logger = Logger(label: "mqtt-cycle")
        logger.logLevel = .notice
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count >= 2, let port = Int(arguments[arguments.startIndex + 1]),
            let cycles = arguments.count >= 3 ? Int(arguments[arguments.startIndex + 2]) : 20, cycles > 0
        else {
            logger.critical("usage: mqtt-cycle HOST PORT [CYCLES]")
            exit(code: 64)
        }
        let host = arguments[arguments.startIndex]
        do {
            for cycle in 1...cycles {
                try await runCycle(cycle, host: host, port: port, logger: logger)
            }
            logger.notice("cycles completed", metadata: ["cycles": "\(cycles)"])
        } catch {
            logger.critical("cycle failed", metadata: ["error": "\(error)"])
            exit(code: 1)
        }
    }

    static func runCycle(_ cycle: Int, host: String, port: Int, logger: Logger) async throws {
        let topic = "silverwatch/mqtt-cycle/\(cycle)"
        let payload = Array("cycle \(cycle)".utf8)
        let configuration = MQTTConfiguration(
            host: host,
            port: port,
            clientID: "mqtt-cycle-\(cycle)",
            will: .init(topic: "silverwatch/mqtt-cycle/will", payload: Array("gone".utf8), qos: .atLeastOnce, retain: false)
        )
        try await MQTTClient.withConnection(configuration, logger: logger) { client in
            try await client.subscribe(to: topic, qos: .atLeastOnce)
            try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce)
            var iterator = client.messages.makeAsyncIterator()
            guard let received = try await iterator.next(), received.topic == topic, received.payload == payload else {
                throw CycleFailure(cycle: cycle)
            }
            try await client.unsubscribe([topic])
        }
    }

    struct CycleFailure: Error, CustomStringConvertible {
        var cycle: Int
        var description: String { "cycle \(cycle) did not receive its own message back" }
    }
}

#if canImport(Glibc)
import Glibc

private func exit(code: Int32) -> Never { Glibc.exit(code) }
#endif
