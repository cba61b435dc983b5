import Foundation
import Hummingbird

/// A request's query parameters, read with the API's rules: a value that is present but malformed is a 422 naming
/// the parameter, never silently ignored.
struct Query {
    private let parameters: Parameters

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    func text(_ name: String) -> String? {
        parameters[Substring(name)].map(String.init)
    }

    func id(_ name: String) throws -> Int64? {
        guard let text = text(name) else { return nil }
        guard let id = Int64(text), id > 0 else { throw APIError.invalid(name, "\(name) must be an id") }
        return id
    }

    func date(_ name: String) throws -> Date? {
        guard let text = text(name) else { return nil }
        guard let date = APIJSON.parseISO8601(text) else { throw APIError.invalid(name, "\(name) must be an ISO 8601 time, e.g. 2026-11-21T08:00:00Z") }
        return date
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = text(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// One of `choices`, by its name.
    func choice<Value>(_ name: String, _ choices: [(String, Value)]) throws -> Value? {
        guard let text = text(name) else { return nil }
        guard let value = choices.first(where: { $0.0 == text })?.1 else {
            throw APIError.invalid(name, "\(name) must be one of \(choices.map(\.0).joined(separator: ", "))")
        }
        return value
    }
}
