// HubServer sharing gauges: the operations view of sharing in Prometheus — submissions, distinct
// observables reported by type, corroborated observables, deliveries — refreshed from the store's
// aggregates (`HubStore.sharingTotals`) when `/metrics` is scraped, at most once per `interval`,
// so a scrape costs at most a few counts. Labels carry only observable types, never values or names.
import CoreMetrics
import Foundation
import Storage

/// The gauges and when they were last refreshed.
///
/// ```swift
/// await metrics.sharing.refresh(from: store)   // before rendering /metrics
/// // kakehashi_submissions 12
/// // kakehashi_observables{type="ipv4-addr"} 40
/// ```
public actor SharingGauges {
    let factory: any MetricsFactory
    let interval: TimeInterval
    var refreshedAt: Date?
    var knownTypes: Set<String> = []

    public init(factory: any MetricsFactory, interval: TimeInterval = 30) {
        self.factory = factory; self.interval = interval
    }

    /// Reads the totals again unless they were read less than `interval` ago; a failed read keeps
    /// the previous values (the scrape still answers).
    public func refresh(from store: any HubStore, now: Date = Date()) async {
        if let refreshedAt, now.timeIntervalSince(refreshedAt) < interval { return }
        guard let totals = try? await store.sharingTotals() else { return }
        refreshedAt = now
        gauge("kakehashi_submissions").record(totals.submissions)
        gauge("kakehashi_corroborated_observables").record(totals.corroborated)
        gauge("kakehashi_deliveries").record(totals.deliveries)
        // Types are those ObservableExtraction writes (a fixed handful), so the label set stays small.
        for type in knownTypes.union(totals.observablesByType.keys) where !type.isEmpty && type.count <= 32 {
            knownTypes.insert(type)
            gauge("kakehashi_observables", [("type", type)]).record(totals.observablesByType[type] ?? 0)
        }
    }

    func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }
}
