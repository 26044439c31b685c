// HubServer: the hub's HTTP application, one Hummingbird server carrying the TAXII interface, the
// JSON API and the web portal, composed here so that none depends on another.
import Foundation
import Alerts
import Anonymization
import CampaignDesk
import Campaigns
import Consent
import Distribution
import HubAPI
import HubHTTP
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SharingMetrics
import SharingPolicy
import IndicatorExtraction
import Specimens
import Storage
import TAXIIServer
import WebPortal

/// Builds the hub's HTTP application.
///
/// ```swift
/// let app = HubApplication.make(store: store, anonymization: settings, host: "127.0.0.1", port: 8080,
///                               services: store.services)
/// try await app.runService()   // until SIGTERM or SIGINT
/// ```
///
/// Besides TAXII, the JSON API and the web portal (`/portal/`, with `/` redirecting there) it serves `/healthz`, `/readyz` and `/metrics` (OperationsRoutes),
/// counting every request into `metrics` by route template.
///
/// The application runs one ServiceGroup: the store's `services`, then the delivery ledger, then the
/// HTTP server. On SIGTERM or SIGINT the group stops them in reverse: the server stops accepting and
/// answers the requests in flight, the ledger writes every pending read record, then the store's
/// services (the audit head file, the checkpoint and close of the database).
public enum HubApplication {
    /// The threads that read requests and write responses: half the cores (at least one), so that
    /// the handlers on Swift's cooperative threads keep the rest. With one I/O thread per core, on
    /// 2 cores, a request's read, handling and write competed for both cores with the clients and
    /// single-object GETs from 16 clients had a p99 about 1 ms longer (6.3–6.9 ms against 5.2–6.4).
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount / 2))

    public static func make(
        store: any HubStore, taxii: TAXIIConfiguration = TAXIIConfiguration(),
        anonymization: AnonymizationSettings, corroboration rule: CorroborationRule = .standard, defaultTLP: TLPLevel = .amber,
        vault: SampleVault? = nil, warningLists: WarningLists = .bundled, host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, logger: Logger? = nil,
        services: [any Service] = [], metrics: HubMetrics = HubMetrics(), countries: CountryTable = CountryTable(),
        flow: FlowSettings = .standard, freshness: FreshnessDefaults = .standard,
        freshnessSweepSeconds: Double = 60,
        alerts: AlertSettings = AlertSettings(),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: HubErrorMiddleware())
        router.add(middleware: SignInRefusalMiddleware(metrics: metrics))
        let ledger = DeliveryLedger(store: store)
        let policy = PolicyEngine(store: store, defaultTLP: defaultTLP)
        let desk = ConsentDesk(store: store, policy: policy, anonymization: anonymization)
        let corroboration = Corroboration(store: store, hubIdentityID: anonymization.hubIdentityID, rule: rule)
        let publicAddress = PublicAddress(configured: publicURL, port: port)
        // Every way in clusters each arrival into campaigns with the same desk (one engine per process).
        let campaigns = CampaignDesk(store: store, policy: policy, anonymization: anonymization,
                                     settings: ClusteringSettings(exclusions: CampaignExclusions.standard(warningLists: warningLists)))
        // One set of buckets for TAXII, the API and exports: a token's limit is for all of them.
        let consumerFlow = ConsumerFlow(settings: flow)
        let taxiiService = TAXIIService(store: store, configuration: taxii, ledger: ledger, desk: desk,
                                        corroboration: corroboration, policy: policy, publicAddress: publicAddress,
                                        arrivals: campaigns, flow: consumerFlow,
                                        reducedFeed: ReducedFeedReads(store: store, freshness: freshness))
        taxiiService.addRoutes(to: router)
        let api = HubAPIService(store: store, authenticator: taxiiService.authenticator, ledger: ledger,
                                anonymization: anonymization, corroboration: corroboration, policy: policy,
                                vault: vault, warningLists: warningLists, publicAddress: publicAddress,
                                countries: countries,
                                campaigns: campaigns, flow: consumerFlow, freshness: freshness)
        api.addRoutes(to: router)
        OperationsRoutes(store: store, metrics: metrics, ledger: ledger, authenticator: taxiiService.authenticator)
            .addRoutes(to: router)
        // The portal's templates and catalogues are part of the build: failing to load them is a
        // broken build, not a condition to serve around.
        var portalEnvironment = PortalEnvironment(
            store: store, authenticator: taxiiService.authenticator, policy: policy, ledger: ledger,
            publicAddress: publicAddress, vault: vault)
        portalEnvironment.workflows = PortalWorkflows(
            consent: api.desk, submissions: api.submissionDesk, metrics: api.sharingMetrics, campaigns: campaigns,
            correlations: api.correlations, warningLists: warningLists)
        let portal = try! WebPortal(environment: portalEnvironment)
        portal.addRoutes(to: router)
        AlertRoutes(desk: AlertDesk(store: store, policy: policy, allowPlainHTTPWebhooks: alerts.allowPlainHTTPWebhooks,
                                         allowInternalWebhooks: alerts.allowInternalWebhookAddresses),
                    authenticator: taxiiService.authenticator, flow: consumerFlow).addRoutes(to: router)
        let logger = logger ?? Logger(label: "kakehashi") { HubLogHandler(label: $0) }
        // New indicators to subscribers: reads through the policy engine, records sends in the ledger.
        let alertDispatch = AlertDispatch(
            store: store, policy: policy, ledger: ledger, settings: alerts,
            courier: NetworkCourier(mail: alerts.smtp.map { MailRelay(settings: $0) },
                                    webhooks: WebhookPoster(timeoutSeconds: alerts.webhookTimeoutSeconds,
                                                            allowInternalAddresses: alerts.allowInternalWebhookAddresses)),
            logger: Logger(label: "kakehashi.alerts") { HubLogHandler(label: $0) })
        // Expired hub-created indicators get their valid_until or revoked version for TAXII consumers.
        let freshnessSweep = FreshnessSweepService(
            sweep: FreshnessSweep(store: store, policy: policy, hubIdentityID: anonymization.hubIdentityID, freshness: freshness),
            intervalSeconds: freshnessSweepSeconds, logger: Logger(label: "kakehashi.freshness") { HubLogHandler(label: $0) })
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "Kakehashi"),
            services: services + [ledger, alertDispatch, freshnessSweep,
                                  MetricsLedgerService(metrics: api.sharingMetrics, intervalSeconds: 2,
                                                       logger: Logger(label: "kakehashi.metrics") { HubLogHandler(label: $0) })],
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                publicAddress.listenerBound(port: bound)
                await onServerRunning(bound)
            },
            eventLoopGroupProvider: .shared(Self.eventLoops),
            logger: logger)
    }
}
