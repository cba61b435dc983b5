import DeviceProtocols
import Glibc
internal import LibFuzzerDriver

/// Runs libFuzzer with `testOneInput` (the harness's `LLVMFuzzerTestOneInput`) and exits with its status:
/// non-zero when it finds a crash.
public func runLibFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, copied so no pointer escapes.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Decodes `bytes` with `decode`, ignoring a `DecodingFailure`, and checks what a successful decode promises:
/// re-encoding succeeds and gives back the input (up to `canonical`). A broken promise traps, which libFuzzer
/// reports as a crash.
public func checkDecoder(
    _ bytes: [UInt8],
    canonical: ([UInt8]) -> [UInt8] = { $0 },
    _ decodeAndEncode: ([UInt8]) throws -> [UInt8]
) {
    do {
        let encoded = try decodeAndEncode(bytes)
        guard encoded == canonical(bytes) else {
            fatalError("round trip changed \(bytes) into \(encoded)")
        }
    } catch let failure as DecodingFailure {
        if case let .needMoreBytes(needed, available) = failure.reason, !(needed > available && available >= 0) {
            fatalError("impossible shortage: \(failure)")
        }
    } catch {
        fatalError("decoded value failed to encode: \(error)")
    }
}

/// Feeds `bytes` to a CMS50 stream decoder in chunks whose sizes the input itself chooses (its first byte seeds
/// them), and checks the decoder's accounts after every chunk.
public func checkCMS50Stream(_ bytes: [UInt8]) {
    var decoder = CMS50LiveStreamDecoder()
    var state = UInt32(bytes.first ?? 0) | 1
    var index = 0
    var emitted = 0
    while index < bytes.count {
        state = state &* 1_103_515_245 &+ 12345
        let end = min(bytes.count, index + Int(state >> 28))
        emitted += decoder.feed(bytes[index..<end]).count
        index = end
        precondition(decoder.bufferedByteCount <= CMS50LiveSample.frameLength, "buffer grew past one frame")
        precondition(5 * decoder.decodedFrameCount + decoder.discardedByteCount + decoder.bufferedByteCount == index,
                     "byte accounts do not add up")
    }
    if decoder.finish() != nil { emitted += 1 }
    precondition(emitted == decoder.decodedFrameCount, "emitted and counted frames differ")
    precondition(5 * decoder.decodedFrameCount + decoder.discardedByteCount == bytes.count, "final accounts differ")
}

/// Heart-rate sensor contact 0b01 means "not supported" like 0b00, and the encoder writes 0b00.
public func heartRateCanonical(_ bytes: [UInt8]) -> [UInt8] {
    guard let flags = bytes.first, flags & 0b110 == 0b010 else { return bytes }
    return [flags & ~0b010] + bytes.dropFirst()
}
