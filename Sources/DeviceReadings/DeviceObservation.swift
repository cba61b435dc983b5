#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Vitals

/// What one decoded device message says, in the clinical domain's terms: readings in canonical units, the quality
/// flags the device attached, and when it was measured.
public struct DeviceObservation: Sendable, Hashable {
    /// The readings, each in its kind's canonical unit, stamped with ``measuredAt``.
    public var readings: [Reading]
    /// Quality flags from the device's own status bits; they also travel on every reading.
    public var flags: DeviceQualityFlags
    /// When the device measured it: its own clock when complete and plausible, otherwise the receive time.
    public var measuredAt: Date
    /// Whether ``measuredAt`` came from the device's clock (`false`: the receive time was used).
    public var usedDeviceClock: Bool
    /// Vitals the message carried as a special value (NaN, NRes, ±INF, reserved, or a "no value" sentinel): the
    /// device measured nothing valid for them.
    public var unavailable: [VitalKind]

    /// An observation; `flags` are also applied to every reading.
    public init(readings: [Reading], flags: DeviceQualityFlags, measuredAt: Date, usedDeviceClock: Bool, unavailable: [VitalKind]) {
        self.readings = readings.map { reading in
            var copy = reading
            copy.deviceFlags.formUnion(flags)
            return copy
        }
        self.flags = flags
        self.measuredAt = measuredAt
        self.usedDeviceClock = usedDeviceClock
        self.unavailable = unavailable
    }

    /// The flags to give a technical-alarm monitor for this message: the device's own, plus `invalid` when a vital
    /// it should have carried had no valid value.
    public var monitorFlags: DeviceQualityFlags {
        unavailable.isEmpty ? flags : flags.union(.invalid)
    }
}

/// Collects readings while mapping a message, remembering the vitals that had no valid value.
struct ObservationBuilder {
    var readings: [Reading] = []
    var unavailable: [VitalKind] = []
    let measuredAt: Date

    mutating func add(_ kind: VitalKind, _ value: Double?, unit: UnitOfMeasure? = nil) {
        guard let value, value.isFinite else {
            unavailable.append(kind)
            return
        }
        if let unit, let converted = try? Reading(kind: kind, value: value, unit: unit, measuredAt: measuredAt) {
            readings.append(converted)
        } else if unit == nil {
            readings.append(Reading(kind: kind, value: value, measuredAt: measuredAt))
        } else {
            unavailable.append(kind)
        }
    }

    func observation(flags: DeviceQualityFlags, usedDeviceClock: Bool) -> DeviceObservation {
        DeviceObservation(readings: readings, flags: flags, measuredAt: measuredAt, usedDeviceClock: usedDeviceClock, unavailable: unavailable)
    }
}
