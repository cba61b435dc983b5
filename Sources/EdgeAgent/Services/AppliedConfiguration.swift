import Synchronization
import Telemetry

/// The settings the agent runs with: its configuration file's, overridden by the hub's ``GatewayConfiguration``
/// where the hub sets a value.
final class AppliedConfiguration: Sendable {
    /// The settings in force.
    struct Values: Sendable, Hashable {
        /// How often the full status is published.
        var statusInterval: Duration
        /// How long a published reading waits for its acknowledgement before it is sent again.
        var resendAfter: Duration
        /// The version of the hub's configuration applied; `nil` before the first one.
        var version: Int64?
    }

    private let file: Values
    private let values: Mutex<Values>

    /// The file's settings, until the hub's configuration arrives.
    init(statusInterval: Duration, resendAfter: Duration) {
        file = Values(statusInterval: statusInterval, resendAfter: resendAfter, version: nil)
        values = Mutex(file)
    }

    /// The settings in force.
    var current: Values { values.withLock { $0 } }

    /// Applies a (validated) configuration from the hub; a setting it leaves out goes back to the file's. Returns
    /// the new settings, or `nil` when this version is already applied (the retained message again after a
    /// reconnect).
    func apply(_ configuration: GatewayConfiguration) -> Values? {
        values.withLock { values in
            guard values.version != configuration.version else { return nil }
            values = Values(
                statusInterval: configuration.statusIntervalSeconds.map { .seconds($0) } ?? file.statusInterval,
                resendAfter: configuration.resendAfterSeconds.map { .seconds($0) } ?? file.resendAfter,
                version: configuration.version)
            return values
        }
    }
}
