#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Vitals

/// Readings from one device, published by its gateway on `…/devices/<device>/readings` at QoS 1.
///
/// Every reading carries the device's sequence number, assigned by the agent when it writes the reading to its
/// outbox; the hub stores (device, sequence) uniquely, so a batch delivered twice is stored once, and acknowledges
/// the sequence numbers it committed. Units are explicit UCUM codes; times are milliseconds since 1970 UTC.
///
/// ```json
/// {"schema": 1, "gateway": "gw-0001", "device": "oxi-7",
///  "readings": [{"seq": 1041, "kind": "spo2", "value": 97, "unit": "%", "measuredAt": 1763701200000,
///                "receivedAt": 1763701200040, "flags": ["low-perfusion"]}]}
/// ```
public struct ReadingBatch: Sendable, Hashable, Codable {
    /// The schema version this code writes and reads.
    public static let schemaVersion = 1
    /// The most readings one batch may carry.
    public static let maximumReadings = 1000

    /// One reading.
    public struct Entry: Sendable, Hashable, Codable {
        /// The device's sequence number for this reading, unique per device and never negative. (Signed on the
        /// wire: SQLite stores 64-bit signed integers, and Foundation reports a negative number for an unsigned field
        /// as "not valid JSON" without naming the field.)
        public var seq: Int64
        /// A ``VitalKind`` raw value, e.g. `spo2`.
        public var kind: String
        /// The value, in ``unit``.
        public var value: Double
        /// The UCUM code of ``value``'s unit, e.g. `%`, `/min`, `Cel`, `mm[Hg]`.
        public var unit: String
        /// When the device measured it, in milliseconds since 1970 UTC.
        public var measuredAt: Int64
        /// When the agent received it from the device, in milliseconds since 1970 UTC.
        public var receivedAt: Int64
        /// Quality flags the device attached (``DeviceQualityFlags`` wire names); absent when none.
        public var flags: [String]?
        /// Named figures for events such as a fall (impact in g, tilt in degrees); absent otherwise.
        public var details: [String: String]?

        /// An entry; see the type's documentation for each field.
        public init(seq: Int64, kind: String, value: Double, unit: String, measuredAt: Int64, receivedAt: Int64,
                    flags: [String]? = nil, details: [String: String]? = nil) {
            self.seq = seq
            self.kind = kind
            self.value = value
            self.unit = unit
            self.measuredAt = measuredAt
            self.receivedAt = receivedAt
            self.flags = flags
            self.details = details
        }
    }

    /// The payload's schema version; a reader rejects versions it does not know.
    public var schema: Int
    /// The gateway (and MQTT username) that sent or concerns the payload; must match the topic.
    public var gateway: String
    /// The device the payload concerns; must match the topic (or, for an acknowledgement, the device acknowledged).
    public var device: String
    /// The readings, at most ``maximumReadings``.
    public var readings: [Entry]

    /// A batch in the current schema.
    public init(gateway: String, device: String, readings: [Entry]) {
        schema = Self.schemaVersion
        self.gateway = gateway
        self.device = device
        self.readings = readings
    }

    /// The entry for a reading the agent numbered `seq` and received at `receivedAt`.
    public static func entry(_ reading: Reading, seq: UInt64, receivedAt: Date, details: [String: String]? = nil) -> Entry {
        Entry(seq: Int64(clamping: seq), kind: reading.kind.rawValue, value: reading.value, unit: reading.kind.unit.ucum,
              measuredAt: reading.measuredAt.millisecondsSince1970, receivedAt: receivedAt.millisecondsSince1970,
              flags: reading.deviceFlags.isEmpty ? nil : reading.deviceFlags.wireNames, details: details)
    }

    /// A reading accepted from a batch, with what the hub stores besides it.
    public struct Accepted: Sendable, Hashable {
        /// The reading in its kind's canonical unit, its source the device and sequence number.
        public var reading: Reading
        /// When the agent received the reading from the device.
        public var receivedAt: Date
        /// Named figures for an event (a fall's impact, tilt), as the agent sent them.
        public var details: [String: String]?
    }

    /// Checks the batch against the topic it arrived on and returns its readings in canonical units, or the first
    /// problem found. A batch is accepted or rejected whole, so a gateway never has half a batch acknowledged.
    public func validated(gateway topicGateway: String, device topicDevice: String) throws(PayloadError) -> [Accepted] {
        try PayloadCodec.checkSchema(schema, supported: Self.schemaVersion)
        guard gateway == topicGateway else { throw PayloadError(field: "gateway", reason: "\"\(gateway)\" does not match the topic's \"\(topicGateway)\"") }
        guard device == topicDevice else { throw PayloadError(field: "device", reason: "\"\(device)\" does not match the topic's \"\(topicDevice)\"") }
        guard !readings.isEmpty else { throw PayloadError(field: "readings", reason: "is empty") }
        guard readings.count <= Self.maximumReadings else {
            throw PayloadError(field: "readings", reason: "has \(readings.count) entries, more than \(Self.maximumReadings)")
        }
        var seen = Set<Int64>(minimumCapacity: readings.count)
        var accepted: [Accepted] = []
        accepted.reserveCapacity(readings.count)
        for (index, entry) in readings.enumerated() {
            let field = "readings[\(index)]"
            guard entry.seq >= 0 else { throw PayloadError(field: "\(field).seq", reason: "\(entry.seq) is negative") }
            guard seen.insert(entry.seq).inserted else { throw PayloadError(field: "\(field).seq", reason: "\(entry.seq) appears twice in the batch") }
            guard let kind = VitalKind(rawValue: entry.kind) else {
                throw PayloadError(field: "\(field).kind", reason: "unknown kind \"\(entry.kind)\"")
            }
            guard entry.value.isFinite else { throw PayloadError(field: "\(field).value", reason: "is not a finite number") }
            guard let unit = UnitOfMeasure.known[entry.unit] else {
                throw PayloadError(field: "\(field).unit", reason: "unknown UCUM unit \"\(entry.unit)\"")
            }
            try checkTime(entry.measuredAt, field: "\(field).measuredAt")
            try checkTime(entry.receivedAt, field: "\(field).receivedAt")
            let flags = try DeviceQualityFlags(wireNames: entry.flags ?? [], field: "\(field).flags")
            let reading: Reading
            do {
                reading = try Reading(
                    kind: kind, value: entry.value, unit: unit, measuredAt: Date(millisecondsSince1970: entry.measuredAt),
                    source: ReadingSource(deviceID: device, sequence: UInt64(entry.seq)), deviceFlags: flags)
            } catch {
                throw PayloadError(field: "\(field).unit", reason: "\(entry.unit) is not a unit of \(kind.rawValue) (\(kind.unit.ucum))")
            }
            accepted.append(Accepted(reading: reading, receivedAt: Date(millisecondsSince1970: entry.receivedAt), details: entry.details))
        }
        return accepted
    }
}

extension UnitOfMeasure {
    /// The units payloads may use, by UCUM code.
    static let known: [String: UnitOfMeasure] = Dictionary(
        [.beatsPerMinute, .percent, .celsius, .fahrenheit, .millimetresOfMercury, .kilopascal, .standardGravity, .count]
            .map { ($0.ucum, $0) }, uniquingKeysWith: { first, _ in first })
}

extension DeviceQualityFlags {
    /// Each flag's name on the wire.
    public static let wireNamesByFlag: [(DeviceQualityFlags, String)] = [
        (.questionable, "questionable"), (.invalid, "invalid"), (.sensorDisplaced, "sensor-displaced"),
        (.sensorDisconnected, "sensor-disconnected"), (.lowPerfusion, "low-perfusion"),
        (.equipmentMalfunction, "equipment-malfunction"), (.poorSignal, "poor-signal"),
    ]

    /// The flags' names on the wire, in a fixed order.
    public var wireNames: [String] {
        Self.wireNamesByFlag.filter { contains($0.0) }.map(\.1)
    }

    /// Flags from their wire names; an unknown name is an error naming `field`.
    init(wireNames: [String], field: String) throws(PayloadError) {
        self = []
        for (index, name) in wireNames.enumerated() {
            guard let flag = Self.wireNamesByFlag.first(where: { $0.1 == name })?.0 else {
                throw PayloadError(field: "\(field)[\(index)]", reason: "unknown flag \"\(name)\"")
            }
            insert(flag)
        }
    }
}
