#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One measured value of one vital, in the kind's canonical unit, with when it was measured and where it came from.
public struct Reading: Sendable, Hashable, Codable {
    /// The vital measured; ``value`` is in its canonical ``VitalKind/unit``.
    public var kind: VitalKind
    /// The value in `kind.unit`.
    public var value: Double
    /// When the device measured it (not when the hub received it).
    public var measuredAt: Date
    /// The device and its per-device sequence number, so evidence can point at the stored reading.
    public var source: ReadingSource?
    /// What the device itself said about the quality of this measurement.
    public var deviceFlags: DeviceQualityFlags

    /// A reading already in the kind's canonical unit.
    public init(
        kind: VitalKind, value: Double, measuredAt: Date,
        source: ReadingSource? = nil, deviceFlags: DeviceQualityFlags = []
    ) {
        self.kind = kind
        self.value = value
        self.measuredAt = measuredAt
        self.source = source
        self.deviceFlags = deviceFlags
    }

    /// A reading given in `unit`, converted into the kind's canonical unit.
    public init(
        kind: VitalKind, value: Double, unit: UnitOfMeasure, measuredAt: Date,
        source: ReadingSource? = nil, deviceFlags: DeviceQualityFlags = []
    ) throws(UnitConversionError) {
        let canonical = try unit.convert(value, to: kind.unit)
        self.init(kind: kind, value: canonical, measuredAt: measuredAt, source: source, deviceFlags: deviceFlags)
    }

    /// Whether the reading may be used for physiological alarms and scores, and if not, why not.
    public var assessment: ReadingAssessment {
        guard value.isFinite else { return .artifact(.notANumber) }
        let range = kind.plausibleRange
        guard range.contains(value) else { return .artifact(.implausible(allowed: range)) }
        let untrustworthy = deviceFlags.intersection(.untrustworthy)
        guard untrustworthy.isEmpty else { return .artifact(.flaggedByDevice(untrustworthy)) }
        return .usable
    }

    /// Whether physiological rules and scores may use this reading.
    public var isUsable: Bool { assessment == .usable }
}

/// Where a reading came from: the device and its sequence number for that device.
public struct ReadingSource: Sendable, Hashable, Codable {
    /// The device that measured the reading.
    public var deviceID: String
    /// The device's per-device sequence number for this reading.
    public var sequence: UInt64

    /// A source as given; nothing is validated.
    public init(deviceID: String, sequence: UInt64) {
        self.deviceID = deviceID
        self.sequence = sequence
    }
}

/// Quality statements a device attaches to a measurement (PLX measurement and sensor status, for instance).
public struct DeviceQualityFlags: OptionSet, Sendable, Hashable, Codable {
    /// The flags as a bit field, one bit per flag (bit 0 ``questionable`` through bit 6 ``poorSignal``).
    public let rawValue: UInt16
    /// Flags from a bit field; bits that name no flag are kept as given, not rejected.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The device marked the measurement questionable.
    public static let questionable = DeviceQualityFlags(rawValue: 1 << 0)
    /// The device marked the measurement invalid.
    public static let invalid = DeviceQualityFlags(rawValue: 1 << 1)
    /// The sensor has moved from its position on the body.
    public static let sensorDisplaced = DeviceQualityFlags(rawValue: 1 << 2)
    /// The sensor is disconnected from the device or not on the patient.
    public static let sensorDisconnected = DeviceQualityFlags(rawValue: 1 << 3)
    /// Perfusion at the sensor site is too low for a reliable value.
    public static let lowPerfusion = DeviceQualityFlags(rawValue: 1 << 4)
    /// The device reports a malfunction of itself or its sensor.
    public static let equipmentMalfunction = DeviceQualityFlags(rawValue: 1 << 5)
    /// The signal was weak, erratic, or disturbed by interference or movement.
    public static let poorSignal = DeviceQualityFlags(rawValue: 1 << 6)

    /// Flags that make a value unfit for physiological alarms: a displaced finger clip reads SpO2 70 %
    /// without the patient desaturating.
    public static let untrustworthy: DeviceQualityFlags = [
        .questionable, .invalid, .sensorDisplaced, .sensorDisconnected, .equipmentMalfunction,
    ]
}

/// Whether a reading can be trusted for physiological alarms and scores.
public enum ReadingAssessment: Sendable, Hashable {
    /// The reading may be used for physiological alarms and scores.
    case usable
    /// The reading is an artifact, for this reason: it never raises a physiological alarm or enters a score.
    case artifact(ArtifactReason)
}

/// Why a reading is an artifact rather than a physiological value.
public enum ArtifactReason: Sendable, Hashable, CustomStringConvertible {
    /// Not a finite number (a device's NaN or infinity that slipped through).
    case notANumber
    /// Outside what a living body can present.
    case implausible(allowed: ClosedRange<Double>)
    /// The device itself marked the value as untrustworthy.
    case flaggedByDevice(DeviceQualityFlags)

    public var description: String {
        switch self {
        case .notANumber: "not a finite number"
        case .implausible(let allowed): "outside the plausible range \(allowed.lowerBound)...\(allowed.upperBound)"
        case .flaggedByDevice(let flags): "flagged by the device (flags 0x\(String(flags.rawValue, radix: 16)))"
        }
    }
}
