/// A unit of measure, identified by its UCUM code (unitsofmeasure.org), with the symbol people read.
public struct UnitOfMeasure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The UCUM case-sensitive code, e.g. `mm[Hg]`.
    public var ucum: String
    /// What a person reads, e.g. `mmHg`.
    public var symbol: String

    /// A unit as given; the UCUM code is not validated, and only the codes ``convert(_:to:)`` knows convert.
    public init(ucum: String, symbol: String) {
        self.ucum = ucum
        self.symbol = symbol
    }

    public var description: String { symbol }

    /// Heartbeats per minute (UCUM `/min`).
    public static let beatsPerMinute = UnitOfMeasure(ucum: "/min", symbol: "bpm")
    /// Breaths per minute; shares UCUM `/min` with ``beatsPerMinute``, so the two convert into each other unchanged.
    public static let breathsPerMinute = UnitOfMeasure(ucum: "/min", symbol: "breaths/min")
    /// Percent (UCUM `%`), the canonical unit of SpO2 and perfusion index.
    public static let percent = UnitOfMeasure(ucum: "%", symbol: "%")
    /// Degrees Celsius (UCUM `Cel`), the canonical unit of body temperature.
    public static let celsius = UnitOfMeasure(ucum: "Cel", symbol: "°C")
    /// Degrees Fahrenheit (UCUM `[degF]`); converts to and from ``celsius``.
    public static let fahrenheit = UnitOfMeasure(ucum: "[degF]", symbol: "°F")
    /// Millimetres of mercury (UCUM `mm[Hg]`), the canonical unit of blood pressure.
    public static let millimetresOfMercury = UnitOfMeasure(ucum: "mm[Hg]", symbol: "mmHg")
    /// Kilopascals (UCUM `kPa`); converts to and from ``millimetresOfMercury``.
    public static let kilopascal = UnitOfMeasure(ucum: "kPa", symbol: "kPa")
    /// Standard acceleration of free fall (9.80665 m/s²).
    public static let standardGravity = UnitOfMeasure(ucum: "[g]", symbol: "g")
    /// A dimensionless count (UCUM `1`) with no symbol shown, for events such as a fall.
    public static let count = UnitOfMeasure(ucum: "1", symbol: "")

    /// Converts `value` from this unit into `target`.
    ///
    /// Only dimensionally equal units convert (temperature to temperature, pressure to pressure); units that share
    /// a UCUM code (beats and breaths per minute are both `/min`) convert as themselves.
    public func convert(_ value: Double, to target: UnitOfMeasure) throws(UnitConversionError) -> Double {
        if ucum == target.ucum { return value }
        switch (ucum, target.ucum) {
        case ("[degF]", "Cel"): return (value - 32) * 5 / 9
        case ("Cel", "[degF]"): return value * 9 / 5 + 32
        // 1 mmHg = 133.322387415 Pa (ISO 80000-4 conventional millimetre of mercury).
        case ("kPa", "mm[Hg]"): return value * 1000 / 133.322387415
        case ("mm[Hg]", "kPa"): return value * 133.322387415 / 1000
        default: throw UnitConversionError(from: self, to: target)
        }
    }
}

/// A value was given in a unit that cannot be converted into the one required.
public struct UnitConversionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The unit the value was given in.
    public var from: UnitOfMeasure
    /// The unit the value was required in.
    public var to: UnitOfMeasure

    public var description: String { "cannot convert \(from.ucum) to \(to.ucum)" }
}
