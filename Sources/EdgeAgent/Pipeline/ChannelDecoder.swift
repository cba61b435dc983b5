#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeviceProtocols
import DeviceReadings
import Vitals

/// What one channel's bytes amounted to.
public struct ChannelOutput: Sendable {
    /// Observations to store: readings with their quality flags.
    public var observations: [DeviceObservation] = []
    /// Extra figures to send with a reading (a fall's impact and tilt), keyed by the observation's index.
    public var details: [Int: [String: String]] = [:]
    /// The battery level the device reported, if it did.
    public var batteryPercent: Int?
    /// Messages that could not be decoded (malformed GATT values; CMS50 garbage is counted in bytes instead).
    public var rejectedMessages = 0
}

/// Turns one channel's raw bytes into observations, keeping the state its format needs between chunks: the
/// CMS50 stream decoder and its one-reading-per-second reduction, and the fall detector for an accelerometer.
public struct ChannelDecoder: Sendable {
    public let format: ChannelFormat
    let clock: MeasurementClock
    let fullScale: AccelerometerFullScale
    let sampleRate: Double
    private var cms50 = CMS50LiveStreamDecoder()
    private var lastCMS50Second: Int64?
    private var fallDetector = FallDetector()
    private var activity: (second: Int64, sum: Double, count: Int)?

    /// A decoder for `format`; the accelerometer settings apply to accelerometer channels only.
    public init(format: ChannelFormat, clock: MeasurementClock = .init(), fullScale: AccelerometerFullScale = .g8, sampleRate: Double = 50) {
        self.format = format
        self.clock = clock
        self.fullScale = fullScale
        self.sampleRate = sampleRate
    }

    /// Bytes the CMS50 stream decoder threw away (garbage, broken frames), for the device's error count.
    public var discardedBytes: Int { cms50.discardedByteCount }

    /// Decodes one chunk received at `now`.
    public mutating func decode(_ bytes: [UInt8], receivedAt now: Date) -> ChannelOutput {
        var output = ChannelOutput()
        do throws(DecodingFailure) {
            switch format {
            case .cms50:
                // The oximeter sends 60 frames a second: keep the first complete one of each second.
                for sample in cms50.feed(bytes) {
                    let second = Int64(now.timeIntervalSince1970.rounded(.down))
                    guard lastCMS50Second != second else { continue }
                    lastCMS50Second = second
                    output.observations.append(sample.observation(receivedAt: now))
                }
            case .heartRate:
                output.observations.append(try HeartRateMeasurement(decoding: bytes).observation(receivedAt: now))
            case .temperature:
                output.observations.append(try TemperatureMeasurement(decoding: bytes).observation(receivedAt: now, clock: clock))
            case .bloodPressure:
                output.observations.append(try BloodPressureMeasurement(decoding: bytes).observation(receivedAt: now, clock: clock))
            case .plxContinuous:
                output.observations.append(try PLXContinuousMeasurement(decoding: bytes).observation(receivedAt: now))
            case .plxSpotCheck:
                output.observations.append(try PLXSpotCheckMeasurement(decoding: bytes).observation(receivedAt: now, clock: clock))
            case .battery:
                output.batteryPercent = Int(try BatteryLevel(decoding: bytes).percent)
            case .accelerometer:
                let packet = try AccelerometerPacket(decoding: bytes, fullScale: fullScale)
                for sample in packet.samples(receivedAt: now, sampleRate: sampleRate) {
                    observeMotion(sample, into: &output)
                }
            }
        } catch {
            output.rejectedMessages += 1
        }
        return output
    }

    /// Feeds the fall detector and averages movement intensity (|magnitude − 1 g|) into one activity reading per
    /// second.
    private mutating func observeMotion(_ sample: AccelerationSample, into output: inout ChannelOutput) {
        if let detection = fallDetector.observe(sample), detection.kind == .fall {
            let reading = Reading(kind: .fallEvent, value: 1, measuredAt: detection.at)
            output.details[output.observations.count] = detection.evidence(deviceID: "").details.filter { $0.key != "deviceID" }
            output.observations.append(DeviceObservation(readings: [reading], flags: [], measuredAt: detection.at, usedDeviceClock: false, unavailable: []))
        }
        let second = Int64(sample.at.timeIntervalSince1970.rounded(.down))
        let intensity = abs(sample.magnitude - 1)
        if let current = activity, current.second != second {
            let reading = Reading(kind: .activity, value: current.sum / Double(current.count), measuredAt: Date(timeIntervalSince1970: Double(current.second)))
            output.observations.append(DeviceObservation(readings: [reading], flags: [], measuredAt: reading.measuredAt, usedDeviceClock: false, unavailable: []))
            activity = (second, intensity, 1)
        } else {
            activity = (second, (activity?.sum ?? 0) + intensity, (activity?.count ?? 0) + 1)
        }
    }
}
