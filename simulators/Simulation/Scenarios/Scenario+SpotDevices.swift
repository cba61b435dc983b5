import DeviceProtocols

extension Scenario {
    /// A Temperature Measurement in °C with two decimals: the core temperature plus ±0.04 °C of noise, site
    /// "body". No time stamp: under time compression a device clock would mislead, so the agent uses its receive
    /// time.
    func temperatureMeasurement(tick: Int64, at time: Duration) -> TemperatureMeasurement {
        let celsius = vitals(at: time).bodyTemperature + 0.04 * noise.gaussian(.thermometerReading, tick)
        let value = (try? MedFloat32(celsius, exponent: -2)) ?? .nan
        return TemperatureMeasurement(value: value, unit: .celsius, temperatureType: .body)
    }

    /// A Blood Pressure Measurement in whole mmHg: the true pressures with a cuff's spread (standard deviation 4
    /// systolic, 3 diastolic; ISO 81060-2 accepts up to 8), the mean arterial pressure from them, the pulse rate, and the body-movement bit when the wearer
    /// is walking. No time stamp, as for the thermometer.
    func bloodPressureMeasurement(tick: Int64, at time: Duration) -> BloodPressureMeasurement {
        let vitals = vitals(at: time)
        let systolic = (vitals.systolicPressure + 4 * noise.gaussian(.systolicReading, tick)).rounded()
        let diastolic = min(systolic - 10, (vitals.diastolicPressure + 3 * noise.gaussian(.diastolicReading, tick)).rounded())
        let mean = (diastolic + (systolic - diastolic) / 3).rounded()
        return BloodPressureMeasurement(
            unit: .mmHg, systolic: sfloat(systolic, exponent: 0), diastolic: sfloat(diastolic, exponent: 0),
            meanArterialPressure: sfloat(mean, exponent: 0), pulseRate: sfloat(vitals.heartRate.rounded(), exponent: 0),
            status: BloodPressureMeasurementStatus(bodyMovementDetected: isWalking(at: time)))
    }
}
