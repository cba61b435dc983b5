/// What a scenario does to the patient and the devices over scenario time: the story, with its key times.
///
/// Every time here is scenario (physiological) time from the start. After ``duration`` the scenario stays as it
/// ended (a deteriorated patient stays deteriorated; a recovered one stays well).
public struct ScenarioCourse: Sendable, Hashable {
    /// The scenario told.
    public let kind: ScenarioKind

    /// The course of `kind`.
    public init(_ kind: ScenarioKind) {
        self.kind = kind
    }

    /// How long the story takes, in scenario time.
    public var duration: Duration {
        switch kind {
        case .stable: .seconds(24 * 3600)
        case .desaturation: .seconds(600)
        case .deterioration: .seconds(6 * 3600)
        case .fever: .seconds(8 * 3600)
        case .fall: .seconds(60)
        case .batteryDrain: .seconds(90 * 60)
        case .sensorDisplaced: .seconds(600)
        case .poweredOff: .seconds(300)
        case .hovering: .seconds(3600)
        }
    }

    /// The desaturation: onset, end of the fall, end of the nadir, end of recovery; SpO2 at the nadir.
    static let desaturation = (onset: 120.0, fallen: 210.0, recovering: 390.0, recovered: 510.0, nadir: 85.0)
    /// Deterioration ramps from its onset until its end, in seconds.
    static let deterioration = (onset: 1800.0, worst: 5 * 3600.0)
    /// Fever: onset, at its height, starting to fall, back to normal, in seconds.
    static let fever = (onset: 900.0, height: 900.0 + 4500, falling: 5.5 * 3600, resolved: 7.5 * 3600)
    /// When the oximeter probe is displaced, in seconds.
    static let displacement = 60.0..<360.0
    /// When the oximeters are switched off in the powered-off scenario, in seconds.
    static let oximetersOff = 120.0
    /// The chest strap's battery in the battery-drain scenario: start, and drain per hour, in percent.
    static let drainingBattery = (start: 42.0, perHour: 30.0)
    /// Ordinary battery drain per hour, percent.
    static let ordinaryDrainPerHour = 0.8

    /// The change to the patient's vitals at `time`.
    public func shift(at time: Duration, baseline: PatientBaseline) -> VitalShift {
        let t = time.seconds
        switch kind {
        case .stable, .fall, .batteryDrain, .sensorDisplaced, .poweredOff:
            return VitalShift()
        case .desaturation:
            let d = Self.desaturation
            let depth = ramp(t, d.onset, d.fallen) - ramp(t, d.recovering, d.recovered)
            // Hypoxaemia drives the heart and breathing a little faster.
            return VitalShift(heartRate: 12, oxygenSaturation: d.nadir - baseline.oxygenSaturation, respiratoryRate: 4,
                              perfusionFactor: 0.85).scaled(by: depth)
        case .deterioration:
            let d = Self.deterioration
            // At its worst every NEWS2 parameter a device measures scores: RR ~26 (3), SpO2 ~91 (3), HR ~116 (2),
            // SBP ~96 (2), temperature ~38.7 (1): an aggregate of about 11 (chart 1, RCP 2017).
            return VitalShift(heartRate: 44, oxygenSaturation: -5.5, bodyTemperature: 1.9, respiratoryRate: 11,
                              systolicPressure: -30, diastolicPressure: -12, perfusionFactor: 0.6)
                .scaled(by: ramp(t, d.onset, d.worst))
        case .fever:
            let f = Self.fever
            let height = ramp(t, f.onset, f.height) - ramp(t, f.falling, f.resolved)
            // Heart rate rises about 8.5/min per °C of fever (Karjalainen and Viitasalo, Arch Intern Med 1986).
            return VitalShift(heartRate: 20, oxygenSaturation: -1, bodyTemperature: 2.4, respiratoryRate: 4,
                              systolicPressure: -6, diastolicPressure: -4, perfusionFactor: 0.8).scaled(by: height)
        case .hovering:
            return VitalShift(heartRate: 100 - baseline.heartRate, oxygenSaturation: 92 - baseline.oxygenSaturation)
        }
    }

    /// The chest strap's battery charge at `time`, percent (0 when empty).
    public func batteryPercent(at time: Duration, baseline: PatientBaseline) -> Double {
        let hours = time.seconds / 3600
        let (start, perHour) = kind == .batteryDrain
            ? Self.drainingBattery
            : (baseline.batteryPercent, Self.ordinaryDrainPerHour)
        return min(100, max(0, start - perHour * hours))
    }

    /// Whether the oximeter probe is displaced at `time`.
    public func isSensorDisplaced(at time: Duration) -> Bool {
        kind == .sensorDisplaced && Self.displacement.contains(time.seconds)
    }

    /// When `device` powers off, in scenario time; `nil` when it stays on.
    public func powerOffTime(of device: SimulatedDevice) -> Duration? {
        switch kind {
        case .poweredOff where device.isOximeter:
            return .seconds(Self.oximetersOff)
        case .batteryDrain where device.isChestStrap:
            let battery = Self.drainingBattery
            return .milliseconds(Int64((battery.start / battery.perHour * 3_600_000).rounded()))
        default:
            return nil
        }
    }

    /// The wearer's movements, in wall time (movement is never compressed: a fall takes a second at any speed).
    public var motion: MotionScript {
        switch kind {
        case .fall: .fall
        case .desaturation, .deterioration, .fever, .hovering: .resting
        case .stable, .batteryDrain, .sensorDisplaced, .poweredOff: .dailyLife
        }
    }
}
