import Foundation
import Hub
import HTTPTypes
import Hummingbird
import NIOCore

/// The web console: plain HTML, CSS and JavaScript files from `Resources/console`, served as they are, with no build
/// step and nothing fetched from elsewhere. `GET /` is the console's page, `GET /console/{file}` its other files.
///
/// The page talks to the same API and live socket as any client, so it can do nothing a signed-in user could not do
/// with the API itself. Its Content-Security-Policy allows scripts, styles, images and connections from this origin
/// only, so an injected script or a patient's text rendered by mistake cannot load or send anything elsewhere.
struct ConsoleController {
    let files: ConsoleFiles

    func endpoints(_ router: Router<HubRequestContext>) {
        router.get("/") { request, _ in try serve("index.html", request) }
        router.get("console/:file") { request, context in try serve(context.parameters.get("file") ?? "", request) }
    }

    private func serve(_ name: String, _ request: Request) throws -> Response {
        guard let file = try files.file(named: name) else { throw APIError.notFound("console file") }
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.eTag] = file.etag
        // Checked each time, so a new release of the hub is what every browser runs at the next load.
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        headers[Self.referrerPolicy] = "no-referrer"
        headers[.contentSecurityPolicy] = Self.policy
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// Everything from this origin only ('self' takes in the same host's WebSocket in today's browsers); no inline
    /// script; not to be framed.
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "media-src 'self' blob:; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

/// The console's files: read once from the hub's bundle, or, when the hub is given a directory (for working on the
/// console), read from there at every request.
struct ConsoleFiles: Sendable {
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var etag: String
    }

    private enum Source: Sendable {
        case loaded([String: File])
        case directory(String)
    }

    private let source: Source

    /// The files shipped in the hub.
    static func bundled() throws -> ConsoleFiles {
        guard let url = Bundle.module.url(forResource: "console", withExtension: nil) else { throw CocoaError(.fileNoSuchFile) }
        var files: [String: File] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where isServable(name) {
            files[name] = try load(url.appendingPathComponent(name).path)
        }
        return ConsoleFiles(source: .loaded(files))
    }

    /// The files in `directory`, read again at every request.
    static func directory(_ directory: String) -> ConsoleFiles {
        ConsoleFiles(source: .directory(directory))
    }

    private init(source: Source) {
        self.source = source
    }

    /// The file called `name` (no folders: the console is one flat directory), or nil.
    func file(named name: String) throws -> File? {
        guard Self.isServable(name) else { return nil }
        switch source {
        case .loaded(let files): return files[name]
        case .directory(let directory):
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try Self.load(path)
        }
    }

    /// A plain name with a known type: letters, digits, dots, dashes and underscores, not starting with a dot.
    static func isServable(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != ".", contentTypes[(name as NSString).pathExtension] != nil else { return false }
        return name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "._-".unicodeScalars.contains($0) }
    }

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "json": "application/json",
        "webmanifest": "application/manifest+json",
    ]

    private static func load(_ path: String) throws -> File {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let digest = sha256Hex(Data(bytes)).prefix(24)
        return File(bytes: bytes, contentType: contentTypes[(path as NSString).pathExtension] ?? "application/octet-stream", etag: "\"\(digest)\"")
    }
}
