// swift-tools-version:6.1
import PackageDescription

/// SilverWatch: remote patient monitoring.
///
/// `DeviceProtocols` and `Vitals` are pure libraries (bytes and values in, values out, `now` passed in):
/// no I/O, no clock reads, no MQTT, database or HTTP. Everything that does I/O lives in later targets.
let package = Package(
    name: "SilverWatch",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DeviceProtocols", targets: ["DeviceProtocols"]),
        .library(name: "Vitals", targets: ["Vitals"]),
        .library(name: "Scheduling", targets: ["Scheduling"]),
        .library(name: "DeviceReadings", targets: ["DeviceReadings"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .executable(name: "mqtt-cycle", targets: ["MQTTCycle"]),
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .executable(name: "silverwatch-simulator", targets: ["SilverWatchSimulator"]),
        .executable(name: "silverwatch-agent", targets: ["AgentCommand"]),
        .executable(name: "silverwatch-hub", targets: ["HubCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The HTTP API. Hummingbird without its swift-configuration and full-Foundation traits: the hub configures it
        // from its own command line.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        // Webhook deliveries of notifications (already built for HummingbirdTesting).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .target(name: "DeviceProtocols"),
        .target(name: "Vitals"),
        /// Appointments as values: availability across time zones and daylight saving, free slots, the appointment
        /// lifecycle and calendar feeds. Pure like Vitals: `now` is passed in.
        .target(name: "Scheduling"),
        /// Decoded device measurements as Vitals readings: the one place that knows both.
        .target(name: "DeviceReadings", dependencies: ["DeviceProtocols", "Vitals"]),
        /// The MQTT topic tree and versioned JSON payloads between gateways and the hub.
        .target(name: "Telemetry", dependencies: ["Vitals"]),
        /// Debian's libmosquitto-dev as a Swift module: a module map and a one-line shim, nothing else.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        /// The only Swift code that touches libmosquitto: an async MQTT client with typed errors.
        .target(name: "MQTT", dependencies: ["CMosquitto", .product(name: "Logging", package: "swift-log")]),
        /// Connect, publish, receive, disconnect in a loop against a broker: what scripts/leak-check runs under valgrind.
        .executableTarget(name: "MQTTCycle", dependencies: ["MQTT", .product(name: "Logging", package: "swift-log")]),
        /// Simulated patients: seeded physiology, named scenarios, device emulators on a pty and notification sockets.
        .target(name: "Simulation", dependencies: ["DeviceProtocols", .product(name: "Logging", package: "swift-log")],
                path: "simulators/Simulation"),
        /// Many simulated homes publishing straight to MQTT, measuring the hub's acknowledgements: load and benchmarks.
        .target(name: "Fleet", dependencies: [
            "Simulation", "MQTT", "Telemetry", "Vitals", .product(name: "Logging", package: "swift-log"),
        ], path: "simulators/Fleet"),
        .executableTarget(name: "SilverWatchSimulator", dependencies: [
            "Simulation", "Fleet", "MQTT", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
        ], path: "simulators/Main"),
        /// systemd's notification protocol (READY, WATCHDOG, STATUS) in Swift, without libsystemd.
        .target(name: "SystemdNotify"),
        /// The edge agent: device sources, decoding, the durable outbox, MQTT publishing, systemd notification.
        /// SQLite through GRDB's raw module (GRDBSQLite) rather than GRDB, which would bring Foundation to the agent.
        /// No ArgumentParser or ServiceLifecycle here or in AgentCommand: on a Raspberry Pi every linked library
        /// costs resident memory (scripts/bench-agent measures it).
        .target(name: "EdgeAgent", dependencies: [
            "DeviceProtocols", "DeviceReadings", "Vitals", "Telemetry", "MQTT", "SystemdNotify",
            .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
        ]),
        /// The agent's executable. On Linux it is linked by lld with packed relative relocations (DT_RELR, glibc 2.36+)
        /// and without exporting its symbols: a position-independent agent then keeps ASLR without 0.9 MB of
        /// relocation records and 0.3 MB of symbol tables resident (scripts/bench-agent: 16.1 MB → 14.9 MB RSS).
        .executableTarget(
            name: "AgentCommand", dependencies: ["EdgeAgent", .product(name: "Logging", package: "swift-log")],
            linkerSettings: [.unsafeFlags([
                "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
            ], .when(platforms: [.linux]))]),
        /// The hub: storage (GRDB), ingest, alert book, device registry.
        .target(name: "Hub", dependencies: [
            "Vitals", "Telemetry", "MQTT", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            "Scheduling", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .executableTarget(name: "HubCommand", dependencies: [
            "Hub", "HubAPI", "MQTT", "Vitals", "Telemetry", "SystemdNotify", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        /// The hub's HTTP API over the Hub library: accounts and sessions, authorization, audit, clinical resources.
        .target(name: "HubAPI", dependencies: [
            "Hub", "Scheduling", "Vitals", "Telemetry", "MQTT", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"), .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"), .product(name: "HTTPTypes", package: "swift-http-types"),
        ], resources: [.copy("Resources/openapi.yaml"), .copy("Resources/console")]),
        /// A real Mosquitto broker on a free loopback port, for the tests that need one.
        .target(name: "BrokerSupport", path: "Tests/BrokerSupport"),
        /// The live WebSocket as tests read it, for the API and system tests.
        .target(name: "APITestSupport", dependencies: [.product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")],
                path: "Tests/APITestSupport"),
        /// What several test targets share that is not about a broker: a seeded random generator.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DeviceProtocolTests", dependencies: ["DeviceProtocols", "TestSupport"]),
        .testTarget(name: "VitalsTests", dependencies: ["Vitals", "TestSupport"]),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling"]),
        .testTarget(name: "DeviceReadingsTests", dependencies: ["DeviceReadings", "DeviceProtocols", "Vitals"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Vitals", "TestSupport"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulation", "Fleet", "DeviceProtocols", "Vitals", "TestSupport"]),
        .testTarget(name: "EdgeAgentTests", dependencies: ["EdgeAgent", "DeviceProtocols", "DeviceReadings", "SystemdNotify", "Telemetry", "Vitals", "TestSupport"]),
        .testTarget(name: "HubTests", dependencies: ["Hub", "Vitals", "Telemetry", "MQTT"]),
        .testTarget(name: "SystemTests", dependencies: [
            "BrokerSupport", "DeviceProtocols", "EdgeAgent", "Fleet", "Hub", "HubAPI", "MQTT", "Simulation", "SystemdNotify", "Telemetry", "Vitals",
            "TestSupport", "APITestSupport", .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        ]),
        .testTarget(name: "HubAPITests", dependencies: [
            "HubAPI", "Hub", "Scheduling", "Vitals", "Telemetry", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"), .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"), "APITestSupport",
        ]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "BrokerSupport", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
