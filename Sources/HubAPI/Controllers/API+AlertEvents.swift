import Foundation
import Vitals

extension DTO {
    /// An alert's history event as the API shows it: an object with one key naming the event, whose value holds its
    /// details as plain fields (priorities in words, times in ISO 8601): `{"snoozed": {"by": "Nurse", "until":
    /// "2026-12-08T10:00:00Z"}}`.
    ///
    /// The hub stores events in Vitals' `AlertEvent` Codable form (positional `_0` keys, priorities as numbers, times
    /// in seconds since 2001), which is for the hub to read back, not for clients; this is the one translation.
    enum AlertEventView {
        static func value(stored: String) -> JSONValue {
            let parsed = JSONValue(parsing: stored)
            guard case .object(let object) = parsed, object.count == 1, let (name, body) = object.first else { return parsed }
            switch name {
            case "raised":
                // Written by the hub itself: `{"raised": {"priority": 3}}`.
                guard case .object(let fields) = body, case .number(let number) = fields["priority"],
                      let priority = AlarmPriority(rawValue: Int(number)) else { return parsed }
                return event("raised", ["priority": .string(priority.description)])
            case "assigned", "unassigned":
                return parsed  // written by the hub in this form: `{"assigned": {"to": 12, "by": "Nurse"}}`
            default:
                guard let decoded = try? JSONDecoder().decode(AlertEvent.self, from: Data(stored.utf8)) else { return parsed }
                return value(decoded)
            }
        }

        static func value(_ alertEvent: AlertEvent) -> JSONValue {
            switch alertEvent {
            case .priorityRaised(let from, let to): event("priorityRaised", ["from": .string(from.description), "to": .string(to.description)])
            case .conditionPresent(let priority): event("conditionPresent", ["priority": .string(priority.description)])
            case .conditionReturned(let priority): event("conditionReturned", ["priority": .string(priority.description)])
            case .reoccurred: event("reoccurred")
            case .conditionCleared: event("conditionCleared")
            case .conditionIndeterminate: event("conditionIndeterminate")
            case .acknowledged(let person): event("acknowledged", ["by": .string(person)])
            case .snoozed(let person, let until): event("snoozed", ["by": .string(person), "until": .string(APIJSON.iso8601(until))])
            case .snoozeExpired: event("snoozeExpired")
            case .escalated(let tier): event("escalated", ["tier": .number(Double(tier))])
            case .resolved(.conditionCleared): event("resolved", ["type": .string("condition-cleared")])
            case .resolved(.byPerson(let person, let note)):
                event("resolved", ["type": .string("person"), "by": .string(person)].merging(note.map { ["note": .string($0)] } ?? [:]) { first, _ in first })
            }
        }

        private static func event(_ name: String, _ fields: [String: JSONValue] = [:]) -> JSONValue {
            .object([name: .object(fields)])
        }
    }
}
