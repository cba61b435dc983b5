import Foundation
@testable import HubAPI
import Hummingbird
import HummingbirdTesting
import Testing

/// The web console's files as the hub serves them: the page at `/`, its files under `/console/`, each with its type,
/// a validator and a policy that keeps the page to this origin. (What the console does is tested in a real browser:
/// scripts/check-console.)
@Suite("Serving the web console")
struct ConsoleServingTests {
    @Test func thePageAndItsFilesAreServedWithTheirTypesAndAPolicyKeepingThemToThisOrigin() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let page = try await client.call(.get, "/")
            #expect(page.status == 200)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("/console/app.js"), "the page loads its script from /console/")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("*"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")

            let script = try await client.call(.get, "/console/app.js")
            #expect(script.status == 200 && script.headers[.contentType] == "text/javascript; charset=utf-8" && !script.body.isEmpty)
            #expect(try await client.call(.get, "/console/app.css").headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    @Test func aFileTheBrowserHoldsIsNotSentAgain() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let first = try await client.call(.get, "/console/app.js")
            let tag = try #require(first.headers[.eTag])
            var headers = HTTPFields()
            headers[.ifNoneMatch] = tag
            let again = try await client.client.executeRequest(uri: "/console/app.js", method: .get, headers: headers, body: nil)
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            headers[.ifNoneMatch] = "\"something-else\""
            #expect(try await client.client.executeRequest(uri: "/console/app.js", method: .get, headers: headers, body: nil).status == .ok)
        }
    }

    @Test(arguments: ["nothing.js", ".hidden.js", "..%2Fopenapi.yaml", "app.js.bak", "%2E%2E", "index.html%00.js"])
    func onlyTheConsolesOwnFilesAreServed(_ name: String) async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let response = try await client.call(.get, "/console/\(name)")
            #expect(response.status == 404 && response.errorCode == "not_found", "\(name) answered \(response.status)")
        }
    }

    @Test func everyFileInTheConsoleFolderIsServable() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HubAPI/Resources/console")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.contains("index.html") && names.contains("app.js"))
        for name in names {
            #expect(ConsoleFiles.isServable(name), "\(name) would not be served: the console is one flat folder of .html, .css, .js, .svg files")
        }
    }
}
