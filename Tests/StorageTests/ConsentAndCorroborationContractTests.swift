// The storage contract, continued: account status and the account generation, releases and their
// revocation, proposals and standing consent, k-corroboration reports and held values, and two
// stores on one database writing at once. Run against every back end (see StoreFixtures).
import Foundation
import PostgresStorage
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: accounts, consent, corroboration, concurrent stores")
struct ConsentAndCorroborationContractTests {
    static let event = AuditEvent(action: .account, actorUserID: "admin", actorOrganizationID: "hub", subject: "x")

    @Test("tokens revoke once, users and organisations disable and re-enable, removal keeps the audit; the generation moves",
          arguments: Backend.underTest)
    func accountStatus(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let org = try await hub.store.createOrganization(Organization(name: "通信C社"))
        let user = try await hub.store.createUser(User(organizationID: org.id, email: "c@c.example", role: .member, passwordHash: nil))
        let token = APIToken(userID: user.id, secretHash: "h1", label: "ci")
        try await hub.store.createToken(token)
        let before = hub.store.accountsGeneration
        #expect(try await hub.store.revokeToken(id: token.id, at: Date(), audit: Self.event))
        #expect(try await !hub.store.revokeToken(id: token.id, at: Date(), audit: Self.event))
        #expect(try await !hub.store.revokeToken(id: "no-such-token", at: Date(), audit: Self.event))
        #expect(try await hub.store.user(tokenSecretHash: "h1") == nil)
        #expect(try await hub.store.token(id: token.id)?.revokedAt != nil)
        #expect(try await hub.store.tokens(userID: user.id).map(\.id) == [token.id])
        #expect(hub.store.accountsGeneration != before)

        #expect(try await hub.store.setUserDisabled(id: user.id, at: Date(timeIntervalSince1970: 1_800_000_000), audit: Self.event))
        #expect(try await hub.store.user(id: user.id)?.disabledAt == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try await hub.store.setUserDisabled(id: user.id, at: nil, audit: Self.event))
        #expect(try await hub.store.user(id: user.id)?.disabledAt == nil)
        #expect(try await hub.store.setOrganizationDisabled(id: org.id, at: Date(timeIntervalSince1970: 1_800_000_000), audit: Self.event))
        #expect(try await hub.store.organization(id: org.id)?.disabledAt != nil)
        #expect(try await !hub.store.setOrganizationDisabled(id: "no-such-org", at: nil, audit: Self.event))
        #expect(try await hub.store.removeUser(id: user.id, audit: Self.event))
        #expect(try await hub.store.user(id: user.id) == nil)
        #expect(try await !hub.store.removeUser(id: user.id, audit: Self.event))
        // One audit entry per change that happened, none for those that did not.
        #expect(try await hub.store.auditEntries(after: 0, limit: 100).count == 5)
        #expect(try await hub.store.verifyAuditTrail().isIntact)
    }

    @Test("a change made through another store on the same database reaches this one's generation within a second",
          arguments: Backend.underTest)
    func generationAcrossStores(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let before = hub.store.accountsGeneration
        _ = try await other.store.createOrganization(Organization(name: "別経路D社"))
        let deadline = Date().addingTimeInterval(1)
        while hub.store.accountsGeneration == before && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(hub.store.accountsGeneration != before)
    }

    @Test("the current generation includes a change committed through another store (the CLI beside a server) within a second, and this store's own writes at once",
          arguments: Backend.underTest)
    func currentGenerationAcrossStores(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let before = await hub.store.currentAccountsGeneration()
        _ = try await other.store.createOrganization(Organization(name: "即時E社"))
        let deadline = ContinuousClock.now + .seconds(1)
        var seen = await hub.store.currentAccountsGeneration()
        while seen == before && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            seen = await hub.store.currentAccountsGeneration()
        }
        #expect(seen != before, "another store's change is seen within a second (issue 13)")
        // A write through this store is seen by the very next call, without waiting for a re-read.
        _ = try await hub.store.createOrganization(Organization(name: "自社F社"))
        #expect(await hub.store.currentAccountsGeneration() != seen)
    }

    @Test("within one request the generation is the one reading and the request's own changes at once; later requests see another store's change within a second",
          arguments: Backend.underTest)
    func generationPerRequest(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        // A change committed through another store before the request began is seen by it (a token
        // revoked through the CLI is refused by the next request).
        let before = await hub.store.currentAccountsGeneration()
        _ = try await other.store.createOrganization(Organization(name: "要求前F社"))
        let own = try await RequestAccountsGeneration.$current.withValue(RequestAccountsGeneration()) {
            let first = await hub.store.currentAccountsGeneration()
            #expect(first != before)
            _ = try await hub.store.createOrganization(Organization(name: "要求中G社"))
            let own = await hub.store.currentAccountsGeneration()
            #expect(own != first)
            return own
        }
        _ = try await other.store.createOrganization(Organization(name: "要求後I社"))
        let deadline = ContinuousClock.now + .seconds(1)
        var next = own
        while next == own && ContinuousClock.now < deadline {
            next = await RequestAccountsGeneration.$current.withValue(RequestAccountsGeneration()) {
                await hub.store.currentAccountsGeneration()
            }
            if next == own { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(next != own)
    }

    @Test("clients and patrons, and the reader grants they make", arguments: Backend.underTest)
    func clientsAndReaderGrants(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let mssp = try await hub.store.createOrganization(Organization(name: "MSSP"))
        let customer = try await hub.store.createOrganization(Organization(name: "顧客E社"))
        let feed = try await hub.feed("C2")
        try await hub.store.setGrant(FeedGrant(feedID: feed.id, organizationID: mssp.id, canRead: true, canWrite: false))
        try await hub.store.addClient(customer.id, ofOrganization: mssp.id)
        try await hub.store.addClient(customer.id, ofOrganization: mssp.id)   // idempotent
        #expect(try await hub.store.clients(ofOrganization: mssp.id).map(\.name) == ["顧客E社"])
        #expect(try await hub.store.patrons(ofClient: customer.id).map(\.name) == ["MSSP"])
        let grants = try await hub.store.readerGrants(organizationID: customer.id)
        #expect(grants.patronIDs == [mssp.id])
        #expect(grants.patronReadableFeedIDs == [feed.id])
        #expect((grants.patronSince[mssp.id] ?? 0) > 0)
        #expect(grants.feedReadSince[feed.id] == grants.patronSince[mssp.id])
    }

    @Test("a release's copies reach its audience until it is revoked; releases and deliveries are listed",
          arguments: Backend.underTest)
    func releasesAndRevocation(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        var original = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        original.audiences = [Audience.organization("provider")]
        let record = submission(for: [original], feed: feed, org: "provider")
        _ = try await hub.store.append([original], to: feed.id, recording: record)
        let reader = ReadScope(audiences: [Audience.organization("reader"): 0, Audience.group("g"): 0])
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id), for: reader).objects.isEmpty)

        var copy = original
        copy.audiences = [Audience.group("g")]
        let release = Release(submissionID: record.id, providerOrganizationID: "provider", scope: ReleaseScope(groups: ["g"]),
                              anonymized: false, kind: .consent, createdBy: nil, createdAt: "2026-11-23T01:00:00Z")
        try await hub.store.recordRelease(release, feedID: feed.id, copies: [copy],
                                          audit: AuditEvent(action: .release, actorUserID: nil, actorOrganizationID: "provider",
                                                            subject: release.id))
        let seen = try await hub.store.objects(ObjectQuery(feedID: feed.id), for: reader).objects
        #expect(seen.map(\.releaseID) == [release.id])
        #expect(seen.map(\.bytes) == [Data(original.bytes)])
        #expect(try await hub.store.releases(submissionID: record.id) == [release])
        // Copies are not counted as the feed's objects.
        #expect(try await hub.store.objectCount(feedID: feed.id) == 1)

        try await hub.store.recordReads([AuditEvent(action: .read, actorUserID: nil, actorOrganizationID: "reader", subject: feed.id)],
                                        deliveries: [Delivery(organizationID: "reader", submissionID: record.id, releaseID: release.id,
                                                              stixID: original.stixID, version: original.version!,
                                                              deliveredAt: "2026-11-23T02:00:00Z", path: "taxii")])
        try await hub.store.revokeRelease(id: release.id, revokedBy: "provider-admin", at: "2026-11-23T03:00:00Z",
                                          audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: "provider",
                                                            subject: release.id))
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id), for: reader).objects.isEmpty)
        #expect(try await hub.store.release(id: release.id)?.revokedBy == "provider-admin")
        await #expect(throws: StoreError.self) {
            try await hub.store.revokeRelease(id: release.id, revokedBy: nil, at: "2026-11-23T04:00:00Z",
                                              audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: nil, subject: "x"))
        }
        // Who already received the copy stays on record.
        #expect(try await hub.store.deliveries(submissionID: record.id).map(\.organizationID) == ["reader"])
        #expect(try await hub.store.verifyAuditTrail().isIntact)
    }

    @Test("proposals are decided once; standing consent is replaced whole", arguments: Backend.underTest)
    func proposalsAndStandingConsent(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let object = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        let record = submission(for: [object], feed: feed, org: "provider")
        _ = try await hub.store.append([object], to: feed.id, recording: record)
        let proposal = Proposal(submissionID: record.id, providerOrganizationID: "provider", scope: ReleaseScope(allMembers: true),
                                anonymized: true, processedBundle: Data("{\"type\":\"bundle\"}".utf8), note: "匿名化して共有",
                                proposedBy: "analyst", proposedAt: "2026-11-23T01:00:00Z")
        try await hub.store.createProposal(proposal, audit: AuditEvent(action: .propose, actorUserID: "analyst",
                                                                       actorOrganizationID: "hub", subject: proposal.id))
        #expect(try await hub.store.proposal(id: proposal.id) == proposal)
        #expect(try await hub.store.proposals(providerOrganizationID: "provider") == [proposal])
        #expect(try await hub.store.proposals(providerOrganizationID: "other").isEmpty)
        var decided = proposal
        decided.state = .approved; decided.decidedBy = "provider-admin"; decided.decidedAt = "2026-11-23T02:00:00Z"
        let approve = AuditEvent(action: .approve, actorUserID: "provider-admin", actorOrganizationID: "provider", subject: proposal.id)
        try await hub.store.decideProposal(decided, audit: approve)
        #expect(try await hub.store.proposal(id: proposal.id)?.state == .approved)
        await #expect(throws: StoreError.self) { try await hub.store.decideProposal(decided, audit: approve) }

        #expect(try await hub.store.standingConsent(organizationID: "provider").isEmpty)
        let org = try await hub.store.createOrganization(Organization(name: "電力F社"))
        let rules = [StandingConsentRule(maxTLP: .green, content: .technical, scope: ReleaseScope(groups: ["g"]), anonymize: true)]
        let consent = AuditEvent(action: .standingConsent, actorUserID: nil, actorOrganizationID: org.id, subject: org.id)
        try await hub.store.setStandingConsent(rules, organizationID: org.id, audit: consent)
        try await hub.store.setStandingConsent(rules + rules, organizationID: org.id, audit: consent)
        #expect(try await hub.store.standingConsent(organizationID: org.id) == rules + rules)
        #expect(try await hub.store.verifyAuditTrail().isIntact)
    }

    @Test("reports count once per organisation, not when it had received the value; held values and probes",
          arguments: Backend.underTest)
    func corroboration(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let key = "ipv4-addr:198.51.100.7"
        let first = [indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")]
        let a = submission(for: first, feed: feed, org: "a")
        let outcome = try await hub.store.appendCountingReports(first, to: feed.id, recording: a,
                                                                extras: SubmissionExtras(observableKeys: [key], heldKeys: ["domain-name:victim.example"]))
        #expect(outcome.observableReportCounts == [key: 1])
        #expect(try await hub.store.recordObservables([key], organizationID: "a", submissionID: "again") == [key: 1])
        #expect(try await hub.store.recordObservables([key], organizationID: "b", submissionID: "b1") == [key: 2])
        // "c" had received a's submission from the hub: its report does not count.
        try await hub.store.recordReads([], deliveries: [Delivery(organizationID: "c", submissionID: a.id, releaseID: nil,
                                                                  stixID: first[0].stixID, version: first[0].version!,
                                                                  deliveredAt: "2026-11-23T02:00:00Z", path: "taxii")])
        #expect(try await hub.store.recordObservables([key], organizationID: "c", submissionID: "c1") == [key: 2])
        #expect(try await hub.store.observableReporters([key, "ipv4-addr:192.0.2.1"]) == [key: ["a", "b"]])
        #expect(try await hub.store.observableReportCounts([key]) == [key: 2])
        #expect(try await hub.store.markCorroborated(key, at: "2026-11-23T03:00:00Z"))
        #expect(try await !hub.store.markCorroborated(key, at: "2026-11-23T04:00:00Z"))

        #expect(try await hub.store.heldValues(["victim.example", "other.example"]) == [HeldValue(value: "victim.example", organizationID: "a")])
        let detail = SubmissionDetail(submissionID: "", kind: .email, victimIdentifiers: ["  192.0.2.0/24 "])
        let second = [indicator(uuid(2), modified: "2025-02-01T00:00:00.000Z")]
        _ = try await hub.store.append(second, to: feed.id, recording: submission(for: second, feed: feed, org: "d"),
                                       extras: SubmissionExtras(detail: detail))
        #expect(try await hub.store.heldAddressRanges() == [HeldValue(value: "192.0.2.0/24", organizationID: "d")])

        let hits = [ProbeHit(organizationID: "b", submissionID: "b1", observable: key, holders: 1, recordedAt: "2026-11-23T05:00:00Z"),
                    ProbeHit(organizationID: "c", submissionID: "c1", observable: key, holders: 2, recordedAt: "2026-11-23T05:00:01Z")]
        try await hub.store.recordProbes(hits, audit: AuditEvent(action: .corroborationProbe, actorUserID: nil,
                                                                 actorOrganizationID: nil, subject: key))
        #expect(try await hub.store.probeHits() == hits)
        let org = try await hub.store.createOrganization(Organization(name: "電力G社"))
        try await hub.store.addIdentifier(OrganizationIdentifier(kind: .domain, value: "g.example"), organizationID: org.id)
        _ = try await hub.store.createUser(User(organizationID: org.id, email: "soc@g.example", role: .member, passwordHash: nil))
        let identifiers = try await hub.store.memberIdentifiers().filter { $0.organizationID == org.id }.map(\.identifier.value)
        #expect(Set(identifiers) == ["g.example", "soc@g.example"])
    }

    @Test("two stores on one database append and audit at once: positions commit in order, the chain stays one line",
          arguments: Backend.underTest)
    func twoStoresWriting(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let feed = try await hub.feed("Default")
        let stores = [hub.store, other.store]
        // Both write while a reader pages by cursor through the first store.
        let writers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Two writers on each store: four transactions can be in flight at once.
                for (n, store) in (stores + stores).enumerated() {
                    group.addTask {
                        for batch in 0..<15 {
                            let objects = (0..<20).map { indicator(uuid(n * 10_000 + batch * 100 + $0), modified: "2025-02-01T00:00:00.000Z") }
                            _ = try await store.append(objects, to: feed.id, recording: submission(for: objects, feed: feed))
                            try await store.appendAudit([AuditEvent(action: .login, actorUserID: "u\(n)", actorOrganizationID: nil,
                                                                    subject: "s\(batch)")])
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        var seen: [String] = []
        var query = ObjectQuery(feedID: feed.id, limit: 7)
        var finished = false
        while true {
            let page = try await hub.store.objects(query, for: .hub(.submissionProcessing))
            seen += page.objects.map(\.stixID)
            if let last = page.objects.last { query.afterPosition = last.position }
            if !page.more {
                if finished { break }
                // Once the writers are done, read to the end once more.
                _ = await writers.result
                finished = true
            }
        }
        try await writers.value
        #expect(seen.count == 1_200)
        #expect(Set(seen).count == 1_200)
        let entries = try await hub.store.auditEntries(after: 0, limit: 10_000)
        #expect(entries.map(\.sequence) == Array(1...Int64(entries.count)))
        #expect(entries.count == 120)
        #expect(AuditChain.verify(entries, seal: hub.store.auditSeal).isEmpty)
    }
}

@Suite("PostgreSQL location")
struct PostgresLocationTests {
    @Test("the password comes from PGPASSWORD or a file, never from the URL, and is never described")
    func password() throws {
        let location = try PostgresLocation(url: "postgres://hub@db.example:6543/kakehashi?sslmode=require",
                                            environment: ["PGPASSWORD": "s3cret-pw"])
        #expect(location.host == "db.example" && location.port == 6543 && location.database == "kakehashi")
        #expect(location.tls == .require)
        #expect(!location.description.contains("s3cret-pw"))
        #expect(throws: StoreLocationError.self) {
            try PostgresLocation(url: "postgres://hub:s3cret-pw@db.example/kakehashi")
        }
        #expect(throws: StoreLocationError.self) { try PostgresLocation(url: "postgres://hub@db.example") }
        #expect(throws: StoreLocationError.self) { try PostgresLocation(url: "mysql://hub@db.example/x") }
        #expect(throws: StoreLocationError.self) { try PostgresLocation(url: "postgres://hub@db.example/x?sslmode=maybe") }
    }

    @Test("a server that does not answer is a clear error within the timeout, not a hang")
    func unreachable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Port 9 (discard): nothing listens on it here.
        let location = try PostgresLocation(url: "postgres://hub@127.0.0.1:9/kakehashi?sslmode=disable",
                                            environment: ["PGPASSWORD": "s3cret-pw"])
        let started = ContinuousClock.now
        do {
            _ = try await PostgresHubStore.connect(to: location, auditKey: directory.appendingPathComponent("audit.key"),
                                                   auditHead: directory.appendingPathComponent("audit.head"),
                                                   connectTimeout: .seconds(2))
            Issue.record("connected to nothing")
        } catch let error as StoreError {
            #expect(!error.description.contains("s3cret-pw"))
            #expect(error.description.contains("127.0.0.1:9"))
        }
        // The bound says "not a hang", not a speed: the connect timeout is 2 s, but a CI host
        // starting hundreds of tests in parallel has been seen to take 16 s to get here.
        #expect(ContinuousClock.now - started < .seconds(90))
    }
}
