/// A unit of measure, identified by its UCUM code (unitsofmeasure.org), with the symbol people read.
public struct UnitOfMeasure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The UCUM case-sensitive code, e.g. `mm[Hg]`.
    public var ucum: String
    /// What a person reads, e.g. `mmHg`.
    public var symbol: String

    public init(ucum: String, symbol: String) {
        self.ucum = ucum
        self.symbol = symbol
    }

    public var description: String { symbol }

    public static let beatsPerMinute = UnitOfMeasure(ucum: "/min", symbol: "bpm")
    public static let breathsPerMinute = UnitOfMeasure(ucum: "/min", symbol: "breaths/min")
    public static let percent = UnitOfMeasure(ucum: "%", symbol: "%")
    public static let celsius = UnitOfMeasure(ucum: "Cel", symbol: "°C")
    public static let fahrenheit = UnitOfMeasure(ucum: "[degF]", symbol: "°F")
    public static let millimetresOfMercury = UnitOfMeasure(ucum: "mm[Hg]", symbol: "mmHg")
    public static let kilopascal = UnitOfMeasure(ucum: "kPa", symbol: "kPa")
    /// Standard acceleration of free fall (9.80665 m/s²).
    public static let standardGravity = UnitOfMeasure(ucum: "[g]", symbol: "g")
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
    public var from: UnitOfMeasure
    public var to: UnitOfMeasure

    public var description: String { "cannot convert \(from.ucum) to \(to.ucum)" }
}
