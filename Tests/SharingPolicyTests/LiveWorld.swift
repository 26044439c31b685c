// A generated world made real: a TestHub (SQLite, or PostgreSQL: KAKEHASHI_TEST_BACKEND) with the
// world's organisations (one member user each, a read-only user in some), recorded clients, a hub
// analyst, trust groups and feed rights; the real HTTP server (HubApplication, TAXII and the JSON API)
// on a free port; submissions posted through TAXII, releases, revocations and analysts' proposals
// through `/api/v1`. `Probe` then reads every path as every reader and lists every difference from
// `SharingRules`, in both directions.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubServer
import HubTesting
import Anonymization
import Storage
import TAXIIServer
import Testing

/// The hub-side names of a world's parts.
struct LiveWorld: Sendable {
    let world: World
    let hub: TestHub
    let organizations: [Organization]
    let members: [TestHub.Member]
    /// The read-only users, by organisation.
    let readOnly: [Int: TestHub.Member]
    let analyst: TestHub.Member
    let feeds: [Feed]

    static let anonymization = AnonymizationSettings(hubIdentityID: "identity--00000000-0000-4000-8000-00000000aaaa",
                                                     idKey: Array("kakehashi-sharing-policy-test-key".utf8))

    /// Creates the accounts, groups and rights (through the store, as an operator's CLI would).
    static func make(_ world: World) async throws -> LiveWorld {
        let hub = try await TestHub.make()
        // What `kakehashi init` leaves beside the database, so the CLI's export can open the hub (on
        // PostgreSQL, hub.json records the database, as `init --database` does).
        var settings = ["hub_identity_id": anonymization.hubIdentityID]
        if let location = hub.location { settings["database_url"] = location.description }
        try JSONSerialization.data(withJSONObject: settings).write(to: hub.directory.appendingPathComponent("hub.json"))
        try Data(repeating: 7, count: 32).write(to: hub.directory.appendingPathComponent("anonymization.key"))
        var feeds: [Feed] = []
        for f in world.feeds.indices { feeds.append(try await hub.feed(world.feedName(f))) }
        var members: [TestHub.Member] = []
        for o in 0..<world.organizationCount {
            var grants: [(feed: Feed, read: Bool, write: Bool)] = []
            for (f, spec) in world.feeds.enumerated() {
                let read = spec.readers.contains(o), write = world.writers(of: f).contains(o)
                if read || write { grants.append((feeds[f], read, write)) }
            }
            members.append(try await hub.member(world.organizationName(o), email: "m\(o)@org\(o).example.jp",
                                                role: .member, grants: grants))
        }
        var readOnly: [Int: TestHub.Member] = [:]
        for o in world.readOnly.sorted() {
            readOnly[o] = try await hub.member(world.organizationName(o), email: "viewer\(o)@org\(o).example.jp",
                                               role: .readOnly)
        }
        for (client, patrons) in world.clients {
            for patron in patrons {
                try await hub.store.addClient(members[client].principal.organization.id,
                                              ofOrganization: members[patron].principal.organization.id)
            }
        }
        let analyst = try await hub.member("Kakehashi Hub 運営", email: "analyst@hub.example.jp", role: .hubAnalyst)
        for (g, memberSet) in world.groups.enumerated() {
            let group = try await hub.store.createGroup(TrustGroup(name: world.groupName(g)))
            for o in memberSet.sorted() {
                try await hub.store.addMember(organizationID: members[o].principal.organization.id, toGroup: group.id)
            }
            for (f, spec) in world.feeds.enumerated() where spec.groupReaders.contains(g) {
                try await hub.store.setGroupGrant(FeedGroupGrant(feedID: feeds[f].id, groupID: group.id,
                                                                 canRead: true, canWrite: false))
            }
        }
        return LiveWorld(world: world, hub: hub, organizations: members.map(\.principal.organization),
                         members: members, readOnly: readOnly, analyst: analyst, feeds: feeds)
    }

    /// The account a reader signs in with (`.nobody` has none and is probed on its own).
    func member(_ reader: ReaderSpec) -> TestHub.Member {
        switch reader {
        case .member(let o): members[o]
        case .readOnly(let o): readOnly[o]!
        case .hubStaff, .nobody: analyst
        }
    }

    var readers: [ReaderSpec] {
        (0..<world.organizationCount).map(ReaderSpec.member) + world.readOnly.sorted().map(ReaderSpec.readOnly) + [.hubStaff]
    }

    /// Runs `body` against the real server on a free port.
    func withServer(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = HubApplication.make(store: hub.store, anonymization: Self.anonymization, port: 0)
        try await app.test(.live) { client in try await body(client) }
    }
}

extension TestHub.Member {
    var taxiiHeaders: HTTPFields { [.authorization: "Bearer \(token)", .accept: "application/taxii+json;version=2.1"] }
    var taxiiPosting: HTTPFields {
        var headers = taxiiHeaders
        headers[.contentType] = "application/taxii+json;version=2.1"
        return headers
    }
    var apiHeaders: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }
}

extension TestResponse {
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }
    var bodyText: String { String(buffer: body) }
}

/// The JSON body of a release request.
func releaseBody(_ scope: ScopeSpec, in world: World, anonymize: Bool = false) -> ByteBuffer {
    let body: [String: Any] = [
        "groups": scope.groups.map(world.groupName), "organizations": scope.organizations.map(world.organizationName),
        "all_members": scope.allMembers, "public": scope.isPublic, "anonymize": anonymize,
    ]
    return ByteBuffer(data: try! JSONSerialization.data(withJSONObject: body))
}

/// Reads every path as every reader and compares with the rules.
final class Probe: @unchecked Sendable {
    let live: LiveWorld
    let client: any TestClientProtocol
    /// The world as it stands now (group memberships change with `Step.join`).
    var world: World
    /// Differences found, each with the reader, the path and what differed.
    var violations: [String] = []
    /// Submission ids in the hub, by index.
    var submissionIDs: [String] = []
    /// Release ids, in the order made, and their state.
    var releaseIDs: [String] = []
    var releases: [ReleaseState] = []
    /// What each organisation was given of each submission by object reads so far (by the rules):
    /// the recipients report must list exactly this.
    var delivered: [Int: [String: Set<VersionKey>]] = [:]   // submission → organisation id → versions
    var requests = 0
    var checks = 0
    /// Proposals made so far: id, submission, and whether still pending.
    var proposals: [(id: String, submission: Int, pending: Bool)] = []
    /// Who is reading in the current `checkFeed` (for the granular-part check).
    var currentReader: ReaderSpec = .hubStaff

    init(live: LiveWorld, client: any TestClientProtocol) {
        self.live = live; self.client = client; self.world = live.world
    }

    func fail(_ category: String, _ text: String) { violations.append("[\(category)] \(text)") }

    func request(_ uri: String, _ method: HTTPRequest.Method = .get, headers: HTTPFields,
                 body: ByteBuffer? = nil) async throws -> TestResponse {
        requests += 1
        return try await client.execute(uri: uri, method: method, headers: headers, body: body)
    }

    // MARK: - Steps

    func postSubmissions() async throws {
        for (s, submission) in world.submissions.enumerated() {
            let feed = live.feeds[submission.feed]
            let envelope = "{\"objects\":[" + submission.objects.map(\.json).joined(separator: ",") + "]}"
            let response = try await request("/hub/collections/\(feed.id)/objects/", .post,
                                             headers: live.members[submission.provider].taxiiPosting,
                                             body: ByteBuffer(string: envelope))
            guard response.status == .accepted, let id = response.object["id"] as? String else {
                throw ProbeError("S\(s): TAXII POST answered \(response.status): \(response.bodyText.prefix(300))")
            }
            if response.object["success_count"] as? Int != submission.objects.count {
                fail("post", "S\(s): status \(response.bodyText.prefix(400))")
            }
            submissionIDs.append(id)
        }
    }

    func run(_ step: Step) async throws {
        switch step {
        case .release(let s, let scope):
            let provider = live.members[world.submissions[s].provider]
            let response = try await request("/api/v1/submissions/\(submissionIDs[s])/release", .post,
                                             headers: provider.apiHeaders, body: releaseBody(scope, in: world))
            guard response.status == .created, let id = response.object["id"] as? String else {
                throw ProbeError("release of S\(s) to \(scope) answered \(response.status): \(response.bodyText.prefix(300))")
            }
            releaseIDs.append(id)
            releases.append(ReleaseState(submission: s, scope: scope))
        case .revoke(let r):
            let provider = live.members[world.submissions[releases[r].submission].provider]
            try await readOnlyIsRefused("/api/v1/releases/\(releaseIDs[r])/revoke", of: world.submissions[releases[r].submission].provider,
                                        what: "revoking R\(r)")
            let response = try await request("/api/v1/releases/\(releaseIDs[r])/revoke", .post, headers: provider.apiHeaders)
            guard response.status == .ok, response.object["revoked_at"] is String else {
                throw ProbeError("revocation of R\(r) answered \(response.status): \(response.bodyText.prefix(300))")
            }
            releases[r].revoked = true
            // Revoking twice is refused and changes nothing.
            let again = try await request("/api/v1/releases/\(releaseIDs[r])/revoke", .post, headers: provider.apiHeaders)
            if again.status.code < 400 || again.status.code >= 500 {
                fail("revoke", "revoking R\(r) a second time answered \(again.status)")
            }
        case .propose(let s, let scope, let approve):
            try await propose(s, scope: scope, approve: approve)
        case .foreignRelease(let s, let by, let scope):
            let response = try await request("/api/v1/submissions/\(submissionIDs[s])/release", .post,
                                             headers: live.members[by].apiHeaders, body: releaseBody(scope, in: world))
            if response.status != .notFound {
                fail("foreign-release", "O\(by) releasing S\(s) (not its own) answered \(response.status), expected 404: \(response.bodyText.prefix(200))")
            }
            try await readOnlyIsRefused("/api/v1/submissions/\(submissionIDs[s])/release", of: world.submissions[s].provider,
                                        what: "releasing S\(s)", body: releaseBody(scope, in: world))
            // Hub staff cannot release for the provider either.
            let staff = try await request("/api/v1/submissions/\(submissionIDs[s])/release", .post,
                                          headers: live.analyst.apiHeaders, body: releaseBody(scope, in: world))
            if staff.status != .forbidden {
                fail("foreign-release", "the hub analyst releasing S\(s) answered \(staff.status), expected 403")
            }
        case .foreignRevoke(let r, let by):
            let response = try await request("/api/v1/releases/\(releaseIDs[r])/revoke", .post, headers: live.members[by].apiHeaders)
            if response.status != .notFound {
                fail("foreign-revoke", "O\(by) revoking R\(r) (not its own) answered \(response.status), expected 404")
            }
        case .join(let o, let g):
            guard let group = try await live.hub.store.group(named: world.groupName(g)) else {
                throw ProbeError("no group G\(g)")
            }
            try await live.hub.store.addMember(organizationID: live.organizations[o].id, toGroup: group.id)
            world.groups[g].insert(o)
        case .check:
            try await checkEverything()
        }
    }

    // MARK: - Reads

    func checkEverything() async throws {
        checks += 1
        let phase = "check \(checks)"
        for reader in live.readers {
            for f in world.feeds.indices {
                try await checkFeed(reader, feed: f, phase: phase)
            }
            try await checkSubmissionsAPI(reader, phase: phase)
            try await checkOtherAPIPaths(reader, phase: phase)
        }
        try await checkRecipients(phase: phase)
        try await checkNobody(phase: phase)
        try checkExport(phase: phase)
    }

    /// Every TAXII read path of one feed as one reader.
    func checkFeed(_ reader: ReaderSpec, feed f: Int, phase: String) async throws {
        let member = live.member(reader)
        let feed = live.feeds[f]
        let base = "/hub/collections/\(feed.id)"
        let who = "\(phase), \(reader), F\(f)"
        currentReader = reader
        let worldIDs = Set(world.submissions.flatMap(\.objects).map(\.id)).sorted()
        let feedIDs = Set(world.submissions.filter { $0.feed == f }.flatMap(\.objects).map(\.id))

        guard SharingRules.mayRead(reader, feed: f, in: world) else {
            let expected: HTTPResponse.Status = SharingRules.mayWrite(reader, feed: f, in: world) ? .forbidden : .notFound
            var uris = [base + "/objects/", base + "/manifest/", base + "/objects/?match[version]=all"]
            if let id = feedIDs.sorted().first { uris += [base + "/objects/\(id)/", base + "/objects/\(id)/versions/"] }
            for uri in uris {
                let response = try await request(uri, headers: member.taxiiHeaders)
                if response.status != expected {
                    fail("access", "\(who) (no read access) GET \(uri) answered \(response.status), expected \(expected)")
                }
                for id in worldIDs where response.bodyText.contains(id) {
                    fail("leak", "\(who) (no read access) GET \(uri) contains \(id)")
                }
            }
            return
        }

        let all = SharingRules.visible(to: reader, feed: f, in: world, releases: releases)
        let latest = SharingRules.latest(all)
        if let o = reader.organization {
            let organizationID = live.organizations[o].id
            for (s, submission) in world.submissions.enumerated() where submission.feed == f && submission.provider != o {
                let versions = Set(submission.objects.map { VersionKey(id: $0.id, version: $0.modified) })
                delivered[s, default: [:]][organizationID, default: []].formUnion(all.intersection(versions))
            }
        } else {
            let organizationID = live.analyst.principal.organization.id
            for (s, submission) in world.submissions.enumerated() where submission.feed == f {
                let versions = Set(submission.objects.map { VersionKey(id: $0.id, version: $0.modified) })
                delivered[s, default: [:]][organizationID, default: []].formUnion(all.intersection(versions))
            }
        }
        let limit = 1 + (live.readers.firstIndex(of: reader)! + f + checks) % 3

        // objects, paged with a small limit (the store merges one range read per audience key).
        let got = try await pagedObjects(base + "/objects/?limit=\(limit)", member: member, who: who)
        compare(got, latest, "\(who) GET objects (limit \(limit), latest)", allowed: all)
        // every version
        let gotAll = try await pagedObjects(base + "/objects/?limit=\(limit)&match[version]=all", member: member, who: who)
        compare(gotAll, all, "\(who) GET objects (limit \(limit), match[version]=all)")
        // the first version of each object
        let first = try await pagedObjects(base + "/objects/?limit=\(limit)&match[version]=first", member: member, who: who)
        compare(first, SharingRules.earliest(all), "\(who) GET objects (limit \(limit), match[version]=first)", allowed: all)
        // manifest, paged
        let manifest = try await pagedManifest(base + "/manifest/?limit=\(limit)", member: member, who: who)
        compare(manifest, latest, "\(who) GET manifest (limit \(limit))", allowed: all)
        // match[type]
        for type in ["indicator", "malware"] {
            let typed = try await pagedObjects(base + "/objects/?match[type]=\(type)", member: member, who: who)
            compare(typed, latest.filter { $0.id.hasPrefix(type + "--") }, "\(who) GET objects?match[type]=\(type)",
                    allowed: all.filter { $0.id.hasPrefix(type + "--") })
        }
        // match[id] naming every object of the world
        let byID = try await pagedObjects(base + "/objects/?limit=\(limit)&match[id]=" + worldIDs.joined(separator: ","),
                                          member: member, who: who)
        compare(byID, latest, "\(who) GET objects?match[id]=(every id)", allowed: all)
        // object/{id} and versions for every object id of the feed, and one of another feed (which must be 404)
        let probed = worldIDs.filter { feedIDs.contains($0) } + worldIDs.filter { !feedIDs.contains($0) }.prefix(1)
        for id in probed {
            let expectedLatest = latest.filter { $0.id == id }
            let expectedVersions = all.filter { $0.id == id }
            let object = try await request(base + "/objects/\(id)/", headers: member.taxiiHeaders)
            if expectedLatest.isEmpty {
                if object.status != .notFound { fail("leak", "\(who) GET object \(id) answered \(object.status), expected 404") }
                if object.bodyText.contains("\"id\":\"\(id)\"") { fail("leak", "\(who) GET object \(id) returned it") }
            } else if object.status != .ok {
                fail("missing", "\(who) GET object \(id) answered \(object.status), expected 200 with \(expectedLatest.sorted())")
            } else {
                compare(objectsIn(object, who: who), expectedLatest, "\(who) GET object \(id)", allowed: expectedVersions)
            }
            let versions = try await request(base + "/objects/\(id)/versions/", headers: member.taxiiHeaders)
            if expectedVersions.isEmpty {
                if versions.status != .notFound { fail("leak", "\(who) GET versions of \(id) answered \(versions.status), expected 404") }
            } else if versions.status != .ok {
                fail("missing", "\(who) GET versions of \(id) answered \(versions.status), expected 200")
            } else {
                let list = (versions.object["versions"] as? [String] ?? []).map { VersionKey(id: id, version: $0) }
                compare(list, expectedVersions, "\(who) GET versions of \(id)")
            }
        }
    }

    /// Follows `next` until `more` is false; returns the versions in the order received.
    func pagedObjects(_ uri: String, member: TestHub.Member, who: String) async throws -> [VersionKey] {
        var keys: [VersionKey] = []
        var next: String?
        for _ in 0..<200 {
            let response = try await request(uri + (next.map { "&next=\($0)" } ?? ""), headers: member.taxiiHeaders)
            guard response.status == .ok else {
                fail("status", "\(who) GET \(uri) answered \(response.status): \(response.bodyText.prefix(200))")
                return keys
            }
            keys += objectsIn(response, who: who)
            guard response.object["more"] as? Bool == true else { return keys }
            guard let token = response.object["next"] as? String else {
                // TAXII 2.1 objects pages carry `next` when `more` is true.
                fail("paging", "\(who) GET \(uri): more is true but there is no next")
                return keys
            }
            next = token
        }
        fail("paging", "\(who) GET \(uri): more than 200 pages")
        return keys
    }

    func pagedManifest(_ uri: String, member: TestHub.Member, who: String) async throws -> [VersionKey] {
        var keys: [VersionKey] = []
        var next: String?
        for _ in 0..<200 {
            let response = try await request(uri + (next.map { "&next=\($0)" } ?? ""), headers: member.taxiiHeaders)
            guard response.status == .ok else {
                fail("status", "\(who) GET \(uri) answered \(response.status)")
                return keys
            }
            for record in response.object["objects"] as? [[String: Any]] ?? [] {
                keys.append(VersionKey(id: record["id"] as? String ?? "?", version: record["version"] as? String ?? "?"))
            }
            guard response.object["more"] as? Bool == true, let token = response.object["next"] as? String else { return keys }
            next = token
        }
        return keys
    }

    /// The versions in an envelope; checks each object is exactly the JSON its provider posted.
    func objectsIn(_ response: TestResponse, who: String) -> [VersionKey] {
        let text = response.bodyText
        var keys: [VersionKey] = []
        for object in response.object["objects"] as? [[String: Any]] ?? [] {
            let key = VersionKey(id: object["id"] as? String ?? "?", version: object["modified"] as? String ?? "?")
            keys.append(key)
            let posted = world.submissions.flatMap(\.objects).first { $0.id == key.id && $0.modified == key.version }
            if let posted, posted.granular != nil {
                checkPart(of: posted, in: object, who: who)
            } else if let posted {
                if !text.contains(posted.json) { fail("content", "\(who): \(key) is not the JSON its provider posted") }
            } else {
                fail("leak", "\(who): received \(key), which nobody posted")
            }
        }
        return keys
    }

    /// Both directions: nothing beyond `expected`, everything in it; and no version twice.
    /// A version the reader may receive but that is not the one asked for (an older version where only
    /// the latest was asked) is reported as `not-latest`, apart from true leaks.
    func compare(_ got: [VersionKey], _ expected: Set<VersionKey>, _ what: String, allowed: Set<VersionKey> = []) {
        let received = Set(got)
        let extra = received.subtracting(expected), missing = expected.subtracting(received)
        let leaked = extra.subtracting(allowed), older = extra.intersection(allowed)
        if !leaked.isEmpty { fail("leak", "\(what): received \(leaked.sorted()) which the rules forbid (allowed: \(expected.sorted()))") }
        if !older.isEmpty {
            fail("not-latest", "\(what): received \(older.sorted()), other versions than the one asked for (expected \(expected.sorted()))")
        }
        if !missing.isEmpty { fail("missing", "\(what): did not receive \(missing.sorted()) which the rules allow (got: \(got))") }
        if received.count != got.count {
            let twice = Dictionary(grouping: got, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            fail("duplicate", "\(what): the same version more than once: \(twice)")
        }
    }

    // MARK: - JSON API

    func checkSubmissionsAPI(_ reader: ReaderSpec, phase: String) async throws {
        let member = live.member(reader)
        let who = "\(phase), \(reader)"
        let own: Set<Int>
        if let o = reader.organization {
            own = Set(world.submissions.indices.filter { world.submissions[$0].provider == o })
        } else {
            own = Set(world.submissions.indices)
        }
        let list = try await request("/api/v1/submissions", headers: member.apiHeaders)
        let listed = Set((list.object["submissions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        let expected = Set(own.map { submissionIDs[$0] })
        if list.status != .ok || listed != expected {
            fail("api", "\(who) GET /api/v1/submissions answered \(list.status) listing \(listed.count) (extra \(listed.subtracting(expected).count), missing \(expected.subtracting(listed).count))")
        }
        // The collections the reader may see at all.
        let collections = try await request("/hub/collections/", headers: member.taxiiHeaders)
        let listedFeeds = Set((collections.object["collections"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        let visibleFeeds = Set(world.feeds.indices.filter {
            SharingRules.mayRead(reader, feed: $0, in: world) || SharingRules.mayWrite(reader, feed: $0, in: world)
        }.map { live.feeds[$0].id })
        if listedFeeds != visibleFeeds {
            fail("access", "\(who) GET collections lists \(listedFeeds.count) feeds, expected \(visibleFeeds.count)")
        }
        for (s, id) in submissionIDs.enumerated() {
            // The TAXII status resource of a submission: its provider and hub staff only.
            let status = try await request("/hub/status/\(id)/", headers: member.taxiiHeaders)
            if status.status != (own.contains(s) ? .ok : .notFound) {
                fail("api", "\(who) GET status of S\(s) answered \(status.status)")
            }
            let one = try await request("/api/v1/submissions/\(id)", headers: member.apiHeaders)
            if own.contains(s) {
                let released = releases.contains { $0.submission == s && !$0.revoked }
                if one.status != .ok {
                    fail("api", "\(who) GET /api/v1/submissions/S\(s) answered \(one.status), expected 200")
                } else if one.object["state"] as? String != (released ? "released" : "held") {
                    fail("api", "\(who) S\(s) state \(one.object["state"] ?? "nil"), expected \(released ? "released" : "held")")
                }
            } else {
                if one.status != .notFound { fail("api", "\(who) GET /api/v1/submissions/S\(s) (not its own) answered \(one.status), expected 404") }
                if one.bodyText.contains("\"objects\"") { fail("leak", "\(who) GET /api/v1/submissions/S\(s) shows its objects") }
            }
            // Only the provider and hub staff may ask who received a submission.
            if !own.contains(s) {
                let recipients = try await request("/api/v1/submissions/\(id)/recipients", headers: member.apiHeaders)
                if recipients.status != .notFound {
                    fail("api", "\(who) GET recipients of S\(s) (not its own) answered \(recipients.status), expected 404")
                }
            }
        }
    }

    /// The provider (and a hub analyst) asks who received each submission: exactly the organisations
    /// that were given its objects by the reads so far, with exactly those versions.
    func checkRecipients(phase: String) async throws {
        for (s, id) in submissionIDs.enumerated() {
            let expected = (delivered[s] ?? [:]).filter { !$0.value.isEmpty }
            for asker in [live.members[world.submissions[s].provider], live.analyst] {
                let response = try await request("/api/v1/submissions/\(id)/recipients", headers: asker.apiHeaders)
                guard response.status == .ok else {
                    fail("recipients", "\(phase) recipients of S\(s) asked by \(asker.email) answered \(response.status)")
                    continue
                }
                var got: [String: Set<VersionKey>] = [:]
                for recipient in response.object["recipients"] as? [[String: Any]] ?? [] {
                    let org = recipient["organization_id"] as? String ?? "?"
                    for object in recipient["objects"] as? [[String: Any]] ?? [] {
                        got[org, default: []].insert(VersionKey(id: object["id"] as? String ?? "?",
                                                                version: object["version"] as? String ?? "?"))
                    }
                }
                if got != expected {
                    fail("recipients", "\(phase) recipients of S\(s) asked by \(asker.email): got \(describe(got)), expected \(describe(expected))")
                }
            }
        }
    }

    func describe(_ byOrganization: [String: Set<VersionKey>]) -> String {
        let names = Dictionary(uniqueKeysWithValues: live.organizations.enumerated().map { ($1.id, "O\($0)") }
                               + [(live.analyst.principal.organization.id, "Hub")])
        return "{" + byOrganization.keys.sorted().map { "\(names[$0] ?? $0): \(byOrganization[$0]!.sorted())" }
            .joined(separator: "; ") + "}"
    }
}

struct ProbeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
