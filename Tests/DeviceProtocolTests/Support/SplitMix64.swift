import TestSupport

/// Conveniences over the shared generator for the decoders' property tests.
extension SplitMix64 {
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }

    /// `true` with probability `1 / n`.
    mutating func oneIn(_ n: UInt64) -> Bool { next(upperBound: n) == 0 }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// Mutations of a valid encoding: bit flips, truncation, insertion, deletion, duplication, splicing.
enum Mutator {
    static func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let rounds = rng.int(1...3)
        for _ in 0..<rounds {
            switch rng.next(upperBound: 7 as UInt64) {
            case 0 where !bytes.isEmpty: // flip one bit
                let index = rng.int(0...(bytes.count - 1))
                bytes[index] ^= 1 << UInt8(rng.int(0...7))
            case 1: // truncate
                bytes.removeLast(rng.int(0...bytes.count))
            case 2: // insert random bytes
                let at = rng.int(0...bytes.count)
                bytes.insert(contentsOf: rng.bytes(rng.int(1...4)), at: at)
            case 3 where !bytes.isEmpty: // delete a run
                let start = rng.int(0...(bytes.count - 1))
                let end = min(bytes.count, start + rng.int(1...3))
                bytes.removeSubrange(start..<end)
            case 4 where !bytes.isEmpty: // duplicate a run
                let start = rng.int(0...(bytes.count - 1))
                let end = min(bytes.count, start + rng.int(1...6))
                bytes.insert(contentsOf: bytes[start..<end], at: rng.int(0...bytes.count))
            case 5 where !bytes.isEmpty: // overwrite with an interesting byte
                let index = rng.int(0...(bytes.count - 1))
                bytes[index] = [0x00, 0xFF, 0x7F, 0x80, 0x1F, 0xE0, 0x64, 0x65][rng.int(0...7)]
            default: // append random bytes
                bytes.append(contentsOf: rng.bytes(rng.int(1...3)))
            }
        }
        return bytes
    }
}
