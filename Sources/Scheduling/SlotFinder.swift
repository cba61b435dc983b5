import Foundation

/// Free appointment times: a person's availability, less their time off and their bookings (each widened by the
/// buffer), offered every ``granularity`` from the start of each span of hours.
public struct SlotFinder: Sendable {
    /// Slots start on this grid from the start of the hours they lie in.
    public static let granularity: TimeInterval = 15 * 60

    public var availability: Availability
    /// Time off: nothing is offered in it.
    public var timeOff: [Range<Date>]
    /// The person's appointments that hold their time.
    public var booked: [Range<Date>]

    public init(availability: Availability, timeOff: [Range<Date>], booked: [Range<Date>]) {
        self.availability = availability
        self.timeOff = timeOff
        self.booked = booked
    }

    /// Free starts for an appointment of `type` in `range` (a slot lies wholly inside it), none before `now`.
    public func slots(for type: AppointmentType, in range: Range<Date>, now: Date) -> [Range<Date>] {
        candidates(for: type, in: range, now: now).filter(isFree)
    }

    /// Whether `start` is a slot for `type` before bookings are considered: inside hours at the right place, on the
    /// grid, not in time off, not before `now`. A start that is offered but `isFree` is not has been taken.
    public func offers(_ type: AppointmentType, at start: Date, now: Date) -> Range<Date>? {
        let length = TimeInterval(availability.length(of: type) * 60)
        return candidates(for: type, in: start..<start.addingTimeInterval(length), now: now).first { $0.lowerBound == start }
    }

    /// Whether `slot` keeps the buffer from every booking.
    public func isFree(_ slot: Range<Date>) -> Bool {
        let buffer = TimeInterval(availability.bufferMinutes * 60)
        return !booked.contains { slot.lowerBound < $0.upperBound + buffer && $0.lowerBound < slot.upperBound + buffer }
    }

    private func candidates(for type: AppointmentType, in range: Range<Date>, now: Date) -> [Range<Date>] {
        let length = TimeInterval(availability.length(of: type) * 60)
        var slots: [Range<Date>] = []
        for window in availability.windows(at: type.location, overlapping: range) {
            var start = window.lowerBound
            while start.addingTimeInterval(length) <= window.upperBound {
                let slot = start..<start.addingTimeInterval(length)
                if slot.lowerBound >= range.lowerBound, slot.upperBound <= range.upperBound, slot.lowerBound >= now,
                   !timeOff.contains(where: { $0.overlaps(slot) }) {
                    slots.append(slot)
                }
                start = start.addingTimeInterval(Self.granularity)
            }
        }
        return slots
    }
}
