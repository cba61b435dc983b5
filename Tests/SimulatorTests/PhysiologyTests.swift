import DeviceProtocols
import Simulation
import Testing

/// The physiological models look like a person: heart-rate variability, a daily temperature rhythm, noise where a
/// device has it.
@Suite struct PhysiologyTests {
    @Test func rrIntervalsVaryAroundTheHeartRateLikeAHealthyHeart() throws {
        var scenario = Scenario(.stable, seed: 21, devices: [.heartRate])
        let values = try scenario.messages(until: .seconds(300), step: .seconds(10)).wire(.heartRate).map {
            try HeartRateMeasurement(decoding: $0.bytes)
        }
        let intervals = values.flatMap(\.rrIntervalSeconds)
        let mean = intervals.reduce(0, +) / Double(intervals.count)
        let sdnn = (intervals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(intervals.count)).squareRoot()
        let meanRate = Double(values.map { Int($0.heartRate) }.reduce(0, +)) / Double(values.count)
        // The reported rate agrees with the beats, and SDNN lies in the range of healthy older adults at rest
        // (tens of milliseconds; Task Force of the ESC and NASPE 1996).
        #expect(abs(60 / mean - meanRate) < 2)
        #expect(sdnn > 0.015 && sdnn < 0.1)
        // Successive beats differ (RMSSD well above the 1/1024 s resolution).
        let rmssd = (zip(intervals, intervals.dropFirst()).map { ($1 - $0) * ($1 - $0) }.reduce(0, +)
            / Double(intervals.count - 1)).squareRoot()
        #expect(rmssd > 0.01)
    }

    @Test func bodyTemperatureIsLowestBeforeDawnAndHighestInTheLateAfternoon() {
        var baseline = PatientBaseline()
        baseline.startHourOfDay = 0
        let scenario = Scenario(.stable, seed: 3, speed: 3600, baseline: baseline)
        // At 3600× one wall second is one hour of the day.
        let dawn = scenario.vitals(at: .seconds(4.5)).bodyTemperature
        let afternoon = scenario.vitals(at: .seconds(16.5)).bodyTemperature
        #expect(afternoon - dawn > 0.5 && afternoon - dawn < 0.9)
        #expect(abs((dawn + afternoon) / 2 - baseline.bodyTemperature) < 0.15)
    }

    @Test func oximetersAddMeasurementNoiseToTheTrueSaturation() throws {
        var scenario = Scenario(.stable, seed: 5, devices: [.bleOximeter])
        let messages = scenario.messages(until: .seconds(120))
        let readings = try messages.wire(.bleOximeter).map { value in
            (value.at, try #require(PLXContinuousMeasurement(decoding: value.bytes).normal.oxygenSaturation.doubleValue))
        }
        let errors = readings.map { $0.1 - scenario.vitals(at: $0.0).oxygenSaturation }
        #expect(Set(readings.map(\.1)).count >= 3)
        #expect(errors.allSatisfy { abs($0) < 3 })
        #expect(readings.allSatisfy { $0.1 <= 100 })
    }

    @Test func theStrapBatteryDrainsSlowlyInOrdinaryScenarios() throws {
        var scenario = Scenario(.stable, seed: 1, speed: 3600, devices: [.strapBattery])
        let levels = try scenario.messages(until: .seconds(10)).wire(.strapBattery).map {
            try BatteryLevel(decoding: $0.bytes).percent
        }
        #expect(levels.first == 86)
        #expect(levels.last == 78)
    }
}
