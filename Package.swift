// swift-tools-version:6.0
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
        .library(name: "DeviceReadings", targets: ["DeviceReadings"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .executable(name: "mqtt-cycle", targets: ["MQTTCycle"]),
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .executable(name: "silverwatch-simulator", targets: ["SilverWatchSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "DeviceProtocols"),
        .target(name: "Vitals"),
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
        .executableTarget(name: "SilverWatchSimulator", dependencies: [
            "Simulation", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
        ], path: "simulators/Main"),
        .testTarget(name: "DeviceProtocolTests", dependencies: ["DeviceProtocols"]),
        .testTarget(name: "VitalsTests", dependencies: ["Vitals"]),
        .testTarget(name: "DeviceReadingsTests", dependencies: ["DeviceReadings", "DeviceProtocols", "Vitals"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Vitals"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulation", "DeviceProtocols", "Vitals"]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
