#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeviceProtocols
import Vitals

extension CMS50LiveSample {
    /// SpO2 and pulse rate when the oximeter has them (it sends 127 % and 255/min for "no value"), with its status
    /// bits as flags: a probe error means the finger is out of the clip or the probe is off (`sensorDisconnected`),
    /// searching for a pulse means the values are not yet settled (`questionable`), and a signal strength below 2 of
    /// its 0–15 scale is `poorSignal`.
    public func observation(receivedAt: Date) -> DeviceObservation {
        var builder = ObservationBuilder(measuredAt: receivedAt)
        builder.add(.oxygenSaturation, oxygenSaturation.map(Double.init))
        builder.add(.pulseRate, pulseRate.map(Double.init))
        var flags: DeviceQualityFlags = []
        if probeError || searchingTooLong { flags.insert(.sensorDisconnected) }
        if searching { flags.insert(.questionable) }
        if signalStrength < 2 { flags.insert(.poorSignal) }
        return builder.observation(flags: flags, usedDeviceClock: false)
    }
}

extension AccelerometerPacket {
    /// The packet's samples in g, timed back from the receive time at `sampleRate` samples per second (the last
    /// sample is the newest), for a ``FallDetector``.
    public func samples(receivedAt: Date, sampleRate: Double) -> [AccelerationSample] {
        guard sampleRate.isFinite, sampleRate > 0 else { return [] }
        let count = samples.count
        return accelerations.enumerated().map { index, acceleration in
            AccelerationSample(
                x: acceleration.x, y: acceleration.y, z: acceleration.z,
                at: receivedAt.addingTimeInterval(-Double(count - 1 - index) / sampleRate))
        }
    }
}
