import Foundation
import Hub
import Hummingbird
import NIOCore
import Vitals

extension DTO {
    struct PatientReport: Encodable, Sendable {
        struct Vital: Encodable, Sendable {
            var kind: String, name: String, unit: String, count: Int
            var min: Double?, max: Double?, mean: Double?, p5: Double?, p95: Double?
            var timeInRange: Double?, minutesWithData: Int?, minutesMonitored: Int?, completeness: Double?
        }
        struct Score: Encodable, Sendable { var at: Date, total: Int?, partialTotal: Int }
        struct Alerts: Encodable, Sendable { var priority: String, raised: Int, acknowledged: Int, medianSecondsToAcknowledge: Double? }
        struct Device: Encodable, Sendable { var deviceId: String, uptime: Double? }
        var patientId: Int64, displayName: String, from: Date, to: Date
        var vitals: [Vital], news2: [Score], alerts: [Alerts], devices: [Device]
    }

    struct FleetReport: Encodable, Sendable {
        struct Device: Encodable, Sendable {
            var deviceId: String, gatewayId: String, patientId: Int64?, attention: [String], uptime: Double?
            var batteryFirst: Int?, batteryLast: Int?, batteryLowest: Int?, batteryNow: Int?, medianRssi: Double?
            var firmware: String?, outboxBacklog: Int?, lastSeen: Date?
        }
        var from: Date, to: Date, devices: [Device]
    }

    struct OperationsReport: Encodable, Sendable {
        struct Person: Encodable, Sendable {
            var accountId: Int64, displayName: String, acknowledged: Int, medianSecondsToAcknowledge: Double?, resolved: Int, medianSecondsToResolve: Double?
        }
        struct Priority: Encodable, Sendable {
            var priority: String, raised: Int, acknowledged: Int, medianSecondsToAcknowledge: Double?, p90SecondsToAcknowledge: Double?
            var resolved: Int, medianSecondsToResolve: Double?, escalatedAlerts: Int, escalations: Int
        }
        var from: Date, to: Date, people: [Person], priorities: [Priority]
    }
}

/// Reports for a period (`from`, `to`: at most 31 days, by default the last 7), as JSON, CSV or a printable HTML page
/// with SVG charts (`format`): a patient's (their care team, the patient, admins), the fleet's (technicians and
/// admins) and the care team's handling of alerts (admins).
struct ReportsController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    static let longestPeriod: TimeInterval = 31 * 86_400

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("patients/:patientId/report", use: patient)
        group.get("reports/fleet", use: fleet)
        group.get("reports/operations", use: operations)
    }

    private func period(_ request: Request) throws -> (Range<Date>, ReportFormat) {
        let query = Query(request)
        let to = try query.date("to") ?? api.now()
        let from = try query.date("from") ?? to.addingTimeInterval(-7 * 86_400)
        guard to > from else { throw APIError.invalid("to", "to must be after from") }
        guard to.timeIntervalSince(from) <= Self.longestPeriod else { throw APIError.invalid("to", "a report covers at most 31 days") }
        let format = try query.choice("format", ReportFormat.allCases.map { ($0.rawValue, $0) }) ?? .json
        return (from..<to, format)
    }

    @Sendable func patient(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        let (period, format) = try self.period(request)
        let patient = try await access.patient(try request.id("patientId", context: context, of: "patient"), .readVitals, session, request, context)
        let report = try await api.database.patientReport(patient, period: period)
        let dto = DTO.PatientReport(
            patientId: patient.id, displayName: patient.displayName, from: period.lowerBound, to: period.upperBound,
            vitals: report.vitals.map {
                .init(kind: $0.kind.rawValue, name: $0.kind.displayName, unit: $0.kind.unit.ucum, count: $0.count, min: $0.minimum, max: $0.maximum,
                      mean: $0.mean, p5: $0.p5, p95: $0.p95, timeInRange: $0.timeInRange, minutesWithData: $0.minutesWithData,
                      minutesMonitored: $0.minutesMonitored, completeness: $0.completeness)
            },
            news2: report.news2.map { .init(at: $0.at, total: $0.total, partialTotal: $0.partialTotal) },
            alerts: report.alerts.map { .init(priority: $0.priority.description, raised: $0.raised, acknowledged: $0.acknowledged,
                                              medianSecondsToAcknowledge: $0.medianSecondsToAcknowledge) },
            devices: report.devices.map { .init(deviceId: $0.deviceID, uptime: $0.uptime) })
        let vitals = ReportTable(
            title: "Vitals", columns: ["vital", "unit", "readings", "min", "mean", "max", "p5", "p95", "time in range", "completeness"],
            rows: dto.vitals.map {
                [$0.name, $0.unit, String($0.count), ReportText.number($0.min), ReportText.number($0.mean), ReportText.number($0.max),
                 ReportText.number($0.p5), ReportText.number($0.p95), ReportText.percent($0.timeInRange), ReportText.percent($0.completeness)]
            })
        let alerts = ReportTable(title: "Alerts", columns: ["priority", "raised", "acknowledged", "median time to acknowledge"],
                                 rows: dto.alerts.map { [$0.priority, String($0.raised), String($0.acknowledged), ReportText.duration($0.medianSecondsToAcknowledge)] })
        let devices = ReportTable(title: "Devices", columns: ["device", "online"], rows: dto.devices.map { [$0.deviceId, ReportText.percent($0.uptime)] })
        let news2 = ReportTable(title: "NEWS2", columns: ["at", "total", "partial total"],
                                rows: dto.news2.map { [APIJSON.iso8601($0.at), $0.total.map(String.init) ?? "", String($0.partialTotal)] })
        try await api.audit(session, "report.patient", patients: [patient.id], request: request, context: context)
        switch format {
        case .json: return try json(dto)
        case .csv: return text(ReportText.csv([vitals, news2, alerts, devices]), type: "text/csv; charset=utf-8", name: "patient-\(patient.id)-report.csv")
        case .html:
            let span = period.upperBound.timeIntervalSince(period.lowerBound)
            let points = dto.news2.map { (x: $0.at.timeIntervalSince(period.lowerBound) / span, y: Double($0.total ?? $0.partialTotal)) }
            let chart = ReportText.lineChart(
                title: "NEWS2 every 6 hours; shaded from 5 (medium risk) and 7 (high risk)", points: points, yRange: 0...20, yLabel: "NEWS2",
                start: APIJSON.iso8601(period.lowerBound), end: APIJSON.iso8601(period.upperBound),
                bands: [(5...6.99, "#fff3d6"), (7...20, "#fde2e2")])
            let spreads = ReportText.barChart(
                title: "Share of readings in NEWS2's normal range, per vital",
                bars: dto.vitals.compactMap { vital in vital.timeInRange.map { (label: vital.name, value: $0, text: ReportText.percent($0)) } }, maximum: 1)
            let page = ReportText.html(
                title: "Patient report: \(patient.displayName)",
                subtitle: "\(APIJSON.iso8601(period.lowerBound)) to \(APIJSON.iso8601(period.upperBound)). p5 and p95: nearest-rank percentiles. Time in range: readings NEWS2 scores 0.",
                sections: [("NEWS2 trend", chart, news2), ("Vitals", spreads, vitals), ("Alerts", nil, alerts), ("Devices", nil, devices)])
            return text(page, type: "text/html; charset=utf-8", name: nil)
        }
    }

    @Sendable func fleet(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        guard [.admin, .technician].contains(session.account.role) else { throw APIError.forbidden("the fleet report is for technicians and admins") }
        let (period, format) = try self.period(request)
        let report = try await api.database.fleetReport(period: period)
        let conditions = try await api.database.openTechnicalConditions()
        var devices = report.devices.map { row -> DTO.FleetReport.Device in
            let status = DTO.Device(row.summary, openConditions: conditions[row.summary.externalID] ?? [], limits: FleetController.limits, at: api.now())
            return .init(deviceId: row.summary.externalID, gatewayId: row.summary.gatewayID, patientId: row.summary.patientID,
                         attention: status.attention.map(\.rawValue), uptime: row.uptime, batteryFirst: row.batteryFirst, batteryLast: row.batteryLast,
                         batteryLowest: row.batteryLowest, batteryNow: row.summary.batteryPercent, medianRssi: row.medianRSSI, firmware: row.summary.firmware,
                         outboxBacklog: row.outboxBacklog, lastSeen: row.summary.lastSeenAt.map(Date.init(millisecondsSince1970:)))
        }
        // Devices needing attention first, then the least online.
        devices.sort { ($0.attention.isEmpty ? 1 : 0, $0.uptime ?? 2, $0.deviceId) < ($1.attention.isEmpty ? 1 : 0, $1.uptime ?? 2, $1.deviceId) }
        let dto = DTO.FleetReport(from: period.lowerBound, to: period.upperBound, devices: devices)
        try await api.audit(session, "report.fleet", patients: [nil], request: request, context: context)
        let table = ReportTable(
            title: "Devices", columns: ["device", "gateway", "attention", "online", "battery first", "battery last", "battery lowest", "median signal (dBm)",
                                        "firmware", "outbox backlog", "last seen"],
            rows: devices.map {
                [$0.deviceId, $0.gatewayId, $0.attention.joined(separator: " "), ReportText.percent($0.uptime), $0.batteryFirst.map(String.init) ?? "",
                 $0.batteryLast.map(String.init) ?? "", $0.batteryLowest.map(String.init) ?? "", ReportText.number($0.medianRssi), $0.firmware ?? "",
                 $0.outboxBacklog.map(String.init) ?? "", $0.lastSeen.map(APIJSON.iso8601) ?? "never"]
            })
        switch format {
        case .json: return try json(dto)
        case .csv: return text(ReportText.csv([table]), type: "text/csv; charset=utf-8", name: "fleet-report.csv")
        case .html:
            let chart = ReportText.barChart(title: "Share of the period each device was online",
                                            bars: devices.map { (label: $0.deviceId, value: $0.uptime ?? 0, text: ReportText.percent($0.uptime)) }, maximum: 1)
            return text(ReportText.html(title: "Fleet report", subtitle: "\(APIJSON.iso8601(period.lowerBound)) to \(APIJSON.iso8601(period.upperBound)); devices needing attention first.",
                                        sections: [("Online", chart, table)]), type: "text/html; charset=utf-8", name: nil)
        }
    }

    @Sendable func operations(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let (period, format) = try self.period(request)
        let report = try await api.database.operationsReport(period: period)
        let dto = DTO.OperationsReport(
            from: period.lowerBound, to: period.upperBound,
            people: report.people.map { .init(accountId: $0.accountID, displayName: $0.displayName, acknowledged: $0.acknowledged,
                                              medianSecondsToAcknowledge: $0.medianSecondsToAcknowledge, resolved: $0.resolved,
                                              medianSecondsToResolve: $0.medianSecondsToResolve) },
            priorities: report.priorities.map { .init(priority: $0.priority.description, raised: $0.raised, acknowledged: $0.acknowledged,
                                                      medianSecondsToAcknowledge: $0.medianSecondsToAcknowledge, p90SecondsToAcknowledge: $0.p90SecondsToAcknowledge,
                                                      resolved: $0.resolved, medianSecondsToResolve: $0.medianSecondsToResolve,
                                                      escalatedAlerts: $0.escalatedAlerts, escalations: $0.escalations) })
        try await api.audit(session, "report.operations", patients: [nil], request: request, context: context)
        let priorities = ReportTable(
            title: "Alerts by priority", columns: ["priority", "raised", "acknowledged", "median to acknowledge", "p90 to acknowledge", "resolved",
                                                   "median to resolve", "escalated alerts", "escalations"],
            rows: dto.priorities.map {
                [$0.priority, String($0.raised), String($0.acknowledged), ReportText.duration($0.medianSecondsToAcknowledge),
                 ReportText.duration($0.p90SecondsToAcknowledge), String($0.resolved), ReportText.duration($0.medianSecondsToResolve),
                 String($0.escalatedAlerts), String($0.escalations)]
            })
        let people = ReportTable(
            title: "Alerts per person", columns: ["person", "acknowledged", "median to acknowledge", "resolved", "median to resolve"],
            rows: dto.people.map {
                [$0.displayName, String($0.acknowledged), ReportText.duration($0.medianSecondsToAcknowledge), String($0.resolved),
                 ReportText.duration($0.medianSecondsToResolve)]
            })
        switch format {
        case .json: return try json(dto)
        case .csv: return text(ReportText.csv([priorities, people]), type: "text/csv; charset=utf-8", name: "operations-report.csv")
        case .html:
            let slowest = dto.priorities.compactMap(\.medianSecondsToAcknowledge).max() ?? 1
            let chart = ReportText.barChart(title: "Median time to acknowledge, by priority", bars: dto.priorities.map {
                (label: $0.priority, value: $0.medianSecondsToAcknowledge ?? 0, text: ReportText.duration($0.medianSecondsToAcknowledge))
            }, maximum: slowest)
            return text(ReportText.html(title: "Operations report", subtitle: "Alerts raised \(APIJSON.iso8601(period.lowerBound)) to \(APIJSON.iso8601(period.upperBound)).",
                                        sections: [("By priority", chart, priorities), ("By person", nil, people)]), type: "text/html; charset=utf-8", name: nil)
        }
    }

    private func json(_ value: some Encodable) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try APIJSON.encoder().encode(value))))
    }

    private func text(_ text: String, type: String, name: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        if let name { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
