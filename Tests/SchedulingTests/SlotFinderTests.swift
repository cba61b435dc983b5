import Foundation
import Scheduling
import Testing

@Suite("Free slots from availability, time off, buffers and bookings")
struct SlotFinderTests {
    static let london = TimeZone(identifier: "Europe/London")!

    func instant(_ text: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: text)) }
    func hours(_ start: String, _ end: String, _ location: Location) -> Hours { Hours(start: TimeOfDay(start)!, end: TimeOfDay(end)!, location: location) }
    func day(_ text: String) throws -> Range<Date> {
        let start = try instant("\(text)T00:00:00Z").addingTimeInterval(-6 * 3600)
        return start..<start.addingTimeInterval(36 * 3600)
    }
    let longAgo = Date(timeIntervalSince1970: 0)

    @Test func weeklyHoursKeepTheirWallTimeAcrossTheSpringChange() throws {
        let availability = try Availability(timeZone: Self.london, weekly: [.monday: [hours("09:00", "12:00", .clinic)]])
        let finder = SlotFinder(availability: availability, timeOff: [], booked: [])
        let before = finder.slots(for: .clinicVisit, in: try day("2026-03-23"), now: longAgo)
        let after = finder.slots(for: .clinicVisit, in: try day("2026-03-30"), now: longAgo)
        #expect(before.first?.lowerBound == (try instant("2026-03-23T09:00:00Z")))
        #expect(after.first?.lowerBound == (try instant("2026-03-30T08:00:00Z")))
        // 09:00 to 11:30 every quarter hour, for 30-minute clinic visits.
        #expect(before.count == 11 && after.count == 11)
        #expect(after.last?.upperBound == (try instant("2026-03-30T11:00:00Z")))
    }

    @Test func hoursAcrossAChangeLastTheirRealLength() throws {
        // Sunday night home hours 00:00–04:00: three real hours when clocks spring forward, five when they fall back.
        let availability = try Availability(timeZone: Self.london, weekly: [.sunday: [hours("00:00", "04:00", .home)]])
        let finder = SlotFinder(availability: availability, timeOff: [], booked: [])
        let spring = finder.slots(for: .deviceCheck, in: try day("2026-03-29"), now: longAgo)
        let autumn = finder.slots(for: .deviceCheck, in: try day("2026-10-25"), now: longAgo)
        let ordinary = finder.slots(for: .deviceCheck, in: try day("2026-11-01"), now: longAgo)
        #expect(spring.count == 11)
        #expect(autumn.count == 19)
        #expect(ordinary.count == 15)
        #expect(spring.last?.upperBound == (try instant("2026-03-29T03:00:00Z")))
        #expect(autumn.first?.lowerBound == (try instant("2026-10-24T23:00:00Z")))
        #expect(autumn.last?.upperBound == (try instant("2026-10-25T04:00:00Z")))
        // Slots are consecutive in real time: none is skipped or doubled where the clock jumps.
        for slots in [spring, autumn] {
            for (earlier, later) in zip(slots, slots.dropFirst()) { #expect(later.lowerBound.timeIntervalSince(earlier.lowerBound) == 900) }
        }
    }

    @Test func hoursToTheDaysEndRunToMidnightLocalTime() throws {
        let availability = try Availability(timeZone: Self.london, weekly: [.saturday: [hours("22:00", "24:00", .video)]])
        let slots = SlotFinder(availability: availability, timeOff: [], booked: []).slots(for: .videoConsultation, in: try day("2026-07-04"), now: longAgo)
        // 22:00–24:00 BST is 21:00–23:00Z; a 20-minute call starting at 22:45Z would run past midnight.
        #expect(slots.first?.lowerBound == (try instant("2026-07-04T21:00:00Z")))
        #expect(slots.last == (try instant("2026-07-04T22:30:00Z"))..<(try instant("2026-07-04T22:50:00Z")))
    }

    @Test func bookingsKeepTheBufferFreeOnBothSides() throws {
        let availability = try Availability(timeZone: Self.london, weekly: [.monday: [hours("09:00", "12:00", .clinic)]], bufferMinutes: 15)
        let booked = try instant("2026-01-12T10:00:00Z")..<instant("2026-01-12T10:30:00Z")
        let finder = SlotFinder(availability: availability, timeOff: [], booked: [booked])
        let starts = Set(finder.slots(for: .clinicVisit, in: try day("2026-01-12"), now: longAgo).map(\.lowerBound))
        #expect(starts.contains(try instant("2026-01-12T09:15:00Z")))
        #expect(!starts.contains(try instant("2026-01-12T09:30:00Z")))
        #expect(!starts.contains(try instant("2026-01-12T10:00:00Z")))
        #expect(!starts.contains(try instant("2026-01-12T10:30:00Z")))
        #expect(starts.contains(try instant("2026-01-12T10:45:00Z")))
        // Offered but taken: the start lies in hours, on the grid, and is not free.
        let taken = try #require(finder.offers(.clinicVisit, at: try instant("2026-01-12T10:00:00Z"), now: longAgo))
        #expect(!finder.isFree(taken))
        #expect(finder.offers(.clinicVisit, at: try instant("2026-01-12T10:05:00Z"), now: longAgo) == nil)
        #expect(finder.offers(.homeVisit, at: try instant("2026-01-12T10:00:00Z"), now: longAgo) == nil)
    }

    @Test func timeOffDateOverridesAndThePastOfferNothing() throws {
        let monday = try #require(LocalDate("2026-01-19"))
        let availability = try Availability(
            timeZone: Self.london, weekly: [.monday: [hours("09:00", "12:00", .clinic)]],
            overrides: [monday: [], try #require(LocalDate("2026-01-17")): [hours("10:00", "11:00", .clinic)]])
        let off = try instant("2026-01-12T09:00:00Z")..<instant("2026-01-12T11:00:00Z")
        let finder = SlotFinder(availability: availability, timeOff: [off], booked: [])
        #expect(finder.slots(for: .clinicVisit, in: try day("2026-01-12"), now: longAgo).map(\.lowerBound)
                == [try instant("2026-01-12T11:00:00Z"), try instant("2026-01-12T11:15:00Z"), try instant("2026-01-12T11:30:00Z")])
        #expect(finder.slots(for: .clinicVisit, in: try day("2026-01-19"), now: longAgo).isEmpty)
        #expect(finder.slots(for: .clinicVisit, in: try day("2026-01-17"), now: longAgo).count == 3)
        #expect(finder.slots(for: .clinicVisit, in: try day("2026-01-17"), now: try instant("2026-01-17T10:20:00Z")).count == 1)
    }

    @Test func appointmentLengthsComeFromTheAvailability() throws {
        let availability = try Availability(timeZone: Self.london, weekly: [.monday: [hours("09:00", "10:00", .clinic)]], minutes: [.clinicVisit: 60])
        let slots = SlotFinder(availability: availability, timeOff: [], booked: []).slots(for: .clinicVisit, in: try day("2026-01-12"), now: longAgo)
        #expect(slots == [try instant("2026-01-12T09:00:00Z")..<instant("2026-01-12T10:00:00Z")])
    }

    @Test func impossibleAvailabilityIsRefusedNamingThePart() {
        func field(_ make: () throws -> Availability) -> String? {
            do { _ = try make(); return nil } catch let error as AvailabilityError { return error.field } catch { return "\(error)" }
        }
        #expect(field { try Availability(timeZone: Self.london, weekly: [.monday: [hours("12:00", "09:00", .clinic)]]) } == "weekly.monday[0]")
        #expect(field { try Availability(timeZone: Self.london, weekly: [.friday: [hours("09:00", "12:00", .clinic), hours("11:00", "13:00", .video)]]) }
                == "weekly.friday")
        #expect(field { try Availability(timeZone: Self.london, weekly: [.friday: [hours("09:00", "12:00", .clinic), hours("12:00", "13:00", .video)]]) } == nil)
        #expect(field { try Availability(timeZone: Self.london, weekly: [:], bufferMinutes: 121) } == "bufferMinutes")
        #expect(field { try Availability(timeZone: Self.london, weekly: [:], minutes: [.homeVisit: 42]) } == "minutes.home-visit")
    }
}
