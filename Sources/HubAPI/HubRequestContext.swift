import Foundation
import Hub
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every API route: the client's address (for the audit log and login throttling) and,
/// once the authentication middleware accepted a token, the caller's session.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The handler of a WebSocket this request upgrades to (`/api/v1/live`).
    public let webSocket = WebSocketHandlerReference<HubRequestContext>()
    /// The caller; nil on routes that need no sign-in.
    public var session: SessionState?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Responses in the API's JSON (times as ISO 8601 in UTC).
    public var responseEncoder: JSONEncoder { APIJSON.encoder() }

    /// Request bodies are small JSON documents: anything larger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The client's address as the audit log records it.
    var clientAddress: String? { remoteAddress?.ipAddress }

    /// The signed-in caller, or 401.
    func caller() throws -> SessionState {
        guard let session else { throw APIError.unauthenticated() }
        return session
    }
}

extension Request {
    /// The JSON body as `T`; a body that is not JSON is a 400, a missing or mistyped field a 422 naming it.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: HubRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        do {
            return try APIJSON.decoder().decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }
}

extension APIError {
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            (keys + [last].compactMap { $0 }).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .invalid(path(context.codingPath, key), "\(path(context.codingPath, key)) is required")
        case .valueNotFound(_, let context):
            self = .invalid(path(context.codingPath), "\(path(context.codingPath)) must not be null")
        case .typeMismatch(let type, let context):
            self = .invalid(path(context.codingPath), "\(path(context.codingPath)) must be \(Self.jsonName(of: type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self = APIError(.badRequest, code: "bad_request", "the body is not valid JSON")
        case .dataCorrupted(let context):
            self = .invalid(path(context.codingPath), "\(path(context.codingPath)): \(context.debugDescription)")
        @unknown default:
            self = APIError(.badRequest, code: "bad_request", "the body could not be read")
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt8.Type: "a whole number"
        case is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

extension KeyedDecodingContainer {
    /// A field of a merge patch that may be left out (nil), set to null (`.some(nil)`: clear it) or given.
    func decodeNullable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        return .some(try decodeNil(forKey: key) ? nil : try decode(type, forKey: key))
    }

    /// A field that must be present but may be null.
    func decodeRequiredNullable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "\(key.stringValue) is required"))
        }
        return try decodeNil(forKey: key) ? nil : try decode(type, forKey: key)
    }

    /// An optional field that may be left out but not set to null: `decodeIfPresent` would take a null for "left
    /// out", accepting a body the API's schema refuses.
    func decodeUnlessAbsent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        guard try !decodeNil(forKey: key) else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: "\(key.stringValue) must not be null"))
        }
        return try decode(type, forKey: key)
    }
}
