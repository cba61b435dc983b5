#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One three-axis accelerometer sample in g (standard gravity), as the device measured it.
public struct AccelerationSample: Sendable, Hashable {
    /// Acceleration along the device's x axis, in g.
    public var x: Double
    /// Acceleration along the device's y axis, in g.
    public var y: Double
    /// Acceleration along the device's z axis, in g.
    public var z: Double
    /// When the device took the sample; the detector ignores a sample not later than the previous one.
    public var at: Date

    /// A sample as given; not validated here (the detector skips samples with a non-finite axis).
    public init(x: Double, y: Double, z: Double, at: Date) {
        self.x = x
        self.y = y
        self.z = z
        self.at = at
    }

    /// The magnitude of the acceleration vector: about 1 g at rest, near 0 g in free fall.
    public var magnitude: Double { (x * x + y * y + z * z).squareRoot() }
}

/// What the fall detector found, with the figures that made it decide.
public struct FallDetection: Sendable, Hashable {
    /// Whether the wearer fell or the device itself was dropped.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The wearer fell: a high-priority alert.
        case fall
        /// The device itself fell (true free fall, then lay still): not a fall of the wearer, but worth telling the
        /// technician that the device is probably no longer worn.
        case deviceDropped = "device-dropped"
    }

    /// The wearer fell, or the device was dropped: weightless for at least `droppedAfterWeightless`.
    public var kind: Kind

    /// A fall is high priority. A dropped device is medium: a wearer falling from a bed can come close to true free
    /// fall too, so someone should look, though it is not announced as a fall.
    public var priority: AlarmPriority { kind == .fall ? .high : .medium }
    /// When the impact happened.
    public var at: Date
    /// How long the acceleration stayed below the free-fall threshold: from the first sample below it to the first
    /// back above it.
    public var freeFall: Duration
    /// The lowest magnitude during the free fall, in g.
    public var lowestG: Double
    /// How long the magnitude stayed near 0 g (true free fall, a dropped object).
    public var weightless: Duration
    /// The highest magnitude at impact, in g.
    public var impactG: Double
    /// The angle between the device's orientation before the fall and while lying, in degrees; `nil` when there
    /// was no orientation before the fall to compare with (the detector had just started).
    public var tiltDegrees: Double?
    /// How long the wearer lay still before the detector decided.
    public var still: Duration

    /// The evidence an alert carries for this detection.
    public func evidence(deviceID: String) -> AlertEvidence {
        func format(_ value: Double) -> String { String((value * 100).rounded() / 100) }
        let posture = tiltDegrees.map { "lying at \(Int($0.rounded()))°" } ?? "lying (posture before the fall unknown)"
        let summary = kind == .fall
            ? "Fall detected: free fall \(ThresholdRule.format(freeFall)), impact \(format(impactG)) g, \(posture) and still for \(ThresholdRule.format(still))"
            : "Device dropped (weightless for \(ThresholdRule.format(weightless)), then still): check that the patient is wearing it and is well"
        var details = [
            "deviceID": deviceID, "freeFallSeconds": format(freeFall.inSeconds), "lowestG": format(lowestG),
            "weightlessSeconds": format(weightless.inSeconds), "impactG": format(impactG), "stillSeconds": format(still.inSeconds),
        ]
        details["tiltDegrees"] = tiltDegrees.map(format)
        return AlertEvidence(summary: summary, priority: priority, vital: .fallEvent, since: at, details: details)
    }
}

/// Detects falls of a body-worn device's wearer from accelerometer samples: a free-fall phase, an impact, then lying
/// still in a changed posture.
///
/// Thresholds follow threshold-based detectors for trunk-worn sensors (Bourke et al., Gait & Posture 2007: lower
/// fall threshold about 0.41 g, upper about 3.5 g, combined with a post-fall posture check as in Bourke et al.,
/// EMBC 2010). Walking never drops below the free-fall threshold for long; sitting down hard has an impact but
/// leaves the trunk upright; a device dropped onto a bed shows true weightlessness (near 0 g for a sustained
/// time), which a body falling about its feet does not, and is reported as a dropped device instead of a fall.
///
/// Feed samples in time order; memory stays bounded whatever the rate. Assumes the device is worn on the trunk
/// (chest strap, pendant, belt clip), upright when the wearer stands.
public struct FallDetector: Sendable, Hashable {
    /// The detector's thresholds.
    ///
    /// The free-fall and impact thresholds are more sensitive than Bourke et al.'s trunk thresholds (0.41 g and
    /// 3.52 g, chosen there for full specificity on young volunteers' simulated falls onto mats): older adults fall
    /// more slowly and land less hard. The posture and stillness phases, which Bourke et al. (EMBC 2010) showed
    /// restore specificity, keep everyday movements from counting. The 50° tilt follows public threshold detectors'
    /// "orientation change of at least 45°"; the weightless limit is ours (see the type's documentation).
    public struct Configuration: Sendable, Hashable {
        /// Below this magnitude the device is falling.
        public var freeFallBelowG: Double = 0.6
        /// A free fall shorter than this is a bump, not a fall.
        public var shortestFreeFall: Duration = .milliseconds(60)
        /// Below this magnitude the device is weightless (dropped, not on a falling body).
        public var weightlessBelowG: Double = 0.2
        /// Weightless this long means the device itself was dropped.
        public var droppedAfterWeightless: Duration = .milliseconds(150)
        /// An impact is at least this magnitude.
        public var impactAboveG: Double = 2.5
        /// The impact must come within this time of the free fall ending.
        public var impactWindow: Duration = .milliseconds(1000)
        /// Time after the impact before posture and stillness are judged (bounces, rolling).
        public var settleTime: Duration = .milliseconds(1000)
        /// While lying still the magnitude stays within 1 g ± this.
        public var stillnessToleranceG: Double = 0.2
        /// How long the wearer must lie still after the impact.
        public var stillFor: Duration = .seconds(5)
        /// Movement after the impact restarts the stillness time, until this long after the impact: a person
        /// struggling on the floor and then lying still has still fallen.
        public var postFallWindow: Duration = .seconds(30)
        /// Lying means the device turned at least this far from its orientation before the fall.
        public var lyingTiltDegrees: Double = 50
        /// The orientation before a fall is the mean of this much recent data.
        public var referenceWindow: Duration = .milliseconds(1500)

        /// The default thresholds; nothing is validated when properties are changed afterwards.
        public init() {}
    }

    private enum Phase: Sendable, Hashable {
        case monitoring
        case falling(Fall)
        case awaitingImpact(Fall)
        case settling(Fall)
        case judgingStillness(Fall, since: Date, sum: Vector)
    }

    /// Figures collected through one candidate fall.
    private struct Fall: Sendable, Hashable {
        var start: Date
        var end: Date
        var lowestG: Double
        var weightlessSince: Date?
        var weightless: Duration = .zero
        var reference: Vector
        var impactAt: Date?
        var impactG: Double = 0
    }

    struct Vector: Sendable, Hashable {
        var x = 0.0, y = 0.0, z = 0.0

        static func + (a: Vector, b: Vector) -> Vector { Vector(x: a.x + b.x, y: a.y + b.y, z: a.z + b.z) }
        static func - (a: Vector, b: Vector) -> Vector { Vector(x: a.x - b.x, y: a.y - b.y, z: a.z - b.z) }

        var length: Double { (x * x + y * y + z * z).squareRoot() }

        /// The angle to `other` in degrees; 0 when either is zero.
        func degrees(to other: Vector) -> Double {
            let lengths = length * other.length
            guard lengths > 0 else { return 0 }
            let cosine = max(-1, min(1, (x * other.x + y * other.y + z * other.z) / lengths))
            return acos(cosine) * 180 / .pi
        }
    }

    /// The thresholds in use; a change applies from the next sample, also to a fall already in progress.
    public var configuration: Configuration
    private var phase: Phase = .monitoring
    /// Recent samples for the pre-fall orientation, with their running sum.
    private var recent: [AccelerationSample] = []
    private var recentSum = Vector()
    private var lastSampleAt: Date?
    static let maximumRecentSamples = 1024

    /// A detector with no samples yet; `configuration` is not validated.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Feeds one sample; returns a detection when a fall (or a dropped device) has just been recognised.
    public mutating func observe(_ sample: AccelerationSample) -> FallDetection? {
        guard sample.x.isFinite, sample.y.isFinite, sample.z.isFinite else { return nil }
        if let lastSampleAt, sample.at <= lastSampleAt { return nil }
        lastSampleAt = sample.at
        let magnitude = sample.magnitude
        let config = configuration
        switch phase {
        case .monitoring:
            if magnitude < config.freeFallBelowG {
                var fall = Fall(start: sample.at, end: sample.at, lowestG: magnitude, reference: referenceOrientation())
                trackWeightless(&fall, magnitude: magnitude, at: sample.at)
                phase = .falling(fall)
            } else {
                remember(sample)
            }
        case .falling(var fall):
            if magnitude < config.freeFallBelowG {
                fall.end = sample.at
                fall.lowestG = min(fall.lowestG, magnitude)
                trackWeightless(&fall, magnitude: magnitude, at: sample.at)
                // A device in free fall for seconds is not on a falling person; start over.
                phase = sample.at.duration(since: fall.start) > .seconds(3) ? .monitoring : .falling(fall)
            } else if sample.at.duration(since: fall.start) < config.shortestFreeFall {
                // The free fall lasted from its first sample until this one, the first back above the threshold.
                phase = .monitoring
                remember(sample)
            } else {
                fall.end = sample.at
                fall.weightlessSince = nil
                phase = .awaitingImpact(fall)
                return observeAwaitingImpact(fall, sample: sample, magnitude: magnitude)
            }
        case .awaitingImpact(let fall):
            return observeAwaitingImpact(fall, sample: sample, magnitude: magnitude)
        case .settling(var fall):
            guard let impactAt = fall.impactAt else { phase = .monitoring; return nil }
            fall.impactG = max(fall.impactG, magnitude)
            phase = sample.at.duration(since: impactAt) >= config.settleTime
                ? .judgingStillness(fall, since: sample.at, sum: Vector(x: sample.x, y: sample.y, z: sample.z))
                : .settling(fall)
        case .judgingStillness(let fall, let since, var sum):
            guard abs(magnitude - 1) <= config.stillnessToleranceG else {
                // Moving: wait for stillness again while the post-fall window lasts. A wearer who got up is judged
                // by posture once still; one who never settles is not reported.
                let impactAt = fall.impactAt ?? fall.end
                phase = sample.at.duration(since: impactAt) > config.postFallWindow
                    ? .monitoring
                    : .judgingStillness(fall, since: sample.at, sum: Vector())
                return nil
            }
            sum = sum + Vector(x: sample.x, y: sample.y, z: sample.z)
            let still = sample.at.duration(since: since)
            guard still >= config.stillFor else {
                phase = .judgingStillness(fall, since: since, sum: sum)
                return nil
            }
            phase = .monitoring
            // Without an orientation from before the fall (the detector had just started), posture cannot be
            // judged; free fall, impact and stillness are then enough, as missing a fall is the worse error.
            let tilt = fall.reference.length >= 0.5 ? fall.reference.degrees(to: sum) : nil
            if let tilt, tilt < config.lyingTiltDegrees { return nil }
            return FallDetection(
                kind: fall.weightless >= config.droppedAfterWeightless ? .deviceDropped : .fall,
                at: fall.impactAt ?? fall.end, freeFall: fall.end.duration(since: fall.start), lowestG: fall.lowestG,
                weightless: fall.weightless, impactG: fall.impactG, tiltDegrees: tilt, still: still)
        }
        return nil
    }

    private mutating func observeAwaitingImpact(_ fall: Fall, sample: AccelerationSample, magnitude: Double) -> FallDetection? {
        var fall = fall
        if magnitude >= configuration.impactAboveG {
            fall.impactAt = sample.at
            fall.impactG = magnitude
            phase = .settling(fall)
        } else if sample.at.duration(since: fall.end) > configuration.impactWindow {
            phase = .monitoring
            remember(sample)
        } else {
            phase = .awaitingImpact(fall)
        }
        return nil
    }

    private func trackWeightless(_ fall: inout Fall, magnitude: Double, at time: Date) {
        guard magnitude < configuration.weightlessBelowG else {
            fall.weightlessSince = nil
            return
        }
        let since = fall.weightlessSince ?? time
        fall.weightlessSince = since
        fall.weightless = max(fall.weightless, time.duration(since: since))
    }

    private mutating func remember(_ sample: AccelerationSample) {
        recent.append(sample)
        recentSum = recentSum + Vector(x: sample.x, y: sample.y, z: sample.z)
        let oldest = sample.at.adding(.zero - configuration.referenceWindow)
        var drop = 0
        while drop < recent.count, recent[drop].at < oldest || recent.count - drop > Self.maximumRecentSamples {
            recentSum = recentSum - Vector(x: recent[drop].x, y: recent[drop].y, z: recent[drop].z)
            drop += 1
        }
        if drop > 0 { recent.removeFirst(drop) }
    }

    /// The direction of gravity before the fall (the sum of recent samples points the same way as their mean).
    private func referenceOrientation() -> Vector {
        recentSum
    }
}
