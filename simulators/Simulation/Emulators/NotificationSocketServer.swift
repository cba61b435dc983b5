#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Unix `SOCK_SEQPACKET` socket listening at a path, delivering one GATT characteristic value per packet to one
/// client at a time: what BlueZ hands a client through `AcquireNotify`, reached by path.
///
/// Like a BLE peripheral, it serves one central: a second client waits in the listen queue and is accepted when the
/// first disconnects. Nothing blocks: values sent with no client connected, or that the client's socket buffer
/// cannot take, are dropped and counted, as notifications nobody subscribed to are lost. Owned by one task.
final class NotificationSocketServer {
    /// What happened to the client connection during ``serviceConnection()``.
    enum ConnectionChange: Sendable, Hashable {
        case connected
        case disconnected
    }

    /// The socket's path.
    let path: String
    /// Values dropped because no client was connected or its buffer was full.
    private(set) var droppedPackets = 0
    private var listener: Int32
    private var client: Int32 = -1

    /// Listens at `path`, replacing a stale socket file left there (but nothing else).
    init(path: String) throws(EmulatorError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw EmulatorError(operation: "socket path \(path) is longer than \(capacity - 1) bytes", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        if isListening(at: &address) {
            throw EmulatorError(operation: "\(path) is served by another running process", errno: EADDRINUSE)
        }
        try removeStale(path, ifKind: S_IFSOCK)
        let listener = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                                  | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw EmulatorError.current("socket") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else {
            let error = EmulatorError.current(bound == 0 ? "listen \(path)" : "bind \(path)")
            Glibc.close(listener)
            throw error
        }
        self.path = path
        self.listener = listener
    }

    deinit { close() }

    /// Whether a client is connected.
    var hasClient: Bool { client >= 0 }

    /// Whether the server still listens.
    var isOpen: Bool { listener >= 0 }

    /// Notices a client that went away and accepts a waiting one; returns what changed.
    func serviceConnection() -> [ConnectionChange] {
        var changes: [ConnectionChange] = []
        if client >= 0, !clientIsAlive() {
            dropClient()
            changes.append(.disconnected)
        }
        if client < 0, listener >= 0 {
            // accept4 is a GNU extension the Glibc module does not export; set close-on-exec by hand.
            let accepted = accept(listener, nil, nil)
            if accepted >= 0 {
                _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
                client = accepted
                changes.append(.connected)
            }
        }
        return changes
    }

    /// Sends one value as one packet; returns `false` when the client went away while sending.
    @discardableResult
    func send(_ packet: [UInt8]) -> Bool {
        guard client >= 0 else {
            droppedPackets += 1
            return true
        }
        while true {
            let sent = packet.withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
            if sent >= 0 { return true }
            switch errno {
            case EINTR: continue
            case EAGAIN, ENOBUFS:
                droppedPackets += 1
                return true
            default:
                dropClient()
                droppedPackets += 1
                return false
            }
        }
    }

    /// Stops listening, closes the client (it sees end of file) and removes the socket file.
    func close() {
        dropClient()
        guard listener >= 0 else { return }
        _ = Glibc.close(listener)
        listener = -1
        unlink(path)
    }

    /// A client never sends; end of file or an error means it left. Anything it does send is read and ignored.
    private func clientIsAlive() -> Bool {
        var byte: UInt8 = 0
        while true {
            let result = recv(client, &byte, 1, Int32(MSG_DONTWAIT))
            if result > 0 { continue }
            if result == 0 { return false }
            if errno == EINTR { continue }
            return errno == EAGAIN
        }
    }

    private func dropClient() {
        guard client >= 0 else { return }
        _ = Glibc.close(client)
        client = -1
    }
}

/// Whether something accepts connections at `address`: a live socket, which must not be replaced (a stale one
/// refuses the connection).
private func isListening(at address: inout sockaddr_un) -> Bool {
    let probe = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard probe >= 0 else { return false }
    defer { _ = Glibc.close(probe) }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    return result == 0
}

/// Removes what lies at `path` when it is of the `kind` this program creates there (`S_IFSOCK`, `S_IFLNK`), so a
/// restart can reuse the directory; refuses to remove anything else.
func removeStale(_ path: String, ifKind kind: mode_t) throws(EmulatorError) {
    var status = stat()
    guard lstat(path, &status) == 0 else { return }
    guard status.st_mode & S_IFMT == kind else {
        throw EmulatorError(operation: "\(path) exists and is not a file this simulator made", errno: EEXIST)
    }
    guard unlink(path) == 0 else { throw EmulatorError.current("unlink \(path)") }
}
