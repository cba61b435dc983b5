import Foundation
@testable import Scheduling
import Testing

@Suite("The appointment lifecycle and calendar feeds")
struct AppointmentTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aVisitGoesFromScheduledThroughConfirmedAndStartedToCompleted() throws {
        var status = AppointmentStatus.scheduled
        status = try status.after(.confirm, start: start, now: start.addingTimeInterval(-86_400))
        #expect(status == .confirmed)
        status = try status.after(.start, start: start, now: start.addingTimeInterval(-600))
        #expect(status == .started)
        status = try status.after(.complete, start: start, now: start.addingTimeInterval(1800))
        #expect(status == .completed)
    }

    @Test func onlyPendingAppointmentsAreCancelledRescheduledOrMissed() throws {
        for status in AppointmentStatus.allCases {
            for action in [AppointmentAction.cancel, .reschedule, .markNoShow] {
                let result = try? status.after(action, start: start, now: start.addingTimeInterval(60))
                #expect((result != nil) == status.isPending, "\(status) \(action)")
            }
        }
        #expect(try AppointmentStatus.confirmed.after(.reschedule, start: start, now: start) == .scheduled)
    }

    @Test func timeDecidesWhenAVisitMayStartOrBeMissed() {
        #expect(throws: AppointmentTransitionError.self) { try AppointmentStatus.scheduled.after(.start, start: start, now: start.addingTimeInterval(-901)) }
        #expect(throws: AppointmentTransitionError.self) { try AppointmentStatus.scheduled.after(.markNoShow, start: start, now: start.addingTimeInterval(-1)) }
        #expect(throws: AppointmentTransitionError.self) { try AppointmentStatus.completed.after(.complete, start: start, now: start) }
        #expect(throws: AppointmentTransitionError.self) { try AppointmentStatus.confirmed.after(.confirm, start: start, now: start) }
        #expect(throws: AppointmentTransitionError.self) { try AppointmentStatus.scheduled.after(.complete, start: start, now: start) }
    }

    @Test func calendarLinesAreFoldedAt75OctetsAndUnfoldToTheOriginal() {
        let line = "DESCRIPTION:" + String(repeating: "Ünïcødé text, ", count: 12)
        let folded = ICalendarFeed.fold(line)
        let physical = folded.components(separatedBy: "\r\n").dropLast()
        #expect(physical.count > 2)
        #expect(physical.allSatisfy { $0.utf8.count <= 75 })
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\r\n", with: "") == line)
        #expect(ICalendarFeed.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne")
        #expect(ICalendarFeed.utc(Date(timeIntervalSince1970: 1_800_000_000)) == "20270115T080000Z")
    }
}
