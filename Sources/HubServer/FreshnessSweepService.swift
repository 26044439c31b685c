// HubServer — FreshnessSweepService: the server's periodic freshness sweep (Distribution's
// FreshnessSweep), a Service of the application's ServiceGroup like the alert dispatch: it sweeps
// every `intervalSeconds` and stops on graceful shutdown, cancelling a sweep in progress (a store that
// no longer answers must not hold the shutdown; a cut-off sweep is redone next time, and adds each
// version once).
import Distribution
import Foundation
import Logging
import ServiceLifecycle

/// Sweeps until graceful shutdown.
///
/// ```swift
/// let service = FreshnessSweepService(sweep: FreshnessSweep(store: store, policy: policy, hubIdentityID: id),
///                                     intervalSeconds: 60)
/// // one of the application's services
/// ```
public struct FreshnessSweepService: Service {
    public let sweep: FreshnessSweep
    public let intervalSeconds: Double
    let logger: Logger

    public init(sweep: FreshnessSweep, intervalSeconds: Double, logger: Logger = Logger(label: "kakehashi.freshness")) {
        self.sweep = sweep; self.intervalSeconds = intervalSeconds; self.logger = logger
    }

    public func run() async throws {
        // Switched off: wait for the shutdown (a service that returns would end the whole group).
        guard intervalSeconds > 0 else { try? await gracefulShutdown(); return }
        let pause = UInt64(intervalSeconds * 1_000_000_000)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { await self.once() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: pause) }
        }
    }

    /// One sweep; a failure is logged and the sweep tried again next interval.
    func once() async {
        do {
            let report = try await sweep.sweep()
            if report.expired + report.revoked > 0 {
                logger.info("freshness sweep", metadata: ["expired": "\(report.expired)", "revoked": "\(report.revoked)"])
            }
        } catch is CancellationError {
        } catch {
            logger.error("freshness sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
