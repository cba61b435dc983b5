import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Testing
import Vitals

/// Latest vitals with NEWS2, and downsampled history, through the API.
@Suite("Vitals")
struct VitalsAPITests {
    @Test func latestVitalsAreScoredWithEachPatientsOwnNews2Settings() async throws {
        let fixture = try await Fixture.make()
        let now = fixture.clock.now()
        // SpO2 91 % on air: 0 points on scale 2 (Ada, COPD), 3 points on scale 1 (Brian).
        for (device, patient) in [("ox-team", fixture.teamPatient), ("ox-other", fixture.otherPatient)] {
            try await fixture.commitReadings(device: device, patient: patient, kind: .oxygenSaturation, values: [93, 92, 91], start: now.addingTimeInterval(-12), interval: 5)
            // A later reading the device flagged is an artifact: never the latest value.
            try await fixture.commitReadings(device: device, patient: patient, kind: .oxygenSaturation, values: [55], start: now.addingTimeInterval(-1),
                                             firstSeq: 10, flags: .questionable)
        }
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            let all = try await client.call(.get, "/api/v1/vitals/latest", token: admin)
            let byPatient = Dictionary(uniqueKeysWithValues: all.items.compactMap { item in (item["patientId"] as? Int64).map { ($0, item) } })
            for (patient, points) in [(fixture.teamPatient, 0), (fixture.otherPatient, 3)] {
                let item = try #require(byPatient[patient])
                let vitals = try #require(item["vitals"] as? [[String: Any]])
                #expect(vitals.count == 1)
                #expect(vitals.first?["value"] as? Double == 91)
                let news2 = try #require(item["news2"] as? [String: Any])
                #expect((news2["parameters"] as? [String: Any])?["spo2"] as? Int == points, "patient \(patient): \(news2)")
                #expect((news2["missing"] as? [String])?.contains("respiration-rate") == true)
                #expect(news2["total"] == nil)
            }
            // A caregiver's overview holds their own patients only.
            let nurse = try await client.login("caregiverA").access
            let mine = try await client.call(.get, "/api/v1/vitals/latest", token: nurse)
            #expect(mine.items.compactMap { $0["patientId"] as? Int64 } == [fixture.teamPatient])
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.otherPatient)/vitals/latest", token: nurse).status == 404)
            // A caregiver recording oxygen changes the score at once.
            #expect(try await client.call(.patch, "/api/v1/patients/\(fixture.otherPatient)", token: admin, body: #"{"news2": {"onOxygen": true}}"#).status == 200)
            let onOxygen = try await client.call(.get, "/api/v1/patients/\(fixture.otherPatient)/vitals/latest", token: admin)
            #expect(((onOxygen["news2"] as? [String: Any])?["parameters"] as? [String: Any])?["air-or-oxygen"] as? Int == 2)
        }
    }

    @Test func historyBucketsHoldExactlyTheReadingsMeasuredInThem() async throws {
        let fixture = try await Fixture.make()
        // Two hours at 1 Hz, a sawtooth from 90 to 99; the hour starts on a whole hour, so buckets line up.
        let start = Date(timeIntervalSince1970: (fixture.clock.now().timeIntervalSince1970 / 3600).rounded(.down) * 3600 - 7200)
        let values = (0..<7200).map { Double(90 + $0 % 10) }
        try await fixture.commitReadings(device: "ox-team", patient: fixture.teamPatient, kind: .oxygenSaturation, values: values, start: start)
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let from = ISO8601DateFormatter().string(from: start)
            let to = ISO8601DateFormatter().string(from: start.addingTimeInterval(7200))
            let path = "/api/v1/patients/\(fixture.teamPatient)/vitals/spo2/history?from=\(from)&to=\(to)"
            // 12 points over 2 hours: 10-minute buckets from the one-minute rollup.
            let coarse = try await client.call(.get, path + "&points=12", token: nurse)
            #expect(coarse["source"] as? String == "1m")
            #expect(coarse["bucketSeconds"] as? Double == 600)
            let points = try #require(coarse["points"] as? [[String: Any]])
            #expect(points.count == 12)
            #expect(points.allSatisfy { $0["count"] as? Int == 600 && $0["min"] as? Double == 90 && $0["max"] as? Double == 99 && $0["avg"] as? Double == 94.5 })
            // 2000 points: 4-second buckets from the readings themselves, every reading counted once.
            let fine = try await client.call(.get, path + "&points=2000", token: nurse)
            #expect(fine["source"] as? String == "readings")
            let finePoints = try #require(fine["points"] as? [[String: Any]])
            #expect(finePoints.count == 1800)
            #expect(finePoints.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 7200)
            #expect(finePoints.first?["min"] as? Double == 90)
            #expect(finePoints.first?["max"] as? Double == 93)
            // A start off the buckets' grid still gives at most `points` buckets.
            let offGrid = "/api/v1/patients/\(fixture.teamPatient)/vitals/spo2/history?from=\(ISO8601DateFormatter().string(from: start.addingTimeInterval(30)))&to=\(ISO8601DateFormatter().string(from: start.addingTimeInterval(30 + 500 * 60)))&points=500"
            let skewed = try await client.call(.get, offGrid, token: nurse)
            #expect(((skewed["points"] as? [Any])?.count ?? 501) <= 500)
            #expect(skewed["bucketSeconds"] as? Double == 61)
            for (query, field) in [("&points=0", "points"), ("&points=many", "points")] {
                #expect(try await client.call(.get, path + query, token: nurse).errorField == field)
            }
            let backwards = "/api/v1/patients/\(fixture.teamPatient)/vitals/spo2/history?from=\(to)&to=\(from)"
            #expect(try await client.call(.get, backwards, token: nurse).errorField == "from")
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/vitals/glucose/history", token: nurse).status == 404)
        }
    }

    @Test func aDeviceAssignedFromAPastTimeTakesItsSummariesToTheRightPatient() async throws {
        let fixture = try await Fixture.make()
        let start = Date(timeIntervalSince1970: (fixture.clock.now().timeIntervalSince1970 / 3600).rounded(.down) * 3600 - 3600)
        try await fixture.commitReadings(device: "ox-team", patient: fixture.teamPatient, kind: .oxygenSaturation,
                                         values: Array(repeating: 95, count: 3600), start: start)
        // The device was Brian's from the half hour on.
        try await fixture.database.assign(device: "ox-team", to: fixture.otherPatient, since: start.addingTimeInterval(1800))
        let team = try await fixture.database.history(patientID: fixture.teamPatient, kind: .oxygenSaturation, from: start,
                                                      to: start.addingTimeInterval(3600), points: 4)
        let other = try await fixture.database.history(patientID: fixture.otherPatient, kind: .oxygenSaturation, from: start,
                                                       to: start.addingTimeInterval(3600), points: 4)
        #expect(team.buckets.reduce(0) { $0 + $1.count } == 1800)
        #expect(other.buckets.reduce(0) { $0 + $1.count } == 1800)
        #expect(other.buckets.first?.start == start.addingTimeInterval(1800))
        let latest = try await fixture.database.latestReadings(patientIDs: [fixture.teamPatient, fixture.otherPatient])
        #expect(latest[fixture.teamPatient]?.first?.measuredAt == start.addingTimeInterval(1799))
        #expect(latest[fixture.otherPatient]?.first?.measuredAt == start.addingTimeInterval(3599))
    }
}

@Suite("Hand-written JSON")
struct JSONWriterTests {
    /// The overview's JSON is written by hand for speed; it must say what the Codable form says (the live feed sends
    /// that one), whatever the strings, numbers and missing values.
    @Test func theWrittenOverviewEqualsItsCodableForm() throws {
        var generator = SystemRandomNumberGenerator()
        let strings = ["Ada", "", "quote \" and \\ backslash", "new\nline\ttab", "control \u{01}", "é € 😀", "a/b"]
        for round in 0..<200 {
            let items = (0..<Int.random(in: 0...5, using: &generator)).map { index in
                let readings = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                    Reading(kind: VitalKind.allCases.randomElement(using: &generator)!, value: [97, 36.6, 0.25, 1e-7, 123456.5].randomElement(using: &generator)!,
                            measuredAt: Date(timeIntervalSince1970: Double.random(in: 0...4e9, using: &generator).rounded()),
                            source: Bool.random(using: &generator) ? ReadingSource(deviceID: strings.randomElement(using: &generator)!, sequence: UInt64.random(in: 0...UInt64(Int64.max), using: &generator)) : nil,
                            deviceFlags: DeviceQualityFlags(rawValue: UInt16.random(in: 0...127, using: &generator)))
                }
                let patient = Hub.Patient(id: Int64(index + 1), displayName: strings.randomElement(using: &generator)!, yearOfBirth: nil, conditions: [],
                                          spo2Scale: Int.random(in: 1...2, using: &generator), onOxygen: Bool.random(using: &generator), consciousness: nil,
                                          createdAt: Date())
                return DTO.LatestVitals(patient: patient, readings: readings, at: Date(timeIntervalSince1970: 4e9))
            }
            let page = Page(items: items, nextCursor: Bool.random(using: &generator) ? "YzE6NTA" : nil)
            var json = JSONWriter()
            page.write(&json)
            let written = try JSONSerialization.jsonObject(with: Data(json.bytes)) as? NSDictionary
            let coded = try JSONSerialization.jsonObject(with: APIJSON.encoder().encode(page)) as? NSDictionary
            #expect(written != nil && written == coded, "round \(round): \(String(decoding: json.bytes, as: UTF8.self))")
        }
    }
}
