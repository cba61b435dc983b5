import Foundation
import Scheduling
import Testing

@Suite("Dates, times of day and wall clocks across daylight saving")
struct LocalTimeTests {
    static let london = TimeZone(identifier: "Europe/London")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    @Test func datesCountDaysFromTheEpochBothWays() throws {
        #expect(try #require(LocalDate("1970-01-01")).daysSince1970 == 0)
        #expect(try #require(LocalDate("2000-03-01")).daysSince1970 == 11_017)
        #expect(try #require(LocalDate("1969-12-31")).daysSince1970 == -1)
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(LocalDate(daysSince1970: days).daysSince1970 == days)
        }
        #expect(LocalDate(daysSince1970: 20_413).description == "2025-11-21")
    }

    @Test func leapDaysExistOnlyInLeapYears() {
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2000-02-29") != nil)
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("1900-02-29") == nil)
        #expect(LocalDate("2026-04-31") == nil)
        #expect(LocalDate("2026-4-30") == nil)
        #expect(LocalDate("+202-01-01") == nil && LocalDate("-001-01-01") == nil)
    }

    @Test(arguments: [("2026-11-21", Weekday.saturday), ("2026-03-29", .sunday), ("1970-01-01", .thursday), ("1969-12-29", .monday)])
    func weekdaysMatchTheCalendar(date: String, weekday: Weekday) throws {
        #expect(try #require(LocalDate(date)).weekday == weekday)
    }

    @Test func timesOfDayRunFromMidnightToTheDaysEnd() {
        #expect(TimeOfDay("00:00")?.minutes == 0)
        #expect(TimeOfDay("24:00")?.minutes == 1440)
        #expect(TimeOfDay("09:05")?.description == "09:05")
        for bad in ["24:30", "9:00", "12:60", "-1:00", "12", "ab:cd", "+9:00", "-0:00"] { #expect(TimeOfDay(bad) == nil, "\(bad)") }
    }

    @Test func londonWallTimesFollowGreenwichInWinterAndSummerTimeInSummer() throws {
        #expect(ZonedTime.instant(try #require(LocalDate("2026-01-12")), TimeOfDay("09:00")!, in: Self.london) == (try instant("2026-01-12T09:00:00Z")))
        #expect(ZonedTime.instant(try #require(LocalDate("2026-07-13")), TimeOfDay("09:00")!, in: Self.london) == (try instant("2026-07-13T08:00:00Z")))
    }

    @Test func aSkippedWallTimeLandsAsFarPastTheChange() throws {
        // London skips 01:00–02:00 on 29 March 2026: 01:30 is read as GMT, i.e. 02:30 BST.
        #expect(ZonedTime.instant(try #require(LocalDate("2026-03-29")), TimeOfDay("01:30")!, in: Self.london) == (try instant("2026-03-29T01:30:00Z")))
        // New York skips 02:00–03:00 on 8 March 2026: 02:30 is read as EST, i.e. 03:30 EDT.
        #expect(ZonedTime.instant(try #require(LocalDate("2026-03-08")), TimeOfDay("02:30")!, in: Self.newYork) == (try instant("2026-03-08T07:30:00Z")))
    }

    @Test func aRepeatedWallTimeIsTheFirstOfTheTwo() throws {
        // London repeats 01:00–02:00 on 25 October 2026: 01:30 BST (00:30Z) comes before 01:30 GMT.
        #expect(ZonedTime.instant(try #require(LocalDate("2026-10-25")), TimeOfDay("01:30")!, in: Self.london) == (try instant("2026-10-25T00:30:00Z")))
        #expect(ZonedTime.instant(try #require(LocalDate("2026-11-01")), TimeOfDay("01:30")!, in: Self.newYork) == (try instant("2026-11-01T05:30:00Z")))
        // Just outside the repeated hour there is one reading only.
        #expect(ZonedTime.instant(try #require(LocalDate("2026-10-25")), TimeOfDay("02:00")!, in: Self.london) == (try instant("2026-10-25T02:00:00Z")))
    }

    @Test func anInstantFallsOnItsZonesDate() throws {
        // 23:30 UTC on 30 June is already 1 July in London (BST) but still 30 June in New York.
        let time = try instant("2026-06-30T23:30:00Z")
        #expect(LocalDate(time, in: Self.london).description == "2026-07-01")
        #expect(LocalDate(time, in: Self.newYork).description == "2026-06-30")
    }
}
