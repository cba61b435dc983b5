#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The heartbeats, one after another in wall time, with heart-rate variability.
///
/// Each RR interval is 60 / heart rate, modulated by breathing (respiratory sinus arrhythmia, about ±3.5 %), by the
/// 0.1 Hz Mayer wave of blood-pressure control (±2 %), and by beat-to-beat noise (1.2 %), all shrinking as the
/// heart rate climbs (Task Force of the ESC and NASPE, Circulation 1996, for the components; a fast heart varies
/// less). Beats are generated in order, so this is a value that is extended, not a function of time; it stays
/// deterministic for a seed.
struct HeartRhythm: Sendable, Hashable {
    /// One beat: when, in wall seconds, and the RR interval that ended with it, in seconds.
    struct Beat: Sendable, Hashable {
        var time: Double
        var interval: Double
    }

    /// Recent beats, oldest first.
    private(set) var beats: [Beat] = []
    private var generated: Int64 = 0
    private var respiratoryPhase = 0.0

    /// Generates beats until one lies beyond `seconds`.
    mutating func extend(through seconds: Double, rateAt rate: (Double) -> (heart: Double, breathing: Double),
                         noise: SeededNoise) {
        if beats.isEmpty {
            let first = rate(0)
            let interval = 60 / first.heart
            beats.append(Beat(time: interval * noise.uniform(.firstBeat, 0), interval: interval))
            generated = 1
        }
        let mayerPhase = 2 * Double.pi * noise.uniform(.mayerWavePhase, 0)
        while let last = beats.last, last.time <= seconds {
            let rates = rate(last.time)
            let mean = 60 / rates.heart
            let variability = min(1, 75 / rates.heart)
            respiratoryPhase += 2 * Double.pi * rates.breathing / 60 * mean
            let modulation = 0.035 * sin(respiratoryPhase) + 0.02 * sin(2 * Double.pi * 0.1 * last.time + mayerPhase)
                + 0.012 * noise.gaussian(.beatToBeat, generated)
            let interval = mean * (1 + variability * modulation)
            beats.append(Beat(time: last.time + interval, interval: interval))
            generated += 1
        }
    }

    /// The beats in `(after, upTo]`.
    func beats(after: Double, upTo: Double) -> [Beat] {
        beats.filter { $0.time > after && $0.time <= upTo }
    }

    /// How far through its beat `seconds` lies (0 at the beat, towards 1 before the next), or `nil` before the
    /// first beat or beyond what was generated.
    func phase(at seconds: Double) -> Double? {
        guard let next = beats.firstIndex(where: { $0.time > seconds }), next > 0 else { return nil }
        return (seconds - beats[next - 1].time) / beats[next].interval
    }

    /// The mean of the last `count` RR intervals ending at or before `seconds`.
    func meanInterval(upTo seconds: Double, count: Int) -> Double? {
        let recent = beats.filter { $0.time <= seconds }.suffix(count)
        guard !recent.isEmpty else { return nil }
        return recent.reduce(0) { $0 + $1.interval } / Double(recent.count)
    }

    /// Forgets beats before `seconds`, keeping the last of them (a phase needs the beat before).
    mutating func discard(before seconds: Double) {
        guard let keep = beats.lastIndex(where: { $0.time < seconds }), keep > 0 else { return }
        beats.removeFirst(keep)
    }
}
