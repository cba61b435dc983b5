// swift-tools-version:6.0
import PackageDescription

/// libFuzzer harnesses for the `DeviceProtocols` decoders: one executable per decoder, sharing `FuzzSupport`.
///
/// Build and run them with `scripts/fuzz` (it passes `-sanitize=fuzzer,address -parse-as-library`); a plain
/// `swift build` of this package cannot link them, as libFuzzer supplies `main`.
let fuzzers = [
    "HeartRateFuzzer", "TemperatureFuzzer", "PLXSpotCheckFuzzer", "PLXContinuousFuzzer", "BloodPressureFuzzer",
    "BatteryLevelFuzzer", "AccelerometerFuzzer", "CMS50FrameFuzzer", "CMS50StreamFuzzer",
]

let deviceProtocols = Target.Dependency.product(name: "DeviceProtocols", package: rootPackageIdentity())

let package = Package(
    name: "DeviceProtocolsFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "LibFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: [deviceProtocols, "LibFuzzerDriver"]),
    ] + fuzzers.map { .executableTarget(name: $0, dependencies: ["FuzzSupport", deviceProtocols]) },
    swiftLanguageModes: [.v6]
)

/// SwiftPM names a path dependency after its folder, which differs between a developer's checkout and CI's clone.
func rootPackageIdentity() -> String {
    let parts = Context.packageDirectory.split(separator: "/")
    return parts.count >= 2 ? String(parts[parts.count - 2]).lowercased() : "main"
}
