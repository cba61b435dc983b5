import Testing
import Vitals

/// NEWS2 chart 1 (Royal College of Physicians 2017), every band edge of every parameter.
@Suite struct EarlyWarningScoreTests {
    /// A complete set of observations that scores 0 everywhere.
    static let normal = EarlyWarningScore.Observations(
        respirationRate: 16, oxygenSaturation: 97, onOxygen: false, systolicBloodPressure: 120, pulse: 70,
        consciousness: .alert, temperature: 37.0)

    static func score(_ change: (inout EarlyWarningScore.Observations) -> Void) -> EarlyWarningScore {
        var observations = normal
        change(&observations)
        return EarlyWarningScore(observations)
    }

    @Test(arguments: [
        (8.0, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (4, 3), (40, 3),
    ])
    func respirationRateScoresByChartBand(rate: Double, expected: Int) {
        let score = Self.score { $0.respirationRate = rate }
        #expect(score.parameterScores[.respirationRate] == expected)
        #expect(score.total == expected)
    }

    @Test(arguments: [(91.0, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0), (70, 3)])
    func spo2Scale1ScoresByChartBand(spo2: Double, expected: Int) {
        let score = Self.score { $0.oxygenSaturation = spo2 }
        #expect(score.parameterScores[.oxygenSaturation] == expected)
    }

    @Test(arguments: [
        (83.0, false, 3), (84, false, 2), (85, false, 2), (86, false, 1), (87, false, 1), (88, false, 0),
        (92, false, 0), (93, false, 0), (97, false, 0), (100, false, 0),
        (88, true, 0), (92, true, 0), (93, true, 1), (94, true, 1), (95, true, 2), (96, true, 2), (97, true, 3), (100, true, 3),
        (83, true, 3), (86, true, 1),
    ])
    func spo2Scale2ScoresByChartBandWithAirOrOxygen(spo2: Double, onOxygen: Bool, expected: Int) {
        let score = Self.score {
            $0.scale = .scale2
            $0.oxygenSaturation = spo2
            $0.onOxygen = onOxygen
        }
        #expect(score.parameterScores[.oxygenSaturation] == expected)
        #expect(score.parameterScores[.supplementalOxygen] == (onOxygen ? 2 : 0))
    }

    @Test func supplementalOxygenScoresTwo() {
        #expect(Self.score { $0.onOxygen = true }.total == 2)
        #expect(Self.score { $0.onOxygen = false }.total == 0)
    }

    @Test(arguments: [(90.0, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3), (60, 3), (260, 3)])
    func systolicPressureScoresByChartBand(pressure: Double, expected: Int) {
        #expect(Self.score { $0.systolicBloodPressure = pressure }.parameterScores[.systolicBloodPressure] == expected)
    }

    @Test(arguments: [
        (40.0, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2), (131, 3), (30, 3), (180, 3),
    ])
    func pulseScoresByChartBand(pulse: Double, expected: Int) {
        #expect(Self.score { $0.pulse = pulse }.parameterScores[.pulse] == expected)
    }

    @Test(arguments: [
        (EarlyWarningScore.Consciousness.alert, 0), (.newConfusion, 3), (.voice, 3), (.pain, 3), (.unresponsive, 3),
    ])
    func consciousnessScoresThreeForAnythingButAlert(level: EarlyWarningScore.Consciousness, expected: Int) {
        #expect(Self.score { $0.consciousness = level }.parameterScores[.consciousness] == expected)
    }

    @Test(arguments: [
        (35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1), (39.1, 2), (33.0, 3), (41.0, 2),
    ])
    func temperatureScoresByChartBand(temperature: Double, expected: Int) {
        #expect(Self.score { $0.temperature = temperature }.parameterScores[.temperature] == expected)
    }

    @Test(arguments: [(35.04, 3), (35.05, 1), (38.04, 0), (38.05, 1)])
    func temperatureIsRoundedToTheChartsTenthBeforeScoring(temperature: Double, expected: Int) {
        #expect(Self.score { $0.temperature = temperature }.parameterScores[.temperature] == expected)
    }

    @Test(arguments: [(90.4, 0), (90.5, 1), (130.4, 2), (130.5, 3)])
    func pulseIsRoundedToWholeBeatsBeforeScoring(pulse: Double, expected: Int) {
        #expect(Self.score { $0.pulse = pulse }.parameterScores[.pulse] == expected)
    }

    @Test func allNormalIsZeroAndLowRisk() {
        let score = EarlyWarningScore(Self.normal)
        #expect(score.isComplete)
        #expect(score.total == 0)
        #expect(score.risk == .low)
        #expect(!score.hasSingleParameterScoreOf3)
    }

    @Test func aSingleRedScoreIsLowMediumRiskBelowFive() {
        let score = Self.score { $0.consciousness = .voice }
        #expect(score.total == 3)
        #expect(score.hasSingleParameterScoreOf3)
        #expect(score.risk == .lowMedium)
    }

    @Test func aggregateFourWithoutARedScoreIsLowRisk() {
        // pulse 111 → 2, respiration 21 → 2
        let score = Self.score { $0.pulse = 111; $0.respirationRate = 21 }
        #expect(score.total == 4)
        #expect(score.risk == .low)
    }

    @Test(arguments: [
        // (respiration, pulse, temperature) → total, risk
        (21.0, 111.0, 37.0, 4, EarlyWarningScore.ClinicalRisk.low),
        (21, 111, 38.5, 5, .medium),
        (21, 131, 37.0, 5, .medium),
        (24, 130, 39.1, 6, .medium),
        (25, 130, 39.1, 7, .high),
        (25, 131, 39.5, 8, .high),
    ])
    func aggregateMapsToClinicalRisk(respiration: Double, pulse: Double, temperature: Double, total: Int, risk: EarlyWarningScore.ClinicalRisk) {
        let score = Self.score { $0.respirationRate = respiration; $0.pulse = pulse; $0.temperature = temperature }
        #expect(score.total == total)
        #expect(score.risk == risk)
    }

    @Test func missingParametersAreNamedAndNoAggregateIsClaimed() {
        let score = EarlyWarningScore(.init(oxygenSaturation: 97, pulse: 120))
        #expect(!score.isComplete)
        #expect(score.missing == [.respirationRate, .supplementalOxygen, .systolicBloodPressure, .consciousness, .temperature])
        #expect(score.total == nil)
        #expect(score.risk == nil)
        #expect(score.partialTotal == 2)
        #expect(score.minimumRisk == .low)
    }

    @Test func partialScoreAlreadyHighSaysSoThroughMinimumRisk() {
        let score = EarlyWarningScore(.init(respirationRate: 26, oxygenSaturation: 90, pulse: 135))
        #expect(score.risk == nil)
        #expect(score.partialTotal == 9)
        #expect(score.minimumRisk == .high)
    }

    @Test func scale2WithoutKnowingAirOrOxygenCannotScoreSpO2() {
        let score = EarlyWarningScore(.init(oxygenSaturation: 95, scale: .scale2))
        #expect(score.missing.contains(.oxygenSaturation))
        #expect(score.missing.contains(.supplementalOxygen))
    }

    @Test func latestReadingsScoreUsesFreshUsableValuesOnly() {
        let readings = [
            reading(.heartRate, 135, at: 0),       // stale by the time of scoring
            reading(.heartRate, 72, at: 3000),
            reading(.pulseRate, 140, at: 3500),    // fresher than the heart rate: it is the pulse
            reading(.oxygenSaturation, 91, at: 3550),
            reading(.oxygenSaturation, 130, at: 3590), // artifact: skipped
            reading(.bodyTemperature, 39.2, at: 3400),
        ]
        let score = EarlyWarningScore(latest: readings, now: at(3600), maximumAge: .seconds(3000), onOxygen: false, consciousness: .alert)
        #expect(score.parameterScores[.pulse] == 3)
        #expect(score.parameterScores[.oxygenSaturation] == 3)
        let settled = EarlyWarningScore(latest: readings + [reading(.heartRate, 80, at: 3580)], now: at(3600), maximumAge: .seconds(3000))
        #expect(settled.parameterScores[.pulse] == 0, "a fresher heart rate replaces the pulse rate")
        #expect(score.parameterScores[.temperature] == 2)
        #expect(score.missing == [.respirationRate, .systolicBloodPressure])
    }

    @Test func clinicalRiskMapsToAlarmPriority() {
        #expect(EarlyWarningScore.ClinicalRisk.low.alarmPriority == nil)
        #expect(EarlyWarningScore.ClinicalRisk.lowMedium.alarmPriority == .low)
        #expect(EarlyWarningScore.ClinicalRisk.medium.alarmPriority == .medium)
        #expect(EarlyWarningScore.ClinicalRisk.high.alarmPriority == .high)
    }
}
