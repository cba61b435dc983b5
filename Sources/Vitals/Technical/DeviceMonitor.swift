#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A technical condition of one device changed.
public struct TechnicalConditionChange: Sendable, Hashable {
    public var condition: TechnicalCondition
    public var status: ConditionStatus
    public var evidence: AlertEvidence?
    public var at: Date
}

/// Watches one device's reports (readings, battery, signal, connection) and says when a technical alarm condition
/// starts, changes priority or ends. Feed its changes to an ``AlertStateMachine`` per condition.
public struct DeviceMonitor: Sendable, Hashable {
    public let deviceID: String
    public var policy: TechnicalAlarmPolicy
    public private(set) var statuses: [TechnicalCondition: ConditionStatus] = [:]
    public private(set) var lastReadingAt: Date?
    public private(set) var lastSeenAt: Date?
    private var problemSince: [TechnicalCondition: Date] = [:]

    /// A monitor for `deviceID`; `now` starts the clocks for stale data and inactivity.
    public init(deviceID: String, policy: TechnicalAlarmPolicy = .standard, now: Date) {
        self.deviceID = deviceID
        self.policy = policy
        lastSeenAt = now
        lastReadingAt = now
    }

    /// The status of `condition` (absent when never raised).
    public func status(of condition: TechnicalCondition) -> ConditionStatus {
        statuses[condition] ?? .absent
    }

    /// A reading arrived, with the quality flags the device attached to it.
    public mutating func observeReading(flags: DeviceQualityFlags, at now: Date) -> [TechnicalConditionChange] {
        var changes = seen(at: now)
        lastReadingAt = now
        changes += set(.staleData, .absent, at: now)
        let checks: [(TechnicalCondition, DeviceQualityFlags, AlarmPriority, String)] = [
            (.sensorDisplaced, .sensorDisplaced, .medium, "Sensor displaced"),
            (.sensorDisconnected, .sensorDisconnected, .medium, "Sensor disconnected or off the patient"),
            (.questionableReadings, [.questionable, .invalid, .equipmentMalfunction], .low, "Device marks its readings questionable"),
        ]
        for (condition, flag, priority, summary) in checks {
            changes += sustained(condition, holds: !flags.isDisjoint(with: flag), priority: priority, summary: summary, at: now)
        }
        return changes
    }

    /// The device reported its battery level in percent.
    public mutating func observeBattery(percent: Int, at now: Date) -> [TechnicalConditionChange] {
        var changes = seen(at: now)
        let current = status(of: .lowBattery)
        let status: ConditionStatus
        if percent <= policy.batteryUrgentPercent {
            status = .present(.medium)
        } else if percent <= policy.batteryWarningPercent {
            status = current == .present(.medium) ? current : .present(.low)
        } else if percent > policy.batteryWarningPercent + policy.batteryHysteresisPercent {
            status = .absent
        } else {
            status = current
        }
        let level = status == .present(.medium) ? "urgent at or below \(policy.batteryUrgentPercent) %" : "warning at or below \(policy.batteryWarningPercent) %"
        changes += set(.lowBattery, status, summary: "Battery at \(percent) % (\(level))", details: ["batteryPercent": "\(percent)"], at: now)
        return changes
    }

    /// The device or its gateway reported the link's signal strength (RSSI, dBm).
    public mutating func observeSignal(rssiDBm: Int, at now: Date) -> [TechnicalConditionChange] {
        var changes = seen(at: now)
        if rssiDBm < policy.weakSignalBelowDBm {
            let since = problemSince[.weakSignal] ?? now
            problemSince[.weakSignal] = since
            if now.duration(since: since) >= policy.weakSignalSustain {
                let summary = "Weak signal: \(rssiDBm) dBm (below \(policy.weakSignalBelowDBm) dBm)"
                changes += set(.weakSignal, .present(.low), summary: summary, details: ["rssiDBm": "\(rssiDBm)"], at: now)
            }
        } else {
            problemSince[.weakSignal] = nil
            // Between the limit and limit + hysteresis the state stays as it is.
            if rssiDBm >= policy.weakSignalBelowDBm + policy.signalHysteresisDB {
                changes += set(.weakSignal, .absent, at: now)
            }
        }
        return changes
    }

    /// The device's connection state changed: `false` when its (or its gateway's) last will arrived.
    public mutating func observeConnection(online: Bool, at now: Date) -> [TechnicalConditionChange] {
        if online { return seen(at: now) }
        return set(.deviceOffline, .present(.medium), summary: "Device offline (connection lost)", at: now)
    }

    /// Time passed: no reading for ``TechnicalAlarmPolicy/staleAfter`` means stale data, no message at all for
    /// ``TechnicalAlarmPolicy/offlineAfter`` means offline.
    public mutating func tick(now: Date) -> [TechnicalConditionChange] {
        var changes: [TechnicalConditionChange] = []
        if let lastSeenAt, now.duration(since: lastSeenAt) >= policy.offlineAfter {
            changes += set(.deviceOffline, .present(.medium), summary: "Device offline: nothing received for \(ThresholdRule.format(policy.offlineAfter))", at: now)
        }
        if let lastReadingAt, now.duration(since: lastReadingAt) >= policy.staleAfter {
            changes += set(.staleData, .present(.medium), summary: "No reading for \(ThresholdRule.format(policy.staleAfter))", at: now)
        }
        return changes
    }

    private mutating func seen(at now: Date) -> [TechnicalConditionChange] {
        lastSeenAt = max(lastSeenAt ?? now, now)
        return set(.deviceOffline, .absent, at: now)
    }

    private mutating func sustained(
        _ condition: TechnicalCondition, holds: Bool, priority: AlarmPriority, summary: String, at now: Date
    ) -> [TechnicalConditionChange] {
        guard holds else {
            problemSince[condition] = nil
            return set(condition, .absent, at: now)
        }
        let since = problemSince[condition] ?? now
        problemSince[condition] = since
        guard now.duration(since: since) >= policy.sensorProblemSustain else { return [] }
        return set(condition, .present(priority), summary: summary, at: now)
    }

    private mutating func set(
        _ condition: TechnicalCondition, _ status: ConditionStatus, summary: String = "", details: [String: String] = [:], at now: Date
    ) -> [TechnicalConditionChange] {
        guard self.status(of: condition) != status else { return [] }
        statuses[condition] = status
        var evidence: AlertEvidence?
        if case .present(let priority) = status {
            evidence = AlertEvidence(summary: summary, priority: priority, since: problemSince[condition] ?? now, details: details.merging(["deviceID": deviceID]) { a, _ in a })
        }
        return [TechnicalConditionChange(condition: condition, status: status, evidence: evidence, at: now)]
    }
}
