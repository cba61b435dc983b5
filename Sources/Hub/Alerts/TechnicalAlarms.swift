import Foundation
import Synchronization
import Telemetry
import Vitals

/// Technical alarms for every device the hub hears from: offline (its gateway's last will, the device link lost,
/// or silence past the inactivity timeout), stale data, low battery, sensor problems and questionable readings from
/// the device's own status bits. One ``DeviceMonitor`` and one ``AlertStateMachine`` per condition per device.
///
/// Technical conditions follow from the devices' current state, so this is kept apart from the reading
/// transaction; open technical alerts are restored at start-up so a condition that still holds updates its alert
/// instead of raising a second one.
public final class TechnicalAlarms: Sendable {
    private struct Device: Sendable {
        var gatewayID: String
        var monitor: DeviceMonitor
        var machines: [TechnicalCondition: AlertStateMachine] = [:]
    }

    private let devices = Mutex<[String: Device]>([:])
    /// Devices with their own inactivity timeout. Taken inside `devices`' lock, never the other way round.
    private let inactivityTimeouts = Mutex<[String: Duration]>([:])
    private let policy: TechnicalAlarmPolicy
    private let alertPolicyState: Mutex<AlertPolicy>
    private var alertPolicy: AlertPolicy { alertPolicyState.withLock { $0 } }

    /// Alarms with `policy`'s limits (inactivity 10 minutes by default).
    public init(policy: TechnicalAlarmPolicy = .standard, alertPolicy: AlertPolicy = .standard) {
        self.policy = policy
        alertPolicyState = Mutex(alertPolicy)
    }

    /// Changes the policy for technical alerts raised from now on; open ones keep theirs.
    public func setAlertPolicy(_ newPolicy: AlertPolicy) {
        alertPolicyState.withLock { $0 = newPolicy }
    }

    /// The state machine of a device's condition, if it has had an alert.
    public func machine(deviceID: String, condition: TechnicalCondition) -> AlertStateMachine? {
        devices.withLock { $0[deviceID]?.machines[condition] }
    }

    /// Replaces a device condition's state machine after a person's action on it was stored.
    public func adopt(_ machine: AlertStateMachine, deviceID: String, condition: TechnicalCondition) {
        devices.withLock { $0[deviceID]?.machines[condition] = machine }
    }

    /// Vitals measured continuously: only a device that sends these can go stale. A blood-pressure cuff or a
    /// thermometer measures a few times a day and is covered by the offline alarm (its gateway reports its status).
    static let continuousKinds: Set<VitalKind> = [.oxygenSaturation, .heartRate, .pulseRate, .respiratoryRate, .activity, .perfusionIndex]

    /// A new device's monitor: stale data is off until the device shows it measures continuously.
    private func monitor(for deviceID: String, at now: Date) -> DeviceMonitor {
        var spot = policy
        spot.staleAfter = .seconds(365 * 24 * 3600)
        if let timeout = inactivityTimeouts.withLock({ $0[deviceID] }) { spot.offlineAfter = timeout }
        return DeviceMonitor(deviceID: deviceID, policy: spot, now: now)
    }

    /// Sets the devices that have their own inactivity timeout (all others use the policy's); the monitors of
    /// devices already known take the new timeouts at once.
    public func setInactivityTimeouts(_ timeouts: [String: Duration]) {
        inactivityTimeouts.withLock { $0 = timeouts }
        devices.withLock { devices in
            for id in devices.keys {
                devices[id]?.monitor.policy.offlineAfter = timeouts[id] ?? policy.offlineAfter
            }
        }
    }

    /// Restores technical alerts still open in the database.
    public func restore(_ alerts: [Alert], gatewayOf: [String: String], now: Date) {
        devices.withLock { devices in
            for alert in alerts {
                guard case .technical(let condition, let deviceID) = alert.cause else { continue }
                var device = devices[deviceID] ?? Device(gatewayID: gatewayOf[deviceID] ?? "", monitor: monitor(for: deviceID, at: now))
                device.machines[condition] = AlertStateMachine(cause: alert.cause, policy: alertPolicy, openAlert: alert)
                devices[deviceID] = device
            }
        }
    }

    /// Readings stored at `arrivedAt`: each one tells that its device is alive then, and carries the device's
    /// quality flags. Taken a device at a time, so the lock is held once per device per commit, not once per reading.
    public func readings(_ stored: [StoredReading], arrivedAt: Date, gatewayID: (String) -> String) -> [AlertStateMachine.Action] {
        var order: [String] = []
        var byDevice: [String: [Reading]] = [:]
        for item in stored {
            guard let device = item.reading.source?.deviceID else { continue }
            if byDevice[device] == nil { order.append(device) }
            byDevice[device, default: []].append(item.reading)
        }
        return order.flatMap { device -> [AlertStateMachine.Action] in
            let readings = byDevice[device] ?? []
            guard !readings.isEmpty else { return [] }
            let continuous = readings.contains { Self.continuousKinds.contains($0.kind) }
            return update(device, gatewayID: gatewayID(device), at: arrivedAt) { monitor in
                if continuous { monitor.policy.staleAfter = policy.staleAfter }
                return readings.flatMap { monitor.observeReading(flags: $0.deviceFlags, at: $0.measuredAt, arrivedAt: arrivedAt) }
            }
        }
    }

    /// A device's status from its gateway: battery, and whether the agent still has a link to it.
    public func deviceStatus(_ status: DeviceStatus, gatewayID: String, at now: Date) -> [AlertStateMachine.Action] {
        var actions = update(status.device, gatewayID: gatewayID, at: now) { $0.observeConnection(online: status.connected, at: now) }
        if let battery = status.batteryPercent {
            actions += update(status.device, gatewayID: gatewayID, at: now) { $0.observeBattery(percent: battery, at: now) }
        }
        if let rssi = status.rssiDBm {
            actions += update(status.device, gatewayID: gatewayID, at: now) { $0.observeSignal(rssiDBm: rssi, at: now) }
        }
        return actions
    }

    /// A gateway's status: its last will takes all its devices offline; coming back online is a sign of life.
    public func gatewayStatus(_ status: GatewayStatus, at now: Date) -> [AlertStateMachine.Action] {
        let deviceIDs = devices.withLock { $0.filter { $0.value.gatewayID == status.gateway }.map(\.key).sorted() }
        return deviceIDs.flatMap { device in
            update(device, gatewayID: status.gateway, at: now) { $0.observeConnection(online: status.state == .online, at: now) }
        }
    }

    /// Time passed: inactivity and stale data; escalation and snooze expiry of technical alerts.
    public func tick(now: Date) -> [AlertStateMachine.Action] {
        let deviceIDs = devices.withLock { $0.keys.sorted() }
        var actions: [AlertStateMachine.Action] = []
        for device in deviceIDs {
            actions += update(device, gatewayID: nil, at: now) { $0.tick(now: now) }
            actions += devices.withLock { devices -> [AlertStateMachine.Action] in
                guard var entry = devices[device] else { return [] }
                var result: [AlertStateMachine.Action] = []
                for condition in entry.machines.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                    guard var machine = entry.machines[condition] else { continue }
                    let action = machine.tick(now: now)
                    entry.machines[condition] = machine
                    if action != .none { result.append(action) }
                }
                devices[device] = entry
                return result
            }
        }
        return actions
    }

    private func update(_ deviceID: String, gatewayID: String?, at now: Date, _ observe: (inout DeviceMonitor) -> [TechnicalConditionChange]) -> [AlertStateMachine.Action] {
        devices.withLock { devices in
            var device = devices[deviceID] ?? Device(gatewayID: gatewayID ?? "", monitor: monitor(for: deviceID, at: now))
            if let gatewayID, !gatewayID.isEmpty { device.gatewayID = gatewayID }
            var actions: [AlertStateMachine.Action] = []
            for change in observe(&device.monitor) {
                let cause = AlertCause.technical(change.condition, deviceID: deviceID)
                var machine = device.machines[change.condition] ?? AlertStateMachine(cause: cause, policy: alertPolicy)
                if machine.alert == nil { machine.policy = alertPolicy }
                let action = machine.conditionChanged(to: change.status, evidence: change.evidence, at: change.at)
                device.machines[change.condition] = machine
                if action != .none { actions.append(action) }
            }
            devices[deviceID] = device
            return actions
        }
    }
}
