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

    /// Parses and validates `message` against `topics`.
    static func parse(_ message: MQTTMessage, topics: TopicTree) -> IncomingMessage {
        let route: TopicTree.Route
        do {
            route = try topics.route(of: message.topic)
        } catch {
            return .rejected(gatewayID: nil, deviceID: nil, sequences: [], error: error)
        }
        switch route {
        case .readings(let gateway, let device):
            do {
                let batch = try PayloadCodec.decodeReadingBatch(from: message.payload)
                do {
                    let accepted = try batch.validated(gateway: gateway, device: device)
                    return .readings(IncomingReadings(gatewayID: gateway, deviceID: device, readings: accepted))
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
