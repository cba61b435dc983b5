#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why an emulated device could not be set up: the system call that failed and its `errno`.
public struct EmulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done (`bind /tmp/p1/heart-rate.sock`, `posix_openpt`).
    public var operation: String
    /// The C library's `errno`.
    public var errno: Int32

    /// An error for `operation` with `errno`.
    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// An error for `operation` with the current `errno`.
    static func current(_ operation: String) -> EmulatorError {
        EmulatorError(operation: operation, errno: Glibc.errno)
    }

    /// `operation: strerror (errno N)`.
    public var description: String { "\(operation): \(String(cString: strerror(errno))) (errno \(errno))" }
}
