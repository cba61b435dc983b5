/// A problem with the equipment rather than the patient: IEC 60601-1-8's technical alarm conditions.
public enum TechnicalCondition: String, Sendable, Hashable, Codable, CaseIterable {
    /// The device is connected but no reading has arrived for the configured time: the patient is unmonitored.
    case staleData = "stale-data"
    /// The device (or its gateway) is offline: its last will arrived, or nothing at all for the inactivity timeout.
    case deviceOffline = "device-offline"
    /// The battery is low (warning) or about to run out (urgent).
    case lowBattery = "low-battery"
    /// The sensor has moved from its place on the body (PLX status).
    case sensorDisplaced = "sensor-displaced"
    /// The sensor is disconnected or not on the patient (PLX status).
    case sensorDisconnected = "sensor-disconnected"
    /// The device marks its measurements questionable or invalid, or reports poor signal or low perfusion.
    case questionableReadings = "questionable-readings"
    /// The radio link is weak: readings may be lost.
    case weakSignal = "weak-signal"
}

/// Limits for technical alarms; the defaults suit home monitoring.
public struct TechnicalAlarmPolicy: Sendable, Hashable {
    /// No reading for this long raises stale data (medium).
    public var staleAfter: Duration
    /// No message of any kind for this long raises device offline (medium), as does a last will.
    public var offlineAfter: Duration
    /// At or below this battery percentage: a low-priority warning.
    public var batteryWarningPercent: Int
    /// At or below this battery percentage: a medium-priority, urgent warning.
    public var batteryUrgentPercent: Int
    /// The battery must rise this far above the warning level to clear (a battery's reading wobbles).
    public var batteryHysteresisPercent: Int
    /// Below this RSSI (dBm) for ``weakSignalSustain`` the signal is weak (low priority).
    public var weakSignalBelowDBm: Int
    /// How long the RSSI must stay below ``weakSignalBelowDBm`` before the signal counts as weak.
    public var weakSignalSustain: Duration
    /// The signal must come back this many dB above the limit to clear.
    public var signalHysteresisDB: Int
    /// A sensor problem or questionable readings must persist this long before they alarm (a patient moving a
    /// finger in the clip is not an alarm).
    public var sensorProblemSustain: Duration

    /// A policy with these limits; nothing is validated.
    public init(
        staleAfter: Duration = .seconds(600), offlineAfter: Duration = .seconds(600),
        batteryWarningPercent: Int = 30, batteryUrgentPercent: Int = 20, batteryHysteresisPercent: Int = 5,
        weakSignalBelowDBm: Int = -85, weakSignalSustain: Duration = .seconds(60), signalHysteresisDB: Int = 5,
        sensorProblemSustain: Duration = .seconds(15)
    ) {
        self.staleAfter = staleAfter
        self.offlineAfter = offlineAfter
        self.batteryWarningPercent = batteryWarningPercent
        self.batteryUrgentPercent = batteryUrgentPercent
        self.batteryHysteresisPercent = batteryHysteresisPercent
        self.weakSignalBelowDBm = weakSignalBelowDBm
        self.weakSignalSustain = weakSignalSustain
        self.signalHysteresisDB = signalHysteresisDB
        self.sensorProblemSustain = sensorProblemSustain
    }

    /// Defaults: stale and offline after 10 min, battery warning 30 % and urgent 20 %, weak signal < -85 dBm for 60 s.
    ///
    /// The battery limits (30 % warning, 20 % urgent) are the product requirement's defaults; −85 dBm is a common
    /// BLE threshold below which packet loss rises. Both are defaults to tune for the deployment.
    public static let standard = TechnicalAlarmPolicy()
}
