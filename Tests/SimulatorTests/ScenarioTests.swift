import DeviceProtocols
import Simulation
import Testing
import Vitals

/// Each named scenario does to the patient and the devices what its name promises, seen through the devices'
/// decoded bytes.
@Suite struct ScenarioTests {
    @Test func desaturationKeepsSpO2Below90ForMoreThanAMinuteThenRecovers() throws {
        var scenario = Scenario(.desaturation, seed: 11, devices: [.bleOximeter, .serialOximeter])
        let messages = scenario.messages(until: .seconds(600), step: .seconds(5))

        let plx = try messages.wire(.bleOximeter).map { value in
            (value.seconds, try #require(PLXContinuousMeasurement(decoding: value.bytes).normal.oxygenSaturation.doubleValue))
        }
        #expect(longestRun(plx) { $0 < 90 } > 60)
        #expect(plx.filter { $0.0 < 110 }.allSatisfy { $0.1 >= 93 })
        #expect(plx.filter { $0.0 > 540 }.allSatisfy { $0.1 >= 93 })
        #expect(try #require(plx.map(\.1).min()) <= 87)

        let cms50 = try messages.wire(.serialOximeter).map { value in
            (value.seconds, Double(try #require(CMS50LiveSample(decodingFrame: value.bytes).oxygenSaturation)))
        }
        #expect(longestRun(cms50) { $0 < 90 } > 60)
    }

    @Test func deteriorationTakesNEWS2FromLowToAtLeastSevenOverHours() throws {
        // 6 h of scenario time at 10 min a second.
        var scenario = Scenario(.deterioration, seed: 4, speed: 600,
                                devices: [.bleOximeter, .heartRate, .thermometer, .bloodPressure])
        let end = scenario.course.duration / 600
        let messages = scenario.messages(until: end)

        func news2(at wall: Duration) throws -> EarlyWarningScore {
            func latest(_ device: SimulatedDevice) throws -> [UInt8] {
                try #require(try messages.wire(device).last { $0.at <= wall }).bytes
            }
            let plx = try PLXContinuousMeasurement(decoding: latest(.bleOximeter))
            let pressure = try BloodPressureMeasurement(decoding: latest(.bloodPressure))
            return EarlyWarningScore(.init(
                // No emulated device sends a respiratory rate; the scenario's own value stands in for a nurse's count.
                respirationRate: scenario.vitals(at: wall).respiratoryRate,
                oxygenSaturation: plx.normal.oxygenSaturation.doubleValue,
                onOxygen: false,
                systolicBloodPressure: pressure.systolic.doubleValue,
                pulse: Double(try HeartRateMeasurement(decoding: latest(.heartRate)).heartRate),
                consciousness: .alert,
                temperature: try TemperatureMeasurement(decoding: latest(.thermometer)).value.doubleValue))
        }

        let start = try news2(at: .zero)
        let last = try news2(at: end)
        #expect(start.isComplete && last.isComplete)
        #expect(try #require(start.total) <= 2)
        #expect(start.risk == .low)
        #expect(try #require(last.total) >= 7)
        #expect(last.risk == .high)
        // Every parameter a device measures contributes at the end.
        for parameter: EarlyWarningScore.Parameter in [.respirationRate, .oxygenSaturation, .pulse, .systolicBloodPressure] {
            #expect((last.parameterScores[parameter] ?? 0) >= 1, "\(parameter)")
        }
    }

    @Test func feverRaisesTemperatureAbove38Point5AndFallsBack() throws {
        var scenario = Scenario(.fever, seed: 2, speed: 600, devices: [.thermometer])
        let values = try scenario.messages(until: scenario.course.duration / 600).wire(.thermometer).map { value in
            try #require(TemperatureMeasurement(decoding: value.bytes).value.doubleValue)
        }
        #expect(try #require(values.first) < 37.5)
        #expect(try #require(values.max()) > 38.5)
        #expect(try #require(values.last) < 37.8)
    }

    @Test func sensorDisplacedSetsStatusBitsAndImplausibleValuesOnlyWhileDisplaced() throws {
        var scenario = Scenario(.sensorDisplaced, seed: 8, devices: [.bleOximeter, .serialOximeter])
        let messages = scenario.messages(until: .seconds(420), step: .seconds(10))
        let displaced = 60.0..<360.0

        let plx = try messages.wire(.bleOximeter).map { ($0.seconds, try PLXContinuousMeasurement(decoding: $0.bytes)) }
        for (time, value) in plx {
            let sensor = value.deviceAndSensorStatus ?? []
            #expect(sensor.contains(.sensorDisplaced) == displaced.contains(time), "at \(time) s")
            #expect((value.measurementStatus ?? []).contains(.questionableMeasurementDetected) == displaced.contains(time))
        }
        let displacedPulses = plx.filter { displaced.contains($0.0) }.compactMap { $0.1.normal.pulseRate.doubleValue }
        #expect(try #require(displacedPulses.max()) - #require(displacedPulses.min()) > 100)

        let frames = try messages.wire(.serialOximeter).map { ($0.seconds, try CMS50LiveSample(decodingFrame: $0.bytes)) }
        for (time, frame) in frames {
            #expect(frame.probeError == displaced.contains(time), "at \(time) s")
        }
        // SpO2 values no body gives (below 40 %) appear while the probe is off.
        #expect(frames.contains { displaced.contains($0.0) && ($0.1.oxygenSaturation ?? 0) < 40 })
    }

    @Test func batteryDrainsToEmptyAndTheStrapPowersOff() throws {
        var scenario = Scenario(.batteryDrain, seed: 1, speed: 600)
        let messages = scenario.messages(until: .seconds(10))
        let levels = try messages.wire(.strapBattery).map { try BatteryLevel(decoding: $0.bytes).percent }

        #expect(levels.first == 42)
        #expect(zip(levels, levels.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(try #require(levels.last) <= 2)
        // Empty at 84 min of scenario time: 8.4 s of wall time at this speed.
        for device in [SimulatedDevice.heartRate, .accelerometer, .strapBattery] {
            let off = try #require(messages.powerOff(of: device))
            #expect(abs(off.inSeconds - 8.4) < 0.001)
            #expect(messages.filter { $0.device == device }.last?.payload == .powerOff)
        }
        #expect(messages.powerOff(of: .thermometer) == nil)
        #expect(messages.filter { $0.device == .bleOximeter }.last?.at == .seconds(10))
    }

    @Test func hoveringSpO2CrossesNinetyTwoBothWaysAgainAndAgain() throws {
        var scenario = Scenario(.hovering, seed: 6, devices: [.bleOximeter])
        let values = try scenario.messages(until: .seconds(600), step: .seconds(30)).wire(.bleOximeter).map { value in
            try #require(PLXContinuousMeasurement(decoding: value.bytes).normal.oxygenSaturation.doubleValue)
        }
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(abs(mean - 92) < 1)
        let crossings = zip(values, values.dropFirst()).filter { ($0 < 92) != ($1 < 92) }.count
        #expect(crossings >= 40)
    }

    @Test(arguments: ScenarioKind.allCases)
    func everyScenarioEncodesEveryMessage(kind: ScenarioKind) throws {
        var scenario = Scenario(kind, seed: 12, speed: 30)
        let messages = scenario.messages(until: .seconds(30), step: .milliseconds(700))
        #expect(!messages.isEmpty)
        for message in messages {
            #expect(throws: Never.self) { try message.payload.encoded() }
        }
        #expect(messages == messages.sorted { $0.at < $1.at || ($0.at == $1.at && $0.device < $1.device) })
    }
}

/// The longest stretch of time, in seconds, over which every value met `condition`, measured from the first value
/// that met it to the first that did not.
func longestRun(_ series: [(Double, Double)], where condition: (Double) -> Bool) -> Double {
    var longest = 0.0
    var start: Double?
    for (time, value) in series {
        if condition(value) {
            if start == nil { start = time }
        } else if let begun = start {
            longest = max(longest, time - begun)
            start = nil
        }
    }
    if let begun = start, let last = series.last { longest = max(longest, last.0 - begun) }
    return longest
}
