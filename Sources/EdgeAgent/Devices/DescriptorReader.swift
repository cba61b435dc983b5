#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import Synchronization

/// Why a device's byte stream ended.
public struct DeviceIOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done (`open /dev/ttyUSB0`, `read`, `tcsetattr`).
    public var operation: String
    /// The C library's `errno`.
    public var errno: Int32

    /// An error for `operation` with the current `errno`.
    static func current(_ operation: String) -> DeviceIOError {
        DeviceIOError(operation: operation, errno: Glibc.errno)
    }

    public var description: String { "\(operation): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Reads a file descriptor on a thread of its own and delivers what it reads as an async stream of chunks: each
/// `read` of a serial port (any number of bytes), or each packet of a `SOCK_SEQPACKET` socket (exactly one GATT
/// characteristic value). The stream finishes at end of file, throws on an error, and closes the descriptor when
/// it ends or its consumer stops listening.
enum DescriptorReader {
    /// The largest chunk read at once; a GATT value is at most 512 bytes.
    static let chunkSize = 1024

    static func chunks(of descriptor: Int32) -> AsyncThrowingStream<[UInt8], any Error> {
        // Unbounded: dropping device bytes would lose readings. A device sends at most a few kilobytes a second,
        // so the buffer only grows if the pipeline behind it has stalled, which the watchdog catches.
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream(bufferingPolicy: .unbounded)
        let shared = StopFlag()
        continuation.onTermination = { _ in shared.stop() }
        DispatchQueue(label: "silverwatch.device-reader.\(descriptor)").async {
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            while !shared.isStopped {
                // Wake up regularly to notice that the consumer has gone.
                let ready = poll(&poller, 1, 200)
                if ready == 0 { continue }
                if ready < 0 {
                    if errno == EINTR { continue }
                    continuation.finish(throwing: DeviceIOError.current("poll"))
                    return
                }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
                if count > 0 {
                    continuation.yield(Array(buffer[0..<count]))
                } else if count == 0 {
                    continuation.finish()
                    return
                } else if errno != EINTR && errno != EAGAIN {
                    continuation.finish(throwing: DeviceIOError.current("read"))
                    return
                }
            }
            continuation.finish()
        }
        return stream
    }
}

/// A flag the reader thread polls, set when the stream's consumer goes away.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isStopped: Bool { flag.load(ordering: .acquiring) }
    func stop() { flag.store(true, ordering: .releasing) }
}
