import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real Mosquitto broker for one test: its own temporary directory, configuration and free loopback port.
public final class Broker: Sendable {
    public struct Options: Sendable {
        /// Keep sessions and retained messages in a file across restarts.
        public var persistence = false
        /// User names and passwords; when any are given, anonymous clients are refused.
        public var users: [String: String] = [:]
        /// The contents of an `acl_file`, if any.
        public var acl: String?
        /// The broker's per-client queue limit for QoS 1/2 messages beyond those in flight (Mosquitto's default is
        /// 1,000, and it drops what does not fit).
        public var maxQueuedMessages = 1_000
        /// Mosquitto's dynamic-security plugin instead of the above, with this admin user (name, password); every
        /// other client must be created through the plugin.
        public var dynamicSecurityAdmin: (username: String, password: String)?

        /// The defaults: no persistence, anonymous access, no ACL, Mosquitto's queue limit.
        public init(persistence: Bool = false, users: [String: String] = [:], acl: String? = nil, maxQueuedMessages: Int = 1_000,
                    dynamicSecurityAdmin: (username: String, password: String)? = nil) {
            self.persistence = persistence
            self.users = users
            self.acl = acl
            self.maxQueuedMessages = maxQueuedMessages
            self.dynamicSecurityAdmin = dynamicSecurityAdmin
        }
    }

    public let port: Int
    public let directory: URL
    private let process = Mutex<pid_t?>(nil)

    public init(_ options: Options) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try freeLoopbackPort()

        var lines = [
            "listener \(port) 127.0.0.1",
            "log_dest file \(directory.appendingPathComponent("mosquitto.log").path)",
            "log_type all",
            "max_queued_messages \(options.maxQueuedMessages)",
            "persistence \(options.persistence)",
            "set_tcp_nodelay true",
            "persistence_location \(directory.path)/",
        ]
        if geteuid() == 0 { lines.append("user root") }
        if let admin = options.dynamicSecurityAdmin {
            let configuration = directory.appendingPathComponent("dynamic-security.json").path
            try run("/usr/bin/mosquitto_ctrl", ["dynsec", "init", configuration, admin.username, admin.password])
            guard let plugin = dynamicSecurityPlugin else {
                throw BrokerFailure(message: "Mosquitto's dynamic-security plugin is not installed", log: "")
            }
            lines += ["allow_anonymous false", "plugin \(plugin)", "plugin_opt_config_file \(configuration)"]
        } else if options.users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            let passwordFile = directory.appendingPathComponent("passwords").path
            _ = FileManager.default.createFile(atPath: passwordFile, contents: Data())
            for (user, password) in options.users {
                try run("/usr/bin/mosquitto_passwd", ["-b", passwordFile, user, password])
            }
            lines += ["allow_anonymous false", "password_file \(passwordFile)"]
        }
        if let acl = options.acl {
            let aclFile = directory.appendingPathComponent("acl").path
            try acl.write(toFile: aclFile, atomically: true, encoding: .utf8)
            lines.append("acl_file \(aclFile)")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    /// Starts `mosquitto` and returns once it accepts TCP connections.
    public func start() async throws {
        let pid = try spawnWithDefaultSignals("/usr/sbin/mosquitto", ["-c", directory.appendingPathComponent("mosquitto.conf").path])
        process.withLock { $0 = pid }
        // Generous, and checked once more after the deadline: when CPU-bound tests of other targets hold the
        // test runner's threads, this task may not run again until long after the broker is ready.
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if hasExited(pid) {
                process.withLock { $0 = nil }
                throw BrokerFailure(message: "mosquitto exited", log: log())
            }
            if acceptsConnections(port: port) { return }
            if ContinuousClock.now > deadline { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await kill()
        throw BrokerFailure(message: "mosquitto did not listen on port \(port)", log: log())
    }

    /// Stops the broker as an administrator would (SIGTERM: it disconnects everyone and saves its persistence
    /// file) and waits for it to exit; SIGKILL if it takes longer than five seconds.
    public func stop() async {
        await end(with: SIGTERM)
    }

    /// Kills the broker at once (SIGKILL), for tearing a test down.
    public func kill() async {
        await end(with: SIGKILL)
    }

    /// Freezes the broker (SIGSTOP): connections stay open but nothing is answered, as with a hung broker or a
    /// network that silently drops everything. ``thaw()`` lets it go on.
    public func freeze() {
        if let pid = process.withLock({ $0 }) { _ = Glibc.kill(pid, SIGSTOP) }
    }

    /// Lets a frozen broker go on (SIGCONT).
    public func thaw() {
        if let pid = process.withLock({ $0 }) { _ = Glibc.kill(pid, SIGCONT) }
    }

    private func end(with signal: Int32) async {
        // A frozen broker must be able to act on SIGTERM.
        if let pid = process.withLock({ $0 }) { _ = Glibc.kill(pid, SIGCONT) }
        guard let pid = process.withLock({ $0.take() }) else { return }
        _ = Glibc.kill(pid, signal)
        let deadline = ContinuousClock.now + .seconds(5)
        while !hasExited(pid) {
            if ContinuousClock.now > deadline { _ = Glibc.kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The broker's own log, for failure messages.
    public func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
    }
}

/// Runs `body` with a started broker, and stops it and removes its files afterwards, also when `body` throws.
public func withBroker<Value: Sendable>(
    _ options: Broker.Options = .init(),
    _ body: (Broker) async throws -> Value
) async throws -> Value {
    var broker = try Broker(options)
    do {
        // Another test's broker may take the same port between the check and the bind: try another one.
        var attempts = 1
        while true {
            do {
                try await broker.start()
                break
            } catch let failure as BrokerFailure where failure.log.contains("Address already in use") && attempts < 5 {
                broker.removeFiles()
                broker = try Broker(options)
                attempts += 1
            }
        }
        let value = try await body(broker)
        await broker.kill()
        broker.removeFiles()
        return value
    } catch {
        await broker.kill()
        broker.removeFiles()
        throw error
    }
}

public struct BrokerFailure: Error, CustomStringConvertible {
    public var message: String
    public var log: String
    public var description: String { "\(message)\n\(log)" }
}

/// Starts `executable` with every signal unblocked and at its default action; its standard output and error go to
/// `output`.
///
/// Not Foundation's `Process`: its child inherits the test runner's blocked signals (SIGTERM, SIGINT, SIGHUP),
/// and Mosquitto, which only unblocks what it inherited while it waits, would then never see the SIGTERM that
/// stops it gracefully.
public func spawnWithDefaultSignals(_ executable: String, _ arguments: [String], output: String = "/dev/null") throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaultSignals = sigset_t()
    sigemptyset(&defaultSignals)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaultSignals, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var fileActions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_addopen(&fileActions, 2, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    // Nothing else of the test runner's: a pipe another test holds open (a helper's standard input, say) must not
    // stay open in a broker or agent that outlives that test.
    closeInheritedDescriptors(&fileActions)

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let result = posix_spawn(&pid, executable, &fileActions, &attributes, argv, environ)
    guard result == 0 else { throw POSIXError(.init(rawValue: result) ?? .EIO) }
    return pid
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not import:
/// the child closes every descriptor from 3 up.
private func closeInheritedDescriptors(_ fileActions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&fileActions, 3)
}

/// Reaps the process if it has exited.
public func hasExited(_ pid: pid_t) -> Bool {
    var status: Int32 = 0
    let reaped = waitpid(pid, &status, WNOHANG)
    return reaped == pid || (reaped == -1 && errno == ECHILD)
}

/// Reaps the process if it has exited and returns its exit status (128 + the signal's number when a signal ended
/// it, as shells report it); `nil` while it runs.
public func exitStatus(of pid: pid_t) -> Int32? {
    var status: Int32 = 0
    guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}

/// A loopback TCP port nobody listens on now, below the kernel's ephemeral range.
///
/// Not simply the port the kernel picks when binding port 0: that comes from the ephemeral range, which the
/// tests' own client connections draw their local ports from at the same time, so a broker (re)started on it a
/// moment later can find it taken. Candidates are tried at random and checked by binding them.
public func freeLoopbackPort() throws -> Int {
    for _ in 0..<100 {
        let candidate = Int.random(in: 20_000..<32_000)
        if try canBind(port: candidate) { return candidate }
    }
    throw POSIXError(.EADDRINUSE)
}

private func canBind(port: Int) throws -> Bool {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer { close(socket) }
    var address = loopbackAddress(port: port)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return bound == 0
}

/// Whether something accepts TCP connections on the loopback port.
public func acceptsConnections(port: Int) -> Bool {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return false }
    defer { close(socket) }
    var address = loopbackAddress(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return connected == 0
}

private func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

private func run(_ executable: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BrokerFailure(message: "\(executable) \(arguments) exited with \(process.terminationStatus)", log: "")
    }
}

/// Runs `body` with the port of a loopback socket that accepts TCP connections (the kernel completes the
/// handshake) but never answers: a broker that hangs.
public func withSilentListener<Value: Sendable>(_ body: (Int) async throws -> Value) async throws -> Value {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer { close(socket) }
    let port = try freeLoopbackPort()
    var address = loopbackAddress(port: port)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(socket, 8) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    return try await body(port)
}

/// Where Debian installs Mosquitto's dynamic-security plugin on this machine's architecture, if it does.
let dynamicSecurityPlugin: String? = ["x86_64-linux-gnu", "aarch64-linux-gnu", "arm-linux-gnueabihf"]
    .map { "/usr/lib/\($0)/mosquitto_dynamic_security.so" }
    .first { FileManager.default.fileExists(atPath: $0) }
