import Foundation
import Hub
import Telemetry
import Vitals

/// 2025-11-21 05:00:00 UTC.
let origin = Date(timeIntervalSince1970: 1_763_701_200)

func at(_ seconds: Double) -> Date { origin.addingTimeInterval(seconds) }

/// A database in a fresh temporary file (WAL needs a file), removed when the value is released.
final class TemporaryDatabase: Sendable {
    let directory: URL
    let database: AppDatabase

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("silverwatch-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try AppDatabase.open(path: directory.appendingPathComponent("hub.sqlite").path)
    }

    var path: String { directory.appendingPathComponent("hub.sqlite").path }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// A validated batch of one reading per second of `kind` from `device`, sequence numbers from `firstSeq`.
func batch(gateway: String = "gw-1", device: String = "oxi-1", kind: VitalKind = .oxygenSaturation, values: [Double],
           firstSeq: UInt64 = 1, start: Double = 0) throws -> IncomingReadings {
    let entries = values.enumerated().map { index, value in
        ReadingBatch.entry(Reading(kind: kind, value: value, measuredAt: at(start + Double(index))),
                           seq: firstSeq + UInt64(index), receivedAt: at(start + Double(index) + 0.05))
    }
    let batch = ReadingBatch(gateway: gateway, device: device, readings: entries)
    return IncomingReadings(gatewayID: gateway, deviceID: device, readings: try batch.validated(gateway: gateway, device: device),
                            topic: TopicTree().topic(.readings(gateway: gateway, device: device)), payload: PayloadCodec.encode(batch))
}
