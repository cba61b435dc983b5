import DeviceProtocols
import FuzzSupport

/// Starts libFuzzer on this harness (SwiftPM renames executables' entry points, so libFuzzer's own `main` is unused).
@main
enum PLXContinuousFuzzer {
    static func main() {
        runLibFuzzer(fuzzOneInput)
    }
}

/// libFuzzer entry point: PLX Continuous Measurement (0x2A5F).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkDecoder(fuzzInput(data, size)) { try PLXContinuousMeasurement(decoding: $0).encoded() }
    return 0
}
