#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// systemd's notification protocol (sd_notify(3)) without libsystemd: datagrams such as `READY=1` and `WATCHDOG=1`
/// sent to the Unix socket named by `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace).
public struct SystemdNotifier: Sendable {
    /// The socket path; `nil` when not started by systemd with `Type=notify` (every call is then a no-op).
    public let socketPath: String?
    /// How often systemd expects `WATCHDOG=1` (`$WATCHDOG_USEC`); `nil` when the unit has no watchdog.
    public let watchdogInterval: Duration?

    /// A notifier for an explicit socket (tests, or a supervisor other than systemd).
    public init(socketPath: String?, watchdogInterval: Duration? = nil) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
        self.watchdogInterval = watchdogInterval
    }

    /// The notifier systemd set up for this process, from `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID`.
    public static func fromEnvironment() -> SystemdNotifier {
        func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
        var interval: Duration?
        if let microseconds = variable("WATCHDOG_USEC").flatMap(Int64.init), microseconds > 0,
           variable("WATCHDOG_PID").flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            interval = .microseconds(microseconds)
        }
        return SystemdNotifier(socketPath: variable("NOTIFY_SOCKET"), watchdogInterval: interval)
    }

    /// The service is up: connected and reading.
    public func ready(status: String? = nil) throws(SystemdNotifyError) { try notify(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? [])) }
    /// The service passed its health check; send at least twice per ``watchdogInterval``.
    public func watchdog() throws(SystemdNotifyError) { try notify(["WATCHDOG=1"]) }
    /// A line for `systemctl status`.
    public func status(_ text: String) throws(SystemdNotifyError) { try notify(["STATUS=\(text)"]) }
    /// The service is shutting down.
    public func stopping() throws(SystemdNotifyError) { try notify(["STOPPING=1"]) }

    /// Sends `assignments` (one `KEY=value` per line) in one datagram.
    public func notify(_ assignments: [String]) throws(SystemdNotifyError) {
        guard let socketPath else { return }
        let message = Array(assignments.joined(separator: "\n").utf8)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemdNotifyError(operation: "socket", errno: errno) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        // "@name" is Linux's abstract namespace: a leading NUL byte, and the length counts only the name.
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { throw SystemdNotifyError(operation: "NOTIFY_SOCKET is too long", errno: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (abstract ? 0 : 1))
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
            }
        }
        guard sent == message.count else { throw SystemdNotifyError(operation: "sendto \(socketPath)", errno: errno) }
    }
}

/// A notification could not be sent: what was being done and the C library's `errno`.
public struct SystemdNotifyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public var description: String { "\(operation): \(String(cString: strerror(errno))) (errno \(errno))" }
}
