import Testing
import Vitals

@Suite struct DeviceMonitorTests {
    static func monitor() -> DeviceMonitor { DeviceMonitor(deviceID: "oxi-7", now: at(0)) }

    @Test func batteryWarnsAtThirtyAndIsUrgentAtTwentyPercent() {
        var monitor = Self.monitor()
        #expect(monitor.observeBattery(percent: 31, at: at(0)).isEmpty)
        let warning = monitor.observeBattery(percent: 30, at: at(60))
        #expect(warning.map(\.status) == [.present(.low)])
        #expect(warning.first?.evidence?.summary == "Battery at 30 % (warning at or below 30 %)")
        #expect(warning.first?.evidence?.details["deviceID"] == "oxi-7")
        #expect(monitor.observeBattery(percent: 25, at: at(120)).isEmpty, "same condition, same priority: nothing new")
        let urgent = monitor.observeBattery(percent: 20, at: at(180))
        #expect(urgent.map(\.status) == [.present(.medium)])
        #expect(urgent.first?.condition == .lowBattery)
    }

    @Test func batteryClearsOnlyPastTheHysteresis() {
        var monitor = Self.monitor()
        _ = monitor.observeBattery(percent: 19, at: at(0))
        #expect(monitor.observeBattery(percent: 25, at: at(60)).isEmpty, "charging back above urgent keeps the urgent alarm until it clears")
        #expect(monitor.observeBattery(percent: 34, at: at(120)).isEmpty, "within hysteresis")
        #expect(monitor.observeBattery(percent: 36, at: at(180)).map(\.status) == [.absent])
    }

    @Test func lastWillMeansOfflineAndAnyMessageMeansOnlineAgain() {
        var monitor = Self.monitor()
        let offline = monitor.observeConnection(online: false, at: at(10))
        #expect(offline.map(\.condition) == [.deviceOffline])
        #expect(offline.map(\.status) == [.present(.medium)])
        let back = monitor.observeReading(flags: [], at: at(20))
        #expect(back.map(\.status) == [.absent])
    }

    @Test func silenceForTheInactivityTimeoutMeansOfflineAndStale() {
        var monitor = Self.monitor()
        #expect(monitor.tick(now: at(599)).isEmpty)
        let changes = monitor.tick(now: at(600))
        #expect(Set(changes.map(\.condition)) == [.deviceOffline, .staleData])
        #expect(changes.allSatisfy { $0.evidence?.since == at(0) }, "the evidence dates the silence from the last report")
        #expect(monitor.tick(now: at(700)).isEmpty, "each said once")
    }

    @Test func statusWithoutReadingsIsStaleButNotOffline() {
        var monitor = Self.monitor()
        for minute in 1...10 {
            _ = monitor.observeBattery(percent: 80, at: at(Double(minute) * 60))
        }
        let changes = monitor.tick(now: at(610))
        #expect(changes.map(\.condition) == [.staleData])
        #expect(monitor.observeReading(flags: [], at: at(620)).map(\.condition) == [.staleData])
        #expect(monitor.status(of: .staleData) == .absent)
    }

    @Test func sensorDisplacedAlarmsOnlyWhenItPersists() {
        var monitor = Self.monitor()
        for second in 0..<10 { #expect(monitor.observeReading(flags: .sensorDisplaced, at: at(Double(second))).isEmpty) }
        #expect(monitor.observeReading(flags: [], at: at(10)).isEmpty, "a brief displacement is not an alarm")
        var raised: [TechnicalConditionChange] = []
        for second in 11...30 { raised += monitor.observeReading(flags: .sensorDisplaced, at: at(Double(second))) }
        #expect(raised.map(\.condition) == [.sensorDisplaced])
        #expect(raised.first?.at == at(26))
        #expect(monitor.observeReading(flags: [], at: at(31)).map(\.status) == [.absent])
    }

    @Test func disconnectedSensorAndQuestionableReadingsAreSeparateConditions() {
        var monitor = Self.monitor()
        var changes: [TechnicalConditionChange] = []
        for second in 0...15 { changes += monitor.observeReading(flags: [.sensorDisconnected, .questionable], at: at(Double(second))) }
        #expect(Set(changes.map(\.condition)) == [.sensorDisconnected, .questionableReadings])
        #expect(changes.first { $0.condition == .questionableReadings }?.status == .present(.low))
        #expect(changes.first { $0.condition == .sensorDisconnected }?.status == .present(.medium))
    }

    @Test func weakSignalNeedsToPersistAndToRecoverPastHysteresis() {
        var monitor = Self.monitor()
        #expect(monitor.observeSignal(rssiDBm: -90, at: at(0)).isEmpty)
        #expect(monitor.observeSignal(rssiDBm: -91, at: at(59)).isEmpty)
        #expect(monitor.observeSignal(rssiDBm: -92, at: at(60)).map(\.status) == [.present(.low)])
        #expect(monitor.observeSignal(rssiDBm: -83, at: at(70)).isEmpty, "between the limit and the hysteresis")
        #expect(monitor.observeSignal(rssiDBm: -79, at: at(80)).map(\.status) == [.absent])
    }

    @Test func technicalChangesDriveTheirOwnAlertMachines() {
        var monitor = Self.monitor()
        var machine = AlertStateMachine(cause: .technical(.lowBattery, deviceID: "oxi-7"))
        let change = monitor.observeBattery(percent: 15, at: at(0))[0]
        let action = machine.conditionChanged(to: change.status, evidence: change.evidence, at: change.at)
        #expect(action.isRaise)
        #expect(action.alert?.cause.category == .technical)
        let charged = monitor.observeBattery(percent: 90, at: at(3600))[0]
        #expect(machine.conditionChanged(to: charged.status, evidence: nil, at: charged.at).alert?.status == .resolved)
    }
}
