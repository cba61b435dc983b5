import Vitals

/// Small integer codes for vital kinds in the reading table. A code, once shipped, never changes meaning: add new
/// kinds at the end.
extension VitalKind {
    /// This kind's code in storage.
    public var storageCode: Int {
        switch self {
        case .heartRate: 1
        case .pulseRate: 2
        case .oxygenSaturation: 3
        case .bodyTemperature: 4
        case .respiratoryRate: 5
        case .systolicBloodPressure: 6
        case .diastolicBloodPressure: 7
        case .meanBloodPressure: 8
        case .perfusionIndex: 9
        case .activity: 10
        case .fallEvent: 11
        }
    }

    /// The kind stored under `code`, if any.
    public init?(storageCode code: Int) {
        guard let kind = VitalKind.allCases.first(where: { $0.storageCode == code }) else { return nil }
        self = kind
    }
}
