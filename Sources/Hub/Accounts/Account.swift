import Foundation

/// What a person may do in SilverWatch, decided by their account's role.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Manages accounts, care teams and configuration; sees everything.
    case admin
    /// A nurse or doctor: sees and acts on the patients of their care teams only.
    case caregiver
    /// Keeps devices alive: sees gateways and devices and what they report about themselves, no clinical data.
    case technician
    /// A person being monitored: sees their own record only.
    case patient
}

/// A person's account, as the hub shows it (never with its password hash).
public struct Account: Sendable, Hashable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var role: Role
    /// A caregiver's title or specialisation.
    public var title: String?
    /// A patient account's patient record.
    public var patientID: Int64?
    public var active: Bool
    public var createdAt: Date
    public var deactivatedAt: Date?
    /// Consecutive failed logins since the last successful one.
    public var failedLogins: Int
    /// While in the future, logins to this account are refused whatever the password.
    public var lockedUntil: Date?
}

/// An account to create.
public struct NewAccount: Sendable, Hashable {
    public var username: String
    public var displayName: String
    public var role: Role
    public var title: String?
    public var patientID: Int64?

    public init(username: String, displayName: String, role: Role, title: String? = nil, patientID: Int64? = nil) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.title = title
        self.patientID = patientID
    }
}

/// Why an account operation was refused; `field` names the input at fault where there is one.
public enum AccountError: Error, Sendable, Hashable, CustomStringConvertible {
    case usernameTaken(String)
    case patientNotFound(Int64)
    case patientAlreadyLinked(Int64)
    case accountNotFound(Int64)
    case notACaregiver(Int64)

    public var field: String? {
        switch self {
        case .usernameTaken: "username"
        case .patientNotFound, .patientAlreadyLinked: "patientId"
        case .accountNotFound, .notACaregiver: nil
        }
    }

    public var description: String {
        switch self {
        case .usernameTaken(let name): "the username \"\(name)\" is taken"
        case .patientNotFound(let id): "there is no patient \(id)"
        case .patientAlreadyLinked(let id): "patient \(id) already has an account"
        case .accountNotFound(let id): "there is no account \(id)"
        case .notACaregiver(let id): "account \(id) is not an active caregiver"
        }
    }
}
