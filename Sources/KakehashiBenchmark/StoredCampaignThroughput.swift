// KakehashiBenchmark — StoredCampaignThroughput.swift
// Campaigns on a stored hub: N synthetic submissions' traits (CampaignThroughput's) written to a real
// store — SQLite, and PostgreSQL (a private durable server from scripts/postgres-test-server) — then
// `CampaignDesk.recluster` timed end to end: reading every traits row, decoding, clustering, computing
// each candidate's evidence and writing the candidates in one transaction. Also the placing of one
// more arrival by a desk that has to load every row first (a short-lived `kakehashi submit`) and by a
// warm one (the server). Prints, asserts nothing.
import Accounts
import Anonymization
import CampaignDesk
import Campaigns
import Foundation
import PostgresStorage
import SharingPolicy
import SQLiteStorage
import STIX
import Storage

enum StoredCampaignThroughput {
    static func run(submissions: Int) async -> String {
        var lines = ["== Campaigns on a stored hub (\(submissions) synthetic submissions)"]
        let all = CampaignThroughput.synthetic(count: submissions)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-campaigns-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let store = try SQLiteHubStore(directory: directory)
            lines.append(try await measure("SQLite", store: store, traits: all))
        } catch {
            lines.append("SQLite: failed: \(error)")
        }
        do {
            let server = try await PostgresServer.start()
            defer { server.stop() }
            let url = try await server.createDatabase("campaigns_\(UUID().uuidString.prefix(8).lowercased())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try await PostgresHubStore.connect(to: try PostgresLocation(url: url),
                                                           auditKey: directory.appendingPathComponent("pg-audit.key"),
                                                           auditHead: directory.appendingPathComponent("pg-audit.head"))
            lines.append(try await measure("PostgreSQL", store: store, traits: all))
            await store.close()
        } catch {
            lines.append("PostgreSQL: failed: \(error)")
        }
        return lines.joined(separator: "\n")
    }

    static func measure(_ name: String, store: any HubStore, traits: [SubmissionTraits]) async throws -> String {
        let hub = try await store.createOrganization(Organization(name: "Kakehashi Hub", sector: "hub"))
        let analyst = Principal(user: User(organizationID: hub.id, email: "analyst@hub.example", role: .hubAnalyst,
                                           passwordHash: nil), organization: hub)
        let encoder = JSONEncoder()
        let clock = ContinuousClock()
        let rows = try traits.map { StoredTraits(submissionID: $0.submissionID, organizationID: $0.organization,
                                                  traits: Array(try encoder.encode($0)), recordedAt: "2026-11-01T00:00:00.000Z") }
        let write = try await clock.measure {
            for start in stride(from: 0, to: rows.count, by: 10_000) {
                try await store.recordTraits(Array(rows[start..<min(start + 10_000, rows.count)]))
            }
        }
        let settings = AnonymizationSettings(hubIdentityID: "identity--\(UUID().uuidString.lowercased())",
                                             idKey: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let desk = CampaignDesk(store: store, policy: PolicyEngine(store: store), anonymization: settings,
                                settings: ClusteringSettings())
        var records: [CampaignRecord] = []
        let full = try await clock.measure { records = try await desk.recluster(by: analyst) }
        let candidates = records.filter { $0.status == .candidate }.count
        // One more arrival (a report of an existing campaign): placed by a cold desk, then a warm one.
        var extra = traits[0]
        extra.submissionID = "s-extra-1"
        extra.organization = "org-extra"
        try await store.recordTraits([StoredTraits(submissionID: extra.submissionID, organizationID: extra.organization,
                                                   traits: Array(try encoder.encode(extra)), recordedAt: "2026-11-02T00:00:00.000Z")])
        let cold = CampaignDesk(store: store, policy: PolicyEngine(store: store), anonymization: settings, settings: ClusteringSettings())
        let coldPlace = try await clock.measure { try await cold.placeForBenchmark(extra.submissionID) }
        extra.submissionID = "s-extra-2"
        try await store.recordTraits([StoredTraits(submissionID: extra.submissionID, organizationID: extra.organization,
                                                   traits: Array(try encoder.encode(extra)), recordedAt: "2026-11-02T00:00:00.000Z")])
        let warmPlace = try await clock.measure { try await cold.placeForBenchmark(extra.submissionID) }
        return String(format: "%@: traits written %.1f s; full re-clustering %.1f s (%d candidates; target < 30 s on 2 cores); one arrival placed by a cold desk %.1f s, by a warm one %.0f ms",
                      name, CampaignThroughput.seconds(write), CampaignThroughput.seconds(full), candidates,
                      CampaignThroughput.seconds(coldPlace), CampaignThroughput.seconds(warmPlace) * 1000)
    }
}
