import Foundation
import Hub
import Telemetry
import Testing
import Vitals

@Suite struct AlertStorageTests {
    /// A database with one patient wearing `oxi-1`, and an alert book on the default rules.
    static func setUp() async throws -> (TemporaryDatabase, AlertBook, Int64) {
        let temp = try TemporaryDatabase()
        let patient = try await temp.database.createPatient(displayName: "Ada", at: origin)
        try await temp.database.registerDevice("oxi-1", gatewayID: "gw-1", at: origin)
        try await temp.database.assign(device: "oxi-1", to: patient, since: at(-3600))
        return (temp, AlertBook { _ in .adultHomeDefaults }, patient)
    }

    @Test func aDesaturationIsStoredAsAnAlertWithItsEvidenceInTheSameCommit() async throws {
        let (temp, book, patient) = try await Self.setUp()
        let db = temp.database
        _ = try await db.commit([try batch(values: Array(repeating: 86, count: 61))], receivedAt: at(61), alerts: book)
        let open = try await db.openAlerts()
        let alert = try #require(open[patient]?.first)
        #expect(alert.cause == .rule(id: "spo2-low"))
        #expect(alert.priority == .high)
        #expect(alert.evidence.summary == "SpO2 below 90 % for 1 min")
        #expect(alert.evidence.readings.first?.source == ReadingSource(deviceID: "oxi-1", sequence: 1))
        #expect(alert.evidence.readingCount == 61)
    }

    /// NEWS2 is evaluated as readings arrive at the hub: SpO2 93 (2) with a pulse of 115 (2) and 36.0 °C (1) is 5,
    /// medium risk, although no single vital is past its own high band; stored with the readings it scored.
    @Test func aMediumNEWS2IsStoredAsItsOwnAlertWithTheScoredReadings() async throws {
        let (temp, book, patient) = try await Self.setUp()
        let db = temp.database
        // Three devices, as at a bedside: NEWS2 combines what each measured.
        for device in ["hr-1", "thermo-1"] {
            try await db.registerDevice(device, gatewayID: "gw-1", at: origin)
            try await db.assign(device: device, to: patient, since: at(-3600))
        }
        let seconds = 200
        _ = try await db.commit([
            try batch(kind: .oxygenSaturation, values: Array(repeating: 93, count: seconds)),
            try batch(device: "hr-1", kind: .heartRate, values: Array(repeating: 115, count: seconds)),
            try batch(device: "thermo-1", kind: .bodyTemperature, values: [36.0]),
        ], receivedAt: at(Double(seconds)), alerts: book)
        let alerts = try await db.openAlerts()[patient] ?? []
        let news2 = try #require(alerts.first { $0.cause == .earlyWarningScore }, "causes: \(alerts.map(\.cause))")
        #expect(news2.priority == .medium)
        #expect(news2.evidence.summary.hasPrefix("NEWS2 at least 5 (medium risk): SpO2 93 % scores 2, pulse 115 /min scores 2, temperature 36.0 °C scores 1"),
                "\(news2.evidence.summary)")
        #expect(Set(news2.evidence.readings.compactMap(\.source?.deviceID)) == ["oxi-1", "hr-1", "thermo-1"])
        #expect(news2.raisedAt == at(120), "after the 2-minute sustain")
        let stored = try await db.alertSummaries()
        #expect(stored.contains { $0.cause == "NEWS2" && $0.priority == .medium })
    }

    /// A gateway catching up after an outage sends readings measured 20 minutes ago: while they keep arriving the
    /// hub does not call the data stale (which would flip the alert between present and indeterminate between every
    /// two replayed readings); once they stop arriving, it does.
    @Test func readingsArrivingLateAreNotJudgedStaleWhileTheyArrive() async throws {
        let (temp, book, _) = try await Self.setUp()
        _ = try await temp.database.commit([try batch(values: Array(repeating: 86, count: 61))], receivedAt: at(1200), alerts: book)
        let catchingUp = book.tick(now: at(1202), staleAfter: .seconds(600))
        #expect(!catchingUp.actions.contains { $0.action.alert?.condition == .indeterminate }, "readings arrived 2 s ago: not stale")
        let silent = book.tick(now: at(1210), staleAfter: .seconds(600))
        #expect(silent.actions.contains { $0.action.alert?.condition == .indeterminate }, "nothing arrived for 10 s: the 20-minute-old data is stale")
    }

    @Test func redeliveredReadingsAreNotEvaluatedTwice() async throws {
        let (temp, book, patient) = try await Self.setUp()
        let db = temp.database
        let first = try await db.commit([try batch(values: Array(repeating: 86, count: 61))], receivedAt: at(61), alerts: book)
        #expect(first.stored.count == 61)
        let again = try await db.commit([try batch(values: Array(repeating: 86, count: 61))], receivedAt: at(70), alerts: book)
        #expect(again.stored.isEmpty)
        #expect(try await db.openAlerts()[patient]?.count == 1)
    }

    @Test func escalationAndHistoryAreStored() async throws {
        let (temp, book, patient) = try await Self.setUp()
        let db = temp.database
        _ = try await db.commit([try batch(values: Array(repeating: 86, count: 61))], receivedAt: at(61), alerts: book)
        #expect(book.nextDeadline == at(180))
        try await db.commitTick(of: book, at: at(180), staleAfter: .seconds(600))
        let alert = try #require(try await db.openAlerts()[patient]?.first)
        #expect(alert.escalationTier == 1)
        #expect(book.nextDeadline == at(300), "the book adopted the escalated state")
        let history = try await db.alertEvents(alertID: 1)
        #expect(history.map(\.at.millisecondsSince1970) == [at(61), at(180)].map(\.millisecondsSince1970))
        #expect(history.first?.event.contains("raised") == true)
        #expect(history.last?.event.contains("escalated") == true)
    }

    @Test func anEvaluationThatIsNotCommittedLeavesTheBookAsItWas() async throws {
        let book = AlertBook { _ in .adultHomeDefaults }
        let readings = (0...60).map { StoredReading(reading: Reading(kind: .oxygenSaturation, value: 86, measuredAt: at(Double($0))), patientID: 1) }
        let evaluation = book.evaluate(readings)
        #expect(evaluation.actions.count == 1)
        #expect(book.nextDeadline == nil, "not adopted: the transaction never committed")
        // The same readings, redelivered after the failed commit, raise the alert again.
        #expect(book.evaluate(readings).actions.count == 1)
    }

    @Test func openAlertsAreRestoredIntoANewBookAfterARestart() async throws {
        let (temp, book, patient) = try await Self.setUp()
        _ = try await temp.database.commit([try batch(values: Array(repeating: 86, count: 61))], receivedAt: at(61), alerts: book)
        let reopened = try AppDatabase.open(path: temp.path)
        let restarted = AlertBook { _ in .adultHomeDefaults }
        for (patientID, alerts) in try await reopened.openAlerts() { restarted.restore(patientID: patientID, openAlerts: alerts) }
        #expect(restarted.nextDeadline == at(180), "the restored alert still escalates on time")
        // Recovery after the restart clears the restored alert's condition (latched: it stays open for a person).
        _ = try await reopened.commit([try batch(values: Array(repeating: 97, count: 40), firstSeq: 100, start: 100)], receivedAt: at(140), alerts: restarted)
        #expect(try await reopened.openAlerts()[patient]?.first?.condition == .absent)
    }
}
