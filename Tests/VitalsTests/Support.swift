import Foundation
import Vitals

/// A fixed origin for test clocks: nothing in these tests reads the real clock.
let origin = Date(timeIntervalSince1970: 1_800_000_000)

/// The instant `seconds` after ``origin``.
func at(_ seconds: Double) -> Date { origin.addingTimeInterval(seconds) }

func reading(_ kind: VitalKind, _ value: Double, at seconds: Double, flags: DeviceQualityFlags = [], sequence: UInt64 = 0) -> Reading {
    Reading(kind: kind, value: value, measuredAt: at(seconds), source: ReadingSource(deviceID: "dev-1", sequence: sequence), deviceFlags: flags)
}

/// SplitMix64: a small, seeded, reproducible generator, so a noisy signal is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension AlertStateMachine.Action {
    var isRaise: Bool { if case .raise = self { true } else { false } }
}
