import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Testing

/// The paths and methods of the OpenAPI document, read from its YAML by indentation (paths at two spaces,
/// methods at four), which is how the document is written.
enum OpenAPIRoutes {
    static func routes(in yaml: String) -> Set<String> {
        var routes = Set<String>()
        var path: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") { inPaths = line == "paths:"; path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(method) { routes.insert("\(method.uppercased()) \(path)") }
            }
        }
        return routes
    }

    /// A Hummingbird route path (`/api/v1/patients/:patientId`) in OpenAPI's form (`/api/v1/patients/{patientId}`).
    static func openAPIPath(_ path: String) -> String {
        "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }
}

@Suite("The API's contract: OpenAPI, errors, paging, validation")
struct APIContractTests {
    @Test func theOpenAPIDocumentListsExactlyTheRoutesTheHubServes() async throws {
        let fixture = try await Fixture.make()
        let served = Set((buildRouter(fixture.api).routes + buildWebSocketRouter(fixture.api).routes).map {
            "\($0.method) \(OpenAPIRoutes.openAPIPath($0.path.description))"
        })
        let documented = OpenAPIRoutes.routes(in: String(decoding: try OpenAPIDocument.yaml(), as: UTF8.self))
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        #expect(served.count > 15)
    }

    @Test func theHubServesTheDocumentItShips() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let response = try await client.client.executeRequest(uri: "/api/openapi.yaml", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == (try OpenAPIDocument.yaml()))
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
        }
    }

    @Test func aMethodAPathIsNotServedForIs405WithAllowAndAnUnknownPathIs404() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let token = try await client.login("admin").access
            let trace = try await client.call(.trace, "/api/v1/me", token: token)
            #expect(trace.status == 405)
            #expect(trace.headers[.allow] == "GET")
            #expect(try await client.call(.delete, "/api/v1/alerts/12/acknowledge", token: token).headers[.allow] == "POST")
            #expect(try await client.call(.patch, "/api/v1/patients/3/rules", token: token).headers[.allow] == "DELETE, GET, PUT")
            #expect(try await client.call(.get, "/api/v1/nothing-here", token: token).status == 404)
            #expect(try await client.call(.get, "/api/v1/live", token: token).status == 426)
            // A boolean parameter is a boolean, not anything else.
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/care-team?history=4", token: token).errorField == "history")
        }
    }

    @Test func everyErrorHasTheOneBodyShape() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            let cases: [(HTTPRequest.Method, String, String?, Int, String)] = [
                (.get, "/api/v1/nowhere", nil, 404, "not_found"),
                (.get, "/api/v1/me", nil, 401, "unauthenticated"),
                (.post, "/api/v1/patients", "{not json", 400, "bad_request"),
                (.post, "/api/v1/patients", #"{"yearOfBirth": 1950}"#, 422, "invalid_field"),
                (.post, "/api/v1/patients", #"{"displayName": 7}"#, 422, "invalid_field"),
                (.post, "/api/v1/patients", "[" + String(repeating: "1,", count: 40_000) + "1]", 413, "body_too_large"),
                (.get, "/api/v1/accounts/99999", nil, 404, "not_found"),
                (.post, "/api/v1/accounts", #"{"username": "caregiverA", "displayName": "Twin", "role": "caregiver", "password": "a long enough secret"}"#, 409, "conflict"),
            ]
            for (method, path, body, status, code) in cases {
                let response = try await client.call(method, path, token: path == "/api/v1/me" ? nil : admin, body: body)
                #expect(response.status == status, "\(method) \(path) answered \(response.status)")
                #expect(response.errorCode == code, "\(method) \(path): \(String(describing: response.json))")
                let error = try #require(response["error"] as? [String: Any])
                #expect(error["status"] as? Int == status)
                #expect((error["message"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test func validationNamesTheField() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            let cases: [(String, String, String)] = [
                ("/api/v1/patients", #"{"yearOfBirth": 1950}"#, "displayName"),
                ("/api/v1/patients", #"{"displayName": "  "}"#, "displayName"),
                ("/api/v1/patients", #"{"displayName": "A", "yearOfBirth": 1850}"#, "yearOfBirth"),
                ("/api/v1/patients", #"{"displayName": "A", "news2": {"spo2Scale": 3, "onOxygen": false}}"#, "news2.spo2Scale"),
                ("/api/v1/patients", #"{"displayName": "A", "news2": {"spo2Scale": 1}}"#, "news2.onOxygen"),
                ("/api/v1/patients", #"{"displayName": "A", "yearOfBirth": null}"#, "yearOfBirth"),
                ("/api/v1/accounts", #"{"username": "ab1", "displayName": "A", "role": "admin", "title": null, "password": "a long enough secret"}"#, "title"),
                ("/api/v1/accounts", #"{"username": "a b", "displayName": "A", "role": "admin", "password": "a long enough secret"}"#, "username"),
                ("/api/v1/accounts", #"{"username": "ab1", "displayName": "A", "role": "nurse", "password": "a long enough secret"}"#, "role"),
                ("/api/v1/accounts", #"{"username": "ab1", "displayName": "A", "role": "patient", "password": "a long enough secret"}"#, "patientId"),
                ("/api/v1/accounts", #"{"username": "ab1", "displayName": "A", "role": "admin", "patientId": 1, "password": "a long enough secret"}"#, "patientId"),
                ("/api/v1/accounts", #"{"username": "ab1", "displayName": "A", "role": "admin", "password": "short"}"#, "password"),
                ("/api/v1/accounts", #"{"username": "ab1", "displayName": "A", "role": "technician", "title": "Dr", "password": "a long enough secret"}"#, "title"),
            ]
            for (path, body, field) in cases {
                let response = try await client.call(.post, path, token: admin, body: body)
                #expect(response.status == 422, "\(body) answered \(response.status)")
                #expect(response.errorField == field, "\(body): \(String(describing: response.json))")
            }
            let patch = try await client.call(.patch, "/api/v1/patients/\(fixture.teamPatient)", token: admin, body: #"{"conditions": [""]}"#)
            #expect(patch.errorField == "conditions")
            // A field the schema does not let be null is refused as null, not taken for "left out".
            let nulled = try await client.call(.patch, "/api/v1/patients/\(fixture.teamPatient)", token: admin, body: #"{"news2": {"onOxygen": null}}"#)
            #expect(nulled.errorField == "news2.onOxygen")
            let rules = try await client.call(.put, "/api/v1/patients/\(fixture.teamPatient)/rules", token: admin, body: "{}")
            #expect(rules.errorField == "overrides")
            let limit = try await client.call(.get, "/api/v1/patients?limit=0", token: admin)
            #expect(limit.errorField == "limit")
        }
    }

    @Test func aMergePatchChangesOnlyWhatItNames() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let changed = try await client.call(.patch, "/api/v1/patients/\(fixture.teamPatient)", token: nurse,
                                                body: #"{"news2": {"onOxygen": true}, "yearOfBirth": null}"#)
            #expect(changed.status == 200)
            let patient = try #require(try await fixture.database.patient(id: fixture.teamPatient))
            #expect(patient.onOxygen)
            #expect(patient.spo2Scale == 2)
            #expect(patient.yearOfBirth == nil)
            #expect(patient.conditions == ["COPD"])
            #expect(patient.displayName == "Ada")
        }
    }

    @Test func pagesFollowTheirCursorsThroughEveryItemOnce() async throws {
        let fixture = try await Fixture.make()
        for index in 0..<9 {
            _ = try await fixture.database.createPatient(displayName: "P\(index)", yearOfBirth: nil, conditions: [], spo2Scale: 1, onOxygen: false, at: fixture.clock.now())
        }
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            var seen: [Int64] = []
            var cursor: String?
            var pages = 0
            repeat {
                let response = try await client.call(.get, "/api/v1/patients?limit=4" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin)
                #expect(response.status == 200)
                seen += response.items.compactMap { $0["id"] as? Int64 }
                cursor = response["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == Array(1...11))
            let bad = try await client.call(.get, "/api/v1/patients?cursor=bm9wZQ", token: admin)
            #expect(bad.status == 422)
            #expect(bad.errorField == "cursor")
        }
    }
}

@Suite("The API's JSON")
struct APIJSONTests {
    @Test func timesAreWrittenExactlyAsISO8601WouldWriteThem() throws {
        var generator = SystemRandomNumberGenerator()
        let edges: [Double] = [0, -1, -86_400, -86_401, 951_782_400, 951_868_799, 4_102_444_800, 1_800_000_000.999, -2_208_988_800, 253_402_300_799]
        let random = (0..<5_000).map { _ in Double.random(in: -2_208_988_800...4_102_444_800, using: &generator) }
        let reference = JSONEncoder()
        reference.dateEncodingStrategy = .iso8601
        for seconds in edges + random {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = String(decoding: try reference.encode([date]), as: UTF8.self)
            let actual = String(decoding: try APIJSON.encoder().encode([date]), as: UTF8.self)
            #expect(actual == expected, "\(seconds)")
        }
    }

    @Test func timesAreReadAsFoundationReadsThemAndImpossibleOnesAreRefused() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = APIJSON.iso8601(Date(timeIntervalSince1970: Double(Int.random(in: -2_208_988_800...4_102_444_800, using: &generator))))
            #expect(APIJSON.parseISO8601(text) == (try Date(text, strategy: .iso8601)), "\(text)")
        }
        #expect(APIJSON.parseISO8601("2026-11-21T09:10:00.250+01:00") == Date(timeIntervalSince1970: 1_795_248_600.25))
        #expect(APIJSON.parseISO8601("2026-11-21T08:10:00-05:30") == Date(timeIntervalSince1970: 1_795_268_400))
        for bad in ["2024-01-01T12:99:00Z", "2024-02-30T12:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T12:00:60Z", "2024-13-01T12:00:00Z",
                    "2024-01-01 12:00:00Z", "2024-01-01T12:00:00", "2024-01-01T12:00:00+0100", "2024-01-01T12:00:00.Z", "2024-01-01T12:00:00Zjunk"] {
            #expect(APIJSON.parseISO8601(bad) == nil, "\(bad)")
        }
    }
}
