import DeviceProtocols
import Foundation
import Simulation
import Testing
import Vitals

/// The simulated accelerometer, decoded and fed to the agent's fall detector as the agent would, shows a fall in
/// the fall scenario and none in ordinary daily life.
@Suite struct FallScenarioTests {
    /// Decodes the accelerometer packets and runs them through a fresh detector, timing each sample by its index.
    func detections(_ kind: ScenarioKind, seconds: Int, seed: UInt64 = 1) throws -> (found: [FallDetection], samples: [AccelerationSample]) {
        var scenario = Scenario(kind, seed: seed, devices: [.accelerometer])
        let packets = try scenario.messages(until: .seconds(seconds), step: .seconds(5)).wire(.accelerometer)
        var detector = FallDetector()
        var found: [FallDetection] = []
        var samples: [AccelerationSample] = []
        for packet in packets {
            for g in try AccelerometerPacket(decoding: packet.bytes, fullScale: .g8).accelerations {
                let sample = AccelerationSample(x: g.x, y: g.y, z: g.z,
                                                at: Date(timeIntervalSince1970: 1_800_000_000 + Double(samples.count) / 50))
                samples.append(sample)
                if let detection = detector.observe(sample) { found.append(detection) }
            }
        }
        return (found, samples)
    }

    @Test func theFallScenarioIsDetectedAsAFall() throws {
        let (found, samples) = try detections(.fall, seconds: 40)
        #expect(samples.count == 40 * 50)
        let fall = try #require(found.first)
        #expect(found.count == 1)
        #expect(fall.kind == .fall)
        #expect(fall.impactG > 3)
        #expect(fall.lowestG > 0.2 && fall.lowestG < 0.4)
        #expect(abs(try #require(fall.tiltDegrees) - 90) < 15)
        // The impact comes 0.42 s into the fall, which starts 24 s in.
        #expect(abs(fall.at.timeIntervalSince1970 - 1_800_000_000 - 24.42) < 0.05)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func dailyLifeWithWalkingGettingUpAndLyingDownIsNotAFall(seed: UInt64) throws {
        // One whole 8-minute loop of the daily-life script, and a little more.
        let (found, samples) = try detections(.stable, seconds: 500, seed: seed)
        #expect(found.isEmpty)
        // Walking swings about 1 g; a single noisy sample may dip below the detector's 0.6 g, never three in a row
        // (the 60 ms a free fall needs at 50 Hz).
        let walking = samples[(183 * 50)..<(273 * 50)].map(\.magnitude)
        #expect(try #require(walking.min()) > 0.5)
        #expect(try #require(walking.max()) < 1.6)
        #expect(!zip(walking, zip(walking.dropFirst(), walking.dropFirst(2))).contains { $0 < 0.6 && $1.0 < 0.6 && $1.1 < 0.6 })
    }

    @Test func walkingBeforeTheFallIsNotAFall() throws {
        let (found, samples) = try detections(.fall, seconds: 23)
        #expect(found.isEmpty)
        #expect(samples[(4 * 50)..<(20 * 50)].map(\.magnitude).allSatisfy { $0 > 0.5 && $0 < 2 })
    }
}
