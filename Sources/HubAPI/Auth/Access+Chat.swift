import Hub
import Hummingbird

extension Access {
    /// Whether `session` takes part in `conversation`, so may read and post in it: its patient (a patient
    /// conversation), the caregivers on the patient's care team now (patient and care-team conversations, and a
    /// device conversation about a device assigned to one of their patients), and every technician (device
    /// conversations). Admins are not participants.
    func takesPart(in conversation: ConversationRecord, _ session: SessionState) async throws -> Bool {
        let account = session.account
        switch (conversation.kind, account.role) {
        case (.patient, .patient):
            return account.patientID != nil && account.patientID == conversation.patientID
        case (.patient, .caregiver), (.careTeam, .caregiver):
            guard let patientID = conversation.patientID else { return false }
            return try await api.database.isOnCareTeam(caregiverID: account.id, patientID: patientID)
        case (.device, .technician):
            return true
        case (.device, .caregiver):
            guard let deviceID = conversation.deviceID, let patientID = try await api.database.patientOfDevice(deviceID) else { return false }
            return try await api.database.isOnCareTeam(caregiverID: account.id, patientID: patientID)
        default:
            return false
        }
    }

    /// Conversation `id` if `session` takes part in it (404 otherwise, as for none).
    func conversation(_ id: Int64, _ session: SessionState) async throws -> ConversationRecord {
        guard let conversation = try await api.database.conversation(id: id), try await takesPart(in: conversation, session) else {
            throw APIError.notFound("conversation \(id)")
        }
        return conversation
    }
}
