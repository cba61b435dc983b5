import DeviceProtocols
import FuzzSupport

/// Starts libFuzzer on this harness (SwiftPM renames executables' entry points, so libFuzzer's own `main` is unused).
@main
enum TemperatureFuzzer {
    static func main() {
        runLibFuzzer(fuzzOneInput)
    }
}

/// libFuzzer entry point: Temperature Measurement (0x2A1C).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkDecoder(fuzzInput(data, size)) { try TemperatureMeasurement(decoding: $0).encoded() }
    return 0
}
