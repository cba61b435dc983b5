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
        /// The epoch of that version.
        var epoch: String?
    }

    private let file: Values
    private let values: Mutex<Values>

    /// The file's settings, until the hub's configuration arrives.
    init(statusInterval: Duration, resendAfter: Duration) {
        file = Values(statusInterval: statusInterval, resendAfter: resendAfter, version: nil, epoch: nil)
        values = Mutex(file)
    }

    /// The settings in force.
    var current: Values { values.withLock { $0 } }

    /// Applies a (validated) configuration from the hub; a setting it leaves out goes back to the file's. Returns
    /// the new settings, or `nil` when this version of this epoch is already applied (the retained message again
    /// after a reconnect). A version of another epoch (a new hub database) is always applied.
    func apply(_ configuration: GatewayConfiguration) -> Values? {
        values.withLock { values in
            guard values.version != configuration.version || values.epoch != configuration.epoch else { return nil }
            values = Values(
                statusInterval: configuration.statusIntervalSeconds.map { .seconds($0) } ?? file.statusInterval,
                resendAfter: configuration.resendAfterSeconds.map { .seconds($0) } ?? file.resendAfter,
                version: configuration.version, epoch: configuration.epoch)
            return values
        }
    }

    /// The hub has no configuration for this gateway (an empty retained message): back to the file's settings.
    /// Returns them, or `nil` when they are already in force.
    func clear() -> Values? {
        values.withLock { values in
            guard values != file else { return nil }
            values = file
            return values
        }
    }
}
