import Foundation
import Hub
import Hummingbird
import Vitals

/// The API's request and response bodies, apart from the database records they come from.
enum DTO {
    struct Account: ResponseEncodable, Sendable {
        var id: Int64
        var username: String
        var displayName: String
        var role: Role
        var title: String?
        var patientId: Int64?
        var active: Bool
        var createdAt: Date
        var deactivatedAt: Date?
        var failedLogins: Int
        var lockedUntil: Date?

        init(_ account: Hub.Account) {
            id = account.id
            username = account.username
            displayName = account.displayName
            role = account.role
            title = account.title
            patientId = account.patientID
            active = account.active
            createdAt = account.createdAt
            deactivatedAt = account.deactivatedAt
            failedLogins = account.failedLogins
            lockedUntil = account.lockedUntil
        }
    }

    struct NewAccount: Decodable {
        var username: String
        var displayName: String
        var role: Role
        var title: String?
        var patientId: Int64?
        var password: String

        enum CodingKeys: String, CodingKey { case username, displayName, role, title, patientId, password }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            username = try container.decode(String.self, forKey: .username)
            displayName = try container.decode(String.self, forKey: .displayName)
            role = try container.decode(Role.self, forKey: .role)
            title = try container.decodeUnlessAbsent(String.self, forKey: .title)
            patientId = try container.decodeUnlessAbsent(Int64.self, forKey: .patientId)
            password = try container.decode(String.self, forKey: .password)
        }
    }

    struct Login: Decodable {
        var username: String
        var password: String
    }

    struct Refresh: Decodable {
        var refreshToken: String
    }

    struct Tokens: ResponseEncodable, Sendable {
        var accessToken: String
        var tokenType = "Bearer"
        /// Seconds the access token is valid for.
        var expiresIn: Int64
        var refreshToken: String
        var refreshExpiresIn: Int64
        var account: Account
    }

    struct PasswordChange: Decodable {
        var currentPassword: String
        var newPassword: String
    }

    struct Patient: ResponseEncodable, Sendable {
        struct News2: Codable, Sendable {
            var spo2Scale: Int
            var onOxygen: Bool
            /// ACVPU: alert, new-confusion, voice, pain, unresponsive; null: not recorded (NEWS2 leaves it unscored).
            var consciousness: EarlyWarningScore.Consciousness?
        }
        var id: Int64
        var displayName: String
        var yearOfBirth: Int?
        var conditions: [String]
        var news2: News2
        var createdAt: Date

        init(_ patient: Hub.Patient) {
            id = patient.id
            displayName = patient.displayName
            yearOfBirth = patient.yearOfBirth
            conditions = patient.conditions
            news2 = .init(spo2Scale: patient.spo2Scale, onOxygen: patient.onOxygen, consciousness: patient.consciousness)
            createdAt = patient.createdAt
        }
    }

    struct NewPatient: Decodable {
        var displayName: String
        var yearOfBirth: Int?
        var conditions: [String]?
        var news2: News2?

        /// Both figures required; consciousness may be left out or null (unknown).
        struct News2: Decodable {
            var spo2Scale: Int
            var onOxygen: Bool
            var consciousness: EarlyWarningScore.Consciousness?
        }

        enum CodingKeys: String, CodingKey { case displayName, yearOfBirth, conditions, news2 }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            displayName = try container.decode(String.self, forKey: .displayName)
            yearOfBirth = try container.decodeUnlessAbsent(Int.self, forKey: .yearOfBirth)
            conditions = try container.decodeUnlessAbsent([String].self, forKey: .conditions)
            news2 = try container.decodeUnlessAbsent(News2.self, forKey: .news2)
        }
    }

    /// A merge patch: absent fields stay as they are; `yearOfBirth: null` clears it.
    struct PatientPatch: Decodable {
        struct News2: Decodable {
            var spo2Scale: Int?
            var onOxygen: Bool?
            /// `null` records consciousness as unknown.
            var consciousness: EarlyWarningScore.Consciousness??

            enum CodingKeys: String, CodingKey { case spo2Scale, onOxygen, consciousness }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                spo2Scale = try container.decodeUnlessAbsent(Int.self, forKey: .spo2Scale)
                onOxygen = try container.decodeUnlessAbsent(Bool.self, forKey: .onOxygen)
                consciousness = try container.decodeNullable(EarlyWarningScore.Consciousness.self, forKey: .consciousness)
            }
        }
        var displayName: String?
        var yearOfBirth: Int??
        var conditions: [String]?
        var news2: News2?

        enum CodingKeys: String, CodingKey { case displayName, yearOfBirth, conditions, news2 }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            displayName = try container.decodeUnlessAbsent(String.self, forKey: .displayName)
            yearOfBirth = try container.decodeNullable(Int.self, forKey: .yearOfBirth)
            conditions = try container.decodeUnlessAbsent([String].self, forKey: .conditions)
            news2 = try container.decodeUnlessAbsent(News2.self, forKey: .news2)
        }
    }

    struct CareTeamMember: ResponseEncodable, Sendable {
        struct Caregiver: Encodable, Sendable {
            var id: Int64
            var displayName: String
            var title: String?
        }
        var caregiver: Caregiver
        var since: Date
        var until: Date?

        init(_ membership: CareTeamMembership) {
            caregiver = .init(id: membership.caregiver.id, displayName: membership.caregiver.displayName, title: membership.caregiver.title)
            since = membership.since
            until = membership.until
        }
    }

    struct CareTeam: ResponseEncodable, Sendable {
        var patientId: Int64
        var members: [CareTeamMember]
    }

    struct AuditEntry: ResponseEncodable, Sendable {
        var id: Int64
        var at: Date
        var actorId: Int64?
        var actorRole: Role?
        var action: String
        var patientId: Int64?
        var resource: String
        var address: String?
        var previousHash: String
        var hash: String

        init(_ entry: Hub.AuditEntry) {
            id = entry.id
            at = entry.at
            actorId = entry.record.actorID
            actorRole = entry.record.actorRole
            action = entry.record.action
            patientId = entry.record.patientID
            resource = entry.record.resource
            address = entry.record.address
            previousHash = entry.previousHash
            hash = entry.hash
        }
    }

    struct AuditVerification: ResponseEncodable, Sendable {
        var intact: Bool
        var entriesChecked: Int
        var firstBrokenId: Int64?
    }

    struct LoginLocks: ResponseEncodable, Sendable {
        struct LockedAccount: Encodable, Sendable {
            var id: Int64
            var username: String
            var failedLogins: Int
            var lockedUntil: Date
        }
        struct BlockedAddress: Encodable, Sendable {
            var address: String
            var until: Date
        }
        var accounts: [LockedAccount]
        var addresses: [BlockedAddress]
    }
}
