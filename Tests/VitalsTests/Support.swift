import Foundation
import TestSupport
import Vitals

/// A fixed origin for test clocks: nothing in these tests reads the real clock.
let origin = Date(timeIntervalSince1970: 1_800_000_000)

/// The instant `seconds` after ``origin``.
func at(_ seconds: Double) -> Date { origin.addingTimeInterval(seconds) }

func reading(_ kind: VitalKind, _ value: Double, at seconds: Double, flags: DeviceQualityFlags = [], sequence: UInt64 = 0) -> Reading {
    Reading(kind: kind, value: value, measuredAt: at(seconds), source: ReadingSource(deviceID: "dev-1", sequence: sequence), deviceFlags: flags)
}

/// The shared seeded generator, so a noisy signal is the same on every run.
typealias SeededGenerator = SplitMix64

extension AlertStateMachine.Action {
    var isRaise: Bool { if case .raise = self { true } else { false } }
}
