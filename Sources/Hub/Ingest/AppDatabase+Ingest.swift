import Foundation
import GRDB
import Telemetry
import Vitals

extension AppDatabase {
    /// Commits `batches` in one transaction and says what to acknowledge and what is new.
    ///
    /// A device seen for the first time is registered under the gateway that sent it (unassigned, for a technician
    /// to assign). A batch for a device registered to another gateway is refused into the dead-letter table: a
    /// gateway must never write another home's readings. Every reading is attributed to the patient the device was
    /// assigned to at its measurement time. (device, seq) is unique, so a redelivered reading is counted as a
    /// duplicate and not stored again; it is acknowledged all the same.
    ///
    /// When `alerts` is given, the newly stored readings are evaluated inside the same transaction and the alert
    /// actions stored with them, so a crash can never leave readings stored (and acknowledged) whose alerts were
    /// not; the book adopts its new state once the transaction has committed, before the database writer takes
    /// anything else, so evaluations (these and ``commitTick(of:at:staleAfter:)``'s) always start from the state
    /// the previous one left.
    public func commit(_ batches: [IncomingReadings], receivedAt: Date, alerts: AlertBook? = nil) async throws -> CommitOutcome {
        let now = receivedAt.millisecondsSince1970
        return try await writer.writeWithoutTransaction { db -> CommitOutcome in
            var outcome = CommitOutcome()
            var evaluation: AlertBook.Evaluation?
            try db.inTransaction {
                outcome = try Self.storeReadings(batches, db, at: now)
                if let alerts {
                    let evaluated = alerts.evaluate(outcome.stored, arrivedAt: receivedAt)
                    try Self.store(evaluated.actions, db, at: now)
                    evaluation = evaluated
                }
                return .commit
            }
            if let evaluation { alerts?.adopt(evaluation) }
            return outcome
        }
    }

    /// Lets time pass for the alert book (escalations, snooze expiry, stale data): evaluates, stores the actions
    /// and lets the book adopt them, all in the database writer's turn, so a commit of readings cannot interleave
    /// and one of the two adopt a state built from an older one. Returns the actions stored.
    @discardableResult
    public func commitTick(of alerts: AlertBook, at time: Date, staleAfter: Duration) async throws -> [(patientID: Int64, action: AlertStateMachine.Action)] {
        try await writer.writeWithoutTransaction { db in
            try Self.commit(alerts, db, at: time.millisecondsSince1970) { alerts.tick(now: time, staleAfter: staleAfter) }.actions
        }
    }

    /// The one way an evaluation of the alert book that is not a commit of readings (a tick, a person's action, a
    /// change of rules or NEWS2 settings) reaches the database. Call it in the writer's turn, outside a transaction:
    /// it evaluates, stores the actions (after `alongside`'s writes, in the same transaction) and lets the book adopt
    /// the new states only once they are committed. An evaluation with no actions and nothing alongside needs no
    /// transaction.
    @discardableResult
    static func commit(_ book: AlertBook, _ db: Database, at time: Int64, actorID: Int64? = nil, alongside: ((Database) throws -> Void)? = nil,
                       evaluating evaluate: () throws -> AlertBook.Evaluation) throws -> AlertBook.Evaluation {
        var evaluation = AlertBook.Evaluation()
        if let alongside {
            try db.inTransaction {
                try alongside(db)
                evaluation = try evaluate()
                try store(evaluation.actions.map { (Optional($0.patientID), $0.action) }, db, at: time, findingByCauseOnly: false, actorID: actorID)
                return .commit
            }
        } else {
            evaluation = try evaluate()
            if !evaluation.actions.isEmpty {
                try db.inTransaction {
                    try store(evaluation.actions.map { (Optional($0.patientID), $0.action) }, db, at: time, findingByCauseOnly: false, actorID: actorID)
                    return .commit
                }
            }
        }
        book.adopt(evaluation)
        return evaluation
    }

    static func storeReadings(_ batches: [IncomingReadings], _ db: Database, at now: Int64) throws -> CommitOutcome {
        var outcome = CommitOutcome()
        var acknowledged: [String: [String: [UInt64]]] = [:]
        let insert = try db.cachedStatement(sql: """
            INSERT INTO reading (deviceID, seq, patientID, kind, value, measuredAt, receivedDelay, flags)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        let insertDetail = try db.cachedStatement(sql: "INSERT INTO readingDetail (deviceID, seq, details) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        let findDevice = try db.cachedStatement(sql: "SELECT id, gatewayID FROM device WHERE externalID = ?")
        let registerDevice = try db.cachedStatement(sql: "INSERT INTO device (externalID, gatewayID, registeredAt) VALUES (?, ?, ?)")
        // Looked up once per device and gateway per commit, not once per message: a busy commit holds hundreds of
        // messages from the same few devices.
        var devices: [String: Device] = [:]
        var touchedGateways: Set<String> = []
        var summaries = ReadingSummaries.Pending()
        for batch in batches {
            acknowledged[batch.gatewayID, default: [:]][batch.deviceID, default: []] += batch.readings.compactMap(\.reading.source?.sequence)
            if touchedGateways.insert(batch.gatewayID).inserted { try Self.touchGateway(db, id: batch.gatewayID, at: now) }
            var device: Device
            if let known = devices[batch.deviceID] {
                device = known
            } else if let row = try Row.fetchOne(findDevice, arguments: [batch.deviceID]) {
                let id: Int64 = row["id"]
                device = Device(id: id, gatewayID: row["gatewayID"], assignments: try Self.assignments(db, deviceID: id))
            } else {
                try registerDevice.execute(arguments: [batch.deviceID, batch.gatewayID, now])
                device = Device(id: db.lastInsertedRowID, gatewayID: batch.gatewayID, assignments: [])
            }
            guard device.gatewayID == batch.gatewayID else {
                let error = PayloadError(field: "device", reason: "\"\(batch.deviceID)\" is registered to gateway \"\(device.gatewayID)\"")
                try Self.insertDeadLetter(db, gatewayID: batch.gatewayID, topic: batch.topic, payload: batch.payload, error: error, at: now)
                outcome.refused.append((batch, error))
                devices[batch.deviceID] = device
                continue
            }
            for accepted in batch.readings {
                let reading = accepted.reading
                let measuredAt = reading.measuredAt.millisecondsSince1970
                let patientID = device.assignments.first { $0.since <= measuredAt && ($0.until.map { measuredAt < $0 } ?? true) }?.patientID
                let seq = Int64(clamping: reading.source?.sequence ?? 0)
                try insert.execute(arguments: [
                    device.id, seq, patientID, reading.kind.storageCode, reading.value, measuredAt,
                    accepted.receivedAt.millisecondsSince1970 - measuredAt, Int(reading.deviceFlags.rawValue),
                ])
                guard db.changesCount > 0 else {
                    outcome.duplicates += 1
                    continue
                }
                if let details = accepted.details, !details.isEmpty {
                    try insertDetail.execute(arguments: [device.id, seq, String(decoding: PayloadCodec.encode(details), as: UTF8.self)])
                }
                device.lastReadingAt = max(device.lastReadingAt ?? measuredAt, measuredAt)
                if let patientID { summaries.add(reading, patientID: patientID, deviceID: device.id, seq: seq) }
                outcome.stored.append(StoredReading(reading: reading, patientID: patientID))
            }
            devices[batch.deviceID] = device
        }
        let touch = try db.cachedStatement(sql: """
            UPDATE device SET lastSeenAt = ?, lastReadingAt = MAX(COALESCE(lastReadingAt, 0), COALESCE(?, 0)) WHERE id = ?
            """)
        for device in devices.values { try touch.execute(arguments: [now, device.lastReadingAt, device.id]) }
        try summaries.write(db)
        for (gateway, devices) in acknowledged {
            outcome.acknowledgements[gateway] = devices.keys.sorted().map { device in
                Acknowledgement(device: device, committed: SequenceRanges(devices[device] ?? []))
            }
        }
        return outcome
    }

    /// A device as one commit knows it.
    private struct Device {
        var id: Int64
        var gatewayID: String
        var assignments: [(patientID: Int64, since: Int64, until: Int64?)]
        var lastReadingAt: Int64?
    }

    /// Stores a message the hub could not accept, with the reason, for a technician to inspect.
    public func recordDeadLetter(gatewayID: String?, topic: String, payload: [UInt8], error: PayloadError, at time: Date) async throws {
        try await writer.write { db in
            try Self.insertDeadLetter(db, gatewayID: gatewayID, topic: topic, payload: payload, error: error, at: time.millisecondsSince1970)
        }
    }

    /// Dead letters per gateway (`nil` for messages whose gateway could not be told).
    public func deadLetterCounts() async throws -> [String?: Int] {
        try await writer.read { db in
            var counts: [String?: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT gatewayID, COUNT(*) AS count FROM deadLetter GROUP BY gatewayID") {
                counts[row["gatewayID"] as String?] = row["count"]
            }
            return counts
        }
    }

    /// Payloads are kept up to this size in the dead-letter table; larger ones are cut (their size is recorded).
    static let deadLetterPayloadLimit = 64 * 1024

    static func insertDeadLetter(_ db: Database, gatewayID: String?, topic: String, payload: [UInt8], error: PayloadError, at time: Int64) throws {
        try db.execute(sql: """
            INSERT INTO deadLetter (gatewayID, topic, payload, payloadSize, field, reason, receivedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [gatewayID, topic, Data(payload.prefix(deadLetterPayloadLimit)), payload.count, error.field, error.reason, time])
    }

    static func touchGateway(_ db: Database, id: String, at time: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO gateway (id, lastSeenAt) VALUES (?, ?)
            ON CONFLICT(id) DO UPDATE SET lastSeenAt = MAX(COALESCE(lastSeenAt, 0), excluded.lastSeenAt)
            """).execute(arguments: [id, time])
    }

    static func assignments(_ db: Database, deviceID: Int64) throws -> [(patientID: Int64, since: Int64, until: Int64?)] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT patientID, since, until FROM deviceAssignment WHERE deviceID = ? ORDER BY since"), arguments: [deviceID])
            .map { ($0["patientID"], $0["since"], $0["until"]) }
    }
}
