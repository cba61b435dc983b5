#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeviceProtocols

/// Decides when a measurement was taken: from the device's own time stamp when it can be trusted, otherwise the
/// time the message was received.
///
/// A GATT Date Time has no time zone and devices' clocks drift, are never set (many read 2000-01-01 after a battery
/// change) or are set wrong; the PLX spot-check even says when its clock is not set. A time stamp is trusted only
/// when it is complete (year, month and day known), a real calendar date, and no further than
/// ``maximumFutureSkew`` ahead of or ``maximumAge`` behind the receive time. Stored measurements (a cuff's memory)
/// legitimately arrive late, hence the generous default age.
public struct MeasurementClock: Sendable, Hashable {
    /// The device clock's offset from UTC; the agent knows the home's time zone.
    public var deviceUTCOffset: Duration
    /// A device time this far ahead of the receive time is not trusted.
    public var maximumFutureSkew: Duration
    /// A device time this far behind the receive time is not trusted.
    public var maximumAge: Duration

    /// A clock policy; the defaults trust device times from 7 days before to 5 minutes after receipt, in UTC.
    public init(deviceUTCOffset: Duration = .zero, maximumFutureSkew: Duration = .seconds(300), maximumAge: Duration = .seconds(7 * 24 * 3600)) {
        self.deviceUTCOffset = deviceUTCOffset
        self.maximumFutureSkew = maximumFutureSkew
        self.maximumAge = maximumAge
    }

    /// The measurement time for a message received at `receivedAt`, and whether the device's time was used.
    public func measuredAt(_ deviceTime: BluetoothDateTime?, clockNotSet: Bool = false, receivedAt: Date) -> (Date, usedDeviceClock: Bool) {
        guard !clockNotSet, let deviceTime, let date = date(of: deviceTime) else { return (receivedAt, false) }
        let ahead = date.timeIntervalSince(receivedAt)
        guard ahead <= maximumFutureSkew.inSeconds, -ahead <= maximumAge.inSeconds else { return (receivedAt, false) }
        return (date, true)
    }

    /// The instant a complete device time stands for, or `nil` when it is incomplete or not a calendar date.
    public func date(of time: BluetoothDateTime) -> Date? {
        guard let year = time.year, let month = time.month, let day = time.day,
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              (0...23).contains(time.hour), (0...59).contains(time.minute), (0...59).contains(time.second)
        else { return nil }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        let local = Double(days * 86_400 + time.hour * 3600 + time.minute * 60 + time.second)
        return Date(timeIntervalSince1970: local - deviceUTCOffset.inSeconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant, "chrono-compatible low-level date
    /// algorithms", days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
