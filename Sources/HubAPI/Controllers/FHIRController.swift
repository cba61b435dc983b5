import Foundation
import Hub
import Hummingbird
import Vitals

/// A patient's vitals as a FHIR R4 Bundle (type `collection`) of vital-signs Observations, with the Patient and the
/// Devices that measured them: LOINC codes, UCUM units, blood pressure as a panel (85354-9) with systolic and
/// diastolic components, SpO2 with both its pulse-oximetry (59408-5) and oxygen-saturation (2708-6) codes. Only
/// usable readings (plausible, not flagged by the device) are exported. Patient data: audited, technicians get 403.
struct FHIRController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    static let defaultLimit = 1000
    static let maximumLimit = 5000
    /// The vital signs exported; perfusion index, activity and falls are not vital signs.
    static let exported: Set<VitalKind> = [
        .heartRate, .pulseRate, .oxygenSaturation, .bodyTemperature, .respiratoryRate, .systolicBloodPressure, .diastolicBloodPressure,
        .meanBloodPressure,
    ]

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("patients/:patientId/fhir", use: export)
    }

    @Sendable func export(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        let query = Query(request)
        let now = api.now()
        let to = try query.date("to") ?? now
        let from = try query.date("from") ?? to.addingTimeInterval(-86_400)
        guard from < to else { throw APIError.invalid("from", "from must be before to") }
        let limit = try query.int("limit", in: 1...Self.maximumLimit) ?? Self.defaultLimit
        var after: (Int64, Int64, Int64)?
        if let cursor = query.text("cursor") {
            guard let position = Self.position(of: cursor) else { throw APIError.invalid("cursor", "cursor is not one this API gave out") }
            after = position
        }
        let patient = try await access.patient(id, .exportFHIR, session, request, context)
        let rows = try await api.database.exportReadings(patientID: id, from: from, to: to, after: after, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { Self.cursor(for: $0) } : nil
        let devices = try await api.database.devices(externalIDs: Array(Set(page.compactMap(\.reading.source?.deviceID))))
        var bundle = FHIRBundle(patient: patient, devices: devices, timestamp: now)
        bundle.add(page.filter { Self.exported.contains($0.reading.kind) })
        let selfURL = request.uri.description
        let nextURL = next.map { cursor in
            "/api/v1/patients/\(id)/fhir?from=\(APIJSON.iso8601(from))&to=\(APIJSON.iso8601(to))&limit=\(limit)&cursor=\(cursor)"
        }
        var response = JSONWriter.response { bundle.write(&$0, selfURL: selfURL, nextURL: nextURL) }
        response.headers[.contentType] = "application/fhir+json; fhirVersion=4.0; charset=utf-8"
        return response
    }

    static func cursor(for row: ExportedReading) -> String {
        Cursor.encode(kind: "f1", [row.reading.measuredAt.millisecondsSince1970, row.deviceNumber, Int64(clamping: row.reading.source?.sequence ?? 0)])
    }

    static func position(of cursor: String) -> (Int64, Int64, Int64)? {
        Cursor.decode(cursor, kind: "f1", count: 3).map { ($0[0], $0[1], $0[2]) }
    }
}

/// The Bundle being built: resources with their `urn:uuid` full URLs, so references resolve inside it.
struct FHIRBundle {
    struct Observation {
        var id: String
        var codes: [ClinicalCode]
        var text: String
        var at: Date
        var deviceURL: String?
        /// The value, or the components (a blood-pressure panel).
        var value: (Double, UnitOfMeasure)?
        var components: [(ClinicalCode, Double, UnitOfMeasure)]
    }

    let patient: Hub.Patient
    let devices: [DeviceSummary]
    let timestamp: Date
    let patientURL = "urn:uuid:\(UUID().uuidString.lowercased())"
    var deviceURLs: [String: String] = [:]
    var observations: [Observation] = []

    static let vitalSignsCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
    static let panel = ClinicalCode.loinc("85354-9", "Blood pressure panel with all children optional")

    init(patient: Hub.Patient, devices: [DeviceSummary], timestamp: Date) {
        self.patient = patient
        self.devices = devices
        self.timestamp = timestamp
        for device in devices { deviceURLs[device.externalID] = "urn:uuid:\(UUID().uuidString.lowercased())" }
    }

    /// The codes an Observation of `kind` carries: its own, and those the FHIR vital-signs profiles ask for.
    static func codes(_ kind: VitalKind) -> [ClinicalCode] {
        switch kind {
        case .pulseRate: [kind.code, .loinc("8867-4", "Heart rate")]
        default: [kind.code] + kind.additionalCodes
        }
    }

    /// Adds readings as Observations; a systolic and a diastolic reading of one device at one time make one panel.
    mutating func add(_ rows: [ExportedReading]) {
        var pressures: [String: (systolic: ExportedReading?, diastolic: ExportedReading?)] = [:]
        var pressureOrder: [String] = []
        for row in rows {
            let reading = row.reading
            switch reading.kind {
            case .systolicBloodPressure, .diastolicBloodPressure:
                let key = "\(row.deviceNumber)-\(reading.measuredAt.millisecondsSince1970)"
                if pressures[key] == nil { pressureOrder.append(key) }
                if reading.kind == .systolicBloodPressure { pressures[key, default: (nil, nil)].systolic = row } else { pressures[key, default: (nil, nil)].diastolic = row }
            default:
                observations.append(Observation(
                    id: "obs-\(row.deviceNumber)-\(reading.source?.sequence ?? 0)", codes: Self.codes(reading.kind), text: reading.kind.displayName,
                    at: reading.measuredAt, deviceURL: reading.source.flatMap { deviceURLs[$0.deviceID] }, value: (reading.value, reading.kind.unit),
                    components: []))
            }
        }
        for key in pressureOrder {
            guard let pair = pressures[key], let first = pair.systolic ?? pair.diastolic else { continue }
            let components = [pair.systolic, pair.diastolic].compactMap { $0 }.map { ($0.reading.kind.code, $0.reading.value, $0.reading.kind.unit) }
            observations.append(Observation(
                id: "bp-\(first.deviceNumber)-\(first.reading.source?.sequence ?? 0)", codes: [Self.panel], text: "Blood pressure",
                at: first.reading.measuredAt, deviceURL: first.reading.source.flatMap { deviceURLs[$0.deviceID] }, value: nil, components: components))
        }
        observations.sort { $0.at < $1.at }
    }

    func write(_ json: inout JSONWriter, selfURL: String, nextURL: String?) {
        json.object { json in
            json.member("resourceType", "Bundle")
            json.member("type", "collection")
            json.member("timestamp", APIJSON.iso8601(timestamp))
            json.key("link")
            json.array([("self", selfURL), ("next", nextURL)].filter { $0.1 != nil }) { json, link in
                json.object { json in
                    json.member("relation", link.0)
                    json.member("url", link.1)
                }
            }
            json.key("entry")
            json.array(0..<(1 + devices.count + observations.count)) { json, index in
                json.object { json in
                    if index == 0 {
                        json.member("fullUrl", patientURL)
                        json.key("resource")
                        writePatient(&json)
                    } else if index <= devices.count {
                        let device = devices[index - 1]
                        json.member("fullUrl", deviceURLs[device.externalID])
                        json.key("resource")
                        writeDevice(device, &json)
                    } else {
                        let observation = observations[index - 1 - devices.count]
                        json.member("fullUrl", "urn:uuid:\(UUID().uuidString.lowercased())")
                        json.key("resource")
                        writeObservation(observation, &json)
                    }
                }
            }
        }
    }

    private func writePatient(_ json: inout JSONWriter) {
        json.object { json in
            json.member("resourceType", "Patient")
            json.member("id", String(patient.id))
            json.key("identifier")
            json.array([patient.id]) { json, id in
                json.object { json in
                    json.member("system", "urn:silverwatch:patient")
                    json.member("value", String(id))
                }
            }
            json.key("name")
            json.array([patient.displayName]) { json, name in json.object { json in json.member("text", name) } }
            json.member("birthDate", patient.yearOfBirth.map { String(format: "%04d", $0) })
        }
    }

    private func writeDevice(_ device: DeviceSummary, _ json: inout JSONWriter) {
        json.object { json in
            json.member("resourceType", "Device")
            json.member("id", "device-\(device.id)")
            json.key("identifier")
            json.array([device.externalID]) { json, id in
                json.object { json in
                    json.member("system", "urn:silverwatch:device")
                    json.member("value", id)
                }
            }
            json.member("modelNumber", device.model)
            if let firmware = device.firmware {
                json.key("version")
                json.array([firmware]) { json, value in json.object { json in json.member("value", value) } }
            }
            json.key("patient")
            json.object { json in json.member("reference", patientURL) }
        }
    }

    private func writeCodeable(_ codes: [ClinicalCode], text: String, _ json: inout JSONWriter) {
        json.object { json in
            json.key("coding")
            json.array(codes) { json, code in
                json.object { json in
                    json.member("system", code.system)
                    json.member("code", code.code)
                    json.member("display", code.display)
                }
            }
            json.member("text", text)
        }
    }

    private func writeQuantity(_ value: Double, _ unit: UnitOfMeasure, _ json: inout JSONWriter) {
        json.object { json in
            json.member("value", value)
            json.member("unit", unit.symbol.isEmpty ? unit.ucum : unit.symbol)
            json.member("system", "http://unitsofmeasure.org")
            json.member("code", unit.ucum)
        }
    }

    private func writeObservation(_ observation: Observation, _ json: inout JSONWriter) {
        json.object { json in
            json.member("resourceType", "Observation")
            json.member("id", observation.id)
            json.key("meta")
            json.object { json in
                json.key("profile")
                json.array(["http://hl7.org/fhir/StructureDefinition/vitalsigns"]) { json, profile in json.string(profile) }
            }
            json.member("status", "final")
            json.key("category")
            json.array([0]) { json, _ in
                writeCodeable([ClinicalCode(system: Self.vitalSignsCategory, code: "vital-signs", display: "Vital Signs")], text: "Vital Signs", &json)
            }
            json.key("code")
            writeCodeable(observation.codes, text: observation.text, &json)
            json.key("subject")
            json.object { json in json.member("reference", patientURL) }
            json.member("effectiveDateTime", APIJSON.iso8601(observation.at))
            if let deviceURL = observation.deviceURL {
                json.key("device")
                json.object { json in json.member("reference", deviceURL) }
            }
            if let (value, unit) = observation.value {
                json.key("valueQuantity")
                writeQuantity(value, unit, &json)
            }
            if !observation.components.isEmpty {
                json.key("component")
                json.array(observation.components) { json, component in
                    json.object { json in
                        json.key("code")
                        writeCodeable([component.0], text: component.0.display, &json)
                        json.key("valueQuantity")
                        writeQuantity(component.1, component.2, &json)
                    }
                }
            }
        }
    }
}
