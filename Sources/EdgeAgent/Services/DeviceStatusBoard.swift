#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
import Telemetry

/// What the agent knows about each device, for the retained status messages: connected or not, battery, last
/// reading, and errors counted per device. A change marks the device for an immediate status publish.
final class DeviceStatusBoard: Sendable {
    struct Entry: Sendable {
        var model: String?
        var connectedChannels = 0
        var batteryPercent: Int?
        var lastReadingAt: Int64?
        var rejectedMessages = 0
        var discardedBytes = 0
        var changed = true
    }

    private let entries: Mutex<[String: Entry]>

    init(devices: [AgentConfiguration.Device]) {
        entries = Mutex(Dictionary(uniqueKeysWithValues: devices.map { ($0.id, Entry(model: $0.model)) }))
    }

    func update(_ device: String, _ change: (inout Entry) -> Void) {
        entries.withLock { all in
            guard var entry = all[device] else { return }
            let before = (entry.connectedChannels > 0, entry.batteryPercent)
            change(&entry)
            if before != (entry.connectedChannels > 0, entry.batteryPercent) { entry.changed = true }
            all[device] = entry
        }
    }

    /// Statuses to publish: every device when `all`, otherwise the changed ones; clears their change marks.
    func statuses(all: Bool, now: Int64) -> [DeviceStatus] {
        entries.withLock { entries in
            var result: [DeviceStatus] = []
            for device in entries.keys.sorted() {
                guard var entry = entries[device], all || entry.changed else { continue }
                entry.changed = false
                entries[device] = entry
                result.append(DeviceStatus(device: device, model: entry.model, connected: entry.connectedChannels > 0,
                                           batteryPercent: entry.batteryPercent, lastReadingAt: entry.lastReadingAt,
                                           rejectedMessages: entry.rejectedMessages, discardedBytes: entry.discardedBytes, reportedAt: now))
            }
            return result
        }
    }
}
