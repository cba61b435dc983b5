import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Testing
import Vitals

/// The FHIR export, checked by an independent FHIR R4 model (tools/validate-fhir.py, fhir.resources 6.5).
@Suite("FHIR export")
struct FHIRExportTests {
    /// Runs the validator on `bundle`; its exit status and output.
    static func validate(_ bundle: Data) async throws -> (status: Int32, output: String) {
        let result = try await Oracle.run("validate-fhir.py", on: bundle, suffix: ".json")
        return (result.status, result.output + result.errors)
    }

    /// An hour of a patient's vitals from five devices, a flagged SpO2 and an activity reading among them.
    static func vitals(_ fixture: Fixture) async throws -> Date {
        let start = fixture.clock.now().addingTimeInterval(-3600)
        let patient = fixture.teamPatient
        try await fixture.commitReadings(device: "oxi", patient: patient, kind: .oxygenSaturation, values: [97, 96, 95], start: start, interval: 60)
        try await fixture.commitReadings(device: "oxi", patient: patient, kind: .pulseRate, values: [72, 74, 75], start: start, interval: 60, firstSeq: 100)
        try await fixture.commitReadings(device: "oxi", patient: patient, kind: .oxygenSaturation, values: [45], start: start.addingTimeInterval(30),
                                         firstSeq: 200, flags: .questionable)
        try await fixture.commitReadings(device: "cuff", patient: patient, kind: .systolicBloodPressure, values: [128, 131], start: start, interval: 1800)
        try await fixture.commitReadings(device: "cuff", patient: patient, kind: .diastolicBloodPressure, values: [82, 85], start: start, interval: 1800, firstSeq: 100)
        try await fixture.commitReadings(device: "cuff", patient: patient, kind: .meanBloodPressure, values: [97], start: start, firstSeq: 200)
        try await fixture.commitReadings(device: "thermo", patient: patient, kind: .bodyTemperature, values: [36.8], start: start)
        try await fixture.commitReadings(device: "strap", patient: patient, kind: .heartRate, values: [71, 73], start: start, interval: 60)
        try await fixture.commitReadings(device: "strap", patient: patient, kind: .respiratoryRate, values: [16], start: start, firstSeq: 100)
        try await fixture.commitReadings(device: "strap", patient: patient, kind: .activity, values: [0.4], start: start, firstSeq: 200)
        return start
    }

    @Test func theExportIsAValidR4BundleOfVitalSignsAndTheValidatorCatchesABrokenOne() async throws {
        let fixture = try await Fixture.make()
        let start = try await Self.vitals(fixture)
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let path = "/api/v1/patients/\(fixture.teamPatient)/fhir?from=\(APIJSON.iso8601(start.addingTimeInterval(-60)))&to=\(APIJSON.iso8601(fixture.clock.now()))"
            let response = try await client.call(.get, path, token: nurse)
            #expect(response.status == 200)
            #expect(response.headers[.contentType]?.hasPrefix("application/fhir+json") == true)
            let bundle = try #require(response.json as? [String: Any])
            let resources = (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
            let observations = resources.filter { $0["resourceType"] as? String == "Observation" }
            // 3 SpO2 + 3 pulse + 2 panels + 1 mean + 1 temperature + 2 heart rate + 1 respiratory rate; no artifact, no activity.
            #expect(observations.count == 13)
            #expect(resources.filter { $0["resourceType"] as? String == "Device" }.count == 4)
            let values = observations.compactMap { ($0["valueQuantity"] as? [String: Any])?["value"] as? Double }
            #expect(!values.contains(45))
            let panels = observations.filter { (($0["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "85354-9" }
            #expect(panels.count == 2)
            #expect(panels.allSatisfy { ($0["component"] as? [Any])?.count == 2 })

            let data = try JSONSerialization.data(withJSONObject: bundle)
            let valid = try await Self.validate(data)
            #expect(valid.status == 0, "\(valid.output)")

            // The oracle can fail: SpO2 without its 2708-6 code, and an Observation without a code, are refused.
            var broken = bundle
            broken["entry"] = (bundle["entry"] as? [[String: Any]] ?? []).map { entry -> [String: Any] in
                guard var resource = entry["resource"] as? [String: Any], resource["resourceType"] as? String == "Observation" else { return entry }
                if var code = resource["code"] as? [String: Any], var coding = code["coding"] as? [[String: Any]], coding.first?["code"] as? String == "59408-5" {
                    coding.removeAll { $0["code"] as? String == "2708-6" }
                    code["coding"] = coding
                    resource["code"] = code
                } else if resource["id"] as? String == (observations.last?["id"] as? String) {
                    resource.removeValue(forKey: "code")
                }
                var changed = entry
                changed["resource"] = resource
                return changed
            }
            let invalid = try await Self.validate(try JSONSerialization.data(withJSONObject: broken))
            #expect(invalid.status == 1, "\(invalid.output)")
        }
    }

    @Test func aLargeExportIsPagedWithoutLosingOrRepeatingAnObservation() async throws {
        let fixture = try await Fixture.make()
        let start = try await Self.vitals(fixture)
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            var path: String? = "/api/v1/patients/\(fixture.teamPatient)/fhir?from=\(APIJSON.iso8601(start.addingTimeInterval(-60)))&limit=4"
            var ids: [String] = []
            var pages = 0
            while let next = path, pages < 20 {
                let page = try await client.call(.get, next, token: admin)
                #expect(page.status == 200)
                ids += (page["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
                    .filter { $0["resourceType"] as? String == "Observation" }.compactMap { $0["id"] as? String }
                path = (page["link"] as? [[String: Any]])?.first { $0["relation"] as? String == "next" }?["url"] as? String
                pages += 1
            }
            #expect(pages > 3)
            // Paging may split a blood-pressure pair, which then comes as two panels of one component each.
            #expect(Set(ids).count == ids.count)
            #expect(ids.count >= 13)
            let nurseB = try await client.login("caregiverB").access
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/fhir", token: nurseB).status == 404)
        }
    }
}
