import SystemdNotify
import EdgeAgent
import Foundation
import Testing

/// A datagram socket standing in for systemd's notification socket.
final class NotificationListener: Sendable {
    let path: String
    let descriptor: Int32

    init(abstract: Bool) throws {
        let name = "sw-notify-\(UUID().uuidString.prefix(8))"
        path = abstract ? "@\(name)" : FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    /// The next datagram, within two seconds.
    func receive() -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 2000) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    deinit {
        close(descriptor)
        if !path.hasPrefix("@") { unlink(path) }
    }
}

@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func notificationsReachTheSocketAsSystemdExpectsThem(abstract: Bool) throws {
        let listener = try NotificationListener(abstract: abstract)
        let notifier = SystemdNotifier(socketPath: listener.path)
        try notifier.ready(status: "4 devices, broker connected")
        #expect(listener.receive() == "READY=1\nSTATUS=4 devices, broker connected")
        try notifier.watchdog()
        #expect(listener.receive() == "WATCHDOG=1")
        try notifier.stopping()
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test func withoutSystemdEveryCallIsANoOp() throws {
        let notifier = SystemdNotifier(socketPath: nil)
        try notifier.ready()
        try notifier.watchdog()
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func aVanishedSocketIsAnError() {
        let notifier = SystemdNotifier(socketPath: "/tmp/silverwatch-no-such-notify-socket")
        #expect(throws: SystemdNotifyError.self) { try notifier.watchdog() }
    }
}
