// HubServer metrics ledger service: keeps the dashboard's metric aggregates (SharingMetrics' ledger)
// caught up on the store's change log in the background, a few seconds behind, so that a
// dashboard view reads only what changed since the last round — and the very first view after the
// server starts does not pay for reading every holding.
import Logging
import ServiceLifecycle
import SharingMetrics

/// Catches the ledger up every `intervalSeconds` (0: never; views still catch up themselves).
///
/// ```swift
/// let service = MetricsLedgerService(metrics: api.sharingMetrics, intervalSeconds: 2)
/// // one of the application's services: the first round reads everything, later ones the changes
/// ```
public struct MetricsLedgerService: Service {
    public let metrics: SharingMetrics
    public let intervalSeconds: Double
    let logger: Logger

    public init(metrics: SharingMetrics, intervalSeconds: Double, logger: Logger = Logger(label: "kakehashi.metrics")) {
        self.metrics = metrics; self.intervalSeconds = intervalSeconds; self.logger = logger
    }

    public func run() async throws {
        guard intervalSeconds > 0 else { try? await gracefulShutdown(); return }
        let pause = UInt64(intervalSeconds * 1_000_000_000)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await metrics.catchUp() }
            } catch is CancellationError {
            } catch {
                logger.error("metrics catch-up failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: pause) }
        }
    }
}
