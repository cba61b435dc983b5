import Logging

extension MQTTClient {
    /// Runs `body` in a connection for as long as the calling task runs, connecting again whenever the broker cannot
    /// be reached or a connection ends (libmosquitto stops retrying by itself after a broker's DISCONNECT or a TLS
    /// failure). Waits the configuration's `reconnect.initialDelay` before the first retry, doubling to its
    /// `maximumDelay` while connecting fails, and back to the initial delay after any connection that was made. Ends only by throwing `CancellationError` when the task is cancelled.
    ///
    /// For services that must outlive their broker: the agent keeps reading devices into its outbox, the hub's
    /// gateways keep their readings, while the broker is away.
    public static func withRetryingConnection(
        _ configuration: MQTTConfiguration,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MQTTClient) async throws -> Void
    ) async throws {
        let initial = configuration.reconnect.initialDelay
        var backoff = initial
        while true {
            try Task.checkCancellation()
            var connected = false
            var failure: (any Error)?
            do {
                try await withConnection(configuration, logger: logger, isolation: isolation) { client in
                    connected = true
                    try await body(client)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = error
            }
            // A connection that was made starts the backoff afresh, however its body ended (bodies that run until
            // cancelled end only by throwing).
            if connected { backoff = initial }
            if let failure {
                logger.warning("MQTT connection ended; connecting again", metadata: ["mqtt.error": "\(failure)", "mqtt.retry_in": "\(backoff)"])
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, configuration.reconnect.maximumDelay)
        }
    }
}
