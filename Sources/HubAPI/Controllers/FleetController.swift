import Foundation
import Hub
import Hummingbird
import MQTT
import Telemetry
import Vitals

/// Devices and gateways, for technicians: status lists filtered by what needs attention, status history, device
/// registration and assignment (with history), and settings. Admins and technicians see and change the whole fleet;
/// a caregiver sees the devices of their care teams' patients; patients get 403.
struct FleetController {
    let api: APIEnvironment

    /// What a device or gateway is judged by: the technical alarms' limits.
    static let limits = TechnicalAlarmPolicy.standard

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("devices", use: listDevices)
        group.post("devices", use: registerDevice)
        group.get("devices/:deviceId", use: showDevice)
        group.patch("devices/:deviceId", use: updateDevice)
        group.put("devices/:deviceId/assignment", use: assignDevice)
        group.get("devices/:deviceId/status-history", use: deviceHistory)
        group.get("gateways", use: listGateways)
        group.get("gateways/:gatewayId", use: showGateway)
        group.patch("gateways/:gatewayId", use: configureGateway)
        group.get("gateways/:gatewayId/status-history", use: gatewayHistory)
        group.post("gateways/:gatewayId/credentials", use: issueCredentials)
    }

    /// The devices `session` may see (the rule the live feed follows too), with what needs attention; 403 for
    /// patients. `externalID` narrows it to one device.
    private func visibleDevices(_ session: SessionState, externalID: String? = nil) async throws -> [DTO.Device] {
        guard session.account.role != .patient else { throw APIError.forbidden("devices are looked after by technicians and the care team") }
        let devices = if let externalID { try await api.database.devices(externalIDs: [externalID]) } else { try await api.database.devices() }
        let visibility = try await Visibility.load(api, session)
        let conditions = try await api.database.openTechnicalConditions()
        let now = api.now()
        return devices.filter(visibility.maySee(device:)).map {
            DTO.Device($0, openConditions: conditions[$0.externalID] ?? [], limits: Self.limits, at: now)
        }
    }

    private func device(_ request: Request, _ context: HubRequestContext, _ session: SessionState) async throws -> DTO.Device {
        guard let id = context.parameters.get("deviceId") else { throw APIError.notFound("device") }
        guard let device = try await visibleDevices(session, externalID: id).first else { throw APIError.notFound("device \"\(id)\"") }
        return device
    }

    private static func requireFleetRole(_ session: SessionState) throws {
        guard [.admin, .technician].contains(session.account.role) else { throw APIError.forbidden("only technicians and admins change devices and gateways") }
    }

    @Sendable func listDevices(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.Device> {
        let session = try context.caller()
        let page = try PageRequest(request)
        let query = Query(request)
        let attention = try query.choice("status", DTO.Device.Attention.allCases.map { ($0.rawValue, $0) })
        let gateway = query.text("gatewayId")
        let patient = try query.id("patientId")
        let unassigned = try query.choice("unassigned", [("true", true), ("false", false)])
        let devices = try await visibleDevices(session).filter { device in
            (attention.map { device.attention.contains($0) } ?? true) && (gateway.map { device.gatewayId == $0 } ?? true)
                && (patient.map { device.patientId == $0 } ?? true) && (unassigned.map { (device.patientId == nil) == $0 } ?? true)
        }
        return page.page(devices.filter { $0.position > (page.after ?? 0) }.sorted { $0.position < $1.position }, position: \.position) { $0 }
    }

    @Sendable func registerDevice(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Device> {
        let session = try context.caller()
        try Self.requireFleetRole(session)
        let body = try await request.decodeJSON(DTO.NewDevice.self, context: context)
        try Self.validateIdentifier(body.deviceId, field: "deviceId")
        try Self.validateIdentifier(body.gatewayId, field: "gatewayId")
        do {
            try await api.database.registerNewDevice(body.deviceId, gatewayID: body.gatewayId, at: api.now())
        } catch let error as RegistryError {
            throw APIError.conflict(error.description, field: "deviceId")
        }
        try await api.audit(session, "device.register", patients: [nil], request: request, context: context)
        guard let device = try await visibleDevices(session, externalID: body.deviceId).first else { throw APIError.notFound("device") }
        var headers = HTTPFields()
        headers[.location] = "/api/v1/devices/\(body.deviceId)"
        return .init(status: .created, headers: headers, response: device)
    }

    @Sendable func showDevice(_ request: Request, context: HubRequestContext) async throws -> DTO.DeviceDetail {
        let session = try context.caller()
        let device = try await device(request, context, session)
        return DTO.DeviceDetail(device: device, assignments: try await api.database.assignments(device: device.id).map(DTO.Assignment.init))
    }

    @Sendable func updateDevice(_ request: Request, context: HubRequestContext) async throws -> DTO.DeviceDetail {
        let session = try context.caller()
        try Self.requireFleetRole(session)
        let device = try await device(request, context, session)
        let body = try await request.decodeJSON(DTO.DevicePatch.self, context: context)
        if let timeout = body.inactivityTimeoutSeconds {
            do {
                try await api.database.setInactivityTimeout(device: device.id, timeout.map { .seconds($0) } ?? .agentDefault)
            } catch RegistryError.invalidSetting(_, let reason) {
                throw APIError.invalid("inactivityTimeoutSeconds", "inactivityTimeoutSeconds: \(reason)")
            }
        }
        try await api.audit(session, "device.change", patients: [nil], request: request, context: context)
        return try await showDevice(request, context: context)
    }

    /// Assigns the device to a patient (or to none) from `since` (default now); readings measured since then are
    /// attributed to that patient. Audited for the patients concerned.
    @Sendable func assignDevice(_ request: Request, context: HubRequestContext) async throws -> DTO.DeviceDetail {
        let session = try context.caller()
        try Self.requireFleetRole(session)
        let device = try await device(request, context, session)
        let body = try await request.decodeJSON(DTO.AssignDevice.self, context: context)
        let now = api.now()
        let since = body.since ?? now
        guard since <= now.addingTimeInterval(60) else { throw APIError.invalid("since", "since must not be in the future") }
        do {
            try await api.database.assign(device: device.id, to: body.patientId, since: since)
        } catch RegistryError.unknownPatient(let id) {
            throw APIError.invalid("patientId", "there is no patient \(id)")
        } catch let error as RegistryError {
            throw APIError.conflict(error.description, field: "since")
        }
        try await api.audit(session, "device.assign", patients: Array(Set([device.patientId, body.patientId].compactMap { $0 })).sorted(),
                            request: request, context: context)
        return try await showDevice(request, context: context)
    }

    @Sendable func deviceHistory(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.DeviceStatusEvent> {
        let session = try context.caller()
        let device = try await device(request, context, session)
        let page = try PageRequest(request)
        let events = try await api.database.deviceStatusHistory(device: device.id, before: page.after, limit: page.limit + 1)
        return page.page(events, position: \.id, item: DTO.DeviceStatusEvent.init)
    }

    private func gateways(_ session: SessionState) async throws -> [GatewaySummary] {
        switch session.account.role {
        case .admin, .technician: return try await api.database.gateways()
        case .caregiver, .patient: throw APIError.forbidden("gateways are looked after by technicians")
        }
    }

    private func gateway(_ request: Request, _ context: HubRequestContext, _ session: SessionState) async throws -> GatewaySummary {
        let id = context.parameters.get("gatewayId") ?? ""
        guard let gateway = try await gateways(session).first(where: { $0.id == id }) else { throw APIError.notFound("gateway \"\(id)\"") }
        return gateway
    }

    @Sendable func listGateways(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.Gateway> {
        let session = try context.caller()
        let page = try PageRequest(request)
        let gateways = try await gateways(session).map { DTO.Gateway($0) }
        return page.page(gateways.filter { $0.position > (page.after ?? 0) }, position: \.position) { $0 }
    }

    @Sendable func showGateway(_ request: Request, context: HubRequestContext) async throws -> DTO.Gateway {
        let session = try context.caller()
        return DTO.Gateway(try await gateway(request, context, session))
    }

    /// Changes the hub's settings for the gateway; the running hub publishes them (retained) within seconds.
    @Sendable func configureGateway(_ request: Request, context: HubRequestContext) async throws -> DTO.Gateway {
        let session = try context.caller()
        try Self.requireFleetRole(session)
        let gateway = try await gateway(request, context, session)
        let body = try await request.decodeJSON(DTO.GatewayPatch.self, context: context)
        func setting(_ value: Int??) -> AppDatabase.Setting? {
            value.map { $0.map { .seconds($0) } ?? .agentDefault }
        }
        do {
            _ = try await api.database.configureGateway(gateway.id, statusInterval: setting(body.statusIntervalSeconds), resendAfter: setting(body.resendAfterSeconds))
        } catch RegistryError.invalidSetting(let field, let reason) {
            throw APIError.invalid(field, "\(field): \(reason)")
        }
        try await api.audit(session, "gateway.configure", patients: [nil], request: request, context: context)
        return DTO.Gateway(try await self.gateway(request, context, session))
    }

    @Sendable func gatewayHistory(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.GatewayStatusEvent> {
        let session = try context.caller()
        let gateway = try await gateway(request, context, session)
        let page = try PageRequest(request)
        let events = try await api.database.gatewayStatusHistory(gateway: gateway.id, before: page.after, limit: page.limit + 1)
        return page.page(events, position: \.id, item: DTO.GatewayStatusEvent.init)
    }

    /// Issues the gateway's MQTT credentials (a gateway not yet known is registered): the password is in this
    /// answer only. Issuing again rotates them: the old password stops working and its sessions are disconnected.
    @Sendable func issueCredentials(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.IssuedCredentials> {
        let session = try context.caller()
        try Self.requireFleetRole(session)
        let id = context.parameters.get("gatewayId") ?? ""
        try Self.validateIdentifier(id, field: "gatewayId")
        guard let credentials = api.gatewayCredentials else {
            throw APIError(.serviceUnavailable, code: "not_configured",
                           "credential management is not configured: start the hub with --dynsec-username and --dynsec-password-file")
        }
        let issued: GatewayCredentials.Issued
        do {
            issued = try await credentials.issue(gateway: id)
        } catch GatewayCredentials.Failure.notAGateway(let name) {
            throw APIError.conflict("the broker's client \"\(name)\" is not a gateway's: its credentials are not issued here", field: "gatewayId")
        } catch let error as GatewayCredentials.Failure {
            throw APIError(.badGateway, code: "broker_refused", error.description)
        } catch let error as MQTTError {
            throw APIError(.badGateway, code: "broker_unreachable", "the broker could not be reached to issue credentials: \(error)")
        }
        let now = api.now()
        try await api.database.recordCredentialsIssued(gateway: id, at: now)
        try await api.audit(session, "gateway.credentials", patients: [nil], request: request, context: context)
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        return .init(status: .created, headers: headers, response: DTO.IssuedCredentials(
            gatewayId: id, username: issued.username, password: issued.password, issuedAt: now))
    }

    /// Device and gateway ids travel in MQTT topics: one topic level of letters, digits, '.', '_' and '-'.
    static func validateIdentifier(_ id: String, field: String) throws {
        guard TopicTree.isValidIdentifier(id) else {
            throw APIError.invalid(field, "\(field) must be 1–64 letters, digits, '.', '_' or '-'")
        }
    }
}
