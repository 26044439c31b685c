// The hub's HTTP application: one Hummingbird server carrying the TAXII interface (and, later, the
// JSON API and the web portal).
import Foundation
import Hummingbird
import Logging
import Storage

/// Builds the hub's HTTP application.
///
/// ```swift
/// let app = HubApplication.make(store: store, host: "127.0.0.1", port: 8080)
/// try await app.runService()
/// ```
public enum HubApplication {
    public static func make(
        store: any HubStore, taxii: TAXIIConfiguration = TAXIIConfiguration(),
        host: String = "127.0.0.1", port: Int = 8080, logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: TAXIIErrorMiddleware())
        TAXIIService(store: store, configuration: taxii).addRoutes(to: router)
        var logger = logger ?? Logger(label: "kakehashi")
        if logger.logLevel > .info, ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { logger.logLevel = .info }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "Kakehashi"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
