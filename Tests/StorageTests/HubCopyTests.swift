// The hub copy behind `kakehashi migrate`: every table of both schemas is in the copy's catalogue;
// a hub copied SQLite -> PostgreSQL -> SQLite keeps every row (per-table counts and content hashes),
// its position counter, its audit chain and every object as the store reads it (bytes, positions,
// dates, versions, page by page); a target with rows is refused and a failed copy leaves none.
import Foundation
import GRDB
import HubTesting
@testable import PostgresStorage
import SQLiteStorage
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Hub copy (kakehashi migrate)")
struct HubCopyTests {
    static let postgresAvailable = Backend.postgresURL?.isEmpty == false

    @Test("every table and column of the SQLite schema is copied; an unknown table is refused")
    func sqliteCatalogue() async throws {
        let hub = try await TestHub.make(backend: .sqlite); defer { hub.remove() }
        #expect(try SQLiteHubCopy.mismatches(database: hub.sqlite!.path) == [])
        // A table the copy does not know: reported, and a copy from this file refused.
        let queue = try DatabaseQueue(path: hub.sqlite!.path)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE watchlist (id TEXT PRIMARY KEY)")
            try db.execute(sql: "ALTER TABLE feed ADD COLUMN colour TEXT")
        }
        try queue.close()
        #expect(try SQLiteHubCopy.mismatches(database: hub.sqlite!.path) == ["table watchlist is not copied",
                                                                        "column feed.colour is not copied"])
        #expect(throws: HubCopyError.self) { try SQLiteHubCopy.checkSource(database: hub.sqlite!.path) }
    }

    @Test("every table and column of the PostgreSQL schema is copied; kakehashi_key_hash equals KeyHash",
          .enabled(if: postgresAvailable, "needs KAKEHASHI_TEST_POSTGRES_URL"))
    func postgresCatalogue() async throws {
        let hub = try await ContractHub.postgres(url: Backend.postgresURL!); defer { hub.remove() }
        let store = hub.store as! PostgresHubStore
        #expect(try await store.copyMismatches() == [])
        let samples = ["", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "ipv4-addr:198.51.100.7", "domain-name:例え.jp"]
        let copied = try await store.copyReading { reading in try await HubCopy.summary(of: reading) }
        #expect(copied.rows == 1)   // the operator's organisation
        // The migration that keyed observable_source by hash computes it in SQL, as Swift does.
        let other = try await ContractHub.postgres(url: Backend.postgresURL!); defer { other.remove() }
        for text in samples {
            #expect(try await (other.store as! PostgresHubStore).keyHashInSQL(text) == KeyHash.of(text), "\(text)")
        }
    }

    @Test("a hub copied to another SQLite file keeps every row, counter, object and its audit chain")
    func sqliteToSQLite() async throws {
        let hub = try await TestHub.make(backend: .sqlite); defer { hub.remove() }
        let fill = try await HubFill.populate(hub.store)
        let copyDirectory = try Self.keysOnly(from: hub.directory); defer { try? FileManager.default.removeItem(at: copyDirectory) }
        let copyPath = copyDirectory.appendingPathComponent("hub.sqlite").path
        let source = try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { reading in
            try await SQLiteHubCopy.writing(database: copyPath) { writing in try await HubCopy.copy(from: reading, to: writing) }
        }
        #expect(source.counters["object_position"] == fill.largestPosition)
        #expect(source.tables.first { $0.name == "object_version" }!.rows >= 6)
        #expect(try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { try await HubCopy.summary(of: $0) } == source)
        #expect(try await SQLiteHubCopy.reading(database: copyPath) { try await HubCopy.summary(of: $0) } == source)
        // The copy has rows now: a second copy into it is refused and changes nothing.
        await #expect(throws: HubCopyError.self) {
            try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { reading in
                try await SQLiteHubCopy.writing(database: copyPath) { writing in try await HubCopy.copy(from: reading, to: writing) }
            }
        }
        #expect(try await SQLiteHubCopy.reading(database: copyPath) { try await HubCopy.summary(of: $0) } == source)
        let copy = try SQLiteHubStore(directory: copyDirectory)
        try await Self.expectSameHub(hub.store, copy, fill: fill)
    }

    @Test("a failed copy into SQLite leaves no file behind")
    func failedSQLiteCopy() async throws {
        let hub = try await TestHub.make(backend: .sqlite); defer { hub.remove() }
        _ = try await HubFill.populate(hub.store)
        let copyDirectory = try Self.keysOnly(from: hub.directory); defer { try? FileManager.default.removeItem(at: copyDirectory) }
        let copyPath = copyDirectory.appendingPathComponent("hub.sqlite").path
        await #expect(throws: Interrupted.self) {
            try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { reading in
                try await SQLiteHubCopy.writing(database: copyPath) { writing in
                    _ = try await HubCopy.copy(from: reading, to: InterruptedWriting(inner: writing, after: "object_version"))
                }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: copyPath))
        #expect(!FileManager.default.fileExists(atPath: copyPath + ".migrating"))
    }

    @Test("a hub copied SQLite -> PostgreSQL -> SQLite keeps every row, counter, object and its audit chain; non-empty targets refused",
          .enabled(if: postgresAvailable, "needs KAKEHASHI_TEST_POSTGRES_URL"))
    func roundTripThroughPostgres() async throws {
        let hub = try await TestHub.make(backend: .sqlite); defer { hub.remove() }
        let fill = try await HubFill.populate(hub.store)
        let source = try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { try await HubCopy.summary(of: $0) }

        // To PostgreSQL, with the same key and head files.
        let server = try PostgresLocation(url: Backend.postgresURL!, environment: ProcessInfo.processInfo.environment)
        let name = "kakehashi_copy_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await PostgresHubStore.createDatabase(name, at: server)
        let postgres = try await ContractHub.open(server.database(name), directory: hub.directory)
        defer { Task { await postgres.close() } }
        #expect(try await PostgresHubStore.occupiedTable(at: server.database(name)) == nil)
        let copied = try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { reading in
            try await postgres.copyWriting { writing in try await HubCopy.copy(from: reading, to: writing) }
        }
        #expect(copied == source)
        #expect(try await postgres.copyReading { try await HubCopy.summary(of: $0) } == source)

        // A second copy into it is refused and changes nothing.
        #expect(try await PostgresHubStore.occupiedTable(at: server.database(name)) != nil)
        await #expect(throws: HubCopyError.self) {
            try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { reading in
                try await postgres.copyWriting { writing in try await HubCopy.copy(from: reading, to: writing) }
            }
        }
        #expect(try await postgres.copyReading { try await HubCopy.summary(of: $0) } == source)

        // And back, into a fresh data directory holding the hub's keys.
        let back = try Self.keysOnly(from: hub.directory); defer { try? FileManager.default.removeItem(at: back) }
        let backPath = back.appendingPathComponent("hub.sqlite").path
        let returned = try await postgres.copyReading { reading in
            try await SQLiteHubCopy.writing(database: backPath) { writing in try await HubCopy.copy(from: reading, to: writing) }
        }
        #expect(returned == source)
        #expect(try await SQLiteHubCopy.reading(database: backPath) { try await HubCopy.summary(of: $0) } == source)
        let backStore = try SQLiteHubStore(directory: back)
        try await Self.expectSameHub(hub.store, postgres, fill: fill)
        try await Self.expectSameHub(hub.store, backStore, fill: fill)

        // Each goes on numbering where the source stopped (the deleted version's position is not given again).
        let next = [indicator(uuid(900), modified: "2025-05-01T00:00:00.000Z")]
        for store in [hub.store, postgres, backStore] as [any HubStore] {
            let results = try await store.append(next, to: fill.feedID, recording: submission(for: next, feed: fill.feed, org: "a"),
                                                 extras: nil)
            #expect(results == [.stored(position: fill.largestPosition + 1)])
        }
    }

    @Test("a failed copy into PostgreSQL leaves the database empty",
          .enabled(if: postgresAvailable, "needs KAKEHASHI_TEST_POSTGRES_URL"))
    func failedPostgresCopy() async throws {
        let hub = try await TestHub.make(backend: .sqlite); defer { hub.remove() }
        _ = try await HubFill.populate(hub.store)
        let server = try PostgresLocation(url: Backend.postgresURL!, environment: ProcessInfo.processInfo.environment)
        let name = "kakehashi_copy_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await PostgresHubStore.createDatabase(name, at: server)
        let postgres = try await ContractHub.open(server.database(name), directory: hub.directory)
        defer { Task { await postgres.close() } }
        await #expect(throws: Interrupted.self) {
            try await SQLiteHubCopy.reading(database: hub.sqlite!.path) { reading in
                try await postgres.copyWriting { writing in
                    _ = try await HubCopy.copy(from: reading, to: InterruptedWriting(inner: writing, after: "object_version"))
                }
            }
        }
        #expect(try await PostgresHubStore.occupiedTable(at: server.database(name)) == nil)
    }

    // MARK: - Helpers

    /// A new directory with the hub's key and head files (what an operator copies before moving a hub back).
    static func keysOnly(from directory: URL) throws -> URL {
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-copy-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for file in ["audit.key", "audit.head"] where FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) {
            try FileManager.default.copyItem(at: directory.appendingPathComponent(file), to: copy.appendingPathComponent(file))
        }
        return copy
    }

    /// The two stores answer alike: every page of every listing (objects, `more`, listing start),
    /// accounts, releases, proposals, consent, corroboration records, deliveries and the audit chain.
    static func expectSameHub(_ a: any HubStore, _ b: any HubStore, fill: HubFill) async throws {
        for scope in fill.scopes {
            for versions in [VersionSelection.latest, .every] {
                var query = ObjectQuery(feedID: fill.feedID, versions: versions, limit: 2)
                var pages = 0
                while true {
                    let left = try await a.objects(query, for: scope)
                    let right = try await b.objects(query, for: scope)
                    #expect(left.objects == right.objects)
                    #expect(left.more == right.more)
                    #expect(left.listingStart == right.listingStart)
                    pages += 1
                    guard left.more, let last = left.objects.last, pages < 100 else { break }
                    query.afterPosition = last.position
                    query.afterDateAdded = last.dateAddedMicroseconds
                    query.listingStart = left.listingStart
                }
            }
        }
        #expect(try await a.organizations().map(\.id).sorted() == b.organizations().map(\.id).sorted())
        for organization in try await a.organizations() {
            #expect(try await a.organization(id: organization.id) == b.organization(id: organization.id))
            #expect(try await a.readerGrants(organizationID: organization.id) == b.readerGrants(organizationID: organization.id))
            #expect(try await a.standingConsent(organizationID: organization.id) == b.standingConsent(organizationID: organization.id))
        }
        for email in fill.emails {
            let user = try await a.user(email: email)
            #expect(user != nil)
            #expect(user == (try await b.user(email: email)))
        }
        #expect(try await b.user(tokenSecretHash: fill.tokenSecretHash)?.email == fill.emails[0])
        for id in fill.submissionIDs {
            #expect(try await a.submission(id: id) == b.submission(id: id))
            #expect(try await a.releases(submissionID: id) == b.releases(submissionID: id))
            #expect(try await a.deliveries(submissionID: id) == b.deliveries(submissionID: id))
            #expect(try await a.submissionDetail(id: id) == b.submissionDetail(id: id))
        }
        #expect(try await a.proposals(providerOrganizationID: nil) == b.proposals(providerOrganizationID: nil))
        #expect(try await a.observableReporters(fill.observables) == b.observableReporters(fill.observables))
        #expect(try await a.corroboratedObservables() == b.corroboratedObservables())
        #expect(try await a.heldValues(fill.heldValues) == b.heldValues(fill.heldValues))
        #expect(try await a.probeHits() == b.probeHits())
        #expect(try await a.auditEntries(after: 0, limit: 10_000) == b.auditEntries(after: 0, limit: 10_000))
        let left = try await a.verifyAuditTrail(), right = try await b.verifyAuditTrail()
        #expect(left.isIntact && right.isIntact)
        #expect(left.entryCount == right.entryCount && left.headHash == right.headHash)
        // A report made now counts alike on both: "c" had received the carried value from the hub.
        #expect(try await a.recordObservables([fill.carried], organizationID: "c", submissionID: "c-late")
                == b.recordObservables([fill.carried], organizationID: "c", submissionID: "c-late"))
    }
}

/// Stops a copy after the rows of one table, as a failure would.
struct Interrupted: Error {}

struct InterruptedWriting: HubCopyWriting {
    let inner: any HubCopyWriting
    let after: String

    func insert(_ rows: [[CopyValue]], into table: CopyTable) async throws {
        try await inner.insert(rows, into: table)
        if table.name == after { throw Interrupted() }
    }

    func advance(_ counters: [String: Int64]) async throws { try await inner.advance(counters) }
}

/// A small hub with a row in every table the copy carries.
struct HubFill {
    var feed: Feed
    var feedID: String { feed.id }
    var scopes: [ReadScope]
    var emails: [String]
    var tokenSecretHash: String
    var submissionIDs: [String]
    var observables: [String]
    var carried: String
    var heldValues: [String]
    var largestPosition: Int64

    static func populate(_ store: any HubStore) async throws -> HubFill {
        let event = AuditEvent(action: .account, actorUserID: "admin", actorOrganizationID: "hub", subject: "x")
        let a = try await store.createOrganization(Organization(id: "a", name: "電力A社", sector: "電力", size: "large", country: "JP"))
        let b = try await store.createOrganization(Organization(id: "b", name: "通信B社", sector: "通信"))
        let c = try await store.createOrganization(Organization(id: "c", name: "顧客C社"))
        let alice = try await store.createUser(User(organizationID: a.id, email: "alice@a.example", role: .orgAdmin,
                                                    passwordHash: "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"))
        _ = try await store.createUser(User(organizationID: b.id, email: "bob@b.example", role: .member, passwordHash: nil))
        try await store.createToken(APIToken(userID: alice.id, secretHash: "token-hash-1", label: "ci"))
        try await store.recordTokenUse(secretHash: "token-hash-1", at: Date(timeIntervalSince1970: 1_800_000_100.5))
        let revoked = APIToken(userID: alice.id, secretHash: "token-hash-2", label: "old")
        try await store.createToken(revoked)
        _ = try await store.revokeToken(id: revoked.id, at: Date(timeIntervalSince1970: 1_800_000_000.25), audit: event)
        _ = try await store.setOrganizationDisabled(id: c.id, at: Date(timeIntervalSince1970: 1_800_000_001.5), audit: event)
        _ = try await store.setOrganizationDisabled(id: c.id, at: nil, audit: event)
        let feed = try await store.createFeed(Feed(name: "C2", title: "C2 servers"))
        _ = try await store.createFeed(Feed(name: "Phishing", title: "フィッシング"))
        try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: a.id, canRead: true, canWrite: true))
        try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: b.id, canRead: true, canWrite: false))
        let group = try await store.createGroup(TrustGroup(name: "電力SIG"))
        try await store.addMember(organizationID: a.id, toGroup: group.id)
        try await store.addMember(organizationID: b.id, toGroup: group.id)
        try await store.setGroupGrant(FeedGroupGrant(feedID: feed.id, groupID: group.id, canRead: true, canWrite: false))
        try await store.addIdentifier(OrganizationIdentifier(kind: .domain, value: "a.example"), organizationID: a.id)
        try await store.addClient(c.id, ofOrganization: b.id)

        // Submissions: versions of one indicator, an SCO, and one with extras; then a deleted object.
        var first = [indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z"),
                     indicator(uuid(1), modified: "2025-03-01T00:00:00.000Z", name: "更新"),
                     ipv4(uuid(2), value: "198.51.100.7")]
        for index in first.indices { first[index].audiences = [Audience.organization(a.id), Audience.allMembers] }
        let s1 = submission(for: first, feed: feed, org: a.id)
        let carried = "ipv4-addr:198.51.100.7", onlyCarried = "domain-name:hub-only.example"
        _ = try await store.appendCountingReports(first, to: feed.id, recording: s1,
                                                  extras: SubmissionExtras(observableKeys: [carried, onlyCarried],
                                                                           heldKeys: ["domain-name:victim.example"]))
        var second = [indicator(uuid(3), modified: "2025-04-01T00:00:00.000Z"), indicator(uuid(4), modified: "2025-04-02T00:00:00.000Z")]
        for index in second.indices { second[index].audiences = [Audience.organization(b.id)]; second[index].tlp = .amber }
        let s2 = submission(for: second, feed: feed, org: b.id)
        let detail = SubmissionDetail(submissionID: "", kind: .email, victimIdentifiers: [" 192.0.2.0/24 "])
        _ = try await store.append(second, to: feed.id, recording: s2, extras: SubmissionExtras(
            detail: detail,
            samples: [SampleReference(sha256: String(repeating: "ab", count: 32), submissionID: "", fileObjectID: "file--\(uuid(5))",
                                      name: "dropper.exe", size: 4096)],
            observationHours: [ObservationHour(hourStartMicroseconds: 1_735_689_600_000_000, source: "darknet", stixID: second[0].stixID)]))

        // A release of b's submission to the group, delivered to a; a proposal; standing consent.
        var copy = second[0]
        copy.audiences = [Audience.group(group.id)]
        let release = Release(submissionID: s2.id, providerOrganizationID: b.id, scope: ReleaseScope(groups: [group.id]),
                              anonymized: false, kind: .consent, createdBy: nil, createdAt: "2026-11-23T01:00:00Z")
        try await store.recordRelease(release, feedID: feed.id, copies: [copy],
                                      audit: AuditEvent(action: .release, actorUserID: nil, actorOrganizationID: b.id, subject: release.id))
        try await store.recordReads([AuditEvent(action: .read, actorUserID: alice.id, actorOrganizationID: a.id, subject: feed.id)],
                                    deliveries: [Delivery(organizationID: a.id, submissionID: s2.id, releaseID: release.id,
                                                          stixID: copy.stixID, version: copy.version!,
                                                          deliveredAt: "2026-11-23T02:00:00Z", path: "taxii"),
                                                 Delivery(organizationID: c.id, submissionID: s1.id, releaseID: nil,
                                                          stixID: first[2].stixID, version: "2026-11-23T02:00:00.000Z",
                                                          deliveredAt: "2026-11-23T02:00:01Z", path: "taxii")])
        let proposal = Proposal(submissionID: s1.id, providerOrganizationID: a.id, scope: ReleaseScope(allMembers: true),
                                anonymized: true, processedBundle: Data("{\"type\":\"bundle\"}".utf8), note: "匿名化して共有",
                                proposedBy: "analyst", proposedAt: "2026-11-23T01:00:00Z")
        try await store.createProposal(proposal, audit: AuditEvent(action: .propose, actorUserID: "analyst",
                                                                   actorOrganizationID: "hub", subject: proposal.id))
        try await store.setStandingConsent([StandingConsentRule(maxTLP: .green, content: .technical,
                                                                scope: ReleaseScope(groups: [group.id]), anonymize: true)],
                                           organizationID: a.id,
                                           audit: AuditEvent(action: .standingConsent, actorUserID: nil, actorOrganizationID: a.id, subject: a.id))
        _ = try await store.recordObservables([carried], organizationID: b.id, submissionID: s2.id)
        _ = try await store.markCorroborated(carried, at: "2026-11-23T03:00:00Z")
        try await store.recordProbes([ProbeHit(organizationID: b.id, submissionID: s2.id, observable: carried, holders: 1,
                                               recordedAt: "2026-11-23T05:00:00Z")],
                                     audit: AuditEvent(action: .corroborationProbe, actorUserID: nil, actorOrganizationID: nil, subject: carried))

        // The newest version is deleted: its position is never given again, on either back end.
        let gone = [indicator(uuid(6), modified: "2025-04-03T00:00:00.000Z")]
        let stored = try await store.append(gone, to: feed.id, recording: submission(for: gone, feed: feed, org: a.id), extras: nil)
        guard case .stored(let largest) = stored.first else { throw Interrupted() }
        #expect(try await store.deleteObject(id: gone[0].stixID, feedID: feed.id, versions: .every, provider: nil) == 1)
        let scopes = [ReadScope.hub(.operatorExport),
                      ReadScope(audiences: [Audience.organization(a.id): 0, Audience.allMembers: 0, Audience.group(group.id): 0]),
                      ReadScope(audiences: [Audience.organization(b.id): 0, Audience.allMembers: 0])]
        return HubFill(feed: feed, scopes: scopes, emails: ["alice@a.example", "bob@b.example"], tokenSecretHash: "token-hash-1",
                       submissionIDs: [s1.id, s2.id], observables: [carried, onlyCarried], carried: onlyCarried,
                       heldValues: ["victim.example", "192.0.2.0/24", "other.example"], largestPosition: largest)
    }
}
