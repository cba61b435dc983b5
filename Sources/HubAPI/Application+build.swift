import Foundation
import Hub
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// Every route of the API, with its middleware: what the server runs and what the tests call.
public func buildRouter(_ api: APIEnvironment) -> Router<HubRequestContext> {
    let router = Router(context: HubRequestContext.self)
    // Outermost, so it sees every response as sent, errors turned into their bodies included.
    router.add(middleware: HTTPMetricsMiddleware(metrics: api.metrics))
    let routeTable = RouteTable()
    router.add(middleware: ErrorShapeMiddleware(routes: routeTable))
    OperationsController(api: api).endpoints(router)
    router.get("api/openapi.yaml") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.yaml())))
    }
    CalendarFeedController(api: api).publicEndpoints(router)
    ConsoleController(files: api.consoleFiles).endpoints(router)
    let v1 = router.group("api/v1")
    AuthController(api: api).publicEndpoints(v1)
    let signedIn = v1.group().add(middleware: AuthenticationMiddleware(api: api))
    AuthController(api: api).endpoints(signedIn)
    AccountsController(api: api).endpoints(signedIn)
    PatientsController(api: api).endpoints(signedIn)
    AlertsController(api: api).endpoints(signedIn)
    VitalsController(api: api).endpoints(signedIn)
    FHIRController(api: api).endpoints(signedIn)
    FleetController(api: api).endpoints(signedIn)
    AuditController(api: api).endpoints(signedIn)
    AvailabilityController(api: api).endpoints(signedIn)
    AppointmentsController(api: api).endpoints(signedIn)
    CalendarFeedController(api: api).endpoints(signedIn)
    NotificationsController(api: api).endpoints(signedIn)
    ChatController(api: api).endpoints(signedIn)
    ReportsController(api: api).endpoints(signedIn)
    // The WebSocket's path answers a plain GET too (with 404 unless upgrading), so it is in the table as GET.
    routeTable.set((router.routes + buildWebSocketRouter(api).routes).map { ($0.method.rawValue, $0.path.description) })
    return router
}

/// The routes that upgrade to a WebSocket: `/api/v1/live` and `/api/v1/video/{room}`.
public func buildWebSocketRouter(_ api: APIEnvironment) -> Router<HubRequestContext> {
    let router = Router(context: HubRequestContext.self)
    LiveController(api: api).endpoints(router)
    VideoSignallingController(api: api).endpoints(router)
    return router
}

/// The hub's HTTP server on `host`:`port`, a service for the hub's service group.
public func buildApplication(_ api: APIEnvironment, host: String, port: Int, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        router: buildRouter(api),
        server: .http1WebSocketUpgrade(webSocketRouter: buildWebSocketRouter(api)),
        configuration: .init(address: .hostname(host, port: port), serverName: "SilverWatch"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}

/// The OpenAPI 3.1 description of this API, shipped with the hub (Sources/HubAPI/Resources/openapi.yaml).
public enum OpenAPIDocument {
    public static func yaml() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: url))
    }
}
