/// A set of sequence numbers kept as sorted, merged, closed ranges: what the hub committed for one device, sent to
/// its gateway as compactly as `[[1000, 1999]]` for a thousand readings.
public struct SequenceRanges: Sendable, Hashable, Codable, Sequence {
    /// The ranges, sorted, non-overlapping and non-adjacent.
    public private(set) var ranges: [ClosedRange<UInt64>] = []

    /// An empty set.
    public init() {}

    /// The set of `numbers`.
    public init(_ numbers: some Sequence<UInt64>) {
        for number in numbers.sorted() { insertInOrder(number) }
    }

    /// How many numbers the set holds.
    public var count: Int { ranges.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) + 1 } }

    /// Whether the set holds `number`.
    public func contains(_ number: UInt64) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < number { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(number)
    }

    /// Adds `number`.
    public mutating func insert(_ number: UInt64) {
        guard !contains(number) else { return }
        var merged = ranges + [number...number]
        merged.sort { $0.lowerBound < $1.lowerBound }
        ranges = []
        for range in merged { append(range) }
    }

    /// Every number, in ascending order.
    public func makeIterator() -> some IteratorProtocol<UInt64> {
        ranges.lazy.flatMap { $0 }.makeIterator()
    }

    private mutating func insertInOrder(_ number: UInt64) {
        append(number...number)
    }

    private mutating func append(_ range: ClosedRange<UInt64>) {
        // Ranges arrive sorted by lower bound: merge with the last one when they overlap or touch.
        if let last = ranges.last, last.upperBound == .max || range.lowerBound <= last.upperBound + 1 {
            ranges[ranges.count - 1] = last.lowerBound...Swift.max(last.upperBound, range.upperBound)
        } else {
            ranges.append(range)
        }
    }

    // As JSON: `[[first, last], …]`.
    public init(from decoder: any Decoder) throws {
        let pairs = try decoder.singleValueContainer().decode([[UInt64]].self)
        var collected: [ClosedRange<UInt64>] = []
        for (index, pair) in pairs.enumerated() {
            guard pair.count == 2, pair[0] <= pair[1] else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath, debugDescription: "range \(index) must be [first, last] with first <= last"))
            }
            collected.append(pair[0]...pair[1])
        }
        collected.sort { $0.lowerBound < $1.lowerBound }
        for range in collected { append(range) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ranges.map { [$0.lowerBound, $0.upperBound] })
    }
}

/// The hub's acknowledgement to a gateway, on `…/gateways/<gateway>/acks` at QoS 1, sent only after the readings
/// are committed to the hub's database: the agent deletes exactly these from its outbox.
///
/// ```json
/// {"schema": 1, "device": "oxi-7", "committed": [[1000, 1041]]}
/// ```
public struct Acknowledgement: Sendable, Hashable, Codable {
    /// The schema version this code writes and reads.
    public static let schemaVersion = 1

    /// The payload's schema version; a reader rejects versions it does not know.
    public var schema: Int
    /// The device the payload concerns; must match the topic (or, for an acknowledgement, the device acknowledged).
    public var device: String
    /// The sequence numbers committed (including ones the hub already had: a duplicate is committed too).
    public var committed: SequenceRanges

    /// An acknowledgement in the current schema.
    public init(device: String, committed: SequenceRanges) {
        schema = Self.schemaVersion
        self.device = device
        self.committed = committed
    }

    /// Checks the schema and the device identifier.
    public func validated() throws(PayloadError) -> Acknowledgement {
        try PayloadCodec.checkSchema(schema, supported: Self.schemaVersion)
        try TopicTree.validate(device, field: "device")
        return self
    }
}
