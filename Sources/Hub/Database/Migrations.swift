import GRDB

/// The hub's schema, as named migration steps. A step that has shipped is never edited: change the schema by adding
/// a step. String table names, as GRDB's migration guide recommends, so records can evolve freely.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: gateways, devices, patients, readings, dead letters, alerts") { db in
            try db.create(table: "gateway") { t in
                t.primaryKey("id", .text)
                t.column("online", .boolean).notNull().defaults(to: false)
                t.column("version", .text)
                t.column("wifiLinkQuality", .integer)
                t.column("outboxDepth", .integer)
                t.column("outboxDropped", .integer)
                t.column("lastSeenAt", .integer)
                t.column("statusChangedAt", .integer)
            }
            try db.create(table: "patient") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("displayName", .text).notNull()
                // The patient's threshold-rule overrides in RuleConfiguration's JSON form; null: the defaults.
                t.column("ruleOverrides", .jsonText)
                t.column("createdAt", .integer).notNull()
            }
            // `id` is a small integer so each reading row stores a few bytes for its device, not a string.
            try db.create(table: "device") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("externalID", .text).notNull().unique()
                t.column("gatewayID", .text).notNull().references("gateway", onDelete: .restrict)
                t.column("model", .text)
                t.column("firmware", .text)
                t.column("connected", .boolean)
                t.column("batteryPercent", .integer)
                t.column("rssiDBm", .integer)
                t.column("lastSeenAt", .integer)
                t.column("lastReadingAt", .integer)
                t.column("inactivityTimeoutSeconds", .integer)
                t.column("registeredAt", .integer).notNull()
            }
            // Which patient a device measured, and when: a reading belongs to the assignment in force at its
            // measurement time. `until` is null for the current assignment.
            try db.create(table: "deviceAssignment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("deviceID", .integer).notNull().references("device", onDelete: .restrict)
                t.column("patientID", .integer).notNull().references("patient", onDelete: .restrict)
                t.column("since", .integer).notNull()
                t.column("until", .integer)
            }
            try db.create(index: "deviceAssignment_device", on: "deviceAssignment", columns: ["deviceID", "since"])
            // (device, seq) is the primary key: a redelivered reading is ignored, never stored twice. WITHOUT ROWID
            // keeps the row compact (no separate rowid b-tree). `measuredAt` is milliseconds since 1970 UTC and
            // `receivedDelay` the milliseconds from measurement to the agent receiving it (a small number where a
            // second time stamp would take six bytes); `kind` is VitalKind's small code; `flags` DeviceQualityFlags'
            // raw value. SQLite stores whole REAL values as small integers on disk.
            try db.execute(sql: """
                CREATE TABLE reading (
                  deviceID INTEGER NOT NULL REFERENCES device(id) ON DELETE RESTRICT,
                  seq INTEGER NOT NULL,
                  patientID INTEGER REFERENCES patient(id) ON DELETE RESTRICT,
                  kind INTEGER NOT NULL,
                  value REAL NOT NULL,
                  measuredAt INTEGER NOT NULL,
                  receivedDelay INTEGER NOT NULL,
                  flags INTEGER NOT NULL DEFAULT 0,
                  PRIMARY KEY (deviceID, seq)
                ) WITHOUT ROWID
                """)
            try db.create(index: "reading_patient_kind_time", on: "reading", columns: ["patientID", "kind", "measuredAt"])
            // Event details (a fall's figures) are rare: kept apart so ordinary readings stay small.
            try db.create(table: "readingDetail") { t in
                t.column("deviceID", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("details", .jsonText).notNull()
                t.primaryKey(["deviceID", "seq"])
            }
            try db.create(table: "deadLetter") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("gatewayID", .text)
                t.column("topic", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("payloadSize", .integer).notNull()
                t.column("field", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("receivedAt", .integer).notNull()
            }
            try db.create(index: "deadLetter_gateway", on: "deadLetter", columns: ["gatewayID", "receivedAt"])
            try db.create(table: "alert") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("patientID", .integer).references("patient", onDelete: .restrict)
                t.column("cause", .jsonText).notNull()
                t.column("causeKey", .text).notNull()
                t.column("category", .text).notNull()
                t.column("priority", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("condition", .text).notNull()
                t.column("isLatching", .boolean).notNull()
                t.column("raisedAt", .integer).notNull()
                t.column("updatedAt", .integer).notNull()
                t.column("state", .jsonText).notNull()
            }
            // At most one open alert per patient and cause, enforced by the database too.
            try db.execute(sql: "CREATE UNIQUE INDEX alert_open_cause ON alert(patientID, causeKey) WHERE status != 'resolved'")
            try db.create(index: "alert_patient_time", on: "alert", columns: ["patientID", "raisedAt"])
            try db.create(table: "alertEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("alertID", .integer).notNull().references("alert", onDelete: .cascade)
                t.column("at", .integer).notNull()
                t.column("event", .jsonText).notNull()
            }
            try db.create(index: "alertEvent_alert", on: "alertEvent", columns: ["alertID", "at"])
        }
        migrator.registerMigration("v2: device decode-error counts") { db in
            try db.alter(table: "device") { t in
                t.add(column: "rejectedMessages", .integer)
                t.add(column: "discardedBytes", .integer)
            }
        }
        migrator.registerMigration("v3: gateway configuration") { db in
            // The hub's settings for the gateway (published retained on its config topic), their version, and
            // the version the agent last reported having applied.
            try db.alter(table: "gateway") { t in
                t.add(column: "configVersion", .integer).notNull().defaults(to: 0)
                t.add(column: "statusIntervalSeconds", .integer)
                t.add(column: "resendAfterSeconds", .integer)
                t.add(column: "appliedConfigVersion", .integer)
            }
        }
        migrator.registerMigration("v4: configuration epoch") { db in
            // This database's identity in gateway configurations: versions restart at 1 in a new database, and an
            // agent must not take a new version 3 for the old one it applied.
            try db.create(table: "hubSetting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.execute(sql: "INSERT INTO hubSetting (key, value) VALUES ('configurationEpoch', lower(hex(randomblob(8))))")
            try db.alter(table: "gateway") { t in t.add(column: "appliedConfigEpoch", .text) }
        }
        migrator.registerMigration("v5: accounts, sessions, care teams, audit") { db in
            // Minimal demographics, and what NEWS2 needs to score this patient (RCP 2017: SpO2 scale 2 for
            // hypercapnic respiratory failure; supplemental oxygen scores 2).
            try db.alter(table: "patient") { t in
                t.add(column: "yearOfBirth", .integer)
                t.add(column: "conditions", .jsonText).notNull().defaults(to: "[]")
                t.add(column: "spo2Scale", .integer).notNull().defaults(to: 1)
                t.add(column: "onOxygen", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("username", .text).notNull().unique().collate(.nocase)
                t.column("displayName", .text).notNull()
                t.column("role", .text).notNull()
                // A caregiver's title or specialisation ("Registered nurse", "Cardiologist").
                t.column("title", .text)
                // A patient account's patient record; at most one account per patient.
                t.column("patientID", .integer).unique().references("patient", onDelete: .restrict)
                t.column("passwordHash", .text).notNull()
                t.column("passwordChangedAt", .integer).notNull()
                t.column("active", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .integer).notNull()
                t.column("deactivatedAt", .integer)
                // Consecutive failed logins, and the lock they caused (ms since 1970).
                t.column("failedLogins", .integer).notNull().defaults(to: 0)
                t.column("lockedUntil", .integer)
            }
            // A login: the family of refresh tokens rotated from it. Revoking it ends every token of the family.
            try db.create(table: "session") { t in
                t.primaryKey("id", .text)
                t.column("accountID", .integer).notNull().references("account", onDelete: .cascade)
                t.column("createdAt", .integer).notNull()
                t.column("lastActiveAt", .integer).notNull()
                t.column("address", .text)
                t.column("revokedAt", .integer)
                t.column("revokedReason", .text)
            }
            try db.create(index: "session_account", on: "session", columns: ["accountID"])
            // Refresh tokens by their SHA-256: the token itself is never stored. A rotated token stays, marked, so
            // its reuse is recognised (and revokes the session).
            try db.create(table: "refreshToken") { t in
                t.primaryKey("hash", .text)
                t.column("sessionID", .text).notNull().references("session", onDelete: .cascade)
                t.column("issuedAt", .integer).notNull()
                t.column("expiresAt", .integer).notNull()
                t.column("rotatedAt", .integer)
            }
            try db.create(index: "refreshToken_session", on: "refreshToken", columns: ["sessionID"])
            // Which caregivers look after which patients, with history: `until` is null while current.
            try db.create(table: "careTeamMembership") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("patientID", .integer).notNull().references("patient", onDelete: .restrict)
                t.column("caregiverID", .integer).notNull().references("account", onDelete: .restrict)
                t.column("since", .integer).notNull()
                t.column("until", .integer)
            }
            try db.execute(sql: "CREATE UNIQUE INDEX careTeam_current ON careTeamMembership(patientID, caregiverID) WHERE until IS NULL")
            try db.create(index: "careTeam_caregiver", on: "careTeamMembership", columns: ["caregiverID", "until"])
            // Who read or changed what, of which patient, when and from where. Each entry's hash covers the previous
            // entry's hash and its own fields, so an edited, removed or inserted entry breaks the chain; triggers
            // refuse updates and deletes outright.
            try db.create(table: "auditEntry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .integer).notNull()
                t.column("actorID", .integer)
                t.column("actorRole", .text)
                t.column("action", .text).notNull()
                t.column("patientID", .integer)
                t.column("resource", .text).notNull()
                t.column("address", .text)
                t.column("previousHash", .text).notNull()
                t.column("hash", .text).notNull()
            }
            try db.create(index: "auditEntry_patient", on: "auditEntry", columns: ["patientID", "id"])
            try db.create(index: "auditEntry_actor", on: "auditEntry", columns: ["actorID", "id"])
            try db.execute(sql: """
                CREATE TRIGGER auditEntry_noUpdate BEFORE UPDATE ON auditEntry BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER auditEntry_noDelete BEFORE DELETE ON auditEntry BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        migrator.registerMigration("v6: alert assignment and actors, NEWS2 consciousness") { db in
            // The caregiver (or technician) an alert is assigned to, if any.
            try db.alter(table: "alert") { t in t.add(column: "assigneeID", .integer).references("account", onDelete: .restrict) }
            try db.create(index: "alert_category_id", on: "alert", columns: ["category", "id"])
            // The account behind a person's event (acknowledged, resolved, snoozed, assigned); null for the data's.
            try db.alter(table: "alertEvent") { t in t.add(column: "actorID", .integer) }
            // The ACVPU level a caregiver last recorded (NEWS2 leaves it unscored while null).
            try db.alter(table: "patient") { t in t.add(column: "consciousness", .text) }
        }
        migrator.registerMigration("v7: reading rollups and latest readings") { db in
            // Usable readings summarised per patient, vital and minute (resolution 60) or quarter hour (900):
            // charts over long spans read these instead of every reading. `bucketStart` is ms since 1970.
            try db.execute(sql: """
                CREATE TABLE readingRollup (
                  patientID INTEGER NOT NULL, kind INTEGER NOT NULL, resolution INTEGER NOT NULL, bucketStart INTEGER NOT NULL,
                  count INTEGER NOT NULL, total REAL NOT NULL, minimum REAL NOT NULL, maximum REAL NOT NULL,
                  PRIMARY KEY (patientID, kind, resolution, bucketStart)
                ) WITHOUT ROWID;
                CREATE TABLE latestReading (
                  patientID INTEGER NOT NULL, kind INTEGER NOT NULL, deviceID INTEGER NOT NULL, seq INTEGER NOT NULL,
                  value REAL NOT NULL, measuredAt INTEGER NOT NULL, flags INTEGER NOT NULL,
                  PRIMARY KEY (patientID, kind)
                ) WITHOUT ROWID;
                """)
            let patients = try Int64.fetchAll(db, sql: "SELECT id FROM patient")
            try ReadingSummaries.rebuild(db, patients: patients, since: 0)
        }
        migrator.registerMigration("v8: device and gateway status history") { db in
            // A device's status when it changed: the link, the battery, the firmware, or the signal by 5 dB or more.
            try db.create(table: "deviceStatusEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("deviceID", .integer).notNull().references("device", onDelete: .cascade)
                t.column("at", .integer).notNull()
                t.column("connected", .boolean)
                t.column("batteryPercent", .integer)
                t.column("rssiDBm", .integer)
                t.column("firmware", .text)
            }
            try db.create(index: "deviceStatusEvent_device", on: "deviceStatusEvent", columns: ["deviceID", "at"])
            // A gateway going online or offline (its retained status or last will).
            try db.create(table: "gatewayStatusEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("gatewayID", .text).notNull().references("gateway", onDelete: .cascade)
                t.column("at", .integer).notNull()
                t.column("online", .boolean).notNull()
                t.column("version", .text)
            }
            try db.create(index: "gatewayStatusEvent_gateway", on: "gatewayStatusEvent", columns: ["gatewayID", "at"])
        }
        migrator.registerMigration("v9: gateway credentials issued") { db in
            // When the hub last issued the gateway's MQTT credentials (the broker keeps them; the hub keeps no password).
            try db.alter(table: "gateway") { t in t.add(column: "credentialsIssuedAt", .integer) }
        }
        migrator.registerMigration("v10: availability, appointments and calendar feeds") { db in
            // A caregiver's or technician's working hours: Scheduling's availability document, as JSON.
            try db.create(table: "availability") { t in
                t.primaryKey("accountID", .integer).references("account", onDelete: .cascade)
                t.column("document", .text).notNull()
                t.column("updatedAt", .integer).notNull()
            }
            try db.create(table: "timeOff") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("accountID", .integer).notNull().references("account", onDelete: .cascade)
                t.column("startsAt", .integer).notNull()
                t.column("endsAt", .integer).notNull()
                t.column("reason", .text)
                t.column("createdAt", .integer).notNull()
            }
            try db.create(index: "timeOff_account", on: "timeOff", columns: ["accountID", "endsAt"])
            // `revision` counts reschedules (a calendar's SEQUENCE); `room` is a video consultation's, unguessable.
            try db.create(table: "appointment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("patientID", .integer).notNull().references("patient", onDelete: .restrict)
                t.column("staffID", .integer).notNull().references("account", onDelete: .restrict)
                t.column("type", .text).notNull()
                t.column("status", .text).notNull()
                t.column("startsAt", .integer).notNull()
                t.column("endsAt", .integer).notNull()
                t.column("note", .text)
                t.column("room", .text)
                t.column("revision", .integer).notNull().defaults(to: 0)
                t.column("bookedBy", .integer).notNull().references("account", onDelete: .restrict)
                t.column("createdAt", .integer).notNull()
                t.column("updatedAt", .integer).notNull()
            }
            try db.create(index: "appointment_staff", on: "appointment", columns: ["staffID", "startsAt"])
            try db.create(index: "appointment_patient", on: "appointment", columns: ["patientID", "startsAt"])
            try db.create(index: "appointment_room", on: "appointment", columns: ["room"], options: .unique, condition: Column("room") != nil)
            // Every change to an appointment, with who made it and the times and status after it.
            try db.create(table: "appointmentEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("appointmentID", .integer).notNull().references("appointment", onDelete: .cascade)
                t.column("at", .integer).notNull()
                t.column("actorID", .integer)
                t.column("action", .text).notNull()
                t.column("status", .text).notNull()
                t.column("startsAt", .integer).notNull()
                t.column("endsAt", .integer).notNull()
                t.column("reason", .text)
            }
            try db.create(index: "appointmentEvent_appointment", on: "appointmentEvent", columns: ["appointmentID", "id"])
            // A person's iCalendar feed: only the token's SHA-256 is kept, so the database cannot give the URL away.
            try db.create(table: "calendarFeed") { t in
                t.primaryKey("accountID", .integer).references("account", onDelete: .cascade)
                t.column("tokenHash", .text).notNull().unique()
                t.column("createdAt", .integer).notNull()
            }
        }
        migrator.registerMigration("v11: notifications") { db in
            // Which tiers an alert event notifies (0 for a raised alert, the tier reached for an escalation); null:
            // the event needs nobody's attention.
            try db.alter(table: "alertEvent") { t in t.add(column: "notifyTier", .integer) }
            // Alert events before this migration were announced, if at all, before notifications existed.
            try db.execute(sql: "INSERT INTO hubSetting (key, value) SELECT 'notifications.alertEventCursor', COALESCE(MAX(id), 0) FROM alertEvent")
            try db.execute(sql: "INSERT INTO hubSetting (key, value) SELECT 'notifications.appointmentEventCursor', COALESCE(MAX(id), 0) FROM appointmentEvent")
            // A person's inbox: one row per recipient. `tier` is the escalation tier that reached them.
            try db.create(table: "notification") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("accountID", .integer).notNull().references("account", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("priority", .text)
                t.column("title", .text).notNull()
                t.column("body", .text).notNull()
                t.column("alertID", .integer).references("alert", onDelete: .cascade)
                t.column("appointmentID", .integer).references("appointment", onDelete: .cascade)
                t.column("tier", .integer)
                t.column("createdAt", .integer).notNull()
                t.column("readAt", .integer)
            }
            try db.create(index: "notification_account", on: "notification", columns: ["accountID", "id"])
            // Where and when a person is reached outside the console: an email address, a webhook (its secret signs
            // each delivery), quiet hours in their time zone, and which kinds go to which channel.
            try db.create(table: "notificationSettings") { t in
                t.primaryKey("accountID", .integer).references("account", onDelete: .cascade)
                t.column("email", .text)
                t.column("webhookURL", .text)
                t.column("webhookSecret", .text)
                t.column("quietStart", .text)
                t.column("quietEnd", .text)
                t.column("timeZone", .text)
                t.column("preferences", .text).notNull()
                t.column("updatedAt", .integer).notNull()
            }
            // Each notification's delivery by email or webhook: attempts, the last error, when it is tried next.
            try db.create(table: "delivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("notificationID", .integer).notNull().references("notification", onDelete: .cascade)
                t.column("channel", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .integer)
                t.column("lastAttemptAt", .integer)
                t.column("lastError", .text)
                t.column("deliveredAt", .integer)
                t.column("createdAt", .integer).notNull()
            }
            try db.create(index: "delivery_due", on: "delivery", columns: ["status", "nextAttemptAt"])
            try db.create(index: "delivery_notification", on: "delivery", columns: ["notificationID"])
            // Reminders sent, so each is sent once per time the appointment has (`revision` counts its reschedules):
            // `lead` is seconds before the start.
            try db.create(table: "appointmentReminder") { t in
                t.column("appointmentID", .integer).notNull().references("appointment", onDelete: .cascade)
                t.column("revision", .integer).notNull()
                t.column("lead", .integer).notNull()
                t.column("sentAt", .integer).notNull()
                t.primaryKey(["appointmentID", "revision", "lead"])
            }
        }
        migrator.registerMigration("v12: chat") { db in
            try db.create(table: "conversation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.column("title", .text).notNull()
                t.column("patientID", .integer).references("patient", onDelete: .restrict)
                t.column("deviceID", .text)
                t.column("alertID", .integer).references("alert", onDelete: .setNull)
                t.column("createdBy", .integer).notNull().references("account", onDelete: .restrict)
                t.column("createdAt", .integer).notNull()
                t.column("lastMessageAt", .integer)
            }
            try db.create(index: "conversation_patient", on: "conversation", columns: ["patientID"])
            try db.create(index: "conversation_device", on: "conversation", columns: ["deviceID"])
            try db.create(index: "conversation_alert", on: "conversation", columns: ["alertID"])
            // A deleted message keeps its row (body emptied); edits and deletions keep the earlier text in messageRevision.
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("conversationID", .integer).notNull().references("conversation", onDelete: .restrict)
                t.column("senderID", .integer).notNull().references("account", onDelete: .restrict)
                t.column("body", .text).notNull()
                t.column("createdAt", .integer).notNull()
                t.column("editedAt", .integer)
                t.column("deletedAt", .integer)
            }
            try db.create(index: "message_conversation", on: "message", columns: ["conversationID", "id"])
            try db.create(table: "messageRevision") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("messageID", .integer).notNull().references("message", onDelete: .restrict)
                t.column("action", .text).notNull()
                t.column("previousBody", .text).notNull()
                t.column("actorID", .integer).notNull()
                t.column("at", .integer).notNull()
            }
            try db.create(index: "messageRevision_message", on: "messageRevision", columns: ["messageID"])
            try db.execute(sql: """
                CREATE TRIGGER messageRevision_noUpdate BEFORE UPDATE ON messageRevision BEGIN SELECT RAISE(ABORT, 'message revisions are kept as written'); END;
                CREATE TRIGGER messageRevision_noDelete BEFORE DELETE ON messageRevision BEGIN SELECT RAISE(ABORT, 'message revisions are kept as written'); END;
                """)
            try db.create(table: "readReceipt") { t in
                t.column("conversationID", .integer).notNull().references("conversation", onDelete: .cascade)
                t.column("accountID", .integer).notNull().references("account", onDelete: .cascade)
                t.column("lastReadMessageID", .integer).notNull()
                t.column("readAt", .integer).notNull()
                t.primaryKey(["conversationID", "accountID"])
            }
        }
        migrator.registerMigration("v13: refresh token successors") { db in
            // The token an exchange gave, so a client whose answer was lost may ask again once (see
            // rotateRefreshToken); NULL for a token made dead by such a retry, which never qualifies itself.
            try db.alter(table: "refreshToken") { t in t.add(column: "replacedBy", .text) }
        }
        return migrator
    }
}
