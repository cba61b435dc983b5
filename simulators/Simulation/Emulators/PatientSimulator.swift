#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DeviceProtocols
import Logging

/// One simulated patient's devices on the wire: a pseudo-terminal for the serial oximeter and a notification socket
/// for every GATT characteristic, all in one directory, fed by a ``Scenario``.
///
/// The shell around the pure scenario: ``advance(to:)`` puts the messages due on the wire (tests call it with
/// chosen times), ``run(tick:)`` does that against the real clock until its task is cancelled. Owned by one task;
/// deinitialising closes every endpoint and removes its file.
public final class PatientSimulator {
    /// Where the agent finds one device.
    public struct Endpoint: Sendable, Hashable {
        /// The device.
        public var device: SimulatedDevice
        /// The socket, or for the serial oximeter a symlink to its pseudo-terminal, in the devices directory.
        public var path: String
        /// The pseudo-terminal's slave device (`/dev/pts/N`) for the serial oximeter; `nil` for sockets.
        public var terminal: String?
    }

    /// The endpoints, in ``SimulatedDevice`` order.
    public let endpoints: [Endpoint]
    /// The scenario, advanced as far as the wire.
    public private(set) var scenario: Scenario
    private var sockets: [SimulatedDevice: NotificationSocketServer]
    private var terminal: PseudoTerminal?
    private let terminalLink: String?
    private let logger: Logger

    /// Creates `directory` if needed and opens an endpoint there for each of the scenario's devices; stale
    /// sockets and links from an earlier run are replaced.
    public init(scenario: Scenario, directory: String,
                logger: Logger = Logger(label: "silverwatch.simulator")) throws(EmulatorError) {
        if mkdir(directory, 0o755) != 0, errno != EEXIST { throw EmulatorError.current("mkdir \(directory)") }
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        var sockets: [SimulatedDevice: NotificationSocketServer] = [:]
        var terminal: PseudoTerminal?
        var terminalLink: String?
        var endpoints: [Endpoint] = []
        // Sockets first: one that is still served by another simulator stops this one before it touches anything.
        for device in scenario.devices.sorted() where device.transport == .notificationSocket {
            let path = folder + device.fileName
            sockets[device] = try NotificationSocketServer(path: path)
            endpoints.append(Endpoint(device: device, path: path, terminal: nil))
        }
        for device in scenario.devices.sorted() where device.transport == .serial {
            let path = folder + device.fileName
            let pty = try PseudoTerminal()
            try removeStale(path, ifKind: S_IFLNK)
            guard symlink(pty.slavePath, path) == 0 else { throw EmulatorError.current("symlink \(path)") }
            terminal = pty
            terminalLink = path
            endpoints.append(Endpoint(device: device, path: path, terminal: pty.slavePath))
        }
        self.scenario = scenario
        self.sockets = sockets
        self.terminal = terminal
        self.terminalLink = terminalLink
        self.endpoints = endpoints.sorted { $0.device < $1.device }
        self.logger = logger
    }

    deinit { shutDown() }

    /// Advances the scenario to wall time `elapsed` and puts every message due on the wire: accepts waiting
    /// clients first, then sends, then closes the endpoints of devices that powered off.
    public func advance(to elapsed: Duration) {
        for (device, socket) in sockets {
            for change in socket.serviceConnection() {
                logger.info("client \(change == .connected ? "connected" : "disconnected")",
                            metadata: ["device": "\(device.rawValue)"])
            }
        }
        for message in scenario.advance(to: elapsed) {
            deliver(message)
        }
    }

    /// Advances with the real clock every `tick` until the calling task is cancelled, then closes everything.
    public func run(tick: Duration = .milliseconds(5)) async {
        let clock = ContinuousClock()
        let start = clock.now
        logger.info("running", metadata: ["scenario": "\(scenario.kind.rawValue)", "seed": "\(scenario.seed)",
                                           "speed": "\(scenario.speed)"])
        while !Task.isCancelled {
            advance(to: start.duration(to: clock.now))
            do {
                try await Task.sleep(for: tick)
            } catch {
                break
            }
        }
        logger.info("stopping")
        shutDown()
    }

    /// Closes every endpoint and removes its file; later calls do nothing.
    public func shutDown() {
        for socket in sockets.values { socket.close() }
        sockets = [:]
        closeTerminal()
    }

    private func deliver(_ message: DeviceMessage) {
        let bytes: [UInt8]?
        do {
            bytes = try message.payload.encoded()
        } catch {
            logger.error("scenario built a value its format cannot carry", metadata: [
                "device": "\(message.device.rawValue)", "error": "\(error)"])
            return
        }
        guard let bytes else {
            powerOff(message.device)
            return
        }
        switch message.device.transport {
        case .serial:
            terminal?.write(bytes)
        case .notificationSocket:
            guard let socket = sockets[message.device] else { return }
            if !socket.send(bytes) {
                logger.info("client disconnected", metadata: ["device": "\(message.device.rawValue)"])
            }
        }
    }

    private func powerOff(_ device: SimulatedDevice) {
        logger.notice("device powered off", metadata: ["device": "\(device.rawValue)"])
        switch device.transport {
        case .serial:
            closeTerminal()
        case .notificationSocket:
            sockets.removeValue(forKey: device)?.close()
        }
    }

    private func closeTerminal() {
        guard let terminal else { return }
        terminal.close()
        self.terminal = nil
        if let terminalLink { unlink(terminalLink) }
    }
}
