#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A serial port opened in raw mode (no echo, no line editing, no character translation), as a pulse oximeter's
/// USB serial adapter needs: what the device sends arrives byte for byte.
public struct SerialPortSettings: Sendable, Hashable {
    /// Parity bit.
    public enum Parity: String, Sendable, Hashable {
        case none
        case odd
        case even
    }

    /// Bits per second; one of the standard termios rates.
    public var baudRate: Int
    public var parity: Parity
    public var stopBits: Int

    /// Settings; the defaults are the Contec CMS50D+/E's live stream (19200 baud, 8 data bits, odd parity, 1 stop).
    public init(baudRate: Int = 19_200, parity: Parity = .odd, stopBits: Int = 1) {
        self.baudRate = baudRate
        self.parity = parity
        self.stopBits = stopBits
    }

    var speed: speed_t? {
        switch baudRate {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 9600: speed_t(B9600)
        case 19_200: speed_t(B19200)
        case 38_400: speed_t(B38400)
        case 57_600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        default: nil
        }
    }
}

enum SerialPort {
    /// Opens `path` and configures it raw at `settings`; returns the descriptor, or the error naming the step.
    static func open(_ path: String, settings: SerialPortSettings) throws(DeviceIOError) -> Int32 {
        guard let speed = settings.speed else { throw DeviceIOError(operation: "baud rate \(settings.baudRate) is not supported", errno: EINVAL) }
        let descriptor = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw DeviceIOError.current("open \(path)") }
        var options = termios()
        guard tcgetattr(descriptor, &options) == 0 else {
            let error = DeviceIOError.current("tcgetattr \(path)")
            close(descriptor)
            throw error
        }
        cfmakeraw(&options)
        options.c_cflag |= tcflag_t(CLOCAL | CREAD)
        options.c_cflag &= ~tcflag_t(CSIZE)
        options.c_cflag |= tcflag_t(CS8)
        switch settings.parity {
        case .none: options.c_cflag &= ~tcflag_t(PARENB | PARODD)
        case .odd: options.c_cflag |= tcflag_t(PARENB | PARODD)
        case .even:
            options.c_cflag |= tcflag_t(PARENB)
            options.c_cflag &= ~tcflag_t(PARODD)
        }
        if settings.stopBits == 2 { options.c_cflag |= tcflag_t(CSTOPB) } else { options.c_cflag &= ~tcflag_t(CSTOPB) }
        cfsetispeed(&options, speed)
        cfsetospeed(&options, speed)
        guard tcsetattr(descriptor, TCSANOW, &options) == 0 else {
            let error = DeviceIOError.current("tcsetattr \(path)")
            close(descriptor)
            throw error
        }
        tcflush(descriptor, TCIOFLUSH)
        return descriptor
    }
}
