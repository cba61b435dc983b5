import DeviceProtocols
import DeviceReadings
import Foundation
import Testing
import Vitals

/// 2012-12-05 11:52:00 UTC, shortly after the published temperature vector's time stamp.
let receivedIn2012 = Date(timeIntervalSince1970: 1_354_708_320)

func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        if let byte = UInt8(text[index..<next], radix: 16) { bytes.append(byte) }
        index = next
    }
    return bytes
}

@Suite struct GATTObservationTests {
    @Test func publishedTemperatureVectorIsTimedByTheDeviceClockWhenPlausible() throws {
        let measurement = try TemperatureMeasurement(decoding: hex("06B00E00FEDC070C050B321B04"))
        let observation = measurement.observation(receivedAt: receivedIn2012)
        #expect(observation.usedDeviceClock)
        #expect(observation.measuredAt == Date(timeIntervalSince1970: 1_354_708_227)) // 2012-12-05 11:50:27 UTC
        #expect(observation.readings.map(\.kind) == [.bodyTemperature])
        #expect(abs((observation.readings.first?.value ?? 0) - 37.6) < 1e-9)
    }

    @Test func aDeviceClockFarFromTheReceiveTimeIsNotTrusted() throws {
        let measurement = try TemperatureMeasurement(decoding: hex("06B00E00FEDC070C050B321B04"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let observation = measurement.observation(receivedAt: now)
        #expect(!observation.usedDeviceClock)
        #expect(observation.measuredAt == now)
    }

    @Test func fahrenheitIsStoredInCelsius() throws {
        let measurement = TemperatureMeasurement(value: try MedFloat32(mantissa: 1004, exponent: -1), unit: .fahrenheit)
        let value = try #require(measurement.observation(receivedAt: receivedIn2012).readings.first?.value)
        #expect(abs(value - 38.0) < 1e-9)
    }

    @Test func publishedBloodPressureVectorGivesThreePressuresAndPulseWithPoorConditionsFlagged() throws {
        // 138/88 mmHg, MAP 120, pulse 60, user 1; status: body movement, cuff loose, irregular pulse, improper position.
        let measurement = try BloodPressureMeasurement(decoding: hex("1E8A00580078000000041114293B3C00012700"))
        let observation = measurement.observation(receivedAt: receivedIn2012)
        let values = Dictionary(uniqueKeysWithValues: observation.readings.map { ($0.kind, $0.value) })
        #expect(values == [.systolicBloodPressure: 138, .diastolicBloodPressure: 88, .meanBloodPressure: 120, .pulseRate: 60])
        #expect(observation.flags == .poorSignal)
        #expect(!observation.usedDeviceClock, "the vector's year is unknown")
        #expect(observation.readings.allSatisfy { $0.isUsable }, "a pressure measured while moving still alarms")
    }

    @Test func kilopascalPressuresAreStoredInMillimetresOfMercury() throws {
        let measurement = BloodPressureMeasurement(
            unit: .kPa, systolic: try MedFloat16(mantissa: 160, exponent: -1), diastolic: try MedFloat16(mantissa: 107, exponent: -1),
            meanArterialPressure: try MedFloat16(mantissa: 125, exponent: -1))
        let systolic = try #require(measurement.observation(receivedAt: receivedIn2012).readings.first { $0.kind == .systolicBloodPressure })
        #expect(abs(systolic.value - 120.01) < 0.01)
    }

    @Test func aHeartRateFromAStrapWithoutSkinContactIsAnArtifact() throws {
        let noContact = HeartRateMeasurement(heartRate: 180, sensorContact: .notDetected)
        let observation = noContact.observation(receivedAt: receivedIn2012)
        #expect(observation.flags == .sensorDisconnected)
        #expect(observation.readings.first?.isUsable == false)
        let published = try HeartRateMeasurement(decoding: hex("1E5532002100")).observation(receivedAt: receivedIn2012)
        #expect(published.readings.map(\.value) == [85])
        #expect(published.readings.first?.isUsable == true)
    }

    @Test func publishedPLXContinuousVectorGivesSpO2AndPulseRate() throws {
        let observation = try PLXContinuousMeasurement(decoding: hex("00E8F384F3")).observation(receivedAt: receivedIn2012)
        let values = Dictionary(uniqueKeysWithValues: observation.readings.map { ($0.kind, $0.value) })
        #expect(values == [.oxygenSaturation: 100, .pulseRate: 90])
        #expect(observation.flags.isEmpty)
    }

    @Test func aPLXSpecialValueIsUnavailableNotANumber() {
        let measurement = PLXContinuousMeasurement(normal: PLXReading(oxygenSaturation: .nan, pulseRate: .nres))
        let observation = measurement.observation(receivedAt: receivedIn2012)
        #expect(observation.readings.isEmpty)
        #expect(observation.unavailable == [.oxygenSaturation, .pulseRate])
        #expect(observation.monitorFlags.contains(.invalid))
    }

    static let plxStatusCases: [(PLXMeasurementStatus, PLXDeviceAndSensorStatus, DeviceQualityFlags)] = [
        (.questionableMeasurementDetected, [], .questionable),
        (.invalidMeasurementDetected, [], .invalid), (.measurementUnavailable, [], .invalid),
        ([], .sensorDisplaced, .sensorDisplaced), ([], .sensorDisconnected, .sensorDisconnected),
        ([], .sensorUnconnectedToUser, .sensorDisconnected), ([], .equipmentMalfunctionDetected, .equipmentMalfunction),
        ([], .sensorMalfunctioning, .equipmentMalfunction), ([], .unknownSensorConnected, .equipmentMalfunction),
        ([], .lowPerfusionDetected, .lowPerfusion), ([], .poorSignalDetected, .poorSignal),
        ([], .erraticSignalDetected, .poorSignal), ([], .sensorInterferenceDetected, .poorSignal),
        ([], .questionablePulseDetected, .poorSignal), (.validatedData, .signalAnalysisOngoing, []),
    ]

    @Test(arguments: plxStatusCases)
    func plxStatusBitsBecomeQualityFlags(measurement: PLXMeasurementStatus, sensor: PLXDeviceAndSensorStatus, expected: DeviceQualityFlags) {
        #expect(DeviceQualityFlags(measurementStatus: measurement, deviceAndSensorStatus: sensor) == expected)
    }

    /// The whole path the issue names: PLX status bits on the wire raise a technical alarm and keep the readings
    /// out of physiological alarms.
    @Test func aDisplacedOximeterSensorRaisesATechnicalAlarmAndNoDesaturationAlarm() throws {
        // SpO2 72 % and pulse 60 with "sensor displaced" set: what a finger half out of the clip reads.
        let displaced = PLXContinuousMeasurement(
            normal: PLXReading(oxygenSaturation: try MedFloat16(mantissa: 72, exponent: 0), pulseRate: try MedFloat16(mantissa: 60, exponent: 0)),
            deviceAndSensorStatus: .sensorDisplaced)
        let bytes = try displaced.encoded()
        var monitor = DeviceMonitor(deviceID: "oxi-1", now: receivedIn2012)
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        var technical: [TechnicalConditionChange] = []
        var physiological: [AlertStateMachine.Action] = []
        for second in 0..<300 {
            let observation = try PLXContinuousMeasurement(decoding: bytes).observation(receivedAt: receivedIn2012.addingTimeInterval(Double(second)))
            technical += monitor.observeReading(flags: observation.monitorFlags, at: observation.measuredAt)
            for reading in observation.readings { physiological += alerting.ingest(reading) }
        }
        #expect(technical.map(\.condition) == [.sensorDisplaced])
        #expect(technical.first?.status == .present(.medium))
        #expect(physiological.isEmpty)
    }
}

@Suite struct SerialAndMotionObservationTests {
    @Test func aCMS50FrameWithAFingerInGivesSpO2AndPulse() throws {
        let sample = try CMS50LiveSample(decodingFrame: hex("C53A044862"))
        let observation = sample.observation(receivedAt: receivedIn2012)
        #expect(observation.readings.map(\.kind) == [.oxygenSaturation, .pulseRate])
        #expect(observation.readings.map(\.value) == [Double(sample.oxygenSaturation ?? -1), Double(sample.pulseRate ?? -1)])
    }

    @Test func aCMS50ProbeErrorWithNoValuesIsDisconnectedAndUnavailable() {
        let sample = CMS50LiveSample(signalStrength: 0, probeError: true, rawPulseRate: 255, rawOxygenSaturation: 127)
        let observation = sample.observation(receivedAt: receivedIn2012)
        #expect(observation.readings.isEmpty)
        #expect(observation.unavailable == [.oxygenSaturation, .pulseRate])
        #expect(observation.flags.contains(.sensorDisconnected))
        #expect(observation.flags.contains(.poorSignal))
        #expect(observation.monitorFlags.contains(.invalid))
    }

    @Test func accelerometerSamplesAreTimedBackFromTheReceiveTime() throws {
        let packet = AccelerometerPacket(fullScale: .g4, samples: [
            AccelerometerSample(x: 0, y: 8192, z: 0), AccelerometerSample(x: 0, y: 8192, z: 0), AccelerometerSample(x: 0, y: 0, z: -8192),
        ])
        let samples = packet.samples(receivedAt: receivedIn2012, sampleRate: 50)
        #expect(samples.map(\.at) == [receivedIn2012.addingTimeInterval(-0.04), receivedIn2012.addingTimeInterval(-0.02), receivedIn2012])
        #expect(samples.map(\.y) == [1, 1, 0])
        #expect(samples.last?.z == -1)
        #expect(packet.samples(receivedAt: receivedIn2012, sampleRate: 0).isEmpty)
    }
}

@Suite struct MeasurementClockTests {
    @Test(arguments: [(1970, 1, 1, 0), (2000, 3, 1, 11_017), (2012, 12, 5, 15_679), (2024, 2, 29, 19_782), (1969, 12, 31, -1)])
    func calendarDatesCountDaysFromTheEpoch(year: Int, month: Int, day: Int, days: Int) throws {
        let date = try #require(MeasurementClock().date(of: BluetoothDateTime(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)))
        #expect(date == Date(timeIntervalSince1970: Double(days) * 86_400))
    }

    @Test(arguments: [(2023, 2, 29), (2024, 4, 31), (1900, 2, 29)])
    func impossibleCalendarDatesAreNotTrusted(year: Int, month: Int, day: Int) {
        #expect(MeasurementClock().date(of: BluetoothDateTime(year: year, month: month, day: day, hour: 12, minute: 0, second: 0)) == nil)
    }

    @Test func incompleteTimeStampsAndUnsetClocksFallBackToTheReceiveTime() {
        let clock = MeasurementClock()
        let partial = BluetoothDateTime(year: nil, month: 12, day: 5, hour: 11, minute: 50, second: 27)
        #expect(clock.measuredAt(partial, receivedAt: receivedIn2012) == (receivedIn2012, usedDeviceClock: false))
        let complete = BluetoothDateTime(year: 2012, month: 12, day: 5, hour: 11, minute: 50, second: 27)
        #expect(clock.measuredAt(complete, clockNotSet: true, receivedAt: receivedIn2012) == (receivedIn2012, usedDeviceClock: false))
        #expect(clock.measuredAt(complete, receivedAt: receivedIn2012).usedDeviceClock)
    }

    @Test func theDevicesTimeZoneOffsetIsApplied() throws {
        let clock = MeasurementClock(deviceUTCOffset: .seconds(3600))
        let local = BluetoothDateTime(year: 2012, month: 12, day: 5, hour: 12, minute: 50, second: 27)
        #expect(clock.date(of: local) == Date(timeIntervalSince1970: 1_354_708_227))
    }

    @Test func deviceTimesTooFarAheadAreNotTrusted() {
        let clock = MeasurementClock()
        let ahead = BluetoothDateTime(year: 2012, month: 12, day: 5, hour: 12, minute: 0, second: 0)
        #expect(!clock.measuredAt(ahead, receivedAt: receivedIn2012).usedDeviceClock)
    }
}
