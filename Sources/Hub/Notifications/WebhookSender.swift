import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Webhook deliveries: a JSON POST signed with the recipient's secret, so the receiver can tell the hub sent it and
/// that it was not replayed later.
///
/// Headers: `X-SilverWatch-Delivery` (the delivery's id, the same on every retry, for deduplication),
/// `X-SilverWatch-Timestamp` (Unix seconds of this attempt) and `X-SilverWatch-Signature`: `sha256=` and the hex
/// HMAC-SHA256 of `"<timestamp>.<body>"` under the secret.
enum WebhookSender {
    static let timeout: TimeAmount = .seconds(10)

    /// The signature header's value for `body` sent at `timestamp`.
    static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// POSTs `body` to `url`; returns when the receiver answered 2xx. A 4xx other than 408 and 429 is permanent.
    static func send(_ body: [UInt8], to url: String, secret: String, deliveryID: Int64, at time: Date) async throws {
        let timestamp = Int64(time.timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "SilverWatch-Hub")
        request.headers.add(name: "X-SilverWatch-Delivery", value: String(deliveryID))
        request.headers.add(name: "X-SilverWatch-Timestamp", value: String(timestamp))
        request.headers.add(name: "X-SilverWatch-Signature", value: signature(secret: secret, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw WebhookError(description: "could not reach \(url): \(error)", permanent: false)
        }
        _ = try? await response.body.collect(upTo: 65_536)
        guard (200..<300).contains(response.status.code) else {
            let code = Int(response.status.code)
            throw WebhookError(description: "the receiver answered \(code)", permanent: (400..<500).contains(code) && code != 408 && code != 429)
        }
    }
}

/// A webhook attempt that failed; `permanent` when retrying cannot help.
struct WebhookError: Error, CustomStringConvertible {
    var description: String
    var permanent: Bool
}
