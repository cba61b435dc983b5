import Foundation
import Hummingbird

/// One page of a list, and the cursor of the next (null on the last page).
struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
    var nextCursor: String?
}

/// `?limit=` and `?cursor=` of a list request. Cursors are opaque to clients: the position after the last item.
struct PageRequest {
    static let defaultLimit = 50
    static let maximumLimit = 500

    var limit: Int
    var after: Int64?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        if let text = query["limit"] {
            guard let limit = Int(String(text)), (1...Self.maximumLimit).contains(limit) else {
                throw APIError.invalid("limit", "limit must be a whole number from 1 to \(Self.maximumLimit)")
            }
            self.limit = limit
        } else {
            limit = Self.defaultLimit
        }
        if let cursor = query["cursor"] {
            guard let position = Self.position(of: String(cursor)) else { throw APIError.invalid("cursor", "cursor is not one this API gave out") }
            after = position
        } else {
            after = nil
        }
    }

    /// The page of `items` (fetched with one extra to know whether more follow) and its next cursor.
    func page<Row, Item>(_ rows: [Row], position: (Row) -> Int64, item: (Row) -> Item) -> Page<Item> {
        let shown = Array(rows.prefix(limit))
        let next = rows.count > limit ? shown.last.map { Self.cursor(for: position($0)) } : nil
        return Page(items: shown.map(item), nextCursor: next)
    }

    static func cursor(for position: Int64) -> String {
        Cursor.encode(kind: "c1", [position])
    }

    static func position(of cursor: String) -> Int64? {
        Cursor.decode(cursor, kind: "c1", count: 1)?.first
    }
}

/// The API's opaque cursors: a kind and the positions it needs (`c1:42`, `f1:<time>:<device>:<seq>`), base64url
/// without padding, so clients pass them back unread.
enum Cursor {
    static func encode(kind: String, _ positions: [Int64]) -> String {
        Data(([kind] + positions.map(String.init)).joined(separator: ":").utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// The `count` positions `cursor` holds, when it is a cursor of `kind`.
    static func decode(_ cursor: String, kind: String, count: Int) -> [Int64]? {
        let padded = cursor + String(repeating: "=", count: (4 - cursor.count % 4) % 4)
        guard let data = Data(base64Encoded: padded), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == count + 1, parts[0] == kind else { return nil }
        let positions = parts.dropFirst().compactMap { Int64($0) }
        return positions.count == count ? positions : nil
    }
}

extension Request {
    /// A path parameter that must be an id; 404 when it is not one (no such resource).
    func id(_ name: String, context: HubRequestContext, of what: String) throws -> Int64 {
        guard let text = context.parameters.get(name), let id = Int64(text), id > 0 else { throw APIError.notFound(what) }
        return id
    }
}
