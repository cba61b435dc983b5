#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The daily rhythm of the body's set points.
///
/// Core temperature is lowest in the early morning and highest in the late afternoon, about ±0.3–0.5 °C around its
/// mean (Refinetti and Menaker, Physiology & Behavior 1992); heart rate and blood pressure follow the same phase,
/// with the nocturnal dip of a few beats and mmHg. One cosine with its peak at 16:30 models all three.
enum Circadian {
    /// The hour of day of the peak.
    static let peakHour = 16.5
    /// Temperature swing either side of the daily mean, °C.
    static let temperatureAmplitude = 0.35
    /// Heart-rate swing, beats per minute.
    static let heartRateAmplitude = 4.0
    /// Systolic swing, mmHg (diastolic takes two thirds of it).
    static let systolicAmplitude = 6.0

    /// −1 at the nadir (04:30), +1 at the peak (16:30).
    static func phase(hourOfDay: Double) -> Double {
        cos(2 * Double.pi * (hourOfDay - peakHour) / 24)
    }

    /// The local hour of day `seconds` after a start at `startHour`.
    static func hourOfDay(startHour: Double, after seconds: Double) -> Double {
        let hours = (startHour + seconds / 3600).truncatingRemainder(dividingBy: 24)
        return hours < 0 ? hours + 24 : hours
    }
}
