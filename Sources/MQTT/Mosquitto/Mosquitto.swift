internal import CMosquitto
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `mosquitto_lib_init` is not thread safe and must run once per process before anything else: a global's
/// initializer runs exactly once, the first time a client is created.
private let libraryInitialization: Int32 = mosquitto_lib_init()

/// Owns one `struct mosquitto *`: creates and configures it, makes every call into libmosquitto for the client,
/// and frees it in `deinit`.
///
/// The pointer sits in a `Mutex` so that it can be used from any task; the lock is only ever taken here, around a
/// libmosquitto call, and never from a callback, so it cannot deadlock with libmosquitto's loop thread.
final class Mosquitto: Sendable {
    private let handle: Mutex<OpaquePointer>
    /// The Swift state libmosquitto's callbacks report to; kept alive by this handle, which outlives the loop thread.
    let core: ClientCore
    private let blockingQueue = DispatchQueue(label: "silverwatch.mqtt.blocking")

    init(configuration: MQTTConfiguration, core: ClientCore) throws(MQTTError) {
        _ = libraryInitialization
        let cleanSession = if case .persistent = configuration.session { false } else { true }
        let userdata = Unmanaged.passUnretained(core).toOpaque()
        let created =
            configuration.clientID.isEmpty
            ? mosquitto_new(nil, cleanSession, userdata)
            : mosquitto_new(configuration.clientID, cleanSession, userdata)
        guard let created else { throw .library(.system(errno: errno)) }
        handle = Mutex(created)
        self.core = core
        try configure(configuration)
    }

    deinit {
        // Also joins the loop thread if it is somehow still running (libmosquitto cancels and joins it).
        handle.withLock { mosquitto_destroy($0) }
    }

    /// Runs `body` with the pointer; `body` must only call libmosquitto.
    private func withPointer<Result: Sendable>(_ body: sending (OpaquePointer) -> Result) -> Result {
        handle.withLock { body($0) }
    }

    private func configure(_ configuration: MQTTConfiguration) throws(MQTTError) {
        let failure = withPointer { pointer -> (code: Int32, errno: Int32)? in
            var steps: [() -> Int32] = []
            let version = configuration.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
            steps.append { mosquitto_int_option(pointer, MOSQ_OPT_PROTOCOL_VERSION, version) }
            // Readings and acknowledgements are small packets: Nagle's algorithm would hold them back.
            steps.append { mosquitto_int_option(pointer, MOSQ_OPT_TCP_NODELAY, 1) }
            if let credentials = configuration.credentials {
                steps.append { mosquitto_username_pw_set(pointer, credentials.username, credentials.password) }
            }
            if let tls = configuration.tls {
                steps.append { mosquitto_tls_set(pointer, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil) }
            }
            if let will = configuration.will {
                steps.append {
                    will.payload.withUnsafeBytes { bytes in
                        mosquitto_will_set(pointer, will.topic, Int32(clamping: bytes.count), bytes.baseAddress, Int32(will.qos.rawValue), will.retain)
                    }
                }
            }
            let backoff = configuration.reconnect
            steps.append {
                mosquitto_reconnect_delay_set(
                    pointer,
                    UInt32(max(1, backoff.initialDelay.wholeSecondsRoundedUp)),
                    UInt32(max(1, backoff.maximumDelay.wholeSecondsRoundedUp)),
                    backoff.exponential
                )
            }
            for step in steps {
                let code = step()
                if code != MOSQ_ERR_SUCCESS.rawValue { return (code, errno) }
            }
            Self.installCallbacks(on: pointer)
            return nil
        }
        if let failure { throw .library(MosquittoError(code: failure.code, errno: failure.errno)) }
    }
}

extension Mosquitto {
    /// Opens the TCP connection and sends CONNECT. Blocks for the TCP handshake (and name lookup), so callers
    /// run it off the concurrency pool. Must come before `startLoop()`.
    func connect(host: String, port: Int, keepAlive: Int, sessionExpiry: UInt32?) -> (code: Int32, errno: Int32) {
        withPointer { pointer in
            // MQTT 5 ends a session at disconnect unless CONNECT asks for an expiry, and only the blocking
            // `mosquitto_connect_bind_v5` takes CONNECT properties (kept for every reconnect).
            var properties: OpaquePointer? = nil
            defer { mosquitto_property_free_all(&properties) }
            if let sessionExpiry {
                let code = mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), sessionExpiry)
                if code != MOSQ_ERR_SUCCESS.rawValue { return (code, errno) }
            }
            let code = mosquitto_connect_bind_v5(pointer, host, Int32(port), Int32(keepAlive), nil, properties)
            return (code, errno)
        }
    }

    /// Starts libmosquitto's loop thread, which reads, writes, pings, calls back and reconnects from now on.
    /// (`mosquitto_threaded_set` is not called: `mosquitto_loop_start` marks the client threaded itself.)
    func startLoop() -> (code: Int32, errno: Int32) {
        withPointer { pointer in
            let code = mosquitto_loop_start(pointer)
            return (code, errno)
        }
    }

    /// Sends DISCONNECT (so the broker discards the will) and joins the loop thread once it has written it.
    /// Blocks; callers run it off the concurrency pool.
    func disconnectAndStopLoop() {
        withPointer { pointer in
            _ = mosquitto_disconnect_v5(pointer, 0, nil)
            _ = mosquitto_loop_stop(pointer, false)
        }
    }

    func publish(topic: String, payload: [UInt8], qos: QoS, retain: Bool) -> (code: Int32, messageID: Int32, errno: Int32) {
        withPointer { pointer in
            var messageID: Int32 = 0
            let code = payload.withUnsafeBytes { bytes in
                mosquitto_publish_v5(pointer, &messageID, topic, Int32(clamping: bytes.count), bytes.baseAddress, Int32(qos.rawValue), retain, nil)
            }
            return (code, messageID, errno)
        }
    }

    func subscribe(_ filters: [String], qos: QoS) -> (code: Int32, messageID: Int32, errno: Int32) {
        withPointer { Self.subscribe(on: $0, filters, qos: qos) }
    }

    /// Also used from the connect callback, with the pointer libmosquitto passes in.
    static func subscribe(on pointer: OpaquePointer, _ filters: [String], qos: QoS) -> (code: Int32, messageID: Int32, errno: Int32) {
        withCStrings(filters) { array in
            var messageID: Int32 = 0
            let code = mosquitto_subscribe_multiple(pointer, &messageID, Int32(filters.count), array, Int32(qos.rawValue), 0, nil)
            return (code, messageID, errno)
        }
    }

    func unsubscribe(_ filters: [String]) -> (code: Int32, messageID: Int32, errno: Int32) {
        withPointer { pointer in
            withCStrings(filters) { array in
                var messageID: Int32 = 0
                let code = mosquitto_unsubscribe_multiple(pointer, &messageID, Int32(filters.count), array, nil)
                return (code, messageID, errno)
            }
        }
    }

    /// Shuts the TCP connection down under libmosquitto's feet, without a DISCONNECT: to the broker it looks like
    /// a crash or a lost network (it publishes the will); the client sees a lost connection and reconnects.
    func severConnectionForTesting() {
        withPointer { pointer in
            let socket = mosquitto_socket(pointer)
            if socket >= 0 { _ = shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }
}

/// Calls `body` with a C array of C strings (`char *const *`), valid only during the call.
private func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> Result) -> Result {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return copies.withUnsafeBufferPointer { body($0.baseAddress) }
}

extension Mosquitto {
    /// Runs blocking work (a TCP connect, joining the loop thread) on a thread of its own, not on the concurrency
    /// pool. A private serial queue rather than `DispatchQueue.global()`: on Linux the global queue runs only as
    /// many blocking items at once as there are cores, so it could queue a connect behind someone else's wait.
    func offloaded<Result: Sendable>(_ work: @escaping @Sendable (Mosquitto) -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            blockingQueue.async { continuation.resume(returning: work(self)) }
        }
    }
}
