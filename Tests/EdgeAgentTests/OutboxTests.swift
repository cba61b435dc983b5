import EdgeAgent
import Foundation
import Telemetry
import Testing

let t0: Int64 = 1_763_701_200_000

final class TemporaryDirectory: Sendable {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("silverwatch-agent-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    var outboxPath: String { url.appendingPathComponent("outbox.sqlite").path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

func entries(_ values: [Double], kind: String = "spo2", unit: String = "%", start: Int64 = t0) -> [ReadingBatch.Entry] {
    values.enumerated().map { index, value in
        ReadingBatch.Entry(seq: 0, kind: kind, value: value, unit: unit, measuredAt: start + Int64(index) * 1000, receivedAt: start + Int64(index) * 1000 + 30)
    }
}

@Suite struct OutboxTests {
    @Test func readingsAreNumberedPerDeviceAndTheNumbersSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        do {
            let outbox = try Outbox(path: directory.outboxPath)
            #expect(try await outbox.append(device: "oxi-1", entries: entries([97, 96])).map(\.seq) == [1, 2])
            #expect(try await outbox.append(device: "hr-1", entries: entries([70], kind: "heart-rate", unit: "/min")).map(\.seq) == [1])
            try await outbox.acknowledge(device: "oxi-1", committed: SequenceRanges([1, 2]))
        }
        let reopened = try Outbox(path: directory.outboxPath)
        #expect(try await reopened.append(device: "oxi-1", entries: entries([95])).map(\.seq) == [3], "acknowledged numbers are never reused")
        #expect(await reopened.depth == 2)
    }

    @Test func unsentReadingsComeOutOldestFirstGroupedByDeviceWithTheirValues() async throws {
        let directory = try TemporaryDirectory()
        let outbox = try Outbox(path: directory.outboxPath)
        try await outbox.append(device: "oxi-1", entries: entries([97, 96]))
        try await outbox.append(device: "hr-1", entries: entries([70], kind: "heart-rate", unit: "/min"))
        try await outbox.append(device: "oxi-1", entries: entries([95], start: t0 + 5000))
        let batches = try await outbox.nextToSend(limit: 10, now: t0 + 10_000)
        #expect(batches.map(\.device) == ["oxi-1", "hr-1"])
        #expect(batches[0].entries.map(\.seq) == [1, 2, 3])
        #expect(batches[0].entries.map(\.value) == [97, 96, 95])
        #expect(batches[0].entries[2].measuredAt == t0 + 5000)
        #expect(batches[1].entries.map(\.kind) == ["heart-rate"])
    }

    @Test func sentReadingsAreOfferedAgainOnlyAfterTheResendTimeOrAReconnect() async throws {
        let directory = try TemporaryDirectory()
        let outbox = try Outbox(path: directory.outboxPath, resendAfter: .seconds(30))
        try await outbox.append(device: "oxi-1", entries: entries([97, 96, 95]))
        #expect(try await outbox.nextToSend(limit: 2, now: t0).first?.entries.map(\.seq) == [1, 2])
        #expect(try await outbox.nextToSend(limit: 10, now: t0 + 1000).first?.entries.map(\.seq) == [3])
        #expect(try await outbox.nextToSend(limit: 10, now: t0 + 29_000).isEmpty)
        #expect(try await outbox.nextToSend(limit: 10, now: t0 + 30_000).first?.entries.map(\.seq) == [1, 2])
        try await outbox.resendAll()
        #expect(try await outbox.nextToSend(limit: 10, now: t0 + 30_500).first?.entries.map(\.seq) == [1, 2, 3])
    }

    @Test func acknowledgedReadingsAreDeletedAndNothingElse() async throws {
        let directory = try TemporaryDirectory()
        let outbox = try Outbox(path: directory.outboxPath)
        try await outbox.append(device: "oxi-1", entries: entries(Array(repeating: 97, count: 10)))
        try await outbox.append(device: "hr-1", entries: entries([70, 71], kind: "heart-rate", unit: "/min"))
        try await outbox.acknowledge(device: "oxi-1", committed: SequenceRanges([1, 2, 3, 7, 8, 99]))
        #expect(await outbox.depth == 7)
        let remaining = try await outbox.nextToSend(limit: 100, now: t0)
        #expect(remaining.first { $0.device == "oxi-1" }?.entries.map(\.seq) == [4, 5, 6, 9, 10])
        #expect(remaining.first { $0.device == "hr-1" }?.entries.map(\.seq) == [1, 2], "another device's same numbers are untouched")
    }

    @Test func aFullOutboxDropsTheOldestAndCountsThemAcrossRestarts() async throws {
        let directory = try TemporaryDirectory()
        do {
            let outbox = try Outbox(path: directory.outboxPath, capacity: 5)
            try await outbox.append(device: "oxi-1", entries: entries(Array(repeating: 97, count: 4)))
            try await outbox.append(device: "hr-1", entries: entries([70, 71, 72], kind: "heart-rate", unit: "/min"))
            #expect(await outbox.depth == 5)
            #expect(try await outbox.dropped == 2)
        }
        let reopened = try Outbox(path: directory.outboxPath, capacity: 5)
        #expect(try await reopened.dropped == 2)
        let remaining = try await reopened.nextToSend(limit: 10, now: t0)
        #expect(remaining.map(\.device) == ["oxi-1", "hr-1"])
        #expect(remaining[0].entries.map(\.seq) == [3, 4], "the two oldest went")
    }

    @Test func anOutboxInAMissingDirectoryIsATypedError() {
        #expect(throws: SQLiteError.self) { try Outbox(path: "/nonexistent-dir/outbox.sqlite") }
    }
}
