#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A technical condition of one device changed.
public struct TechnicalConditionChange: Sendable, Hashable {
    /// The technical condition that changed.
    public var condition: TechnicalCondition
    /// The condition's new status; technical conditions are only ever present or absent.
    public var status: ConditionStatus
    /// What the device reported, when the status is present; otherwise `nil`.
    public var evidence: AlertEvidence?
    /// The time of the report or tick that caused the change.
    public var at: Date
}

/// Watches one device's reports (readings, battery, signal, connection) and says when a technical alarm condition
/// starts, changes priority or ends. Feed its changes to an ``AlertStateMachine`` per condition.
public struct DeviceMonitor: Sendable, Hashable {
    /// The device watched; every evidence carries it in its details as `deviceID`.
    public let deviceID: String
    /// The limits for technical alarms; a change applies from the next report or tick.
    public var policy: TechnicalAlarmPolicy
    /// The status of each condition set so far; ``status(of:)`` also answers for the others.
    public private(set) var statuses: [TechnicalCondition: ConditionStatus] = [:]
    /// When the latest reading was observed; the creation time before any.
    public private(set) var lastReadingAt: Date?
    /// When any report was last observed (the creation time before any); a lost connection does not set it.
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

    /// A reading measured at `now` arrived at `arrivedAt` (nil: as it was measured), with the quality flags the
    /// device attached to it. Whether the device is alive and its data fresh goes by arrival: readings replayed from
    /// a gateway's backlog are hours old, yet the device is reporting. Sensor problems go by measurement time.
    public mutating func observeReading(flags: DeviceQualityFlags, at now: Date, arrivedAt: Date? = nil) -> [TechnicalConditionChange] {
        let arrival = arrivedAt ?? now
        var changes = seen(at: arrival)
        lastReadingAt = max(lastReadingAt ?? arrival, arrival)
        changes += set(.staleData, .absent, at: arrival)
        let checks: [(TechnicalCondition, DeviceQualityFlags, AlarmPriority, String)] = [
            (.sensorDisplaced, .sensorDisplaced, .medium, "Sensor displaced"),
            (.sensorDisconnected, .sensorDisconnected, .medium, "Sensor disconnected or off the patient"),
            (.questionableReadings, [.questionable, .invalid, .equipmentMalfunction, .poorSignal, .lowPerfusion], .low,
             "Readings questionable: the device reports invalid values, poor signal or low perfusion"),
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
            let summary = "Device offline: nothing received for \(ThresholdRule.format(policy.offlineAfter))"
            changes += set(.deviceOffline, .present(.medium), summary: summary, since: lastSeenAt, at: now)
        }
        if let lastReadingAt, now.duration(since: lastReadingAt) >= policy.staleAfter {
            let summary = "No reading for \(ThresholdRule.format(policy.staleAfter))"
            changes += set(.staleData, .present(.medium), summary: summary, since: lastReadingAt, at: now)
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
        _ condition: TechnicalCondition, _ status: ConditionStatus, summary: String = "", details: [String: String] = [:],
        since: Date? = nil, at now: Date
    ) -> [TechnicalConditionChange] {
        guard self.status(of: condition) != status else { return [] }
        statuses[condition] = status
        var evidence: AlertEvidence?
        if case .present(let priority) = status {
            evidence = AlertEvidence(summary: summary, priority: priority, since: since ?? problemSince[condition] ?? now, details: details.merging(["deviceID": deviceID]) { a, _ in a })
        }
        return [TechnicalConditionChange(condition: condition, status: status, evidence: evidence, at: now)]
    }
}
