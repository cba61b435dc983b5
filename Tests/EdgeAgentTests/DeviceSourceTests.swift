import EdgeAgent
import Foundation
import Synchronization
import Testing
import TestSupport

/// Collects a source's events for a test to inspect.
final class EventLog: Sendable {
    private let events = Mutex<[DeviceEvent]>([])
    func append(_ event: DeviceEvent) { events.withLock { $0.append(event) } }
    var all: [DeviceEvent] { events.withLock { $0 } }
    var packets: [[UInt8]] { all.compactMap { event -> [UInt8]? in if case .data(let chunk) = event { chunk } else { nil } } }
    var bytes: [UInt8] { packets.flatMap { $0 } }
    var connections: Int { all.filter { $0 == .connected }.count }

    /// Waits up to 30 seconds for `condition` (generous: the whole suite shares two cores).
    func wait(until condition: (EventLog) -> Bool) async -> Bool {
        for _ in 0..<3000 {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }
}

// The pseudo-terminal functions of glibc's stdlib.h, which Swift's Glibc module does not expose (they need
// _XOPEN_SOURCE); tests only.
@_silgen_name("posix_openpt") private func posix_openpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func grantpt(_ descriptor: Int32) -> Int32
@_silgen_name("unlockpt") private func unlockpt(_ descriptor: Int32) -> Int32
@_silgen_name("ptsname") private func ptsname(_ descriptor: Int32) -> UnsafeMutablePointer<CChar>?

/// A pseudo-terminal: the test writes to the master, the source reads the slave as if it were a USB serial port.
final class PseudoTerminal: Sendable {
    let master: Int32
    let slavePath: String

    init() throws {
        master = posix_openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            throw POSIXError(.ENODEV)
        }
        slavePath = String(cString: name)
    }

    func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Foundation.write(master, $0.baseAddress, $0.count) }
    }

    deinit { close(master) }
}

/// A listening SOCK_SEQPACKET socket standing in for a GATT notification source.
final class PacketServer: Sendable {
    let path: String
    let listener: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("sw-\(UUID().uuidString.prefix(8)).sock").path
        listener = try packetSocket(boundAt: path, listening: 4)
    }

    /// Accepts the next client, waiting up to 30 s without blocking a thread of the test runner's small pool (the
    /// source under test needs one to connect).
    func accept() async -> Int32 {
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        for _ in 0..<3000 {
            if poll(&poller, 1, 0) == 1 { return Foundation.accept(listener, nil, nil) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return -1
    }

    static func send(_ packet: [UInt8], on client: Int32) {
        _ = packet.withUnsafeBytes { Foundation.send(client, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        close(listener)
        unlink(path)
    }
}

@Suite struct DeviceSourceTests {
    @Test func aSerialPortIsReadRawByteForByte() async throws {
        let terminal = try PseudoTerminal()
        let log = EventLog()
        let source = DeviceSource(connection: .serial(path: terminal.slavePath, settings: SerialPortSettings()))
        let task = Task { await source.run { log.append($0) } }
        #expect(await log.wait { $0.connections == 1 })
        // Bytes a terminal in cooked mode would change or act on: CR, LF, Ctrl-C, DEL, XON, XOFF, and a CMS50 frame.
        let sent: [UInt8] = [0x0D, 0x0A, 0x03, 0x7F, 0x11, 0x13, 0xFF, 0x00, 0xC5, 0x3A, 0x04, 0x48, 0x62]
        terminal.write(sent)
        #expect(await log.wait { $0.bytes.count >= sent.count })
        #expect(log.bytes == sent)
        task.cancel()
        await task.value
    }

    @Test func notificationPacketsKeepTheirBoundariesAndTheSourceReconnects() async throws {
        let server = try PacketServer()
        let log = EventLog()
        let source = DeviceSource(connection: .notificationSocket(path: server.path), initialBackoff: .milliseconds(50))
        let task = Task { await source.run { log.append($0) } }
        let first = await server.accept()
        #expect(first >= 0)
        let packets: [[UInt8]] = [[0x1E, 0x55, 0x32, 0x00, 0x21, 0x00], [0x00, 0x48], Array(repeating: 0x10, count: 40)]
        for packet in packets { PacketServer.send(packet, on: first) }
        #expect(await log.wait { $0.packets.count == 3 })
        #expect(log.packets == packets, "one read, one characteristic value")
        // The device goes away, then comes back.
        close(first)
        #expect(await log.wait { log in log.all.contains { if case .disconnected = $0 { true } else { false } } })
        let second = await server.accept()
        #expect(second >= 0)
        PacketServer.send([0x00, 0x50], on: second)
        #expect(await log.wait { $0.packets.count == 4 })
        #expect(log.connections == 2)
        task.cancel()
        await task.value
        close(second)
    }

    @Test func aMissingDeviceIsReportedAndRetriedUntilCancelled() async throws {
        let log = EventLog()
        let source = DeviceSource(connection: .serial(path: "/dev/silverwatch-no-such-port", settings: SerialPortSettings()),
                                  initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(20))
        let task = Task { await source.run { log.append($0) } }
        #expect(await log.wait { $0.all.count >= 3 })
        guard case .disconnected(let error) = log.all.first else {
            Issue.record("expected a disconnection first, got \(log.all)")
            task.cancel()
            return
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.operation == "open /dev/silverwatch-no-such-port")
        task.cancel()
        await task.value
    }
}
