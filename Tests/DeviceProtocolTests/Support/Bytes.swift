import DeviceProtocols
import Testing

/// Parses `"1E 55 32"` into bytes; test vectors are written the way specifications and logs print them.
func hexBytes(_ text: String) -> [UInt8] {
    text.split(separator: " ").map { chunk in
        guard let byte = UInt8(chunk, radix: 16) else { preconditionFailure("bad hex \(chunk) in test vector") }
        return byte
    }
}

/// Runs `body` and returns the `DecodingFailure` it throws, or `nil` when it succeeds; any other error is an issue.
func decodingFailure<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> DecodingFailure? {
    do {
        _ = try body()
        return nil
    } catch let failure as DecodingFailure {
        return failure
    } catch {
        Issue.record("expected a DecodingFailure, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Runs `body` and returns the `EncodingFailure` it throws, or `nil` when it succeeds; any other error is an issue.
func encodingFailure<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> EncodingFailure? {
    do {
        _ = try body()
        return nil
    } catch let failure as EncodingFailure {
        return failure
    } catch {
        Issue.record("expected an EncodingFailure, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

func sfloat(_ mantissa: Int, _ exponent: Int) -> MedFloat16 {
    do {
        return try MedFloat16(mantissa: mantissa, exponent: exponent)
    } catch {
        preconditionFailure("test SFLOAT \(mantissa)e\(exponent) out of range: \(error)")
    }
}
