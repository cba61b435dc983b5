import DeviceProtocols
import FuzzSupport

/// Starts libFuzzer on this harness (SwiftPM renames executables' entry points, so libFuzzer's own `main` is unused).
@main
enum HeartRateFuzzer {
    static func main() {
        runLibFuzzer(fuzzOneInput)
    }
}

/// libFuzzer entry point: Heart Rate Measurement (0x2A37).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkDecoder(fuzzInput(data, size), canonical: heartRateCanonical) { try HeartRateMeasurement(decoding: $0).encoded() }
    return 0
}
