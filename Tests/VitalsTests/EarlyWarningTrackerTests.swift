import Foundation
import Testing
import Vitals

/// A patient under the default rules and NEWS2, fed by an oximeter (SpO2 and pulse rate each second) and spot
/// devices, keeping a log of the NEWS2 alert's actions with the time each happened.
struct NEWS2Patient {
    var alerting: PatientAlerting
    private(set) var log: [(at: Date, action: AlertStateMachine.Action)] = []
    private var sequence: UInt64 = 0

    /// Alerting from low–medium unless told otherwise, so the tests follow all three bands.
    init(settings: EarlyWarningSettings = EarlyWarningSettings(alertFrom: .lowMedium), openAlerts: [Alert] = []) {
        alerting = PatientAlerting(rules: .adultHomeDefaults, openAlerts: openAlerts, earlyWarningSettings: settings)
    }

    /// The device's next reading of `kind`, numbered per patient so every evidence reading can be told apart.
    mutating func reading(_ kind: VitalKind, _ value: Double, at second: Double, device: String, flags: DeviceQualityFlags = []) -> Reading {
        sequence += 1
        return Reading(kind: kind, value: value, measuredAt: at(second), source: ReadingSource(deviceID: device, sequence: sequence), deviceFlags: flags)
    }

    mutating func send(_ reading: Reading) {
        record(alerting.ingest(reading), at: reading.measuredAt)
    }

    mutating func send(_ kind: VitalKind, _ value: Double, at second: Double, device: String) {
        send(reading(kind, value, at: second, device: device))
    }

    /// One SpO2 and one pulse-rate reading from `oxi-1` every `every` seconds over `seconds`, with a tick after each
    /// when asked.
    mutating func oximeter(spo2: Double, pulse: Double, _ seconds: Range<Int>, every: Int = 1, ticking: Bool = false) {
        for second in stride(from: seconds.lowerBound, to: seconds.upperBound, by: every).map(Double.init) {
            send(.oxygenSaturation, spo2, at: second, device: "oxi-1")
            send(.pulseRate, pulse, at: second, device: "oxi-1")
            if ticking { tick(second) }
        }
    }

    mutating func tick(_ second: Double) {
        record(alerting.tick(now: at(second), staleAfter: .seconds(600)), at: at(second))
    }

    private mutating func record(_ actions: [AlertStateMachine.Action], at time: Date) {
        log += actions.filter { $0.alert?.cause == .earlyWarningScore }.map { (time, $0) }
    }

    /// When each NEWS2 alert was raised, and at which priority.
    var raises: [(at: Date, priority: AlarmPriority)] {
        log.compactMap { entry in if case .raise(let alert) = entry.action { (entry.at, alert.priority) } else { nil } }
    }

    /// When the NEWS2 alert's priority rose, and to what.
    var priorityRaises: [(at: Date, to: AlarmPriority)] {
        log.compactMap { entry in
            if case .notify(_, .priorityRaised(_, let to), _) = entry.action { (entry.at, to) } else { nil }
        }
    }

    /// When a NEWS2 alert closed by its condition clearing.
    var closes: [Date] {
        log.compactMap { entry in if case .close(_, .resolved(.conditionCleared)) = entry.action { entry.at } else { nil } }
    }

    var openAlert: Alert? { alerting.openAlerts.first { $0.cause == .earlyWarningScore } }
}

@Suite struct EarlyWarningTrackerTests {
    /// SpO2 falls and the pulse rises over twenty minutes, and a thermometer reads 38.5 °C on the way:
    /// risk low (0–5 min), low–medium (SpO2 91 scores 3), medium (with pulse 115: 5, then 6 with the fever),
    /// high (SpO2 88 and pulse 131: 3 + 3 + 1).
    static func deterioration() -> NEWS2Patient {
        var patient = NEWS2Patient()
        patient.oximeter(spo2: 97, pulse: 80, 0..<300)
        patient.oximeter(spo2: 91, pulse: 85, 300..<600)
        patient.oximeter(spo2: 91, pulse: 115, 600..<840)
        patient.send(.bodyTemperature, 38.5, at: 840, device: "thermo-1")
        patient.oximeter(spo2: 91, pulse: 115, 840..<900)
        patient.oximeter(spo2: 88, pulse: 131, 900..<1200)
        return patient
    }

    @Test func aDeteriorationRaisesOneAlertOnlyAfterTheSustainTimeAndEscalatesAsTheScoreRises() throws {
        let patient = Self.deterioration()
        // Low–medium from 300 s: raised 2 minutes later, at low priority; nothing earlier.
        #expect(patient.raises.map(\.at) == [at(420)])
        #expect(patient.raises.map(\.priority) == [.low])
        // Medium from 600 s and high from 900 s, each announced once its 2 minutes have passed.
        #expect(patient.priorityRaises.map(\.at) == [at(720), at(1020)])
        #expect(patient.priorityRaises.map(\.to) == [.medium, .high])
        let worse = patient.log.first { $0.at == at(840) }?.action
        #expect(worse?.alert?.evidence.details["partialTotal"] == "6", "a higher score within the band updates the evidence")
        let alert = try #require(patient.openAlert)
        #expect(alert.priority == .high)
        #expect(alert.raisedAt == at(420))
    }

    /// By default NEWS2 alerts from medium risk: a single red score (SpO2 91 scores 3) is the SpO2 rule's to announce,
    /// not a second alert; the aggregate of several moderate vitals (SpO2 91 with pulse 115: 5) is NEWS2's own.
    @Test func byDefaultASingleRedScoreIsLeftToItsRuleAndTheAggregateRaisesNEWS2() throws {
        var patient = NEWS2Patient(settings: EarlyWarningSettings())
        patient.oximeter(spo2: 97, pulse: 80, 0..<300)
        patient.oximeter(spo2: 91, pulse: 85, 300..<600)
        #expect(patient.raises.isEmpty, "low–medium alone raises no NEWS2 alert")
        patient.oximeter(spo2: 91, pulse: 115, 600..<900)
        #expect(patient.raises.map(\.at) == [at(720)])
        #expect(patient.raises.map(\.priority) == [.medium])
    }

    @Test func theAlertExplainsItselfWithTheReadingsScoredAndTheParametersMissing() throws {
        let patient = Self.deterioration()
        let evidence = try #require(patient.openAlert?.evidence)
        #expect(evidence.summary == "NEWS2 at least 7 (high risk): SpO2 88 % scores 3, pulse 131 /min scores 3, "
            + "temperature 38.5 °C scores 1; respiration rate, air or oxygen, systolic BP and consciousness not observed")
        #expect(evidence.vital == nil)
        #expect(evidence.priority == .high)
        #expect(evidence.since == at(300), "the condition started with the first low–medium reading")
        // The readings scored when high risk was reached at 1020 s: that second's SpO2, the pulse of the second
        // before (the SpO2 reading came first), and the temperature; each with its device and sequence number.
        #expect(evidence.readings.map(\.kind) == [.oxygenSaturation, .pulseRate, .bodyTemperature])
        #expect(evidence.readings.map(\.value) == [88, 131, 38.5])
        #expect(evidence.readings.map(\.measuredAt) == [at(1020), at(1019), at(840)])
        #expect(evidence.readings.map(\.source) == [
            ReadingSource(deviceID: "oxi-1", sequence: 2 * 1020 + 2), ReadingSource(deviceID: "oxi-1", sequence: 2 * 1019 + 3),
            ReadingSource(deviceID: "thermo-1", sequence: 2 * 840 + 1),
        ])
        #expect(evidence.details == [
            "spo2": "3", "pulse": "3", "temperature": "1", "partialTotal": "7",
            "missing": "respiration-rate,air-or-oxygen,systolic-bp,consciousness", "scale": "1", "minimumRisk": "high",
        ])
    }

    /// `centre` plus noise of up to ±`spread`, rounded as devices round; one value per second for an hour.
    static func hovering(centre: Double, spread: Double, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<3600).map { _ in
            (centre + (Double.random(in: -1...1, using: &generator) + Double.random(in: -1...1, using: &generator)) / 2 * spread).rounded()
        }
    }

    /// An hour of one value hovering at a NEWS2 band edge while the other stays put: the raw risk crosses the edge
    /// hundreds of times, yet one alert is raised, never closed, and its priority rises at most once.
    @Test(arguments: [
        (true, 91.5, 80.0, false, UInt64(1)),  // SpO2 91/92 scores 3 or 2: low–medium or low
        (false, 110.5, 88.0, false, 2),        // pulse 110/111 (1 or 2) with SpO2 88 (3): 4 or 5, low–medium or medium
        (false, 110.5, 91.0, true, 3),         // the same on oxygen (2): 6 or 7, medium or high
    ])
    func aNoisySignalAtABandEdgeForAnHourDoesNotFlap(spo2Hovers: Bool, centre: Double, other: Double, onOxygen: Bool, seed: UInt64) {
        let noisy = Self.hovering(centre: centre, spread: spo2Hovers ? 2 : 6, seed: seed)
        var patient = NEWS2Patient(settings: EarlyWarningSettings(onOxygen: onOxygen ? true : nil, alertFrom: .lowMedium))
        var crossings = 0
        var previous: EarlyWarningScore.ClinicalRisk?
        for (second, value) in noisy.enumerated() {
            patient.oximeter(spo2: spo2Hovers ? value : other, pulse: spo2Hovers ? other : value, second..<(second + 1), ticking: true)
            let risk = patient.alerting.earlyWarning.score(at: at(Double(second))).minimumRisk
            if let previous, previous != risk { crossings += 1 }
            previous = risk
        }
        #expect(crossings > 100, "the signal really does cross the band edge")
        #expect(patient.raises.count == 1)
        #expect(patient.closes.isEmpty)
        #expect(patient.priorityRaises.count <= 1)
    }

    /// Temperature 39.5 °C scores 2; with SpO2 93 (2) and pulse 95 (1) that makes 5, medium. Measured 1 hour before
    /// it counts; measured more than 4 hours before it has gone stale, and the rest scores 3, low: no alert.
    @Test(arguments: [(3600.0, true), (4.0 * 3600 + 60, false)])
    func aStaleParameterStopsCounting(temperatureAge: Double, raises: Bool) {
        var patient = NEWS2Patient()
        patient.send(.bodyTemperature, 39.5, at: 0, device: "thermo-1")
        patient.oximeter(spo2: 93, pulse: 95, Int(temperatureAge)..<Int(temperatureAge) + 300)
        #expect(patient.raises.map(\.priority) == (raises ? [.medium] : []))
        let score = patient.alerting.earlyWarning.score(at: at(temperatureAge + 299))
        #expect(score.parameterScores[.temperature] == (raises ? 2 : nil))
    }

    /// The oximeter stops: the alert does not clear for lack of data; it becomes indeterminate when its readings go
    /// stale (5 minutes), and clears only after fresh readings have shown recovery for 10 minutes.
    @Test func whenTheReadingsBehindTheAlertGoStaleItBecomesIndeterminateNotCleared() throws {
        var patient = NEWS2Patient()
        patient.oximeter(spo2: 91, pulse: 115, 0..<300, ticking: true)
        #expect(patient.openAlert?.priority == .medium)
        #expect(patient.alerting.nextDeadline == at(299 + 300), "the readings going stale")
        patient.tick(598)
        #expect(patient.openAlert?.condition == .present)
        patient.tick(599)
        #expect(patient.openAlert?.condition == .indeterminate)
        for second in stride(from: 600.0, to: 7200, by: 60) { patient.tick(second) }
        #expect(patient.openAlert?.condition == .indeterminate, "time alone never clears it")
        patient.oximeter(spo2: 97, pulse: 80, 7200..<7900, ticking: true)
        #expect(patient.closes == [at(7800)], "cleared 10 minutes after the first fresh reading")
    }

    /// A temperature of 35.0 °C (3) raises at once: a spot measurement is not noise. The oximeter keeps reading
    /// normal values; when the temperature goes stale after 4 hours, that is not a recovery but not knowing.
    @Test func aSpotMeasurementRaisesAtOnceAndItsGoingStaleIsNotARecovery() {
        var patient = NEWS2Patient()
        patient.oximeter(spo2: 97, pulse: 80, 0..<60)
        patient.send(.bodyTemperature, 35.0, at: 60, device: "thermo-1")
        #expect(patient.raises.map(\.at) == [at(60)])
        #expect(patient.raises.map(\.priority) == [.low])
        patient.oximeter(spo2: 97, pulse: 80, 60..<(60 + 4 * 3600), every: 10, ticking: true)
        #expect(patient.openAlert?.condition == .present, "the temperature still counts")
        patient.oximeter(spo2: 97, pulse: 80, (60 + 4 * 3600)..<(60 + 5 * 3600), every: 10, ticking: true)
        #expect(patient.openAlert?.condition == .indeterminate)
        #expect(patient.closes.isEmpty)
    }

    @Test func lateReSentReadingsDoNotChangeTheScore() {
        var patient = NEWS2Patient()
        patient.oximeter(spo2: 97, pulse: 80, 0..<300)
        let before = patient.alerting.earlyWarning.score(at: at(299))
        // The gateway re-sends the past, worse than what was stored: nothing moves.
        patient.oximeter(spo2: 85, pulse: 135, 0..<300)
        patient.send(.oxygenSaturation, 85, at: 299, device: "oxi-1")
        #expect(patient.alerting.earlyWarning.score(at: at(299)) == before)
        #expect(patient.alerting.earlyWarning.latest[.oxygenSaturation]?.value == 97)
        #expect(patient.log.isEmpty)
    }

    @Test func recoveryClearsTheAlertOnlyAfterTheClearingTime() throws {
        var patient = NEWS2Patient()
        patient.oximeter(spo2: 91, pulse: 115, 0..<300, ticking: true)
        #expect(patient.raises.map(\.priority) == [.medium])
        // From 300 s the values are normal: still open at 899 s, closed at 900 s (not latched: medium).
        patient.oximeter(spo2: 97, pulse: 80, 300..<900, ticking: true)
        #expect(patient.closes.isEmpty)
        #expect(patient.openAlert?.condition == .present)
        patient.oximeter(spo2: 97, pulse: 80, 900..<1000, ticking: true)
        #expect(patient.closes == [at(900)])
        #expect(patient.openAlert == nil)
    }

    /// On scale 2 SpO2 scores by air or oxygen, so while that is unknown SpO2 is left unscored and named missing;
    /// once a nurse records "on air", SpO2 83 % scores 3 and an alert follows after the sustain time.
    @Test func onScale2WithAirOrOxygenUnknownSpO2IsNotScored() throws {
        var patient = NEWS2Patient(settings: EarlyWarningSettings(scale: .scale2, alertFrom: .lowMedium))
        patient.oximeter(spo2: 83, pulse: 80, 0..<300)
        let score = patient.alerting.earlyWarning.score(at: at(299))
        #expect(score.parameterScores[.oxygenSaturation] == nil)
        #expect(score.missing.contains(.oxygenSaturation))
        #expect(patient.raises.isEmpty)
        // A temperature of 35 °C (3) raises at once: the evidence names SpO2 as unscored and leaves its reading out.
        patient.send(.bodyTemperature, 35.0, at: 300, device: "thermo-1")
        let evidence = try #require(patient.openAlert?.evidence)
        #expect(evidence.summary == "NEWS2 at least 3 (low-medium risk): pulse 80 /min scores 0, temperature 35.0 °C scores 3; "
            + "respiration rate, SpO2 (scale 2 needs air or oxygen), air or oxygen, systolic BP and consciousness not observed")
        #expect(evidence.readings.map(\.kind) == [.pulseRate, .bodyTemperature])
        #expect(evidence.details["scale"] == "2")
        // On air: SpO2 83 % scores 3 on scale 2 (and air 0), 3 + 3 = 6: medium after 2 minutes of readings.
        _ = patient.alerting.replaceEarlyWarningSettings(EarlyWarningSettings(scale: .scale2, onOxygen: false, alertFrom: .lowMedium), at: at(301))
        patient.oximeter(spo2: 83, pulse: 80, 301..<500)
        #expect(patient.priorityRaises.map(\.at) == [at(421)])
        #expect(patient.priorityRaises.map(\.to) == [.medium])
    }

    /// An open NEWS2 alert restored from storage (the hub restarted) still clears when the patient recovers.
    @Test func aRestoredOpenAlertClearsWhenValuesRecover() throws {
        var before = NEWS2Patient()
        before.oximeter(spo2: 91, pulse: 115, 0..<300)
        let open = try #require(before.openAlert)
        #expect(open.priority == .medium)
        var recovering = NEWS2Patient(openAlerts: [open])
        recovering.oximeter(spo2: 97, pulse: 80, 3600..<4300, ticking: true)
        #expect(recovering.closes == [at(4200)], "10 minutes of normal readings after the restart")
        var stillBad = NEWS2Patient(openAlerts: [open])
        stillBad.oximeter(spo2: 91, pulse: 115, 3600..<3601, ticking: true)
        // Taken over at once: a tracker that ignored the restored alert would be absent for its 2-minute sustain.
        #expect(stillBad.alerting.earlyWarning.status == .present(.medium))
        stillBad.oximeter(spo2: 91, pulse: 115, 3601..<4300, ticking: true)
        #expect(stillBad.log.allSatisfy { $0.action.alert?.isOpen == true })
        #expect(stillBad.raises.isEmpty, "the restored alert goes on; no second one")
        #expect(stillBad.openAlert?.raisedAt == open.raisedAt)
    }

    /// Restored, the alert remembers what it rested on: normal SpO2 and pulse do not clear one raised by a blood
    /// pressure of 85 mmHg (3) until the pressure is measured again.
    @Test func aRestoredAlertWaitsForTheParameterItRestedOn() throws {
        var before = NEWS2Patient()
        before.send(.systolicBloodPressure, 85, at: 0, device: "cuff-1")
        let open = try #require(before.openAlert)
        var restored = NEWS2Patient(openAlerts: [open])
        restored.oximeter(spo2: 97, pulse: 80, 3600..<5400, ticking: true)
        #expect(restored.openAlert?.condition == .indeterminate)
        #expect(restored.closes.isEmpty)
        restored.send(.systolicBloodPressure, 125, at: 5400, device: "cuff-1")
        restored.oximeter(spo2: 97, pulse: 80, 5401..<6100, ticking: true)
        #expect(restored.closes == [at(6000)])
    }

    /// Pulse is the strap's heart rate while it keeps up with the oximeter, then the oximeter's pulse rate.
    @Test func heartRateIsThePulseWhileCurrentThenThePulseRate() {
        var tracker = EarlyWarningTracker()
        var patient = NEWS2Patient()
        for second in 0..<60 {
            _ = tracker.observe(patient.reading(.heartRate, 131, at: Double(second), device: "strap-1"))
            _ = tracker.observe(patient.reading(.pulseRate, 80, at: Double(second), device: "oxi-1"))
        }
        #expect(tracker.score(at: at(59)).parameterScores[.pulse] == 3, "the strap's 131 /min, not the oximeter's 80")
        // The strap stops at 59 s: 30 s later it still counts, past that the oximeter's pulse rate does.
        for second in 60..<90 { _ = tracker.observe(patient.reading(.pulseRate, 80, at: Double(second), device: "oxi-1")) }
        #expect(tracker.score(at: at(89)).parameterScores[.pulse] == 3)
        _ = tracker.observe(patient.reading(.pulseRate, 80, at: 90, device: "oxi-1"))
        #expect(tracker.score(at: at(90)).parameterScores[.pulse] == 0)
    }

    @Test func artifactsAreSkipped() {
        var patient = NEWS2Patient()
        for second in 0..<300 {
            patient.send(patient.reading(.oxygenSaturation, 70, at: Double(second), device: "oxi-1", flags: .sensorDisplaced))
            patient.send(.pulseRate, 80, at: Double(second), device: "oxi-1")
        }
        #expect(patient.raises.isEmpty)
        #expect(patient.alerting.earlyWarning.latest[.oxygenSaturation] == nil)
    }
}

@Suite struct EarlyWarningLatestScoreTests {
    /// The score shown beside a patient's latest vitals is the one the alerting tracker would give for them.
    @Test func scoringTheLatestReadingsAtOnceMatchesATrackerThatObservedThem() {
        var generator = SystemRandomNumberGenerator()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let kinds: [(VitalKind, ClosedRange<Double>)] = [
            (.oxygenSaturation, 82...100), (.heartRate, 35...150), (.pulseRate, 35...150), (.respiratoryRate, 6...30),
            (.systolicBloodPressure, 80...230), (.bodyTemperature, 34.5...40), (.activity, 0...3),
        ]
        for round in 0..<300 {
            let readings = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                let (kind, range) = kinds.randomElement(using: &generator)!
                return Reading(kind: kind, value: Double.random(in: range, using: &generator).rounded(),
                               measuredAt: start.addingTimeInterval(Double.random(in: 0...1800, using: &generator).rounded()),
                               deviceFlags: Int.random(in: 0..<10, using: &generator) == 0 ? .questionable : [])
            }
            let settings = EarlyWarningSettings(scale: Bool.random(using: &generator) ? .scale1 : .scale2, onOxygen: Bool.random(using: &generator),
                                                consciousness: Bool.random(using: &generator) ? .alert : nil)
            let now = start.addingTimeInterval(Double.random(in: 1800...3600, using: &generator))
            var tracker = EarlyWarningTracker(settings: settings)
            for reading in readings.sorted(by: { $0.measuredAt < $1.measuredAt }) { _ = tracker.observe(reading) }
            #expect(EarlyWarningTracker.score(of: readings, settings: settings, at: now) == tracker.score(at: now), "round \(round)")
        }
    }
}
