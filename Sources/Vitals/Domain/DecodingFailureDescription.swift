/// Turns Swift's `DecodingError` into a field path and a sentence a person can act on, for every JSON document
/// SilverWatch reads (rule files here, MQTT payloads in Telemetry).
package enum DecodingFailureDescription {
    /// The field path (`rules[0].bands[1].limit`, or `(document)` for the whole) and what is wrong with it.
    package static func describe(_ error: DecodingError) -> (path: String, message: String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "must be \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "must be \(typeName(type)), not null")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.codingPath.isEmpty ? "is not valid JSON" : context.debugDescription)
        @unknown default:
            return ("(document)", "\(error)")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "(document)" : text
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
