@testable import DeviceProtocols
import TestSupport

/// Random *valid* values of every format, for round trips and as seeds for mutation.
enum Generate {
    static func sfloat(_ rng: inout SplitMix64) -> MedFloat16 {
        MedFloat16(rawValue: UInt16(truncatingIfNeeded: rng.next()))
    }

    static func float(_ rng: inout SplitMix64) -> MedFloat32 {
        MedFloat32(rawValue: UInt32(truncatingIfNeeded: rng.next()))
    }

    static func dateTime(_ rng: inout SplitMix64) -> BluetoothDateTime {
        BluetoothDateTime(year: rng.oneIn(4) ? nil : rng.int(1582...9999), month: rng.oneIn(4) ? nil : rng.int(1...12),
                          day: rng.oneIn(4) ? nil : rng.int(1...31), hour: rng.int(0...23), minute: rng.int(0...59),
                          second: rng.int(0...59))
    }

    static func maybe<T>(_ rng: inout SplitMix64, _ make: (inout SplitMix64) -> T) -> T? {
        rng.oneIn(2) ? make(&rng) : nil
    }

    static func heartRate(_ rng: inout SplitMix64) -> HeartRateMeasurement {
        let wide = rng.oneIn(2)
        let rate = wide ? UInt16(truncatingIfNeeded: rng.next()) : UInt16(rng.byte())
        let contact: HeartRateMeasurement.SensorContact = [.notSupported, .notDetected, .detected][rng.int(0...2)]
        let intervals = rng.oneIn(2) ? [] : (0..<rng.int(1...9)).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
        return HeartRateMeasurement(heartRate: rate, valueFormat: wide ? .uint16 : .uint8, sensorContact: contact,
                                    energyExpended: maybe(&rng) { UInt16(truncatingIfNeeded: $0.next()) },
                                    rrIntervals: intervals)
    }

    static func temperature(_ rng: inout SplitMix64) -> TemperatureMeasurement {
        TemperatureMeasurement(value: float(&rng), unit: rng.oneIn(2) ? .celsius : .fahrenheit,
                               timestamp: maybe(&rng, dateTime),
                               temperatureType: maybe(&rng) { TemperatureType.allCases[$0.int(0...8)] })
    }

    static func plxReading(_ rng: inout SplitMix64) -> PLXReading {
        PLXReading(oxygenSaturation: sfloat(&rng), pulseRate: sfloat(&rng))
    }

    static func measurementStatus(_ rng: inout SplitMix64) -> PLXMeasurementStatus {
        PLXMeasurementStatus(rawValue: UInt16(truncatingIfNeeded: rng.next()) & ~PLXMeasurementStatus.reservedMask)
    }

    static func deviceStatus(_ rng: inout SplitMix64) -> PLXDeviceAndSensorStatus {
        PLXDeviceAndSensorStatus(rawValue: UInt32(truncatingIfNeeded: rng.next()) & 0xFFFF)
    }

    static func spotCheck(_ rng: inout SplitMix64) -> PLXSpotCheckMeasurement {
        PLXSpotCheckMeasurement(reading: plxReading(&rng), timestamp: maybe(&rng, dateTime),
                                measurementStatus: maybe(&rng, measurementStatus),
                                deviceAndSensorStatus: maybe(&rng, deviceStatus),
                                pulseAmplitudeIndex: maybe(&rng, sfloat), deviceClockNotSet: rng.oneIn(2))
    }

    static func continuous(_ rng: inout SplitMix64) -> PLXContinuousMeasurement {
        PLXContinuousMeasurement(normal: plxReading(&rng), fast: maybe(&rng, plxReading), slow: maybe(&rng, plxReading),
                                 measurementStatus: maybe(&rng, measurementStatus),
                                 deviceAndSensorStatus: maybe(&rng, deviceStatus),
                                 pulseAmplitudeIndex: maybe(&rng, sfloat))
    }

    static func bloodPressure(_ rng: inout SplitMix64) -> BloodPressureMeasurement {
        let status = maybe(&rng) { rng in
            BloodPressureMeasurementStatus(
                bodyMovementDetected: rng.oneIn(2), cuffTooLoose: rng.oneIn(2), irregularPulseDetected: rng.oneIn(2),
                pulseRateRange: [.withinRange, .exceedsUpperLimit, .belowLowerLimit][rng.int(0...2)],
                improperMeasurementPosition: rng.oneIn(2))
        }
        let user: BloodPressureMeasurement.User? = maybe(&rng) { rng in
            rng.oneIn(8) ? .unknown : .id(UInt8(rng.int(0...254)))
        }
        return BloodPressureMeasurement(unit: rng.oneIn(2) ? .mmHg : .kPa, systolic: sfloat(&rng),
                                        diastolic: sfloat(&rng), meanArterialPressure: sfloat(&rng),
                                        timestamp: maybe(&rng, dateTime), pulseRate: maybe(&rng, sfloat), user: user,
                                        status: status)
    }

    static func battery(_ rng: inout SplitMix64) -> BatteryLevel {
        BatteryLevel(percent: UInt8(rng.int(0...100)))
    }

    static func accelerometer(_ rng: inout SplitMix64) -> AccelerometerPacket {
        let samples = (0..<rng.int(1...AccelerometerPacket.maximumSampleCount)).map { _ in
            AccelerometerSample(x: Int16(truncatingIfNeeded: rng.next()), y: Int16(truncatingIfNeeded: rng.next()),
                                z: Int16(truncatingIfNeeded: rng.next()))
        }
        return AccelerometerPacket(fullScale: AccelerometerFullScale.allCases[rng.int(0...3)], samples: samples)
    }

    static func cms50(_ rng: inout SplitMix64) -> CMS50LiveSample {
        CMS50LiveSample(signalStrength: UInt8(rng.int(0...15)), searchingTooLong: rng.oneIn(2),
                        oxygenSaturationDropping: rng.oneIn(2), beep: rng.oneIn(2), plethysmogram: UInt8(rng.int(0...127)),
                        barGraph: UInt8(rng.int(0...15)), probeError: rng.oneIn(2), searching: rng.oneIn(2),
                        rawPulseRate: rng.byte(), rawOxygenSaturation: UInt8(rng.int(0...127)))
    }
}
