/// The named scenarios a simulated patient can live through.
///
/// The raw value is the name on the command line (`--scenario desaturation`).
public enum ScenarioKind: String, Sendable, Hashable, CaseIterable {
    /// Well and stable: vitals vary only by circadian rhythm, drift and measurement noise; the patient rests, gets
    /// up, walks and lies down again.
    case stable
    /// A desaturation episode at rest: SpO2 falls to about 85 % for three minutes and recovers, the heart rate
    /// rising a little with it.
    case desaturation
    /// Gradual deterioration (sepsis-like) over hours: respiratory rate, heart rate and temperature rise, SpO2 and
    /// systolic pressure fall, until NEWS2 is 7 or more.
    case deterioration
    /// A fever: temperature climbs to about 39 °C with the heart and respiratory rates, holds for hours, and
    /// falls back.
    case fever
    /// A fall: standing, walking, then a fall with a low-g phase, an impact above 3 g, and lying still on the side.
    case fall
    /// The chest strap's battery drains from 42 % to empty, when the strap (heart rate, accelerometer and battery)
    /// powers off.
    case batteryDrain = "battery-drain"
    /// The oximeter probe slips off for five minutes: the PLX oximeter reports `sensorDisplaced` and the CMS50 a
    /// probe error, both sending implausible values.
    case sensorDisplaced = "sensor-displaced"
    /// Both oximeters are switched off after two minutes: they stop sending and close their socket or port.
    case poweredOff = "powered-off"
    /// SpO2 hovers noisily at 92 % and the heart rate at 100/min, the limits of default alarm bands, to exercise
    /// sustain times and hysteresis.
    case hovering

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .stable: "well and stable; circadian rhythm, noise, daily activity"
        case .desaturation: "SpO2 falls to ~85 % for 3 min after 2 min, then recovers"
        case .deterioration: "NEWS2 rises to >= 7 over 5 h: RR, HR, temp up; SpO2, SBP down"
        case .fever: "temperature rises to ~39 °C over 75 min, holds 4 h, falls back"
        case .fall: "stands, walks, falls at 24 s (wall time), lies still on the side"
        case .batteryDrain: "strap battery 42 % -> 0 in 84 min, then the strap powers off"
        case .sensorDisplaced: "probe displaced 1-6 min: status bits, implausible values"
        case .poweredOff: "both oximeters power off after 2 min and close their connections"
        case .hovering: "SpO2 hovers at 92 % and heart rate at 100/min, noisily"
        }
    }
}
