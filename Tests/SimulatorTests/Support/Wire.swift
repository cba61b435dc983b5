import DeviceProtocols
import Simulation

/// One message as the agent receives it: its wall time and its bytes on the wire.
struct WireValue {
    var at: Duration
    var bytes: [UInt8]

    var seconds: Double {
        let parts = at.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

extension Array where Element == DeviceMessage {
    /// The encoded values `device` sent, oldest first (power-off left out).
    func wire(_ device: SimulatedDevice) throws -> [WireValue] {
        try filter { $0.device == device }.compactMap { message in
            try message.payload.encoded().map { WireValue(at: message.at, bytes: $0) }
        }
    }

    /// Whether `device` powered off, and when.
    func powerOff(of device: SimulatedDevice) -> Duration? {
        first { $0.device == device && $0.payload == .powerOff }?.at
    }
}

extension Scenario {
    /// Advances in steps of `step` up to `end`, collecting every message: as the run loop would, in slices.
    mutating func messages(until end: Duration, step: Duration = .seconds(1)) -> [DeviceMessage] {
        var messages: [DeviceMessage] = []
        var time = Duration.zero
        while time < end {
            time = Swift.min(time + step, end)
            messages += advance(to: time)
        }
        return messages
    }
}

extension Duration {
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
