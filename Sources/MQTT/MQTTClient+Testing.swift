// Hooks for MQTTTests (`@testable import MQTT`): ways to observe and disturb a client that the public API
// deliberately does not offer.
extension MQTTClient {
    /// Cuts the TCP connection without a DISCONNECT, as a crash or a lost network would: the broker publishes the
    /// will, and the client reconnects by itself.
    func severConnectionForTesting() {
        mosquitto.severConnectionForTesting()
    }

    /// The most received messages that have waited in the buffer at once.
    var bufferHighWaterMark: Int { core.bufferHighWaterMark() }
}
