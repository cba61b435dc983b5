#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DeviceProtocols

extension Scenario {
    /// Whether the wearer is walking at wall time `time` (movement degrades optical and cuff readings).
    func isWalking(at time: Duration) -> Bool {
        if case .walking = motion.script.activity(at: time.seconds).activity { return true }
        return false
    }

    /// SpO2 and pulse rate as an oximeter displays them at wall second `second`: the true values plus measurement
    /// noise (a standard deviation of 0.6 % SpO2 at rest, 1.5 % when walking: well inside the 4 % root-mean-square
    /// error ISO 80601-2-61 allows between 70 and 100 %), rounded to whole numbers.
    func displayedOximetry(second: Int64, saturation: NoiseStream, pulse: NoiseStream) -> (spo2: Int, pulse: Int) {
        let time = Duration.seconds(second)
        let vitals = vitals(at: time)
        let moving = isWalking(at: time)
        let spo2 = vitals.oxygenSaturation + (moving ? 1.5 : 0.6) * noise.gaussian(saturation, second)
        let rate = vitals.heartRate + (moving ? 3 : 1) * noise.gaussian(pulse, second)
        return (Int(min(100, max(0, spo2.rounded()))), Int(min(250, max(25, rate.rounded()))))
    }

    /// A PLX Continuous Measurement, once a wall second.
    ///
    /// While walking, one reading in seven is a motion artifact: SpO2 reads 3–9 % low with the erratic-signal bit
    /// set. A displaced probe reads implausibly (SpO2 45–100 %, pulse 30–250/min jumping from second to second)
    /// with `sensorDisplaced` and a questionable measurement.
    func plxMeasurement(tick: Int64, at time: Duration) -> PLXContinuousMeasurement {
        let vitals = vitals(at: time)
        if course.isSensorDisplaced(at: scenarioTime(at: time)) {
            let spo2 = noise.uniform(.displacedValues, tick * 3, in: 45...100).rounded()
            let pulse = noise.uniform(.displacedValues, tick * 3 + 1, in: 30...250).rounded()
            return PLXContinuousMeasurement(
                normal: PLXReading(oxygenSaturation: sfloat(spo2, exponent: 0), pulseRate: sfloat(pulse, exponent: 0)),
                measurementStatus: [.questionableMeasurementDetected],
                deviceAndSensorStatus: [.sensorDisplaced, .erraticSignalDetected],
                pulseAmplitudeIndex: sfloat(noise.uniform(.displacedValues, tick * 3 + 2, in: 0.1...0.3), exponent: -1))
        }
        var (spo2, pulse) = displayedOximetry(second: tick, saturation: .oximeterReading, pulse: .oximeterPulse)
        var sensor: PLXDeviceAndSensorStatus = []
        if isWalking(at: time), noise.uniform(.oximeterArtifact, tick) < 1.0 / 7 {
            spo2 -= Int(noise.uniform(.oximeterArtifactDepth, tick, in: 3...9).rounded())
            sensor.insert(.erraticSignalDetected)
        }
        let perfusion = vitals.perfusionIndex * (1 + 0.05 * noise.gaussian(.perfusionReading, tick))
        if perfusion < 0.4 { sensor.insert(.lowPerfusionDetected) }
        return PLXContinuousMeasurement(
            normal: PLXReading(oxygenSaturation: sfloat(Double(spo2), exponent: 0), pulseRate: sfloat(Double(pulse), exponent: 0)),
            measurementStatus: [], deviceAndSensorStatus: sensor,
            pulseAmplitudeIndex: sfloat(perfusion, exponent: -1))
    }

    /// A CMS50 live frame, 60 a wall second: the plethysmogram drawn from the heartbeats, a beep on each beat, and
    /// SpO2 and pulse rate updated once a second. The oximeter flags SpO2 as dropping when it is 2 % below the
    /// value 5 s before.
    ///
    /// A displaced probe sets the probe-error bit with no signal, and SpO2 and pulse values no body gives.
    func cms50Frame(tick: Int64, at time: Duration) -> CMS50LiveSample {
        let seconds = time.seconds
        let second = tick / 60
        if course.isSensorDisplaced(at: scenarioTime(at: time)) {
            return CMS50LiveSample(
                signalStrength: 0, plethysmogram: UInt8(noise.uniform(.displacedValues, tick * 3, in: 0...127)),
                barGraph: 0, probeError: true,
                rawPulseRate: UInt8(noise.uniform(.displacedValues, second * 3 + 1, in: 0...254)),
                rawOxygenSaturation: UInt8(noise.uniform(.displacedValues, second * 3 + 2, in: 0...100)))
        }
        let vitals = vitals(at: time)
        let shown = displayedOximetry(second: second, saturation: .serialOximeterReading, pulse: .serialOximeterPulse)
        let earlier = second >= 5
            ? displayedOximetry(second: second - 5, saturation: .serialOximeterReading, pulse: .serialOximeterPulse).spo2
            : shown.spo2
        let strength = min(1, vitals.perfusionIndex / 3)
        let wave = Self.plethysmogramShape(phase: rhythm.phase(at: seconds) ?? 0)
        let breathing = sin(2 * Double.pi * vitals.respiratoryRate / 60 * seconds)
        let pleth = 24 + 80 * strength * wave + 5 * breathing
        let beat = !rhythm.beats(after: seconds - 1.0 / 60, upTo: seconds).isEmpty
        let signal = min(15, max(2, Int((vitals.perfusionIndex * 2).rounded()) - (isWalking(at: time) ? 2 : 0)))
        return CMS50LiveSample(
            signalStrength: UInt8(signal), oxygenSaturationDropping: shown.spo2 <= earlier - 2, beep: beat,
            plethysmogram: UInt8(min(127, max(0, pleth.rounded()))),
            barGraph: UInt8(min(15, max(0, (15 * strength * wave).rounded()))),
            rawPulseRate: UInt8(shown.pulse), rawOxygenSaturation: UInt8(shown.spo2))
    }

    /// A fingertip photoplethysmogram over one beat, 0...1: a steep systolic upstroke peaking at 18 % of the beat
    /// and a smaller diastolic wave after the dicrotic notch.
    static func plethysmogramShape(phase: Double) -> Double {
        func bump(_ centre: Double, _ width: Double) -> Double { exp(-pow((phase - centre) / width, 2) / 2) }
        return min(1, bump(0.18, 0.07) + 0.35 * bump(0.45, 0.09))
    }
}

/// `value` as an SFLOAT at `exponent`, or NaN (the format's "no value") if it cannot be carried; scenarios only
/// produce values in range.
func sfloat(_ value: Double, exponent: Int) -> MedFloat16 {
    (try? MedFloat16(value, exponent: exponent)) ?? .nan
}
