#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where the agent reads a device from.
public enum DeviceConnection: Sendable, Hashable {
    /// A serial port (a USB pulse oximeter's adapter), opened raw.
    case serial(path: String, settings: SerialPortSettings)
    /// A Unix `SOCK_SEQPACKET` socket delivering one GATT characteristic value per packet: what BlueZ hands a
    /// client through `AcquireNotify`, here reached by path (the simulators listen on one; a BlueZ connector
    /// passes the acquired descriptor on the same way).
    case notificationSocket(path: String)
}

/// What happened on a device's connection.
public enum DeviceEvent: Sendable, Hashable {
    /// The device is connected: bytes may follow.
    case connected
    /// Bytes from a serial port, or one whole GATT value from a notification socket.
    case data([UInt8])
    /// The connection ended or could not be made; the source tries again after its backoff.
    case disconnected(DeviceIOError?)
}

/// Reads a device for as long as the calling task runs, reconnecting with exponential backoff whenever it goes away
/// (USB adapter unplugged, BLE link lost, simulator restarted).
public struct DeviceSource: Sendable {
    public var connection: DeviceConnection
    /// The first wait before reconnecting; it doubles up to ``maximumBackoff`` and resets once connected.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration

    /// A source for `connection`.
    public init(connection: DeviceConnection, initialBackoff: Duration = .milliseconds(250), maximumBackoff: Duration = .seconds(10)) {
        self.connection = connection
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// Calls `handle` with every event until the task is cancelled.
    public func run(_ handle: (DeviceEvent) async -> Void) async {
        var backoff = initialBackoff
        while !Task.isCancelled {
            let descriptor: Int32
            do {
                descriptor = try open()
            } catch {
                await handle(.disconnected(error))
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maximumBackoff)
                continue
            }
            backoff = initialBackoff
            await handle(.connected)
            var failure: DeviceIOError?
            do {
                for try await chunk in DescriptorReader.chunks(of: descriptor) {
                    await handle(.data(chunk))
                }
            } catch let error as DeviceIOError {
                failure = error
            } catch {
                failure = DeviceIOError(operation: "read", errno: EIO)
            }
            if Task.isCancelled { return }
            await handle(.disconnected(failure))
            try? await Task.sleep(for: backoff)
        }
    }

    func open() throws(DeviceIOError) -> Int32 {
        switch connection {
        case .serial(let path, let settings):
            return try SerialPort.open(path, settings: settings)
        case .notificationSocket(let path):
            return try NotificationSocket.connect(path)
        }
    }
}

enum NotificationSocket {
    /// Connects a `SOCK_SEQPACKET` Unix socket to `path`.
    static func connect(_ path: String) throws(DeviceIOError) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw DeviceIOError.current("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            close(descriptor)
            throw DeviceIOError(operation: "socket path \(path) is longer than \(capacity - 1) bytes", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let error = DeviceIOError.current("connect \(path)")
            close(descriptor)
            throw error
        }
        return descriptor
    }
}
