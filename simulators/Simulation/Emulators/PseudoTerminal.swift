#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The master side of a pseudo-terminal standing in for a serial oximeter's USB adapter: the agent opens the slave
/// (``slavePath``) exactly as it opens `/dev/ttyUSB0`, raw, and reads what ``write(_:)`` sends.
///
/// A pseudo-terminal ignores baud rate and parity, so the agent's 19200 8O1 settings apply without effect; bytes
/// arrive as written. Writes never block: with no reader the terminal buffers about 16 KiB (the agent flushes it on
/// open), and once that is full frames are dropped and counted, as a serial line with nobody listening loses them.
/// Owned by one task; closing the master hangs up the slave, so the reader sees end of file.
public final class PseudoTerminal {
    /// The slave device, e.g. `/dev/pts/3`.
    public let slavePath: String
    /// Frames dropped because the terminal's buffer was full.
    public private(set) var droppedFrames = 0
    private var master: Int32
    /// The unwritten rest of a frame after a short write, sent before anything new.
    private var pending: [UInt8] = []

    /// Opens a new pseudo-terminal, raw and non-blocking.
    public init() throws(EmulatorError) {
        let master = c_posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw EmulatorError.current("posix_openpt") }
        func fail(_ operation: String) -> EmulatorError {
            let error = EmulatorError.current(operation)
            _ = Glibc.close(master)
            return error
        }
        guard c_grantpt(master) == 0 else { throw fail("grantpt") }
        guard c_unlockpt(master) == 0 else { throw fail("unlockpt") }
        var name = [CChar](repeating: 0, count: 256)
        guard c_ptsname_r(master, &name, name.count) == 0 else { throw fail("ptsname_r") }
        // Raw from the start: before the agent sets its own mode, a cooked terminal would echo and edit the bytes.
        var options = termios()
        guard tcgetattr(master, &options) == 0 else { throw fail("tcgetattr") }
        cfmakeraw(&options)
        guard tcsetattr(master, TCSANOW, &options) == 0 else { throw fail("tcsetattr") }
        let flags = fcntl(master, F_GETFL)
        guard flags >= 0, fcntl(master, F_SETFL, flags | O_NONBLOCK) == 0 else { throw fail("fcntl O_NONBLOCK") }
        self.master = master
        self.slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { close() }

    /// Whether the master is still open.
    public var isOpen: Bool { master >= 0 }

    /// Sends one frame whole, or drops it when the terminal cannot take it now.
    public func write(_ frame: [UInt8]) {
        guard isOpen else { return }
        if !pending.isEmpty {
            pending.removeFirst(writeSome(pending))
            guard pending.isEmpty else {
                droppedFrames += 1
                return
            }
        }
        let written = writeSome(frame)
        if written == 0 {
            droppedFrames += 1
        } else if written < frame.count {
            pending = Array(frame[written...])
        }
    }

    /// Writes what the terminal takes now; returns how many bytes that was.
    private func writeSome(_ bytes: [UInt8]) -> Int {
        while true {
            let result = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if result >= 0 { return result }
            if errno != EINTR { return 0 }
        }
    }

    /// Closes the master: the slave hangs up and its reader sees end of file.
    public func close() {
        guard master >= 0 else { return }
        _ = Glibc.close(master)
        master = -1
    }
}
