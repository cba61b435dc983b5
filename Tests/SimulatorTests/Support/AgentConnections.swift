import Foundation

/// A client of a notification socket, connected exactly as the edge agent's `NotificationSocket.connect` does.
final class NotificationClient {
    private var descriptor: Int32

    init(path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
        self.descriptor = descriptor
    }

    deinit { disconnect() }

    /// What the socket holds now: the packets waiting, and whether the server has closed the connection.
    func receiveAvailable() -> (packets: [[UInt8]], closed: Bool) {
        var packets: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                packets.append(Array(buffer[0..<count]))
            } else if count == 0 {
                return (packets, true)
            } else if errno == EINTR {
                continue
            } else {
                return (packets, errno != EAGAIN)
            }
        }
    }

    /// Waits up to `timeout` for at least one packet.
    func receive(waitingUpTo timeout: Duration) async throws -> [[UInt8]] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var packets: [[UInt8]] = []
        while packets.isEmpty, clock.now < deadline {
            packets += receiveAvailable().packets
            if packets.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        return packets
    }

    func disconnect() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}

/// The serial oximeter's pseudo-terminal opened as the agent's `SerialPort.open` opens a port: raw, 19200 8O1,
/// non-blocking, flushed.
final class SerialClient {
    private var descriptor: Int32

    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var options = termios()
        tcgetattr(descriptor, &options)
        cfmakeraw(&options)
        options.c_cflag |= tcflag_t(CLOCAL | CREAD)
        options.c_cflag &= ~tcflag_t(CSIZE)
        options.c_cflag |= tcflag_t(CS8 | PARENB | PARODD)
        options.c_cflag &= ~tcflag_t(CSTOPB)
        cfsetispeed(&options, speed_t(B19200))
        cfsetospeed(&options, speed_t(B19200))
        guard tcsetattr(descriptor, TCSANOW, &options) == 0 else {
            let code = errno
            close(descriptor)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
        tcflush(descriptor, TCIOFLUSH)
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads until `count` bytes have arrived, the line hangs up, or `timeout` passes.
    func read(count: Int, waitingUpTo timeout: Duration) async throws -> (bytes: [UInt8], hungUp: Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < count, clock.now < deadline {
            let result = Foundation.read(descriptor, &buffer, buffer.count)
            if result > 0 {
                bytes += buffer[0..<result]
            } else if result == 0 || (errno != EAGAIN && errno != EINTR) {
                return (bytes, true)  // end of file, or EIO once the master has closed
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        return (bytes, false)
    }
}
