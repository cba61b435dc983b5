#if canImport(Glibc)
import Glibc
#endif

/// A `SOCK_SEQPACKET` Unix socket bound at `path`, listening with `backlog` unless it is nil: a GATT notification
/// source as the tests stand it up (or, not listening, the socket file a crashed process leaves behind).
/// Throws the `errno` of the step that failed.
public func packetSocket(boundAt path: String, listening backlog: Int32?) throws -> Int32 {
    let descriptor = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0)
    guard descriptor >= 0 else { throw SocketError(errno: errno) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        buffer.copyBytes(from: path.utf8)
        buffer[path.utf8.count] = 0
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard bound == 0, backlog.map({ listen(descriptor, $0) == 0 }) ?? true else {
        let error = SocketError(errno: errno)
        close(descriptor)
        throw error
    }
    return descriptor
}

/// A socket call failed with `errno`.
public struct SocketError: Error, Hashable {
    public var errno: Int32
}
