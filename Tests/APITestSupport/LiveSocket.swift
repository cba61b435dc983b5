import Foundation
import Synchronization
import HummingbirdWebSocket
import Testing

/// A live socket as a test reads it: JSON messages, one at a time.
public struct LiveSocket {
    var iterator: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    public init(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) {
        iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
        self.outbound = outbound
    }

    public func hello(token: String, cursor: String? = nil) async throws {
        let cursorField = cursor.map { #", "cursor": "\#($0)""# } ?? ""
        try await outbound.write(.text(#"{"type": "hello", "token": "\#(token)"\#(cursorField)}"#))
    }

    /// The next message, or nil when the socket closed.
    public mutating func next() async throws -> [String: Any]? {
        while let message = try await iterator.next() {
            if case .text(let text) = message, let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] { return json }
        }
        return nil
    }

    /// Messages up to and including the first one of `type`.
    public mutating func until(_ type: String) async throws -> [[String: Any]] {
        var messages: [[String: Any]] = []
        while let message = try await next() {
            messages.append(message)
            if message["type"] as? String == type { return messages }
        }
        Issue.record("the socket closed before a \(type) message; got \(messages)")
        return messages
    }

    /// Alert messages until `count` distinct alerts (or more) have been seen, within the server's poll times.
    public mutating func alerts(atLeast count: Int) async throws -> [[String: Any]] {
        var alerts: [[String: Any]] = []
        while Set(alerts.compactMap { ($0["alert"] as? [String: Any])?["id"] as? Int64 }).count < count, let message = try await next() {
            if message["type"] as? String == "alert" { alerts.append(message) }
        }
        return alerts
    }
}

public func alertIDs(_ messages: [[String: Any]]) -> Set<Int64> {
    Set(messages.filter { $0["type"] as? String == "alert" }.compactMap { ($0["alert"] as? [String: Any])?["id"] as? Int64 })
}

/// A value a socket handler hands back to the test.
public final class Box<Value: Sendable>: Sendable {
    private let stored: Mutex<Value>
    public init(_ value: Value) { stored = Mutex(value) }
    public var value: Value {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
