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
        .library(name: "Telemetry", targets: ["Telemetry"]),
    ],
    targets: [
        .target(name: "DeviceProtocols"),
        .target(name: "Vitals"),
        /// Decoded device measurements as Vitals readings: the one place that knows both.
        .target(name: "DeviceReadings", dependencies: ["DeviceProtocols", "Vitals"]),
        /// The MQTT topic tree and versioned JSON payloads between gateways and the hub.
        .target(name: "Telemetry", dependencies: ["Vitals"]),
        .testTarget(name: "DeviceProtocolTests", dependencies: ["DeviceProtocols"]),
        .testTarget(name: "VitalsTests", dependencies: ["Vitals"]),
        .testTarget(name: "DeviceReadingsTests", dependencies: ["DeviceReadings", "DeviceProtocols", "Vitals"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Vitals"]),
    ],
    swiftLanguageModes: [.v6]
)
