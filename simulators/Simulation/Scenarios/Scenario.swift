import DeviceProtocols

/// A simulated patient living through a named scenario, and the devices measuring them: a value to step.
///
/// Two clocks run here. Wall time (what ``advance(to:)`` is given) drives the devices: the CMS50 sends 60 frames
/// a second and the accelerometer 50 samples a second whatever the speed, and movement (walking, a fall) is never
/// compressed. Scenario time, wall time × ``speed``, drives the physiology, so that with a speed of 60 an hour of
/// deterioration passes in a minute; spot measurements (temperature, blood pressure, battery) are taken at their
/// scenario-time intervals, but never more than once a wall second.
///
/// Pure and deterministic: the same kind, seed, speed and sequence of `advance` calls give the same messages. It
/// reads no clock and does no I/O; ``PatientSimulator`` puts its messages on the wire.
public struct Scenario: Sendable {
    /// The story.
    public let kind: ScenarioKind
    /// The seed every random choice derives from.
    public let seed: UInt64
    /// Scenario seconds per wall second.
    public let speed: Double
    /// The patient's true vitals over scenario time.
    public let physiology: Physiology
    /// The wearer's movement over wall time.
    public let motion: MotionModel
    /// The endpoints simulated; others send nothing.
    public let devices: Set<SimulatedDevice>
    /// How far the scenario has been advanced, in wall time.
    public private(set) var elapsed: Duration = .zero
    /// Endpoints that have powered off.
    public private(set) var poweredOff: Set<SimulatedDevice> = []

    var cadences: [SimulatedDevice: Cadence]
    var rhythm = HeartRhythm()
    let noise: SeededNoise

    /// Scenario-time intervals of the spot measurements.
    static let thermometerInterval = Duration.seconds(60)
    static let bloodPressureInterval = Duration.seconds(15 * 60)
    static let batteryInterval = Duration.seconds(60)
    /// Spot measurements come at most this often in wall time, however fast the scenario runs.
    static let shortestSpotInterval = Duration.seconds(1)
    /// Accelerometer samples per packet (at most ``AccelerometerPacket/maximumSampleCount``).
    public static let accelerometerPacketSize = 25

    /// A scenario at the start.
    ///
    /// - Parameters:
    ///   - speed: scenario seconds per wall second; must be positive and finite (the command line checks it).
    ///   - devices: the endpoints to simulate, all by default.
    public init(_ kind: ScenarioKind, seed: UInt64 = 1, speed: Double = 1, baseline: PatientBaseline = .init(),
                devices: Set<SimulatedDevice> = Set(SimulatedDevice.allCases)) {
        precondition(speed > 0 && speed.isFinite, "speed must be positive and finite")
        self.kind = kind
        self.seed = seed
        self.speed = speed
        self.devices = devices
        let course = ScenarioCourse(kind)
        self.physiology = Physiology(baseline: baseline, course: course, seed: seed)
        self.motion = MotionModel(script: course.motion, seed: seed)
        self.noise = SeededNoise(seed: seed)
        func spot(_ interval: Duration) -> Cadence {
            Cadence(every: max(interval / speed, Self.shortestSpotInterval))
        }
        var cadences: [SimulatedDevice: Cadence] = [
            .serialOximeter: Cadence(60, per: .seconds(1)),
            .bleOximeter: Cadence(every: .seconds(1)),
            .heartRate: Cadence(every: .seconds(1)),
            .accelerometer: Cadence(MotionModel.sampleRate, per: .seconds(Self.accelerometerPacketSize)),
            .strapBattery: spot(Self.batteryInterval),
            .thermometer: spot(Self.thermometerInterval),
            .bloodPressure: spot(Self.bloodPressureInterval),
        ]
        // An accelerometer packet is sent once its samples are complete: the first after one packet's worth.
        cadences[.accelerometer]?.next = 1
        self.cadences = cadences
    }

    /// What the scenario does over scenario time.
    public var course: ScenarioCourse { physiology.course }

    /// The scenario time at wall time `wall`.
    public func scenarioTime(at wall: Duration) -> Duration { wall * speed }

    /// The patient's true vitals at wall time `wall`.
    public func vitals(at wall: Duration) -> VitalSigns { physiology.vitals(at: scenarioTime(at: wall)) }

    /// The wall time at which `device` powers off, if it does.
    public func powerOffTime(of device: SimulatedDevice) -> Duration? {
        course.powerOffTime(of: device).map { $0 / speed }
    }

    /// Moves to wall time `wall` and returns every message due since the last call, oldest first (devices in
    /// ``SimulatedDevice`` order at the same instant). The first call includes the messages at time zero; a time
    /// earlier than ``elapsed`` returns nothing.
    public mutating func advance(to wall: Duration) -> [DeviceMessage] {
        guard wall >= elapsed else { return [] }
        let seconds = wall.seconds
        let physiology = physiology
        let speed = speed
        rhythm.extend(through: seconds + 2, rateAt: { wallSeconds in
            let vitals = physiology.vitals(at: .seconds(wallSeconds * speed))
            return (vitals.heartRate, vitals.respiratoryRate)
        }, noise: noise)
        var messages: [DeviceMessage] = []
        for device in devices.sorted() where !poweredOff.contains(device) {
            guard var cadence = cadences[device] else { continue }
            let offAt = powerOffTime(of: device)
            while cadence.nextTime <= wall {
                let time = cadence.nextTime
                if let offAt, time >= offAt { break }
                messages.append(DeviceMessage(device: device, at: time, payload: payload(of: device, tick: cadence.next, at: time)))
                cadence.next += 1
            }
            cadences[device] = cadence
            if let offAt, offAt <= wall {
                messages.append(DeviceMessage(device: device, at: offAt, payload: .powerOff))
                poweredOff.insert(device)
            }
        }
        rhythm.discard(before: seconds - 8)
        elapsed = wall
        return messages.sorted { ($0.at, $0.device) < ($1.at, $1.device) }
    }

    /// What `device` sends at its `tick`, at wall time `time`.
    private func payload(of device: SimulatedDevice, tick: Int64, at time: Duration) -> DeviceMessage.Payload {
        switch device {
        case .serialOximeter: .cms50(cms50Frame(tick: tick, at: time))
        case .bleOximeter: .plxContinuous(plxMeasurement(tick: tick, at: time))
        case .heartRate: .heartRate(heartRateMeasurement(at: time))
        case .accelerometer: .accelerometer(accelerometerPacket(tick: tick))
        case .strapBattery: .battery(batteryLevel(at: time))
        case .thermometer: .temperature(temperatureMeasurement(tick: tick, at: time))
        case .bloodPressure: .bloodPressure(bloodPressureMeasurement(tick: tick, at: time))
        }
    }
}
