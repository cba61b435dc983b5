import Foundation
import Testing
import Vitals

/// Synthetic trunk-worn accelerometer recordings at 50 Hz. The device's y axis points up when the wearer stands.
struct Recording {
    static let rate = 50.0
    private(set) var samples: [AccelerationSample] = []
    private var generator = SeededGenerator(seed: 7)
    private var time = 0.0

    /// Holds an acceleration vector (in g, not normalised: gravity at rest, near zero in free fall) for
    /// `seconds`, with sensor noise.
    mutating func hold(_ x: Double, _ y: Double, _ z: Double, seconds: Double, noise: Double = 0.01) {
        for _ in 0..<Int(seconds * Self.rate) {
            add(x + jitter(noise), y + jitter(noise), z + jitter(noise))
        }
    }

    /// Moves linearly from one acceleration vector to another over `seconds`.
    mutating func ramp(from start: (Double, Double, Double), to end: (Double, Double, Double), seconds: Double) {
        let count = max(1, Int(seconds * Self.rate))
        for step in 0..<count {
            let f = Double(step) / Double(count)
            add(start.0 + (end.0 - start.0) * f, start.1 + (end.1 - start.1) * f, start.2 + (end.2 - start.2) * f)
        }
    }

    mutating func add(_ x: Double, _ y: Double, _ z: Double) {
        samples.append(AccelerationSample(x: x, y: y, z: z, at: origin.addingTimeInterval(time)))
        time += 1 / Self.rate
    }

    private mutating func jitter(_ amount: Double) -> Double {
        amount == 0 ? 0 : Double.random(in: -amount...amount, using: &generator)
    }

    func detections(_ detector: FallDetector = FallDetector()) -> [FallDetection] {
        var detector = detector
        return samples.compactMap { detector.observe($0) }
    }
}

@Suite struct FallDetectorTests {
    /// Standing, then falling sideways: the body's low-g phase (about 0.3 g) while it rotates, an impact on the floor,
    /// a short bounce, then lying on the side.
    static func forwardFall() -> Recording {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        r.ramp(from: (0, 1, 0), to: (0.25, 0.2, 0), seconds: 0.4)
        r.add(2.8, 1.0, 0.4); r.add(3.6, 0.8, 0.3); r.add(2.2, 0.4, 0.1)
        r.ramp(from: (1.6, 0.2, 0), to: (1, 0.05, 0), seconds: 0.5)
        r.hold(1, 0.05, 0.05, seconds: 8)
        return r
    }

    @Test func freeFallImpactAndLyingStillIsAFall() throws {
        let detections = Self.forwardFall().detections()
        #expect(detections.count == 1)
        let fall = try #require(detections.first)
        #expect(fall.kind == .fall)
        #expect(fall.impactG > 3.5)
        #expect((fall.tiltDegrees ?? 0) > 80)
        #expect(fall.lowestG < 0.6 && fall.lowestG > 0.2)
        #expect(fall.still >= .seconds(5))
        #expect(fall.at == origin.addingTimeInterval(3.4))
        let evidence = fall.evidence(deviceID: "acc-1")
        #expect(evidence.priority == .high)
        #expect(evidence.summary.hasPrefix("Fall detected: free fall"))
        #expect(evidence.details["impactG"] != nil)
    }

    @Test func walkingIsNotAFall() {
        var r = Recording()
        for step in 0..<(40 * 50) {
            let t = Double(step) / 50
            // Vertical bounce of ±0.35 g at 1.8 steps/s, sway, and a heel strike of up to 1.9 g each step.
            let heel = (step % 28 == 0) ? 0.55 : 0
            r.add(0.15 * sin(2 * .pi * 0.9 * t), 1 + 0.35 * sin(2 * .pi * 1.8 * t) + heel, 0.1 * sin(2 * .pi * 1.8 * t + 1))
        }
        #expect(r.detections().isEmpty)
    }

    @Test func sittingDownHardIsNotAFall() {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        // Dropping onto a chair: 150 ms well below the free-fall threshold, a hard landing, then sitting upright.
        r.ramp(from: (0, 1, 0), to: (0.05, 0.5, 0), seconds: 0.1)
        r.hold(0.05, 0.4, 0, seconds: 0.15)
        r.add(0.3, 2.9, 0.2); r.add(0.2, 2.2, 0.1)
        r.ramp(from: (0.2, 1.4, 0), to: (0.2, 0.98, 0), seconds: 0.4)
        r.hold(0.2, 0.98, 0.05, seconds: 10)
        #expect(r.detections().isEmpty)
    }

    static func dropOnBed() -> Recording {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        // Weightless for 0.35 s (a 60 cm drop), a soft landing on the mattress with bounces, then lying flat.
        r.hold(0, 0.02, 0, seconds: 0.35, noise: 0.01)
        r.add(0, 0.3, 1.6); r.add(0, 0.1, 1.9); r.add(0, 0, 1.4); r.add(0, 0, 0.6); r.add(0, 0, 1.2)
        r.hold(0, 0, 1, seconds: 10, noise: 0.003)
        return r
    }

    @Test func droppingTheDeviceOnABedIsNotAFall() {
        #expect(Self.dropOnBed().detections().isEmpty)
    }

    @Test func evenWithAnImpactThresholdLowEnoughForTheMattressADroppedDeviceIsNotAFall() throws {
        var sensitive = FallDetector.Configuration()
        sensitive.impactAboveG = 1.5
        let detections = Self.dropOnBed().detections(FallDetector(configuration: sensitive))
        #expect(detections.map(\.kind) == [.deviceDropped], "the weightless phase tells a dropped device from a body")
    }

    @Test func droppingTheDeviceOnAHardFloorIsReportedAsDroppedNotAsAFall() throws {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        r.hold(0, 0.02, 0, seconds: 0.4, noise: 0.01)
        r.add(0.5, 0.5, 4.5); r.add(0.2, 0.1, 2.0)
        r.ramp(from: (0, 0, 1.3), to: (0, 0, 1), seconds: 0.3)
        r.hold(0, 0, 1, seconds: 8, noise: 0.003)
        let detections = r.detections()
        #expect(detections.map(\.kind) == [.deviceDropped])
        let dropped = try #require(detections.first)
        #expect(dropped.weightless >= .milliseconds(300))
        #expect(dropped.priority == .medium, "not a fall, but someone should look")
        #expect(dropped.evidence(deviceID: "acc-1").summary.hasPrefix("Device dropped"))
    }

    @Test func lyingDownDeliberatelyIsNotAFall() {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        r.ramp(from: (0, 1, 0), to: (0.7, 0.7, 0), seconds: 1.5)
        r.ramp(from: (0.7, 0.7, 0), to: (1, 0.05, 0), seconds: 1.5)
        r.hold(1, 0.05, 0, seconds: 10)
        #expect(r.detections().isEmpty)
    }

    @Test func aFallFollowedByGettingUpAtOnceIsNotReported() {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        r.ramp(from: (0, 1, 0), to: (0.25, 0.2, 0), seconds: 0.4)
        r.add(2.8, 1.0, 0.4); r.add(3.6, 0.8, 0.3)
        r.hold(1, 0.05, 0, seconds: 2)
        for step in 0..<100 { r.add(0.5, 1 + 0.6 * sin(Double(step) / 3), 0.2) }
        r.hold(0, 1, 0, seconds: 5)
        #expect(r.detections().isEmpty)
    }

    /// A fall whose low-g phase lasts `samples` samples at 50 Hz.
    static func fall(freeFallSamples samples: Int) -> Recording {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        for _ in 0..<samples { r.add(0.2, 0.3, 0) }
        r.add(2.8, 1.0, 0.4); r.add(3.6, 0.8, 0.3)
        r.ramp(from: (1.6, 0.2, 0), to: (1, 0.05, 0), seconds: 0.5)
        r.hold(1, 0.05, 0.05, seconds: 8)
        return r
    }

    @Test func theFreeFallPhaseIsTimedUntilTheFirstSampleBackAboveTheThreshold() {
        // Three samples at 50 Hz below 0.6 g: 60 ms from the first of them to the impact sample, just enough.
        #expect(Self.fall(freeFallSamples: 3).detections().map(\.kind) == [.fall])
        // Two samples: 40 ms, a bump.
        #expect(Self.fall(freeFallSamples: 2).detections().isEmpty)
    }

    @Test func garbageSamplesAreIgnored() {
        var detector = FallDetector()
        #expect(detector.observe(.init(x: .nan, y: 1, z: 0, at: origin)) == nil)
        #expect(detector.observe(.init(x: .infinity, y: 1, z: 0, at: origin)) == nil)
        // A burst of repeated packets re-delivers the whole recording with its old time stamps: it is late data, not a
        // second fall. The detector skips anything not newer than what it has seen.
        let recording = Self.forwardFall().samples
        let samples = recording + recording
        var fed = FallDetector()
        #expect(samples.compactMap { fed.observe($0) }.map(\.kind) == [.fall])
    }

    @Test func jumpingOnTheSpotIsNotAFall() {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        for _ in 0..<3 {
            // Push-off, 250 ms airborne (weightless), a hard landing on the feet, upright again.
            r.ramp(from: (0, 1.8, 0), to: (0, 1.2, 0), seconds: 0.2)
            r.hold(0, 0.05, 0, seconds: 0.25)
            r.add(0.2, 3.4, 0.1); r.add(0.1, 2.2, 0)
            r.hold(0, 1, 0, seconds: 1.5)
        }
        r.hold(0, 1, 0, seconds: 8)
        #expect(r.detections().isEmpty, "free fall and impact, but the wearer stays upright")
    }

    @Test func aWearerWhoMovesOnTheFloorAndThenLiesStillHasFallen() {
        var r = Recording()
        r.hold(0, 1, 0, seconds: 3)
        r.ramp(from: (0, 1, 0), to: (0.25, 0.2, 0), seconds: 0.4)
        r.add(2.8, 1.0, 0.4); r.add(3.6, 0.8, 0.3)
        r.hold(1, 0.05, 0, seconds: 1.5)
        // Ten seconds of trying to get up, then lying still.
        for step in 0..<500 { r.add(1 + 0.5 * sin(Double(step) / 4), 0.3, 0.2) }
        r.hold(1, 0.05, 0.05, seconds: 6)
        #expect(r.detections().map(\.kind) == [.fall])
    }

    @Test func aFallRightAfterStartUpIsReportedWithoutAPostureComparison() throws {
        var r = Recording()
        // No upright history: the recording starts in the low-g phase of the fall.
        r.hold(0.25, 0.2, 0, seconds: 0.3)
        r.add(2.8, 1.0, 0.4); r.add(3.6, 0.8, 0.3)
        r.ramp(from: (1.6, 0.2, 0), to: (1, 0.05, 0), seconds: 0.5)
        r.hold(1, 0.05, 0.05, seconds: 8)
        let detections = r.detections()
        let fall = try #require(detections.first)
        #expect(fall.kind == .fall)
        #expect(fall.tiltDegrees == nil)
        let summary = fall.evidence(deviceID: "acc-1").summary
        #expect(summary.contains("posture before the fall unknown"))
        #expect(summary.contains("free fall 300 ms"), "got \(summary)")
    }
}
