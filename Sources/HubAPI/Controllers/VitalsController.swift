import Foundation
import Hub
import Hummingbird
import Vitals

/// Vitals: each patient's latest values with their NEWS2 score, and downsampled history for charts. Patient data:
/// technicians get 403, others see the patients `Access` lets them, and every read is audited.
struct VitalsController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    /// The longest span one history request may cover.
    static let longestSpan: TimeInterval = 400 * 86_400

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("vitals/latest", use: latestForAll)
        group.get("patients/:patientId/vitals/latest", use: latest)
        group.get("patients/:patientId/vitals/:kind/history", use: history)
    }

    /// The latest vitals of every patient the caller may see, a page of patients at a time: a caregiver's overview.
    @Sendable func latestForAll(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        guard session.account.role != .technician else { throw APIError.forbidden("technicians see devices and their status, not vitals") }
        let page = try PageRequest(request)
        let patients = try await api.database.patients(in: Access.patientScope(session), after: page.after, limit: page.limit + 1)
        let shown = Array(patients.prefix(page.limit))
        let latest = try await api.database.latestReadings(patientIDs: shown.map(\.id))
        let now = api.now()
        let result = page.page(patients, position: \.id) { patient in
            DTO.LatestVitals(patient: patient, readings: latest[patient.id] ?? [], at: now)
        }
        try await api.audit(session, "vitals.read", patients: shown.map(\.id), request: request, context: context)
        // Written directly: JSONEncoder was the largest part of this request's work (scripts/bench-api).
        return JSONWriter.response { result.write(&$0) }
    }

    @Sendable func latest(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        let patient = try await access.patient(id, .readVitals, session, request, context)
        let latest = try await api.database.latestReadings(patientIDs: [id])
        let vitals = DTO.LatestVitals(patient: patient, readings: latest[id] ?? [], at: api.now())
        return JSONWriter.response { vitals.write(&$0) }
    }

    @Sendable func history(_ request: Request, context: HubRequestContext) async throws -> DTO.VitalHistory {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        guard let kindText = context.parameters.get("kind"), let kind = VitalKind(rawValue: kindText) else {
            throw APIError.notFound("vital \(context.parameters.get("kind") ?? "")")
        }
        let query = Query(request)
        let now = api.now()
        let to = try query.date("to") ?? now
        let from = try query.date("from") ?? to.addingTimeInterval(-86_400)
        guard from < to else { throw APIError.invalid("from", "from must be before to") }
        guard to.timeIntervalSince(from) <= Self.longestSpan else { throw APIError.invalid("from", "a history spans at most 400 days") }
        let points = try query.int("points", in: 1...2000) ?? 500
        _ = try await access.patient(id, .readVitals, session, request, context)
        let history = try await api.database.history(patientID: id, kind: kind, from: from, to: to, points: points)
        return DTO.VitalHistory(patientId: id, kind: kind, from: from, to: to, history: history)
    }
}

extension DTO {
    struct News2: Encodable, Sendable {
        /// The aggregate score; absent while a parameter is missing (NEWS2 is only complete with all seven).
        var total: Int?
        /// The sum of the parameters observed.
        var partialTotal: Int
        /// The clinical risk: low, low-medium, medium, high; absent while incomplete.
        var risk: String?
        /// The risk the observed parameters already imply (missing ones can only raise it).
        var minimumRisk: String
        var scale: Int
        var parameters: [String: Int]
        var missing: [String]

        init(_ score: EarlyWarningScore) {
            total = score.total
            partialTotal = score.partialTotal
            risk = score.risk.map(Self.name)
            minimumRisk = Self.name(score.minimumRisk)
            scale = score.scale.rawValue
            parameters = Dictionary(uniqueKeysWithValues: score.parameterScores.map { ($0.key.rawValue, $0.value) })
            missing = score.missing.map(\.rawValue).sorted()
        }

        static func name(_ risk: EarlyWarningScore.ClinicalRisk) -> String {
            switch risk {
            case .low: "low"
            case .lowMedium: "low-medium"
            case .medium: "medium"
            case .high: "high"
            }
        }
    }

    struct LatestVitals: ResponseEncodable, Sendable {
        var patientId: Int64
        var displayName: String
        var vitals: [Reading]
        var news2: News2

        /// The patient's latest usable readings, and NEWS2 scored from those still fresh at `time` with the
        /// patient's settings, the way the hub's alerting scores them.
        init(patient: Hub.Patient, readings: [Vitals.Reading], at time: Date) {
            patientId = patient.id
            displayName = patient.displayName
            vitals = readings.map(Reading.init)
            news2 = News2(EarlyWarningTracker.score(of: readings, settings: patient.earlyWarningSettings, at: time))
        }
    }

    struct HistoryPoint: Encodable, Sendable {
        var start: Date
        var count: Int
        var min: Double
        var avg: Double
        var max: Double
    }

    struct VitalHistory: ResponseEncodable, Sendable {
        var patientId: Int64
        var kind: String
        var unit: String
        var from: Date
        var to: Date
        var bucketSeconds: Double
        /// What the buckets were built from: "readings", or a rollup ("1m", "15m").
        var source: String
        var points: [HistoryPoint]

        init(patientId: Int64, kind: VitalKind, from: Date, to: Date, history: Hub.VitalHistory) {
            self.patientId = patientId
            self.kind = kind.rawValue
            unit = kind.unit.ucum
            self.from = from
            self.to = to
            bucketSeconds = history.bucket.inSeconds
            source = switch history.sourceResolutionSeconds {
            case 0: "readings"
            case let seconds where seconds % 60 == 0: "\(seconds / 60)m"
            case let seconds: "\(seconds)s"
            }
            points = history.buckets.map { HistoryPoint(start: $0.start, count: $0.count, min: $0.minimum, avg: $0.average, max: $0.maximum) }
        }
    }
}
