import Foundation
@testable import Hub
@testable import HubAPI
import GRDB
import Hummingbird
import Testing

@Suite("Audit log")
struct AuditTests {
    @Test func everyReadAndChangeOfPatientDataIsRecordedWithWhoWhatAndWhich() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let patient = fixture.teamPatient
            _ = try await client.call(.get, "/api/v1/patients", token: nurse)
            _ = try await client.call(.get, "/api/v1/patients/\(patient)", token: nurse)
            _ = try await client.call(.patch, "/api/v1/patients/\(patient)", token: nurse, body: #"{"news2": {"onOxygen": true}}"#)
            _ = try await client.call(.get, "/api/v1/patients/\(patient)/care-team", token: nurse)
            // Refused reads are not accesses to patient data.
            _ = try await client.call(.get, "/api/v1/patients/\(fixture.otherPatient)", token: nurse)

            let entries = try await fixture.database.auditEntries(AuditFilter(), before: nil, limit: 100).reversed()
            #expect(entries.map(\.record.action) == ["patient.list", "patient.read", "patient.change", "careTeam.read"])
            for entry in entries {
                #expect(entry.record.actorID == fixture.accounts["caregiverA"])
                #expect(entry.record.actorRole == .caregiver)
                #expect(entry.record.patientID == patient)
                #expect(entry.at == fixture.clock.now())
            }
            #expect(entries.map(\.record.resource) == [
                "GET /api/v1/patients", "GET /api/v1/patients/\(patient)", "PATCH /api/v1/patients/\(patient)", "GET /api/v1/patients/\(patient)/care-team",
            ])
        }
    }

    @Test func aRefusedChangeIsNotRecordedAsAChange() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let refused = try await client.call(.patch, "/api/v1/patients/\(fixture.teamPatient)", token: nurse, body: #"{"news2": {"spo2Scale": 5}}"#)
            #expect(refused.status == 422)
            let entries = try await fixture.database.auditEntries(AuditFilter(action: "patient.change"), before: nil, limit: 10)
            #expect(entries.isEmpty)
        }
    }

    @Test func adminsQueryTheLogAndTheChainVerifies() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let patient = try await client.login("patient").access
            for _ in 0..<3 { _ = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)", token: nurse) }
            _ = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)", token: patient)
            let admin = try await client.login("admin").access
            let byPatientAccount = try await client.call(.get, "/api/v1/audit?actorId=\(fixture.accounts["patient"] ?? 0)", token: admin)
            #expect(byPatientAccount.items.count == 1)
            #expect(byPatientAccount.items.first?["actorRole"] as? String == "patient")
            let page = try await client.call(.get, "/api/v1/audit?patientId=\(fixture.teamPatient)&limit=2", token: admin)
            #expect(page.items.count == 2)
            #expect(page["nextCursor"] is String)
            let verification = try await client.call(.get, "/api/v1/audit/verification", token: admin)
            #expect(verification["intact"] as? Bool == true)
            #expect(verification["entriesChecked"] as? Int == 4)
        }
    }

    @Test func theDatabaseRefusesToEditTheLogAndAnEditMadeAnywayBreaksTheChain() async throws {
        let fixture = try await Fixture.make()
        let record = AuditRecord(actorID: 1, actorRole: .admin, action: "patient.read", patientID: 1, resource: "GET /x", address: "10.0.0.1")
        for _ in 0..<4 { try await fixture.database.appendAudit([record], at: fixture.clock.now()) }
        await #expect(throws: DatabaseError.self) {
            try await fixture.database.writer.write { try $0.execute(sql: "UPDATE auditEntry SET action = 'nothing' WHERE id = 2") }
        }
        await #expect(throws: DatabaseError.self) {
            try await fixture.database.writer.write { try $0.execute(sql: "DELETE FROM auditEntry WHERE id = 4") }
        }
        #expect(try await fixture.database.verifyAuditChain() == AuditVerification(entriesChecked: 4, firstBrokenID: nil))

        // Someone with the file drops the guard and rewrites entry 2: the chain shows where.
        try await fixture.database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEntry_noUpdate")
            try db.execute(sql: "UPDATE auditEntry SET patientID = 2 WHERE id = 2")
        }
        #expect(try await fixture.database.verifyAuditChain() == AuditVerification(entriesChecked: 1, firstBrokenID: 2))
    }

    @Test func removingAnEntryBreaksTheChainAtTheNextOne() async throws {
        let fixture = try await Fixture.make()
        let record = AuditRecord(actorID: 1, actorRole: .admin, action: "patient.read", patientID: 1, resource: "GET /x", address: nil)
        for _ in 0..<5 { try await fixture.database.appendAudit([record], at: fixture.clock.now()) }
        try await fixture.database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEntry_noDelete")
            try db.execute(sql: "DELETE FROM auditEntry WHERE id = 3")
        }
        #expect(try await fixture.database.verifyAuditChain().firstBrokenID == 4)
    }

    @Test func aForgerWhoRehashesAnEntryAndRelinksTheNextIsStillCaught() async throws {
        let fixture = try await Fixture.make()
        let record = AuditRecord(actorID: 7, actorRole: .caregiver, action: "patient.read", patientID: 1, resource: "GET /x", address: nil)
        for _ in 0..<4 { try await fixture.database.appendAudit([record], at: fixture.clock.now()) }
        let entries = try await fixture.database.auditEntries(AuditFilter(), before: nil, limit: 10).reversed().map { $0 }
        // Entry 2 now blames someone else, with a hash that fits its new content, and entry 3 points at that hash.
        var forged = entries[1].record
        forged.actorID = 8
        let forgedHash = AuditEntry.hash(id: 2, at: entries[1].at.millisecondsSince1970, record: forged, previousHash: entries[0].hash)
        try await fixture.database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEntry_noUpdate")
            try db.execute(sql: "UPDATE auditEntry SET actorID = 8, hash = ? WHERE id = 2", arguments: [forgedHash])
            try db.execute(sql: "UPDATE auditEntry SET previousHash = ? WHERE id = 3", arguments: [forgedHash])
        }
        // Entry 3's own hash covered the previous hash it was written with.
        #expect(try await fixture.database.verifyAuditChain().firstBrokenID == 3)
    }
}

@Suite("Audit group commit")
struct AuditWriterTests {
    @Test func concurrentAppendsEachLandOnceInAnIntactChain() async throws {
        let fixture = try await Fixture.make()
        let writer = AuditWriter(database: fixture.database)
        let before = try await fixture.database.verifyAuditChain().entriesChecked
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...200 {
                group.addTask {
                    try await writer.append([AuditRecord(actorID: 1, actorRole: .admin, action: "test.\(n)", patientID: Int64(n % 3 + 1),
                                                         resource: "GET /test/\(n)", address: nil)], at: fixture.clock.now())
                }
            }
            try await group.waitForAll()
        }
        let verification = try await fixture.database.verifyAuditChain()
        #expect(verification.firstBrokenID == nil)
        #expect(verification.entriesChecked == before + 200)
        let actions = try await fixture.database.auditEntries(AuditFilter(actorID: 1), before: nil, limit: 500).map(\.record.action)
        #expect(Set(actions) == Set((1...200).map { "test.\($0)" }))
        #expect(actions.count == 200)
    }
}

@Suite("Audit hash format")
struct AuditHashFormatTests {
    /// The chain's entries were hashed over JSONEncoder's bytes; the hand-written encoder must give the same ones, or
    /// every entry written before would stop verifying.
    @Test func theHandWrittenJSONIsJSONEncodersByteForByte() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = (0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) } + ["é", "€", "😀", "\u{2028}", "\u{7F}", "\u{85}"]
        var cases: [[String?]] = [[], [nil], ["", nil, "a/b", "\"quoted\"", "back\\slash", "GET /api/v1/patients/3"]]
        for _ in 0..<2_000 {
            cases.append((0..<Int.random(in: 1...8, using: &generator)).map { _ in
                Bool.random(using: &generator) ? nil : String((0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            })
        }
        for fields in cases {
            var bytes: [UInt8] = []
            AuditEntry.appendJSON(fields, to: &bytes)
            #expect(bytes == Array(try JSONEncoder().encode(fields)), "\(fields)")
        }
    }
}
