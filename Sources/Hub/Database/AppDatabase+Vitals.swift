import Foundation
import GRDB
import Vitals

/// The latest usable reading of one vital of a patient.
public struct LatestReading: Sendable, Hashable {
    public var patientID: Int64
    public var reading: Reading
}

/// One bucket of a downsampled history: the usable readings measured in [start, start + bucket).
public struct HistoryBucket: Sendable, Hashable {
    public var start: Date
    public var count: Int
    public var minimum: Double
    public var average: Double
    public var maximum: Double
}

/// A downsampled history and how it was made.
public struct VitalHistory: Sendable, Hashable {
    /// The width of each bucket; buckets start at multiples of it since 1970.
    public var bucket: Duration
    /// The resolution the buckets were built from: 0 for the readings themselves, else a rollup's (60 s, 900 s).
    public var sourceResolutionSeconds: Int
    /// The buckets that hold readings, oldest first (empty buckets are left out).
    public var buckets: [HistoryBucket]
}

/// Readings summarised as they are stored, so a chart of a month at one reading per second reads a few thousand rows,
/// not millions, and a patient's latest values are one row per vital.
///
/// Only usable readings count (``Reading/isUsable``: plausible, not flagged by the device), as for alerting: an
/// artifact must not draw a spike on a chart or show as the latest value.
enum ReadingSummaries {
    /// The rollup resolutions kept, in seconds.
    static let resolutions = [60, 900]

    /// SQL true for a usable reading row (columns `kind`, `value`, `flags`): the same test as ``Reading/isUsable``.
    static let usableSQL: String = {
        let ranges = VitalKind.allCases.map { kind in
            "WHEN \(kind.storageCode) THEN value BETWEEN \(kind.plausibleRange.lowerBound) AND \(kind.plausibleRange.upperBound)"
        }.joined(separator: " ")
        return "((flags & \(DeviceQualityFlags.untrustworthy.rawValue)) = 0 AND CASE kind \(ranges) ELSE 0 END)"
    }()

    /// What one commit adds to the summaries, gathered in memory and written once per bucket and vital.
    struct Pending {
        struct Bucket {
            var count = 0, total = 0.0, minimum = Double.infinity, maximum = -Double.infinity

            mutating func add(_ value: Double) {
                count += 1
                total += value
                minimum = min(minimum, value)
                maximum = max(maximum, value)
            }
        }
        struct Key: Hashable { var patientID: Int64; var kind: Int; var resolution: Int; var start: Int64 }
        struct Latest { var deviceID: Int64; var seq: Int64; var value: Double; var measuredAt: Int64; var flags: Int }

        var buckets: [Key: Bucket] = [:]
        var latest: [PatientKind: Latest] = [:]

        struct PatientKind: Hashable { var patientID: Int64; var kind: Int }

        mutating func add(_ reading: Reading, patientID: Int64, deviceID: Int64, seq: Int64) {
            guard reading.isUsable else { return }
            let measuredAt = reading.measuredAt.millisecondsSince1970
            let kind = reading.kind.storageCode
            for resolution in ReadingSummaries.resolutions {
                let width = Int64(resolution) * 1000
                let start = measuredAt - ((measuredAt % width) + width) % width
                buckets[Key(patientID: patientID, kind: kind, resolution: resolution, start: start), default: Bucket()].add(reading.value)
            }
            let key = PatientKind(patientID: patientID, kind: kind)
            if (latest[key]?.measuredAt ?? .min) < measuredAt {
                latest[key] = Latest(deviceID: deviceID, seq: seq, value: reading.value, measuredAt: measuredAt, flags: Int(reading.deviceFlags.rawValue))
            }
        }

        func write(_ db: Database) throws {
            let rollup = try db.cachedStatement(sql: """
                INSERT INTO readingRollup (patientID, kind, resolution, bucketStart, count, total, minimum, maximum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET count = count + excluded.count, total = total + excluded.total,
                  minimum = MIN(minimum, excluded.minimum), maximum = MAX(maximum, excluded.maximum)
                """)
            for (key, bucket) in buckets {
                try rollup.execute(arguments: [key.patientID, key.kind, key.resolution, key.start, bucket.count, bucket.total, bucket.minimum, bucket.maximum])
            }
            let latestStatement = try db.cachedStatement(sql: """
                INSERT INTO latestReading (patientID, kind, deviceID, seq, value, measuredAt, flags) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET deviceID = excluded.deviceID, seq = excluded.seq, value = excluded.value,
                  measuredAt = excluded.measuredAt, flags = excluded.flags
                WHERE excluded.measuredAt > latestReading.measuredAt
                """)
            for (key, latest) in latest {
                try latestStatement.execute(arguments: [key.patientID, key.kind, latest.deviceID, latest.seq, latest.value, latest.measuredAt, latest.flags])
            }
        }
    }

    /// Builds the summaries of `patients` again from their readings measured from `since` (ms) on: after readings
    /// changed hands (a device assigned to another patient from a past time).
    static func rebuild(_ db: Database, patients: [Int64], since: Int64) throws {
        guard !patients.isEmpty else { return }
        let list = patients.map(String.init).joined(separator: ",")
        let widest = Int64(resolutions.max() ?? 60) * 1000
        let from = since - ((since % widest) + widest) % widest
        try db.execute(sql: "DELETE FROM readingRollup WHERE patientID IN (\(list)) AND bucketStart >= ?", arguments: [from])
        for resolution in resolutions {
            let width = resolution * 1000
            try db.execute(sql: """
                INSERT INTO readingRollup (patientID, kind, resolution, bucketStart, count, total, minimum, maximum)
                SELECT patientID, kind, \(resolution), measuredAt - (measuredAt % \(width)), COUNT(*), SUM(value), MIN(value), MAX(value)
                FROM reading WHERE patientID IN (\(list)) AND measuredAt >= ? AND \(usableSQL)
                GROUP BY patientID, kind, measuredAt - (measuredAt % \(width))
                """, arguments: [from])
        }
        try db.execute(sql: "DELETE FROM latestReading WHERE patientID IN (\(list))")
        // Per patient and kind, newest first down the (patient, kind, time) index: a patient with months of 1 Hz
        // readings is not scanned whole when one of their devices is reassigned.
        let latest = try db.cachedStatement(sql: """
            INSERT INTO latestReading (patientID, kind, deviceID, seq, value, measuredAt, flags)
            SELECT patientID, kind, deviceID, seq, value, measuredAt, flags FROM reading
            WHERE patientID = ? AND kind = ? AND \(usableSQL) ORDER BY measuredAt DESC LIMIT 1
            """)
        for patient in patients {
            for kind in VitalKind.allCases { try latest.execute(arguments: [patient, kind.storageCode]) }
        }
    }
}

extension AppDatabase {
    /// The latest usable reading of each vital of each patient in `patientIDs`.
    public func latestReadings(patientIDs: [Int64]) async throws -> [Int64: [Reading]] {
        guard !patientIDs.isEmpty else { return [:] }
        let list = patientIDs.map(String.init).joined(separator: ",")
        return try await writer.read { db in
            var result: [Int64: [Reading]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.patientID, l.kind, l.value, l.measuredAt, l.flags, l.seq, d.externalID FROM latestReading l JOIN device d ON d.id = l.deviceID
                WHERE l.patientID IN (\(list)) ORDER BY l.patientID, l.kind
                """)
            while let row = try rows.next() {
                guard let kind = VitalKind(storageCode: row["kind"]) else { continue }
                result[row["patientID"], default: []].append(Reading(
                    kind: kind, value: row["value"], measuredAt: Date(millisecondsSince1970: row["measuredAt"]),
                    source: ReadingSource(deviceID: row["externalID"], sequence: UInt64(clamping: row["seq"] as Int64)),
                    deviceFlags: DeviceQualityFlags(rawValue: UInt16(clamping: row["flags"] as Int))))
            }
            return result
        }
    }

    /// A patient's `kind` readings measured in [`start`, `end`) in at most `points` buckets of min/avg/max.
    ///
    /// The bucket width is the span divided by `points`, rounded up to a whole number of the coarsest rollup
    /// resolution that fits in it at least twice, so every bucket is exact (made of whole rollup rows) and a 30-day
    /// chart reads 15-minute rollups. Spans too short for the one-minute rollup read the readings themselves.
    public func history(patientID: Int64, kind: VitalKind, from start: Date, to end: Date, points: Int) async throws -> VitalHistory {
        let from = start.millisecondsSince1970
        let to = end.millisecondsSince1970
        let wanted = max(1, (to - from + Int64(points) - 1) / Int64(max(1, points)))
        let resolution = ReadingSummaries.resolutions.last { Int64($0) * 1000 * 2 <= wanted } ?? 0
        let unit = resolution > 0 ? Int64(resolution) * 1000 : 1000
        var width = max(unit, (wanted + unit - 1) / unit * unit)
        // Buckets start at multiples of the width, so the aligned span can need one more: widen until it fits.
        func bucketCount(_ width: Int64) -> Int64 {
            let first = from - ((from % width) + width) % width
            return (to - first + width - 1) / width
        }
        while bucketCount(width) > Int64(max(1, points)) { width += unit }
        let sql = resolution > 0
            ? """
                SELECT bucketStart - (bucketStart % \(width)) AS start, SUM(count) AS count, SUM(total) AS total, MIN(minimum) AS minimum,
                  MAX(maximum) AS maximum
                FROM readingRollup WHERE patientID = ? AND kind = ? AND resolution = \(resolution) AND bucketStart >= ? AND bucketStart < ?
                GROUP BY start ORDER BY start
                """
            : """
                SELECT measuredAt - (measuredAt % \(width)) AS start, COUNT(*) AS count, SUM(value) AS total, MIN(value) AS minimum,
                  MAX(value) AS maximum
                FROM reading WHERE patientID = ? AND kind = ? AND measuredAt >= ? AND measuredAt < ? AND \(ReadingSummaries.usableSQL)
                GROUP BY start ORDER BY start
                """
        // Whole buckets: the first starts at or before `start`, the last ends at or after `end`.
        let alignedFrom = from - ((from % width) + width) % width
        let alignedTo = to + (width - ((to % width) + width) % width) % width
        let buckets = try await writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [patientID, kind.storageCode, alignedFrom, alignedTo]).map { row in
                let count: Int = row["count"]
                let total: Double = row["total"]
                return HistoryBucket(start: Date(millisecondsSince1970: row["start"]), count: count, minimum: row["minimum"],
                                     average: total / Double(max(1, count)), maximum: row["maximum"])
            }
        }
        return VitalHistory(bucket: .milliseconds(width), sourceResolutionSeconds: resolution, buckets: buckets)
    }
}

/// A stored reading with what an export needs: the device's own id and the hub's number for it.
public struct ExportedReading: Sendable, Hashable {
    public var reading: Reading
    public var deviceNumber: Int64
}

extension AppDatabase {
    /// A patient's usable readings measured in [`start`, `end`), in measurement order, after `cursor` (the last
    /// reading's time, device number and sequence number), at most `limit`.
    public func exportReadings(patientID: Int64, from start: Date, to end: Date, after cursor: (Int64, Int64, Int64)?, limit: Int) async throws -> [ExportedReading] {
        let (time, device, seq) = cursor ?? (Int64.min, Int64.min, Int64.min)
        return try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.deviceID, d.externalID, r.seq, r.kind, r.value, r.measuredAt, r.flags FROM reading r JOIN device d ON d.id = r.deviceID
                WHERE r.patientID = ? AND r.measuredAt >= ? AND r.measuredAt < ? AND \(ReadingSummaries.usableSQL)
                  AND (r.measuredAt, r.deviceID, r.seq) > (?, ?, ?)
                ORDER BY r.measuredAt, r.deviceID, r.seq LIMIT ?
                """, arguments: [patientID, start.millisecondsSince1970, end.millisecondsSince1970, time, device, seq, limit]).compactMap { row in
                guard let kind = VitalKind(storageCode: row["kind"]) else { return nil }
                return ExportedReading(
                    reading: Reading(kind: kind, value: row["value"], measuredAt: Date(millisecondsSince1970: row["measuredAt"]),
                                     source: ReadingSource(deviceID: row["externalID"], sequence: UInt64(clamping: row["seq"] as Int64)),
                                     deviceFlags: DeviceQualityFlags(rawValue: UInt16(clamping: row["flags"] as Int))),
                    deviceNumber: row["deviceID"])
            }
        }
    }
}
