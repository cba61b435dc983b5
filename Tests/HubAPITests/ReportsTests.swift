import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Testing
import Vitals

/// Reports, their numbers checked against figures worked out by hand from the fixtures, in JSON, CSV and HTML.
@Suite("Reports")
struct ReportsTests {
    @Test func percentilesMediansAndUptimeByHand() {
        let values = (1...20).map(Double.init)
        // Nearest rank: p5 of 20 values is the 1st, p95 the 19th, p50 the 10th.
        #expect(ReportMath.percentile(values, 5) == 1 && ReportMath.percentile(values, 95) == 19 && ReportMath.percentile(values, 50) == 10)
        #expect(ReportMath.percentile([], 50) == nil && ReportMath.percentile([7], 99) == 7)
        #expect(ReportMath.median([3, 1, 2]) == 2 && ReportMath.median([4, 1, 3, 2]) == 2.5 && ReportMath.median([]) == nil)
        let start = Date(timeIntervalSince1970: 0), hour = start..<start.addingTimeInterval(3600)
        // Up, down at 30 min, up again at 45: 45 of 60 minutes.
        #expect(ReportMath.uptime(initial: true, changes: [(start.addingTimeInterval(1800), false), (start.addingTimeInterval(2700), true)], period: hour) == 0.75)
        // Unknown until 15 min, then up: 45 known minutes, all up.
        #expect(ReportMath.uptime(initial: nil, changes: [(start.addingTimeInterval(900), true)], period: hour) == 1)
        #expect(ReportMath.uptime(initial: nil, changes: [], period: hour) == nil)
        // NEWS2 chart 1: SpO2 on scale 2 and on air scores 0 from 88 %; heart rate 0 from 51 to 90.
        let scale2 = EarlyWarningSettings(scale: .scale2, onOxygen: false)
        #expect(ReportMath.news2Points(.oxygenSaturation, 87, settings: scale2) == 1 && ReportMath.news2Points(.oxygenSaturation, 88, settings: scale2) == 0)
        #expect(ReportMath.news2Points(.heartRate, 91, settings: scale2) == 1 && ReportMath.news2Points(.heartRate, 90, settings: scale2) == 0)
        #expect(ReportMath.news2Points(.activity, 1, settings: scale2) == nil)
        // Minutes touched: 10:00:30–10:06:45 touches 10:00 to 10:06 (7), as its readings' minutes do; an overlapping
        // second span counts its own minutes only; a span ending on a minute does not touch the next.
        let ten: Int64 = 36_000_000
        #expect(ReportMath.minutesTouched(by: [(ten + 30_000, ten + 405_000)]) == 7)
        #expect(ReportMath.minutesTouched(by: [(ten + 30_000, ten + 405_000), (ten + 120_000, ten + 600_000)]) == 10)
        #expect(ReportMath.minutesTouched(by: [(ten, ten + 120_000)]) == 2)
        #expect(ReportMath.minutesTouched(by: [(ten, ten)]) == 0)
    }

    @Test func completenessNeverCountsMoreMinutesWithDataThanMonitored() async throws {
        let fixture = try await Fixture.make()
        // Assigned half a minute past the minute, a reading every 10 s for 6 min 15 s: data in 7 clock minutes.
        let start = fixture.clock.now().addingTimeInterval(-405)
        try await fixture.commitReadings(device: "oxi", patient: fixture.teamPatient, kind: .oxygenSaturation, values: Array(repeating: 97, count: 38),
                                         start: start, interval: 10)
        let period = "from=\(APIJSON.iso8601(start.addingTimeInterval(-30)))&to=\(APIJSON.iso8601(fixture.clock.now()))"
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let report = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report?\(period)", token: nurse)
            let spo2 = try #require((report["vitals"] as? [[String: Any]])?.first { $0["kind"] as? String == "spo2" })
            #expect(spo2["minutesWithData"] as? Int == 7 && spo2["minutesMonitored"] as? Int == 7, "\(spo2)")
        }
    }

    /// Twenty minutes of SpO2 from 81 % to 100 % (one a minute) for the team patient (scale 2, on air) and a
    /// thermometer whose link was up for 3 h, down for 3 h and up for 6 h: a 12-hour period from the start.
    static func history(_ fixture: Fixture) async throws -> (start: Date, period: String) {
        let start = fixture.clock.now().addingTimeInterval(-12 * 3600)
        try await fixture.commitReadings(device: "oxi", patient: fixture.teamPatient, kind: .oxygenSaturation, values: (81...100).map(Double.init),
                                         start: start, interval: 60)
        try await fixture.database.registerDevice("thermo", gatewayID: "gw-1", at: start)
        try await fixture.database.assign(device: "thermo", to: fixture.teamPatient, since: start)
        try await fixture.database.writer.write { db in
            let device = try Int64.fetchOne(db, sql: "SELECT id FROM device WHERE externalID = 'thermo'") ?? 0
            for (hours, up, battery) in [(0.0, true, 90), (3.0, false, 80), (6.0, true, 60)] {
                try db.execute(sql: "INSERT INTO deviceStatusEvent (deviceID, at, connected, batteryPercent, rssiDBm) VALUES (?, ?, ?, ?, ?)",
                               arguments: [device, start.addingTimeInterval(hours * 3600).millisecondsSince1970, up, battery, -60 - Int(hours)])
            }
        }
        return (start, "from=\(APIJSON.iso8601(start))&to=\(APIJSON.iso8601(start.addingTimeInterval(12 * 3600)))")
    }

    @Test func aPatientsReportAddsUpAsWorkedOutByHand() async throws {
        let fixture = try await Fixture.make()
        let (_, period) = try await Self.history(fixture)
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let report = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report?\(period)", token: nurse)
            #expect(report.status == 200)
            let spo2 = try #require((report["vitals"] as? [[String: Any]])?.first { $0["kind"] as? String == "spo2" })
            #expect(spo2["count"] as? Int == 20 && spo2["min"] as? Double == 81 && spo2["max"] as? Double == 100 && spo2["mean"] as? Double == 90.5)
            #expect(spo2["p5"] as? Double == 81 && spo2["p95"] as? Double == 99)
            // 88 to 100 % score 0 on scale 2 on air: 13 of 20.
            #expect(spo2["timeInRange"] as? Double == 0.65)
            // 20 minutes with data of the 720 the oximeter was assigned.
            #expect(spo2["minutesWithData"] as? Int == 20 && spo2["minutesMonitored"] as? Int == 720)
            let devices = try #require(report["devices"] as? [[String: Any]])
            #expect(devices.first { $0["deviceId"] as? String == "thermo" }?["uptime"] as? Double == 0.75)
            // Two NEWS2 points, at 6 and 12 hours; never complete (no respiratory rate, blood pressure, temperature).
            let news2 = try #require(report["news2"] as? [[String: Any]])
            #expect(news2.count == 2 && news2.allSatisfy { $0["total"] == nil })
            // Two minutes of a racing heart two hours in raise an alert, acknowledged 90 s after it was raised.
            let (start, _) = (fixture.clock.now().addingTimeInterval(-12 * 3600), 0)
            try await fixture.commitReadings(device: "strap", patient: fixture.teamPatient, kind: .heartRate, values: Array(repeating: 140, count: 150),
                                             start: start.addingTimeInterval(2 * 3600))
            let alert = try #require(try await fixture.database.alerts(in: .all, AlertFilter(), before: nil, limit: 5).first { $0.patientID == fixture.teamPatient })
            _ = try await fixture.alerting.perform(.acknowledge, onAlert: alert.id, by: AlertActor(accountID: fixture.accounts["caregiverA"]!, name: "A"),
                                                   at: alert.alert.raisedAt.addingTimeInterval(90))
            let again = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report?\(period)", token: nurse)
            let alerts = try #require(again["alerts"] as? [[String: Any]])
            #expect(alerts.count == 1 && alerts.first?["priority"] as? String == alert.alert.priority.description && alerts.first?["raised"] as? Int == 1)
            #expect(alerts.first?["medianSecondsToAcknowledge"] as? Double == 90)
            // Another team's caregiver gets nothing; the patient gets their own.
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report", token: try await client.login("caregiverB").access).status == 404)
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report", token: try await client.login("patient").access).status == 200)
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report?from=2027-01-01T00:00:00Z&to=2027-03-01T00:00:00Z",
                                          token: nurse).errorField == "to")
        }
    }

    @Test func csvAndHTMLCarryTheSameFigures() async throws {
        let fixture = try await Fixture.make()
        let (_, period) = try await Self.history(fixture)
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let csv = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report?\(period)&format=csv", token: nurse)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(decoding: csv.body, as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first == "Vitals" && lines[1] == "vital,unit,readings,min,mean,max,p5,p95,time in range,completeness")
            #expect(lines.contains("SpO2,%,20,81,90.5,100,81,99,65 %,2.78 %"))
            let html = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/report?\(period)&format=html", token: nurse)
            let page = String(decoding: html.body, as: UTF8.self)
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.hasPrefix("<!doctype html>") && page.contains("<svg role=\"img\"") && page.contains("<title>NEWS2 every 6 hours"))
            #expect(page.contains("<td>SpO2</td><td>%</td><td>20</td><td>81</td><td>90.5</td>"))
            #expect(page.components(separatedBy: "<svg").count - 1 == page.components(separatedBy: "</svg>").count - 1)
        }
    }

    @Test func csvQuotesWhatNeedsQuoting() {
        let text = ReportText.csv([ReportTable(title: "T", columns: ["a", "b"], rows: [["x, y", "say \"hi\""], ["line\nbreak", "plain"]])])
        #expect(text == "T\r\na,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",plain\r\n")
        #expect(ReportText.escape("<b>&'\"") == "&lt;b&gt;&amp;&#39;&quot;")
    }

    @Test func theFleetReportPutsDevicesNeedingAttentionFirst() async throws {
        let fixture = try await Fixture.make()
        let (_, period) = try await Self.history(fixture)
        try await fixture.run { client in
            let technician = try await client.login("technician").access
            let report = try await client.call(.get, "/api/v1/reports/fleet?\(period)", token: technician)
            let devices = try #require(report["devices"] as? [[String: Any]])
            let thermo = try #require(devices.first { $0["deviceId"] as? String == "thermo" })
            #expect(thermo["uptime"] as? Double == 0.75 && thermo["batteryFirst"] as? Int == 90 && thermo["batteryLast"] as? Int == 60)
            #expect(thermo["batteryLowest"] as? Int == 60 && thermo["medianRssi"] as? Double == -63)
            let attention = devices.map { !($0["attention"] as? [String] ?? []).isEmpty }
            #expect(attention == attention.sorted { $0 && !$1 }, "devices needing attention come first")
            #expect(try await client.call(.get, "/api/v1/reports/fleet", token: try await client.login("caregiverA").access).status == 403)
        }
    }

    @Test func theOperationsReportCountsWhoActedAndHowSoon() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        let records = try await fixture.database.alerts(in: .all, AlertFilter(), before: nil, limit: 10)
        let team = try #require(records.first { $0.id == alerts.team })
        let other = try #require(records.first { $0.id == alerts.other })
        let nurseA = fixture.accounts["caregiverA"]!, nurseB = fixture.accounts["caregiverB"]!
        _ = try await fixture.alerting.perform(.acknowledge, onAlert: team.id, by: AlertActor(accountID: nurseA, name: "A"), at: team.alert.raisedAt.addingTimeInterval(60))
        _ = try await fixture.alerting.perform(.acknowledge, onAlert: other.id, by: AlertActor(accountID: nurseB, name: "B"), at: other.alert.raisedAt.addingTimeInterval(180))
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            let from = APIJSON.iso8601(fixture.clock.now().addingTimeInterval(-86_400)), to = APIJSON.iso8601(fixture.clock.now().addingTimeInterval(3600))
            let report = try await client.call(.get, "/api/v1/reports/operations?from=\(from)&to=\(to)", token: admin)
            let high = try #require((report["priorities"] as? [[String: Any]])?.first { $0["priority"] as? String == "high" })
            // Two high-priority alerts, acknowledged after 60 s and 180 s: median 120 s, nearest-rank p90 180 s.
            #expect(high["raised"] as? Int == 2 && high["acknowledged"] as? Int == 2)
            #expect(high["medianSecondsToAcknowledge"] as? Double == 120 && high["p90SecondsToAcknowledge"] as? Double == 180)
            let people = try #require(report["people"] as? [[String: Any]])
            #expect(people.first { $0["accountId"] as? Int64 == nurseA }?["medianSecondsToAcknowledge"] as? Double == 60)
            #expect(people.first { $0["accountId"] as? Int64 == nurseB }?["acknowledged"] as? Int == 1)
            let html = try await client.call(.get, "/api/v1/reports/operations?from=\(from)&to=\(to)&format=html", token: admin)
            #expect(String(decoding: html.body, as: UTF8.self).contains("<title>Median time to acknowledge, by priority</title>"))
            #expect(try await client.call(.get, "/api/v1/reports/operations", token: try await client.login("caregiverA").access).status == 403)
        }
    }
}
