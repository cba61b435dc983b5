/// A message that cannot be accepted: which field and why. The hub stores it with the message in its dead-letter
/// table and counts it per gateway; the reason is written for the technician who will read it there.
public struct PayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending field as a path (`readings[3].unit`), or `topic` / `(payload)`.
    public var field: String
    /// What is wrong with it.
    public var reason: String

    /// An error naming `field` and `reason`.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
