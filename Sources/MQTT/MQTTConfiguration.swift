import Dispatch

/// Everything needed to connect to a broker: address, identity, session, credentials, TLS, last will and
/// reconnect backoff.
public struct MQTTConfiguration: Sendable {
    /// The MQTT protocol version spoken to the broker.
    public enum ProtocolVersion: Sendable, Hashable {
        /// MQTT 5.0: reason codes on every acknowledgement, session expiry.
        case v5
        /// MQTT 3.1.1.
        case v3_1_1
    }

    /// Whether the broker keeps the client's session between connections.
    public enum Session: Sendable, Hashable {
        /// Start afresh on every connection; the broker forgets subscriptions and queued messages at disconnect.
        case clean
        /// Resume the session kept under this client identifier: subscriptions, and QoS 1/2 messages queued while
        /// the client was away. Needs a fixed, non-empty client identifier. Under MQTT 5 the broker keeps the
        /// session for `expiry` after the connection closes (`nil`: until the broker's own limit); MQTT 3.1.1
        /// sessions have no expiry of their own.
        case persistent(expiry: Duration? = nil)
    }

    /// A user name and password for the broker's password file.
    public struct Credentials: Sendable, Hashable {
        /// The user name.
        public var username: String
        /// The password; sent in clear unless TLS is configured.
        public var password: String

        /// Credentials for `mosquitto_username_pw_set`.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// TLS to the broker: the CA that signed the broker's certificate, and optionally a client certificate and
    /// its key (both or neither). Files are PEM and are read when the client is created.
    public struct TLS: Sendable, Hashable {
        /// The CA certificate file that verifies the broker.
        public var caFile: String
        /// The client certificate file, for brokers that require one.
        public var certificateFile: String?
        /// The client's private key file (unencrypted PEM).
        public var keyFile: String?

        /// TLS settings for `mosquitto_tls_set`.
        public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// The message the broker publishes for the client when its connection ends without a DISCONNECT (a crash,
    /// a lost network, a missed keepalive). A clean disconnect discards it.
    public struct Will: Sendable, Hashable {
        /// The topic the will is published to.
        public var topic: String
        /// The will's payload.
        public var payload: [UInt8]
        /// Its QoS.
        public var qos: QoS
        /// Whether the broker retains it (so later subscribers see, for example, "offline").
        public var retain: Bool

        /// A last will for `mosquitto_will_set`.
        public init(topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = true) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
        }
    }

    /// How long libmosquitto's loop thread waits before each reconnect attempt (`mosquitto_reconnect_delay_set`).
    ///
    /// libmosquitto counts in whole seconds (at least one), so delays are rounded up. With `exponential` the
    /// n-th consecutive attempt waits `initialDelay × n²` (libmosquitto's "exponential" backoff), otherwise
    /// `initialDelay × n`; never more than `maximumDelay`. A successful CONNACK starts the count again.
    public struct ReconnectBackoff: Sendable, Hashable {
        /// The wait before the first attempt.
        public var initialDelay: Duration
        /// The longest wait between attempts.
        public var maximumDelay: Duration
        /// Grow the wait quadratically rather than linearly.
        public var exponential: Bool

        /// A backoff policy.
        public init(initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(30), exponential: Bool = true) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.exponential = exponential
        }
    }

    /// The broker's host name or IP address.
    public var host: String
    /// The broker's TCP port.
    public var port: Int
    /// The client identifier; empty lets the broker assign one (clean sessions only).
    public var clientID: String
    /// Clean or persistent session.
    public var session: Session
    /// MQTT 5 (default) or 3.1.1.
    public var protocolVersion: ProtocolVersion
    /// How often the client pings an idle connection: 0 (off) or 5 s to 65,535 s, whole seconds.
    public var keepAlive: Duration
    /// A user name and password, if the broker wants them.
    public var credentials: Credentials?
    /// TLS, if the broker listens with it.
    public var tls: TLS?
    /// The last will, if any.
    public var will: Will?
    /// Reconnect backoff for the loop thread.
    public var reconnect: ReconnectBackoff
    /// How long `withConnection` waits for the broker's CONNACK before giving up with `MQTTError.connectTimedOut`.
    public var connectTimeout: Duration
    /// How many received messages wait for the application before libmosquitto's loop thread is held back. When
    /// the buffer is full the thread blocks, stops reading the socket, and TCP back-pressure reaches the broker,
    /// which queues for the client (up to its `max_queued_messages`) instead of this process growing.
    public var messageBufferCapacity: Int

    /// A configuration with the usual defaults: clean session, MQTT 5, 30 s keepalive, 1–30 s backoff, 10 s
    /// connect timeout, 10,000 buffered messages.
    public init(
        host: String,
        port: Int = 1883,
        clientID: String,
        session: Session = .clean,
        protocolVersion: ProtocolVersion = .v5,
        keepAlive: Duration = .seconds(30),
        credentials: Credentials? = nil,
        tls: TLS? = nil,
        will: Will? = nil,
        reconnect: ReconnectBackoff = ReconnectBackoff(),
        connectTimeout: Duration = .seconds(10),
        messageBufferCapacity: Int = 10_000
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.session = session
        self.protocolVersion = protocolVersion
        self.keepAlive = keepAlive
        self.credentials = credentials
        self.tls = tls
        self.will = will
        self.reconnect = reconnect
        self.connectTimeout = connectTimeout
        self.messageBufferCapacity = messageBufferCapacity
    }
}

extension MQTTConfiguration {
    /// Checks what libmosquitto would otherwise reject with a bare `MOSQ_ERR_INVAL`, naming the field.
    func validate() throws(MQTTError) {
        guard !host.isEmpty else { throw .invalidConfiguration("host is empty") }
        guard (1...65_535).contains(port) else { throw .invalidConfiguration("port \(port) is not in 1...65535") }
        let keepAliveSeconds = keepAlive.wholeSecondsRoundedUp
        guard keepAliveSeconds == 0 || (5...65_535).contains(keepAliveSeconds) else {
            throw .invalidConfiguration("keepAlive must be 0 or 5...65535 seconds, not \(keepAlive)")
        }
        if case .persistent = session, clientID.isEmpty {
            throw .invalidConfiguration("a persistent session needs a fixed, non-empty clientID")
        }
        guard messageBufferCapacity >= 1 else {
            throw .invalidConfiguration("messageBufferCapacity must be at least 1, not \(messageBufferCapacity)")
        }
        guard reconnect.maximumDelay >= reconnect.initialDelay else {
            throw .invalidConfiguration("reconnect.maximumDelay is shorter than reconnect.initialDelay")
        }
        if let tls, (tls.certificateFile == nil) != (tls.keyFile == nil) {
            throw .invalidConfiguration("tls needs both certificateFile and keyFile, or neither")
        }
    }
}

extension Duration {
    /// The duration for a Dispatch deadline, in nanoseconds.
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow, seconds >= 0 else { return seconds < 0 ? .nanoseconds(0) : .never }
        return .nanoseconds(Int(clamping: nanoseconds.partialValue + attoseconds / 1_000_000_000))
    }

    /// Whole seconds, rounding any fraction up, clamped to 0...UInt32.max: the unit libmosquitto counts in.
    var wholeSecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        let rounded = seconds + (attoseconds > 0 ? 1 : 0)
        return Int(max(0, min(rounded, Int64(UInt32.max))))
    }
}
