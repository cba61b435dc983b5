#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeviceProtocols
import Vitals

extension HeartRateMeasurement {
    /// The heart rate as a reading. A strap that supports contact detection but reports no contact marks it
    /// `sensorDisconnected`: the value is not from skin.
    public func observation(receivedAt: Date) -> DeviceObservation {
        var builder = ObservationBuilder(measuredAt: receivedAt)
        builder.add(.heartRate, Double(heartRate))
        let flags: DeviceQualityFlags = sensorContact == .notDetected ? .sensorDisconnected : []
        return builder.observation(flags: flags, usedDeviceClock: false)
    }
}

extension TemperatureMeasurement {
    /// The body temperature in °C (°F converted), timed by the device's time stamp when trusted.
    public func observation(receivedAt: Date, clock: MeasurementClock = .init()) -> DeviceObservation {
        let (time, usedDeviceClock) = clock.measuredAt(timestamp, receivedAt: receivedAt)
        var builder = ObservationBuilder(measuredAt: time)
        builder.add(.bodyTemperature, value.doubleValue, unit: unit == .celsius ? .celsius : .fahrenheit)
        return builder.observation(flags: [], usedDeviceClock: usedDeviceClock)
    }
}

extension PLXSpotCheckMeasurement {
    /// SpO2, pulse rate and (from the pulse amplitude index) perfusion index, with the status bits as flags.
    public func observation(receivedAt: Date, clock: MeasurementClock = .init()) -> DeviceObservation {
        let (time, usedDeviceClock) = clock.measuredAt(timestamp, clockNotSet: deviceClockNotSet, receivedAt: receivedAt)
        var builder = ObservationBuilder(measuredAt: time)
        builder.addPLX(reading, pulseAmplitudeIndex: pulseAmplitudeIndex)
        let flags = DeviceQualityFlags(measurementStatus: measurementStatus, deviceAndSensorStatus: deviceAndSensorStatus)
        return builder.observation(flags: flags, usedDeviceClock: usedDeviceClock)
    }
}

extension PLXContinuousMeasurement {
    /// The normal-averaged SpO2 and pulse rate (the fast and slow averages are not stored), perfusion index, and
    /// the status bits as flags. Continuous measurements carry no time stamp: the receive time is used.
    public func observation(receivedAt: Date) -> DeviceObservation {
        var builder = ObservationBuilder(measuredAt: receivedAt)
        builder.addPLX(normal, pulseAmplitudeIndex: pulseAmplitudeIndex)
        let flags = DeviceQualityFlags(measurementStatus: measurementStatus, deviceAndSensorStatus: deviceAndSensorStatus)
        return builder.observation(flags: flags, usedDeviceClock: false)
    }
}

extension BloodPressureMeasurement {
    /// Systolic, diastolic and mean pressure in mmHg (kPa converted) and the pulse rate when present. Body
    /// movement, a loose cuff or an improper position mark the readings `poorSignal`: worth a technician's look,
    /// but a pressure measured that way is still a pressure and still alarms. An irregular pulse is clinical, not a
    /// quality problem, and is not a flag.
    public func observation(receivedAt: Date, clock: MeasurementClock = .init()) -> DeviceObservation {
        let (time, usedDeviceClock) = clock.measuredAt(timestamp, receivedAt: receivedAt)
        var builder = ObservationBuilder(measuredAt: time)
        let pressure: UnitOfMeasure = unit == .mmHg ? .millimetresOfMercury : .kilopascal
        builder.add(.systolicBloodPressure, systolic.doubleValue, unit: pressure)
        builder.add(.diastolicBloodPressure, diastolic.doubleValue, unit: pressure)
        builder.add(.meanBloodPressure, meanArterialPressure.doubleValue, unit: pressure)
        if let pulseRate { builder.add(.pulseRate, pulseRate.doubleValue) }
        var flags: DeviceQualityFlags = []
        if let status, status.bodyMovementDetected || status.cuffTooLoose || status.improperMeasurementPosition {
            flags.insert(.poorSignal)
        }
        return builder.observation(flags: flags, usedDeviceClock: usedDeviceClock)
    }
}

extension ObservationBuilder {
    mutating func addPLX(_ reading: PLXReading, pulseAmplitudeIndex: MedFloat16?) {
        add(.oxygenSaturation, reading.oxygenSaturation.doubleValue)
        add(.pulseRate, reading.pulseRate.doubleValue)
        // The PLX pulse amplitude index is the pulsatile share of the signal in percent: the perfusion index.
        if let pulseAmplitudeIndex { add(.perfusionIndex, pulseAmplitudeIndex.doubleValue) }
    }
}

extension DeviceQualityFlags {
    /// The quality flags a pulse oximeter's PLX status fields carry (Bluetooth Pulse Oximeter Service 1.0).
    ///
    /// Questionable and invalid measurements, and "measurement unavailable", make the value untrustworthy; sensor
    /// displaced, disconnected or unconnected to the user, a malfunctioning sensor or equipment, and an unknown
    /// sensor likewise. Poor, inadequate, erratic or nonpulsatile signal, interference, a questionable pulse and
    /// signal-processing irregularity lower confidence (`poorSignal`), as does low perfusion: the value stays usable.
    public init(measurementStatus: PLXMeasurementStatus?, deviceAndSensorStatus: PLXDeviceAndSensorStatus?) {
        self = []
        if let status = measurementStatus {
            if status.contains(.questionableMeasurementDetected) { insert(.questionable) }
            if !status.isDisjoint(with: [.invalidMeasurementDetected, .measurementUnavailable]) { insert(.invalid) }
        }
        guard let sensor = deviceAndSensorStatus else { return }
        if sensor.contains(.sensorDisplaced) { insert(.sensorDisplaced) }
        if !sensor.isDisjoint(with: [.sensorDisconnected, .sensorUnconnectedToUser]) { insert(.sensorDisconnected) }
        if !sensor.isDisjoint(with: [.equipmentMalfunctionDetected, .sensorMalfunctioning, .unknownSensorConnected]) {
            insert(.equipmentMalfunction)
        }
        if sensor.contains(.lowPerfusionDetected) { insert(.lowPerfusion) }
        let poor: PLXDeviceAndSensorStatus = [
            .signalProcessingIrregularityDetected, .inadequateSignalDetected, .poorSignalDetected, .erraticSignalDetected,
            .nonpulsatileSignalDetected, .questionablePulseDetected, .sensorInterferenceDetected,
        ]
        if !sensor.isDisjoint(with: poor) { insert(.poorSignal) }
    }
}
