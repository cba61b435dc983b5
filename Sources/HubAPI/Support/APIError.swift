import Foundation
import Hummingbird
import Synchronization
import Vitals

/// Every error the API answers with, in one body shape:
/// `{"error": {"status": 422, "code": "invalid_field", "message": "…", "field": "password"}}`.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// 401: no valid credentials (missing, expired or revoked token).
    static func unauthenticated(_ message: String = "sign in first: this needs a valid access token") -> APIError {
        var error = APIError(.unauthorized, code: "unauthenticated", message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }

    /// 403: the caller is known but their role may not do this.
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message) }

    /// 404: no such thing, or nothing the caller may see (the two are not told apart).
    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", "\(what) was not found") }

    /// 409: the request conflicts with the current state.
    static func conflict(_ message: String, field: String? = nil) -> APIError { APIError(.conflict, code: "conflict", message, field: field) }

    /// 422: the body or a parameter is invalid; `field` names which.
    static func invalid(_ field: String, _ message: String) -> APIError { APIError(.unprocessableContent, code: "invalid_field", message, field: field) }

    /// 422 for threshold rules: the first problem's field, and every problem in the message.
    init(ruleValidation error: RuleValidationError) {
        self = .invalid(error.issues.first?.path ?? "overrides", error.description)
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var status: Int
            var code: String
            var message: String
            var field: String?
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(status: status.code, code: code, message: message, field: field))
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let data = try JSONEncoder().encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error that reaches the edge into the one body shape: Hummingbird's own errors (unknown route, body
/// too large) and anything unexpected, which is logged and answered as a 500 without its details.
struct ErrorShapeMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes served, to tell a path served for other methods (405, with `Allow`) from no such path (404).
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError where error.status == .notFound && [nil, "NotFound"].contains(context.endpointPath) {
            let allowed = routes.methods(forPath: request.uri.path)
            guard !allowed.isEmpty else { throw APIError(.notFound, code: "not_found", "there is no such resource") }
            guard !allowed.contains(request.method.rawValue) else {
                // Served for this method by the WebSocket router only: a WebSocket, reached by an upgrade request.
                var refusal = APIError(.init(code: 426, reasonPhrase: "Upgrade Required"), code: "upgrade_required",
                                       "this is a WebSocket: connect with a WebSocket upgrade request")
                refusal.headers[.upgrade] = "websocket"
                throw refusal
            }
            var refusal = APIError(.methodNotAllowed, code: "method_not_allowed", "\(request.method) is not served here; allowed: \(allowed.joined(separator: ", "))")
            refusal.headers[.allow] = allowed.joined(separator: ", ")
            throw refusal
        } catch let error as HTTPError {
            throw APIError(error.status, code: Self.code(for: error.status), error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, code: Self.code(for: error.status), error.status.reasonPhrase)
        } catch {
            // A calendar feed's path is its secret: never logged.
            let path = request.uri.path.hasPrefix("/calendar/") ? "/calendar/(feed)" : request.uri.path
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(path)"])
            throw APIError(.internalServerError, code: "internal", "the hub could not complete this request; it has been logged")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthenticated"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "body_too_large"
        case 415: "unsupported_media_type"
        case 422: "invalid_field"
        case 429: "too_many_requests"
        default: "error"
        }
    }
}

/// The method and path pattern of every route, filled once the router is built.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: String, segments: [Substring])]>([])

    func set(_ descriptions: [(method: String, path: String)]) {
        routes.withLock { $0 = descriptions.map { ($0.method, $0.path.split(separator: "/")) } }
    }

    /// The methods served at `path`, sorted; empty when no route has this path.
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/")
        let matching = routes.withLock { routes in
            routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == segment }
            }.map(\.method)
        }
        return Array(Set(matching)).sorted()
    }
}
