import Foundation
import MQTT
import Telemetry

/// One MQTT message, understood: what the hub does with it.
enum IncomingMessage: Sendable {
    case readings(IncomingReadings)
    case gatewayStatus(GatewayStatus)
    case deviceStatus(DeviceStatus, gatewayID: String)
    /// A message the hub cannot accept, with the sequence numbers it carried when they could be read (so the
    /// gateway can be told the hub took responsibility for them, in the dead-letter table).
    case rejected(gatewayID: String?, deviceID: String?, sequences: [UInt64], error: PayloadError)

    /// Parses and validates `message`, whose topic has been routed already (see ``RouteCache``).
    static func parse(_ message: MQTTMessage, route routing: Result<TopicTree.Route, PayloadError>) -> IncomingMessage {
        let route: TopicTree.Route
        switch routing {
        case .success(let found): route = found
        case .failure(let error): return .rejected(gatewayID: nil, deviceID: nil, sequences: [], error: error)
        }
        switch route {
        case .readings(let gateway, let device):
            do {
                let batch = try PayloadCodec.decodeReadingBatch(from: message.payload)
                do {
                    let accepted = try batch.validated(gateway: gateway, device: device)
                    return .readings(IncomingReadings(gatewayID: gateway, deviceID: device, readings: accepted, topic: message.topic, payload: message.payload))
                } catch {
                    let sequences = batch.readings.compactMap { $0.seq >= 0 ? UInt64($0.seq) : nil }
                    return .rejected(gatewayID: gateway, deviceID: device, sequences: sequences, error: error)
                }
            } catch {
                return .rejected(gatewayID: gateway, deviceID: device, sequences: [], error: error)
            }
        case .gatewayStatus(let gateway):
            do {
                return .gatewayStatus(try PayloadCodec.decode(GatewayStatus.self, from: message.payload).validated(gateway: gateway))
            } catch {
                return .rejected(gatewayID: gateway, deviceID: nil, sequences: [], error: error)
            }
        case .deviceStatus(let gateway, let device):
            do {
                return .deviceStatus(try PayloadCodec.decode(DeviceStatus.self, from: message.payload).validated(device: device), gatewayID: gateway)
            } catch {
                return .rejected(gatewayID: gateway, deviceID: device, sequences: [], error: error)
            }
        case .acknowledgements(let gateway), .configuration(let gateway):
            let error = PayloadError(field: "topic", reason: "\(message.topic) is written by the hub, not read by it")
            return .rejected(gatewayID: gateway, deviceID: nil, sequences: [], error: error)
        }
    }
}

/// The routes of topics seen before: a busy hub receives the same few topics per device over and over, and parsing
/// each one anew was a noticeable share of its work. Owned by the one task that reads messages; forgets everything
/// when it holds `limit` topics (ids come and go).
struct RouteCache {
    private var routes: [String: Result<TopicTree.Route, PayloadError>] = [:]
    let topics: TopicTree
    let limit: Int

    init(topics: TopicTree, limit: Int = 100_000) {
        self.topics = topics
        self.limit = limit
    }

    mutating func route(of topic: String) -> Result<TopicTree.Route, PayloadError> {
        if let known = routes[topic] { return known }
        let routing = Result { () throws(PayloadError) in try topics.route(of: topic) }
        if routes.count >= limit { routes.removeAll(keepingCapacity: true) }
        routes[topic] = routing
        return routing
    }
}
