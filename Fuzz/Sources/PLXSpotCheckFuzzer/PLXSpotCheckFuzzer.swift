import DeviceProtocols
import FuzzSupport

/// Starts libFuzzer on this harness (SwiftPM renames executables' entry points, so libFuzzer's own `main` is unused).
@main
enum PLXSpotCheckFuzzer {
    static func main() {
        runLibFuzzer(fuzzOneInput)
    }
}

/// libFuzzer entry point: PLX Spot-check Measurement (0x2A5E).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkDecoder(fuzzInput(data, size)) { try PLXSpotCheckMeasurement(decoding: $0).encoded() }
    return 0
}
