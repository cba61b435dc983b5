import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Webhook deliveries: a JSON POST signed with the recipient's secret, so the receiver can tell the hub sent it and
/// that it was not replayed later.
///
/// Headers: `X-SilverWatch-Delivery` (the delivery's id, the same on every retry, for deduplication),
/// `X-SilverWatch-Timestamp` (Unix seconds of this attempt) and `X-SilverWatch-Signature`: `sha256=` and the hex
/// HMAC-SHA256 of `"<timestamp>.<body>"` under the secret.
///
/// Anyone signed in may set a webhook URL, so the hub never lets one reach inside its own network: a host that is,
/// or resolves to, a loopback, private, link-local or otherwise internal address is refused unless an operator
/// allowed it (`--webhook-allow-host`), and redirects are not followed.
public enum WebhookSender {
    /// The whole exchange, connecting to reading the answer, ends within this.
    static let timeout: Duration = .seconds(15)

    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10))))

    /// The signature header's value for `body` sent at `timestamp`.
    static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// POSTs `body` to `url`; returns when the receiver answered 2xx. A 4xx other than 408 and 429 is permanent, and so
    /// is a host the hub may not reach.
    static func send(_ body: [UInt8], to url: String, secret: String, deliveryID: Int64, at time: Date, allowedHosts: Set<String>) async throws {
        guard let parsed = URL(string: url), let host = parsed.host, ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") else {
            throw WebhookError(description: "the webhook URL is not an http or https URL", permanent: true)
        }
        if !allowedHosts.contains(host.lowercased()) {
            let addresses = try await resolve(host)
            guard !addresses.isEmpty else { throw WebhookError(description: "\(host) does not resolve", permanent: false) }
            if let inside = addresses.first(where: isInternal) {
                throw WebhookError(description: "\(host) is an internal address (\(inside)), which webhooks may not reach", permanent: true)
            }
        }
        let timestamp = Int64(time.timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "SilverWatch-Hub")
        request.headers.add(name: "X-SilverWatch-Delivery", value: String(deliveryID))
        request.headers.add(name: "X-SilverWatch-Timestamp", value: String(timestamp))
        request.headers.add(name: "X-SilverWatch-Signature", value: signature(secret: secret, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        let prepared = request
        let status: Int? = try await withDeadline(timeout) {
            do {
                let response = try await client.execute(prepared, timeout: .seconds(15))
                // The answer's body is not needed; a little of it is read so the connection can be reused.
                _ = try? await response.body.collect(upTo: 4096)
                return Int(response.status.code)
            } catch {
                throw WebhookError(description: "could not reach \(host): \(error)", permanent: false)
            }
        }
        guard let status else { throw WebhookError(description: "\(host) did not answer within \(timeout)", permanent: false) }
        guard (200..<300).contains(status) else {
            throw WebhookError(description: "the receiver answered \(status)", permanent: (400..<500).contains(status) && status != 408 && status != 429)
        }
    }

    /// The addresses `host` names (itself, when it is one), looked up off the cooperative threads.
    static func resolve(_ host: String) async throws -> [String] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(name, nil, &hints, &list) == 0 else { return [] }
            defer { freeaddrinfo(list) }
            var addresses: [String] = []
            var entry = list
            while let current = entry {
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                    addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                }
                entry = current.pointee.ai_next
            }
            return addresses
        }
    }

    /// Loopback, private, link-local, carrier-grade NAT, unspecified, multicast and reserved IPv4; loopback,
    /// unspecified, unique-local, link-local, multicast and IPv4-mapped internal IPv6.
    public static func isInternal(_ address: String) -> Bool {
        if address.contains(":") {
            let lower = address.lowercased()
            if let mapped = lower.split(separator: ":").last, lower.hasPrefix("::ffff:"), mapped.contains(".") { return isInternal(String(mapped)) }
            return lower == "::1" || lower == "::" || lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe8") || lower.hasPrefix("fe9")
                || lower.hasPrefix("fea") || lower.hasPrefix("feb") || lower.hasPrefix("ff")
        }
        let octets = address.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return true }
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168), (224...255, _): return true
        case (172, 16...31), (100, 64...127), (192, 0), (198, 18...19): return true
        default: return false
        }
    }
}

/// A webhook attempt that failed; `permanent` when retrying cannot help.
struct WebhookError: Error, CustomStringConvertible {
    var description: String
    var permanent: Bool
}
