/// Alarm priority as IEC 60601-1-8 defines it: how urgently an operator must respond.
///
/// - low: operator awareness is required.
/// - medium: a prompt response is required.
/// - high: an immediate response is required.
public enum AlarmPriority: Int, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    /// Operator awareness is required.
    case low = 1
    /// A prompt response is required.
    case medium = 2
    /// An immediate response is required.
    case high = 3

    public static func < (lhs: AlarmPriority, rhs: AlarmPriority) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let priority = AlarmPriority.allCases.first(where: { $0.description == text }) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "priority must be one of low, medium, high; got \"\(text)\"")
        }
        self = priority
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
