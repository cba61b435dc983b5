import Logging

extension MQTTClient {
    /// Runs `body` in a connection for as long as the calling task runs, connecting again whenever the broker cannot
    /// be reached or a connection ends (libmosquitto stops retrying by itself after a broker's DISCONNECT or a TLS
    /// failure). Waits 1 s before the first retry, doubling to `maximumBackoff`, and back to 1 s after a connection
    /// whose body returned. Ends only by throwing `CancellationError` when the task is cancelled.
    ///
    /// For services that must outlive their broker: the agent keeps reading devices into its outbox, the hub's
    /// gateways keep their readings, while the broker is away.
    public static func withRetryingConnection(
        _ configuration: MQTTConfiguration,
        logger: Logger,
        maximumBackoff: Duration = .seconds(30),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MQTTClient) async throws -> Void
    ) async throws {
        var backoff = Duration.seconds(1)
        while true {
            try Task.checkCancellation()
            do {
                try await withConnection(configuration, logger: logger, isolation: isolation, body)
                backoff = .seconds(1)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning("MQTT connection ended; connecting again", metadata: ["mqtt.error": "\(error)", "mqtt.retry_in": "\(backoff)"])
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maximumBackoff)
        }
    }
}
