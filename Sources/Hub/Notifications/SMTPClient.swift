import Foundation
import NIOCore
import NIOPosix
import Scheduling

/// The mail relay notifications are sent through: a local or organisational SMTP server that accepts mail from the
/// hub without authentication (Postfix on the same machine, say), and carries it on with its own TLS and policies.
public struct SMTPRelay: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The sender address, e.g. `silverwatch@care.example.org`.
    public var from: String
    /// The name the hub gives in EHLO.
    public var heloName: String

    public init(host: String, port: Int = 25, from: String, heloName: String = "silverwatch-hub") {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
    }
}

/// Why a mail was not accepted: the command and the server's reply, or the connection's failure.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// A 5xx reply: resending the same mail will not help.
    public var permanent: Bool
}

extension SMTPRelay {
    /// Whether `address` is one the hub sends mail to or from: one @, a dotted domain, no spaces, angle brackets or
    /// line breaks (nothing that could inject a command or a header).
    public static func isPlainAddress(_ address: String) -> Bool { SMTPClient.isPlainAddress(address) }
}

/// A minimal SMTP client (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT, one plain-text UTF-8 message per connection.
enum SMTPClient {
    static let timeout: Duration = .seconds(30)

    /// Sends `subject` and `body` to `recipient` through `relay`; returns when the relay accepted the message.
    static func send(to recipient: String, subject: String, body: String, messageID: String, date: Date, relay: SMTPRelay) async throws {
        guard isPlainAddress(recipient), isPlainAddress(relay.from) else {
            throw SMTPError(description: "\(recipient) is not an address this hub sends to", permanent: true)
        }
        let message = compose(to: recipient, from: relay.from, subject: subject, body: body, messageID: messageID, date: date)
        let done: Bool? = try await withDeadline(timeout) {
            try await converse(relay, recipient: recipient, message: message)
            return true
        }
        guard done != nil else { throw SMTPError(description: "the relay did not finish within \(timeout)", permanent: false) }
    }

    private static func converse(_ relay: SMTPRelay, recipient: String, message: String) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: relay.host, port: relay.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(inbound.makeAsyncIterator())
            // Only a refusal of this recipient or this message is permanent; a relay refusing the hub itself (its
            // greeting, EHLO or sender) is misconfigured, and the mail waits for it to be mended.
            func expect(_ codes: Set<Int>, after command: String, permanentIf5xx: Bool = false) async throws {
                let (code, text) = try await replies.next()
                guard codes.contains(code) else {
                    throw SMTPError(description: "\(command): the relay answered \(code) \(text)", permanent: permanentIf5xx && (500..<600).contains(code))
                }
            }
            func send(_ line: String) async throws { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
            try await expect([220], after: "greeting")
            try await send("EHLO \(relay.heloName)")
            try await expect([250], after: "EHLO")
            try await send("MAIL FROM:<\(relay.from)>")
            try await expect([250], after: "MAIL FROM")
            try await send("RCPT TO:<\(recipient)>")
            try await expect([250, 251], after: "RCPT TO", permanentIf5xx: true)
            try await send("DATA")
            try await expect([354], after: "DATA")
            try await outbound.write(ByteBuffer(string: message + ".\r\n"))
            try await expect([250], after: "the message", permanentIf5xx: true)
            try await send("QUIT")
            _ = try? await replies.next()
        }
    }

    /// The message in RFC 5322 form with CRLF line ends, the body's lines dot-stuffed (RFC 5321 §4.5.2).
    static func compose(to: String, from: String, subject: String, body: String, messageID: String, date: Date) -> String {
        let headers = [
            "From: SilverWatch <\(from)>", "To: <\(to)>", "Subject: \(encodedWord(subject))", "Date: \(rfc5322Date(date))",
            "Message-ID: <\(messageID)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        return (headers + [""] + lines).joined(separator: "\r\n") + "\r\n"
    }

    /// A header value as an RFC 2047 encoded word when it is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard clean.utf8.contains(where: { $0 >= 0x80 }) else { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    /// `Sat, 21 Nov 2026 14:30:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let day = LocalDate(daysSince1970: days)
        let time = seconds - days * 86_400
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let weekday = weekdays[Weekday.allCases.firstIndex(of: day.weekday) ?? 0]
        return "\(weekday), \(pad(day.day)) \(months[day.month - 1]) \(day.year) \(pad(time / 3600)):\(pad(time / 60 % 60)):\(pad(time % 60)) +0000"
    }

    /// An address with one @, no spaces, angle brackets or line breaks: nothing that could inject a command or header.
    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && address.count <= 254
            && !address.contains(where: { $0.isWhitespace || "<>()[]\\,;:\"".contains($0) || $0.asciiValue == nil })
    }

    /// SMTP replies, multi-line ones joined: `250-…` continues, `250 …` ends.
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending: [UInt8] = []

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
            self.iterator = iterator
        }

        mutating func line() async throws -> String {
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(in: .newlines)
                    pending.removeSubrange(...end)
                    return line
                }
                guard pending.count < 65_536, var buffer = try await iterator.next() else {
                    throw SMTPError(description: "the relay closed the connection", permanent: false)
                }
                pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            }
        }

        mutating func next() async throws -> (Int, String) {
            var text: [String] = []
            while true {
                let line = try await line()
                guard line.count >= 3, let code = Int(line.prefix(3)) else {
                    throw SMTPError(description: "the relay answered \"\(line.prefix(100))\", not an SMTP reply", permanent: false)
                }
                text.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, text.joined(separator: " ")) }
            }
        }
    }
}
