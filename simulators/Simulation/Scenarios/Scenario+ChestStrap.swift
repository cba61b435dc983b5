import DeviceProtocols

extension Scenario {
    /// A Heart Rate Measurement, once a wall second: the RR intervals of the beats since the last one (1/1024 s),
    /// and the rate from the mean of the last four intervals, as chest straps report it. The strap touches the skin.
    func heartRateMeasurement(at time: Duration) -> HeartRateMeasurement {
        let seconds = time.seconds
        let intervals = rhythm.beats(after: seconds - 1, upTo: seconds).map { beat in
            UInt16(min(65535, (beat.interval * 1024).rounded()))
        }
        let mean = rhythm.meanInterval(upTo: seconds, count: 4) ?? 60 / vitals(at: time).heartRate
        return HeartRateMeasurement(heartRate: UInt16(min(300, (60 / mean).rounded())), sensorContact: .detected,
                                    rrIntervals: intervals)
    }

    /// Accelerometer packet `tick` (from 1): the 25 samples taken in the half second before it, at ±8 g.
    func accelerometerPacket(tick: Int64) -> AccelerometerPacket {
        let size = Int64(Self.accelerometerPacketSize)
        let samples = ((tick - 1) * size..<tick * size).map { index in
            let g = motion.acceleration(sample: index)
            // ±8 g holds any fall; clamp so that an extreme reading saturates as a real sensor's does.
            func clamp(_ value: Double) -> Double { min(7.99, max(-7.99, value)) }
            return (try? AccelerometerSample(x: clamp(g.x), y: clamp(g.y), z: clamp(g.z), fullScale: .g8))
                ?? AccelerometerSample(x: 0, y: 0, z: 0)
        }
        return AccelerometerPacket(fullScale: .g8, samples: samples)
    }

    /// The strap's Battery Level.
    func batteryLevel(at time: Duration) -> BatteryLevel {
        let percent = physiology.course.batteryPercent(at: scenarioTime(at: time), baseline: physiology.baseline)
        return BatteryLevel(percent: UInt8(min(100, max(0, percent.rounded(.down)))))
    }
}
