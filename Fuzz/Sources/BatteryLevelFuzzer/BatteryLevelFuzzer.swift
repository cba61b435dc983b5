import DeviceProtocols
import FuzzSupport

/// Starts libFuzzer on this harness (SwiftPM renames executables' entry points, so libFuzzer's own `main` is unused).
@main
enum BatteryLevelFuzzer {
    static func main() {
        runLibFuzzer(fuzzOneInput)
    }
}

/// libFuzzer entry point: Battery Level (0x2A19).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkDecoder(fuzzInput(data, size)) { try BatteryLevel(decoding: $0).encoded() }
    return 0
}
