import Foundation
import Telemetry
import Vitals

/// One validated reading batch from a gateway, ready to commit.
public struct IncomingReadings: Sendable {
    public var gatewayID: String
    /// The device's identifier as the gateway names it.
    public var deviceID: String
    public var readings: [ReadingBatch.Accepted]
    /// The message as it arrived, kept for the dead-letter table should the batch be refused.
    public var topic: String
    public var payload: [UInt8]

    /// A batch of `readings` from `deviceID` on `gatewayID`, parsed from `payload` received on `topic`.
    public init(gatewayID: String, deviceID: String, readings: [ReadingBatch.Accepted], topic: String, payload: [UInt8]) {
        self.gatewayID = gatewayID
        self.deviceID = deviceID
        self.readings = readings
        self.topic = topic
        self.payload = payload
    }
}

/// A reading stored for the first time by a commit, with the patient it was attributed to.
public struct StoredReading: Sendable, Hashable {
    public var reading: Reading
    /// The patient the device was assigned to at the reading's measurement time; `nil` when it was unassigned.
    public var patientID: Int64?

    /// A stored reading attributed to `patientID`.
    public init(reading: Reading, patientID: Int64?) {
        self.reading = reading
        self.patientID = patientID
    }
}

/// What a commit did.
public struct CommitOutcome: Sendable {
    /// Per gateway, the acknowledgements to publish: every sequence number the hub now holds for each device in
    /// the commit, including those it already had (a redelivery) and those it refused into dead letters.
    public var acknowledgements: [String: [Acknowledgement]] = [:]
    /// Readings stored for the first time, in commit order, for alert evaluation; duplicates are not repeated.
    public var stored: [StoredReading] = []
    /// How many readings were already stored (redeliveries).
    public var duplicates = 0
    /// Batches refused whole, with the reason; they were written to the dead-letter table in the same transaction.
    public var refused: [(batch: IncomingReadings, error: PayloadError)] = []
}
