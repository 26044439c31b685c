// Correlation: the index entries of STIX objects (normal forms, pattern parse tree, e-mail headers),
// the exclusion lists, and the correlation desk through a real intake and store, for every kind of
// reader (KAKEHASHI_TEST_BACKEND=postgres runs the store on PostgreSQL).
import Accounts
import Consent
@testable import Correlation
import Foundation
import HubTesting
import Ingestion
import SharingPolicy
import STIX
import Storage
import Testing

@Suite("Correlation")
struct CorrelationTests {
    static func entries(_ json: String) throws -> [IndexedObservable] {
        let value = try JSONParser.parse(json)
        guard case .success(let facts) = STIXValidator.validate(value) else {
            Issue.record("invalid test object"); return []
        }
        return ObservableEntries.of(value, facts: facts)
    }

    @Test("pattern values come from the parse tree (=, IN, OR; not != or LIKE), normalised")
    func patternEntries() throws {
        let found = try Self.entries("""
            {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern_type":"stix",
             "valid_from":"2026-01-01T00:00:00Z",
             "pattern":"[domain-name:value = 'KQ7-Update[.]NET.' OR ipv6-addr:value = '2001:DB8:0:0::1'] AND [ipv4-addr:value IN ('45.77.10.1', '45.77.10.2')] AND [url:value = 'hxxps://Login.例え.jp:443/a?b=1#x'] AND [file:hashes.'SHA-256' = 'ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789'] AND [domain-name:value != 'not-this.net'] AND [domain-name:value LIKE '%.like.net']"}
            """)
        let values = Set(found.map { "\($0.kind)=\($0.value)" })
        #expect(values == ["domain-name=kq7-update.net", "ipv6-addr=2001:db8::1", "ipv4-addr=45.77.10.1",
                           "ipv4-addr=45.77.10.2", "url=https://login.xn--r8jz45g.jp/a?b=1", "url:host=login.xn--r8jz45g.jp",
                           "file:hashes.SHA-256=abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"])
    }

    @Test("values already in normal form take the fast path and give what the general path gives")
    func plainValues() throws {
        for (kind, raw, expected) in [("domain-name", "c2.kq7-update.net", "c2.kq7-update.net"),
                                      ("domain-name", "C2.KQ7-update.net.", "c2.kq7-update.net"),
                                      ("ipv4-addr", "45.77.10.1", "45.77.10.1")] {
            let json = "{\"type\":\"\(kind)\",\"spec_version\":\"2.1\",\"id\":\"\(kind)--0b4f9c4e-5d7a-4a53-9a5c-1c0e1f2d3e4f\",\"value\":\"\(raw)\"}"
            #expect(try Self.entries(json).first?.value == expected, "\(raw)")
        }
        // What the fast path refuses goes the general way.
        for text in ["c2..net", "C2.net", "c2.net.", "45.77.10.1", "10.1.2"] { #expect(Plain.host(text) == nil) }
        for text in ["45.77.10.256", "045.77.10.1", "45[.]77.10.1", "45.77.10", "45.77.10.1.2"] { #expect(Plain.ipv4(text) == nil) }
        #expect(Plain.host("xn--r8jz45g.jp") == "xn--r8jz45g.jp" && Plain.ipv4("0.0.0.0") == "0.0.0.0")
    }

    @Test("e-mail headers: Reply-To, X-Mailer, Message-ID domain, first external hop; addresses with their domain; TLSH")
    func emailEntries() throws {
        let message = try Self.entries("""
            {"type":"email-message","spec_version":"2.1","id":"email-message--0b4f9c4e-5d7a-4a53-9a5c-1c0e1f2d3e4f",
             "is_multipart":false,"message_id":"<abc123@MX.Sender-Infra.NET>",
             "additional_header_fields":{"Reply-To":"Kaishu <Boss@Reply-Trap.NET>","X-Mailer":"The  Bat! (v9.1.4)"},
             "x_kakehashi_first_external_hop":"45.77.200.3"}
            """)
        #expect(Set(message.map { "\($0.kind)=\($0.value)" }) == [
            "email-message:message-id-domain=mx.sender-infra.net", "email-message:reply-to=boss@reply-trap.net",
            "email-message:x-mailer=the bat! (v9.1.4)", "email-message:first-external-hop=45.77.200.3"])
        let address = try Self.entries("""
            {"type":"email-addr","spec_version":"2.1","id":"email-addr--0b4f9c4e-5d7a-4a53-9a5c-1c0e1f2d3e40","value":"Attacker.77@GMail.com"}
            """)
        #expect(address == [IndexedObservable(kind: "email-addr", value: "attacker.77@gmail.com"),
                            IndexedObservable(kind: "email-addr:domain", value: "gmail.com")])
        let file = try Self.entries("""
            {"type":"file","spec_version":"2.1","id":"file--0b4f9c4e-5d7a-4a53-9a5c-1c0e1f2d3e41","hashes":{"MD5":"D41D8CD98F00B204E9800998ECF8427F","TLSH":"T1A2B3"}}
            """)
        #expect(Set(file) == [IndexedObservable(kind: "file:hashes.MD5", value: "d41d8cd98f00b204e9800998ecf8427f"),
                              IndexedObservable(kind: "file:hashes.TLSH", value: "t1a2b3")])
        // A full TLSH digest with and without its T1 prefix is one value.
        let digest = String(repeating: "0A", count: 35)
        for written in ["T1" + digest, digest, "t1" + digest.lowercased()] {
            let entries = try Self.entries("""
                {"type":"file","spec_version":"2.1","id":"file--0b4f9c4e-5d7a-4a53-9a5c-1c0e1f2d3e42","hashes":{"TLSH":"\(written)"}}
                """)
            #expect(entries == [IndexedObservable(kind: "file:hashes.TLSH", value: digest.lowercased())], "\(written)")
        }
    }

    @Test("exclusion lists: public resolvers, free-mail domains (not the addresses), empty hashes, the operator's own lists")
    func exclusions() throws {
        let standard = CorrelationExclusions.standard
        #expect(standard.list(excluding: IndexedObservable(kind: "ipv4-addr", value: "8.8.8.8")) == "List of known IPv4 public DNS resolvers")
        #expect(standard.list(excluding: IndexedObservable(kind: "email-addr:domain", value: "gmail.com")) != nil)
        #expect(standard.list(excluding: IndexedObservable(kind: "email-addr", value: "attacker.77@gmail.com")) == nil)
        #expect(standard.list(excluding: IndexedObservable(kind: "file:hashes.MD5", value: "d41d8cd98f00b204e9800998ecf8427e")) != nil)
        #expect(standard.list(excluding: IndexedObservable(kind: "ipv4-addr", value: "45.77.10.1")) == nil)
        #expect(standard.list(excluding: IndexedObservable(kind: "domain-name", value: "kq7-update.net")) == nil)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-exclusions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("""
            {"name": "Our shared mail relay", "type": "cidr", "list": ["45.77.10.0/30"]}
            """.utf8).write(to: directory.appendingPathComponent("relay.json"))
        let operatorLists = try CorrelationExclusions.load(operatorLists: directory)
        #expect(operatorLists.list(excluding: IndexedObservable(kind: "ipv4-addr", value: "45.77.10.1")) == "Our shared mail relay")
        #expect(operatorLists.list(excluding: IndexedObservable(kind: "ipv4-addr", value: "8.8.8.8")) != nil)
    }

    static func bundle(_ objects: [String]) -> [UInt8] {
        Array("{\"type\":\"bundle\",\"id\":\"bundle--\(UUID().uuidString.lowercased())\",\"objects\":[\(objects.joined(separator: ","))]}".utf8)
    }

    static func indicator(_ id: String, _ pattern: String, modified: String = "2026-01-01T00:00:00.000Z",
                          marking: String? = nil, revoked: Bool = false) -> String {
        let markings = marking.map { ",\"object_marking_refs\":[\"\($0)\"]" } ?? ""
        return """
            {"type":"indicator","spec_version":"2.1","id":"indicator--\(id)","created":"2026-01-01T00:00:00.000Z",\
            "modified":"\(modified)","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z","pattern":"\(pattern)"\
            \(markings)\(revoked ? ",\"revoked\":true" : "")}
            """
    }

    @Test("analysts see every link with its values; the provider counts; others and no-one else see nothing; revoked values stop linking")
    func desk() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let grants: [(feed: Feed, read: Bool, write: Bool)] = [(feed, true, true)]
        let a = try await hub.member("北斗電力", email: "a@hokuto.example", grants: grants)
        let b = try await hub.member("南海銀行", email: "b@nankai.example", grants: grants)
        let c = try await hub.member("東西通信", email: "c@tozai.example", grants: grants)
        let readOnly = try await hub.member("南海銀行", email: "ro@nankai.example", role: .readOnly)
        let analyst = try await hub.member("Kakehashi Hub", email: "analyst@hub.example", role: .hubAnalyst)
        let policy = PolicyEngine(store: hub.store)
        let intake = EnvelopeIntake(store: hub.store, policy: policy)
        let red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"

        let first = try await intake.submit(envelope: Self.bundle([
            Self.indicator("00000000-0000-4000-8000-000000000001", "[domain-name:value = 'kq7-update.net']"),
            Self.indicator("00000000-0000-4000-8000-000000000002", "[ipv4-addr:value = '8.8.8.8']"),
        ]), to: feed, by: a.principal)
        let second = try await intake.submit(envelope: Self.bundle([
            Self.indicator("00000000-0000-4000-8000-000000000003", "[domain-name:value = 'KQ7-Update[.]net' OR ipv4-addr:value = '8.8.8.8']"),
        ]), to: feed, by: b.principal)
        let third = try await intake.submit(envelope: Self.bundle([
            Self.indicator("00000000-0000-4000-8000-000000000004", "[domain-name:value = 'kq7-update.net']", marking: red),
        ]), to: feed, by: c.principal)

        let desk = CorrelationDesk(store: hub.store, policy: policy)
        let asAnalyst = try #require(try await desk.correlations(of: first.id, for: analyst.principal))
        #expect(asAnalyst.view == .analyst)
        #expect(asAnalyst.links.map(\.submission) == [second.id, third.id])
        #expect(asAnalyst.links[0].shared == [SharedValue(kind: "domain-name", value: "kq7-update.net")])
        #expect(asAnalyst.links[1].heldBack)
        #expect(asAnalyst.matches == MatchCount(reports: 2, organizations: 2))
        #expect(asAnalyst.excluded.map(\.value) == ["8.8.8.8"])

        // The provider: counts only (the TLP:RED report is not counted), no organisation, no value of others.
        let asProvider = try #require(try await desk.correlations(of: first.id, for: a.principal))
        #expect(asProvider.view == .provider)
        #expect(asProvider.matches == MatchCount(reports: 1, organizations: 1))
        #expect(asProvider.links.isEmpty)
        #expect(asProvider.readable == [])
        let encoded = String(decoding: try JSONEncoder().encode(asProvider), as: UTF8.self)
        #expect(!encoded.contains(b.principal.organization.id) && !encoded.contains(second.id) && !encoded.contains(third.id))

        // Another organisation, its read-only user: the submission does not exist for them.
        #expect(try await desk.correlations(of: first.id, for: b.principal) == nil)
        #expect(try await desk.correlations(of: first.id, for: readOnly.principal) == nil)
        #expect(try await desk.correlations(of: "no-such-submission", for: analyst.principal) == nil)

        // b revokes its indicator: its value stops linking.
        _ = try await intake.submit(envelope: Self.bundle([
            Self.indicator("00000000-0000-4000-8000-000000000003", "[domain-name:value = 'kq7-update.net']",
                           modified: "2026-02-01T00:00:00.000Z", revoked: true),
        ]), to: feed, by: b.principal)
        let after = try #require(try await desk.correlations(of: first.id, for: analyst.principal))
        #expect(after.links.map(\.submission) == [third.id])
    }

    @Test("backfill: submissions stored before the index get exactly the entries arrival gives, and link; a revoked object stays out; twice changes nothing")
    func backfill() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let grants: [(feed: Feed, read: Bool, write: Bool)] = [(feed, true, true)]
        let a = try await hub.member("北斗電力", email: "a@hokuto.example", grants: grants)
        let b = try await hub.member("南海銀行", email: "b@nankai.example", grants: grants)
        let analyst = try await hub.member("Kakehashi Hub", email: "analyst@hub.example", role: .hubAnalyst)
        let policy = PolicyEngine(store: hub.store)
        let red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        let objects = [
            Self.indicator("00000000-0000-4000-8000-000000000031", "[domain-name:value = 'KQ7-Update[.]net' OR url:value = 'hxxps://Login.kq7-update.net:443/a#x']"),
            Self.indicator("00000000-0000-4000-8000-000000000032", "[ipv4-addr:value = '45.77.10.32']", marking: red),
            Self.indicator("00000000-0000-4000-8000-000000000033", "[domain-name:value = 'gone-later.example']"),
        ]
        // As before the index existed: stored without entries (and the revocation too).
        let old = EnvelopeIntake(store: hub.store, policy: policy, indexesObservables: false)
        let first = try await old.submit(envelope: Self.bundle(objects), to: feed, by: a.principal)
        _ = try await old.submit(envelope: Self.bundle([
            Self.indicator("00000000-0000-4000-8000-000000000033", "[domain-name:value = 'gone-later.example']",
                           modified: "2026-01-02T00:00:00.000Z", revoked: true),
        ]), to: feed, by: a.principal)
        let later = try await EnvelopeIntake(store: hub.store, policy: policy).submit(envelope: Self.bundle([
            Self.indicator("00000000-0000-4000-8000-000000000034", "[domain-name:value = 'kq7-update.net']"),
        ]), to: feed, by: b.principal)
        #expect(try await hub.store.indexedObservables(submissionID: first.id).isEmpty)
        let desk = CorrelationDesk(store: hub.store, policy: policy)
        #expect(try #require(try await desk.correlations(of: later.id, for: analyst.principal)).links.isEmpty)

        try await hub.store.scheduleObservableBackfill()
        let backfill = ObservableIndexBackfill(store: hub.store, defaultTLP: policy.defaultTLP, chunk: 2)
        #expect(try await backfill.run() == 3)
        #expect(try await hub.store.observableBackfillProgress() == nil)
        // What arrival would have indexed: the same entries, the same held-back mark.
        let own = try await hub.store.indexedObservables(submissionID: first.id)
        let arrival = Set(objects.dropLast().flatMap { try! Self.entries($0) })
        #expect(Set(own.map { IndexedObservable(kind: $0.kind, value: $0.value) }) == arrival)
        #expect(own.filter(\.heldBack).map(\.value) == ["45.77.10.32"])
        #expect(try await hub.store.occurrences(ofValues: ["gone-later.example"], limitPerValue: 10).isEmpty)
        // And it links: the later report now finds the earlier one.
        let view = try #require(try await desk.correlations(of: later.id, for: analyst.principal))
        #expect(view.links.map(\.submission) == [first.id])

        let count = try await hub.store.indexedObservableCount()
        #expect(try await backfill.run() == 0)   // nothing pending
        try await hub.store.scheduleObservableBackfill()
        #expect(try await backfill.run() == 3)
        #expect(try await hub.store.indexedObservableCount() == count)
        #expect(try await hub.store.indexedObservables(submissionID: first.id) == own)
    }

    @Test("a corroborated indicator is indexed: later reports find it as hub content, readable to the provider, never a link or a counted report")
    func corroboratedIndicatorsAreIndexed() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let grants: [(feed: Feed, read: Bool, write: Bool)] = [(feed, true, true)]
        let a = try await hub.member("北斗電力", email: "a@hokuto.example", grants: grants)
        let b = try await hub.member("南海銀行", email: "b@nankai.example", grants: grants)
        let c = try await hub.member("東西通信", email: "c@tozai.example", grants: grants)
        let analyst = try await hub.member("Kakehashi Hub", email: "analyst@hub.example", role: .hubAnalyst)
        let policy = PolicyEngine(store: hub.store)
        let corroboration = Corroboration(store: hub.store, hubIdentityID: "identity--5a4f2c29-9a1e-4c55-8d8c-2f0d8c3b9e11",
                                          rule: CorroborationRule(organizations: 2, sectors: 1))
        let intake = EnvelopeIntake(store: hub.store, policy: policy, corroboration: corroboration)
        let green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        for (n, member) in [a, b].enumerated() {
            _ = try await intake.submit(envelope: Self.bundle([
                Self.indicator("00000000-0000-4000-8000-00000000001\(n)", "[domain-name:value = 'relay-7-cdn.net']", marking: green),
            ]), to: feed, by: member.principal)
        }
        let indicatorID = Corroboration.indicatorID(for: "domain-name:relay-7-cdn.net")
        let occurrences = try await hub.store.occurrences(ofValues: ["relay-7-cdn.net"], limitPerValue: 100)
        #expect(occurrences.contains { $0.stixID == indicatorID && $0.kind == "domain-name" })

        let third = try await intake.submit(envelope: Self.bundle([
            Self.indicator("00000000-0000-4000-8000-000000000020", "[domain-name:value = 'Relay-7-cdn[.]net']", marking: green),
        ]), to: feed, by: c.principal)
        #expect(third.failures.isEmpty, "\(third.failures)")
        let desk = CorrelationDesk(store: hub.store, policy: policy)
        let asAnalyst = try #require(try await desk.correlations(of: third.id, for: analyst.principal))
        // Links are member reports; the hub's corroborated indicator is listed apart.
        #expect(asAnalyst.links.count == 2)
        #expect(asAnalyst.published?.map(\.object) == [indicatorID])
        let asProvider = try #require(try await desk.correlations(of: third.id, for: c.principal))
        #expect(asProvider.matches == MatchCount(reports: 2, organizations: 2))
        #expect((asProvider.readable ?? []).contains { $0.object == indicatorID })
    }
}

