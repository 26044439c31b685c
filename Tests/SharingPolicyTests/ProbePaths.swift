// The sharing-rules property test beyond TAXII reads and the submissions list: analysts' proposals
// (made, refused to outsiders and read-only users, approved, listed and shown), the provider's
// preview, observations and samples, the granularly marked part of what a reader receives,
// read-only users' refused changes, every path without an account, and the operator's export (the
// real `kakehashi export` on the same data directory). Everything goes through HTTP or the CLI;
// what is expected comes from SharingRules.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubTesting
import Testing

extension Probe {
    // MARK: - Steps

    /// A hub analyst proposes releasing the originals of S`s` to `scope`; with `approve`, outsiders,
    /// the provider's read-only user and the analyst are refused before the provider approves.
    func propose(_ s: Int, scope: ScopeSpec, approve: Bool) async throws {
        let response = try await request("/api/v1/submissions/\(submissionIDs[s])/proposals", .post,
                                         headers: live.analyst.apiHeaders, body: releaseBody(scope, in: world))
        guard response.status == .created, let id = response.object["id"] as? String else {
            throw ProbeError("proposal of S\(s) to \(scope) answered \(response.status): \(response.bodyText.prefix(300))")
        }
        let provider = world.submissions[s].provider
        // Members propose nothing: they release their own submissions.
        let byMember = try await request("/api/v1/submissions/\(submissionIDs[s])/proposals", .post,
                                         headers: live.members[provider].apiHeaders, body: releaseBody(scope, in: world))
        if byMember.status != .forbidden { fail("proposal", "the provider's member proposing S\(s) answered \(byMember.status)") }
        guard approve else {
            proposals.append((id, s, true))
            return
        }
        if let outsider = (0..<world.organizationCount).first(where: { $0 != provider }) {
            let foreign = try await request("/api/v1/proposals/\(id)/approve", .post, headers: live.members[outsider].apiHeaders)
            if foreign.status != .notFound { fail("proposal", "O\(outsider) approving a proposal of S\(s) answered \(foreign.status), expected 404") }
        }
        try await readOnlyIsRefused("/api/v1/proposals/\(id)/approve", of: provider, what: "approving a proposal of S\(s)")
        let staff = try await request("/api/v1/proposals/\(id)/approve", .post, headers: live.analyst.apiHeaders)
        if staff.status != .forbidden { fail("proposal", "the analyst approving its own proposal of S\(s) answered \(staff.status), expected 403") }
        let approved = try await request("/api/v1/proposals/\(id)/approve", .post, headers: live.members[provider].apiHeaders)
        guard approved.status == .created, let release = approved.object["id"] as? String else {
            throw ProbeError("approval of the proposal of S\(s) answered \(approved.status): \(approved.bodyText.prefix(300))")
        }
        releaseIDs.append(release)
        releases.append(ReleaseState(submission: s, scope: scope))
        proposals.append((id, s, false))
    }

    /// The read-only user of organisation `o` (if it has one) is refused `POST uri`, and nothing changes.
    func readOnlyIsRefused(_ uri: String, of o: Int, what: String, body: ByteBuffer? = nil) async throws {
        guard let viewer = live.readOnly[o] else { return }
        let response = try await request(uri, .post, headers: viewer.apiHeaders, body: body)
        if response.status != .forbidden {
            fail("read-only", "O\(o)'s read-only user \(what) answered \(response.status), expected 403: \(response.bodyText.prefix(200))")
        }
    }

    // MARK: - Granular parts

    /// A received version of an object posted with a granular marking: the marked description only
    /// where the rules let the reader have that part, everything else exactly as posted.
    func checkPart(of posted: ObjectSpec, in object: [String: Any], who: String) {
        guard let s = world.submissions.firstIndex(where: { $0.objects.contains { $0.id == posted.id && $0.modified == posted.modified } }),
              let part = posted.partLevel else { return }
        let key = VersionKey(id: posted.id, version: posted.modified)
        let allowed = SharingRules.allowedPartLevel(currentReader, object: posted, of: s, in: world, releases: releases)
        if (object["description"] as? String ?? "").contains(posted.secret), allowed.map({ part > $0 }) ?? true {
            fail("granular", "\(who): \(key) carries its description marked \(part); the reader may have parts up to \(allowed.map(\.description) ?? "nothing")")
        }
        var received = object, original = (try? JSONSerialization.jsonObject(with: Data(posted.json.utf8))) as? [String: Any] ?? [:]
        for key in ["description", "granular_markings"] { received[key] = nil; original[key] = nil }
        if !Self.sameJSON(received, original) {
            fail("content", "\(who): \(key) differs from what its provider posted beyond its marked part")
        }
    }

    /// The same JSON object, whatever the order of members.
    static func sameJSON(_ a: [String: Any], _ b: [String: Any]) -> Bool {
        func canonical(_ value: [String: Any]) -> Data? { try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) }
        return canonical(a).map { $0 == canonical(b) } ?? false
    }

    // MARK: - Other /api/v1 read paths

    /// Proposals (list and each), the preview of each submission, observations of each feed and a
    /// sample, as one reader.
    func checkOtherAPIPaths(_ reader: ReaderSpec, phase: String) async throws {
        let member = live.member(reader)
        let who = "\(phase), \(reader)"
        let organization = reader.organization
        let worldIDs = Set(world.submissions.flatMap(\.objects).map(\.id))
        func leaks(_ response: TestResponse) -> [String] { worldIDs.filter { response.bodyText.contains($0) }.sorted() }

        // Proposals: the provider's users and hub staff, no one else.
        let visible = Set(proposals.filter { organization == nil || world.submissions[$0.submission].provider == organization }.map(\.id))
        let list = try await request("/api/v1/proposals", headers: member.apiHeaders)
        let listed = Set((list.object["proposals"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        if list.status != .ok || listed != visible {
            fail("proposals", "\(who) GET /api/v1/proposals answered \(list.status) listing \(listed.count), expected \(visible.count)")
        }
        for proposal in proposals {
            let one = try await request("/api/v1/proposals/\(proposal.id)", headers: member.apiHeaders)
            if visible.contains(proposal.id) {
                let state = proposal.pending ? "pending" : "approved"
                if one.status != .ok || one.object["state"] as? String != state {
                    fail("proposals", "\(who) GET the proposal of S\(proposal.submission) answered \(one.status) \(one.object["state"] ?? "nil"), expected 200 \(state)")
                }
            } else if one.status != .notFound || !leaks(one).isEmpty {
                fail("leak", "\(who) GET the proposal of S\(proposal.submission) (not its own) answered \(one.status) naming \(leaks(one))")
            }
        }

        // The preview of an anonymised release: the provider's users and hub staff (analysts prepare
        // proposals, so they see what a release would share); no one else.
        for (s, id) in submissionIDs.enumerated() {
            let preview = try await request("/api/v1/submissions/\(id)/preview", headers: member.apiHeaders)
            if let organization, world.submissions[s].provider == organization {
                if preview.status != .ok { fail("api", "\(who) GET preview of S\(s) (its own) answered \(preview.status)") }
            } else if organization == nil {
                if preview.status != .ok { fail("api", "\(who) GET preview of S\(s) answered \(preview.status), expected 200 (hub staff)") }
            } else if preview.status != .notFound || !leaks(preview).isEmpty {
                fail("leak", "\(who) GET preview of S\(s) (not its own) answered \(preview.status) naming \(leaks(preview))")
            }
        }

        // Observations by feed name, answered as TAXII answers for the collection; these worlds hold
        // no observations, so anything in the bundle is a leak.
        for f in world.feeds.indices {
            let response = try await request("/api/v1/observations?feed=\(world.feedName(f))", headers: member.apiHeaders)
            let expected: HTTPResponse.Status = SharingRules.mayRead(reader, feed: f, in: world) ? .ok
                : SharingRules.mayWrite(reader, feed: f, in: world) ? .forbidden : .notFound
            if response.status != expected || !leaks(response).isEmpty {
                fail("api", "\(who) GET observations of F\(f) answered \(response.status) (expected \(expected)) naming \(leaks(response))")
            }
        }
        let sample = try await request("/api/v1/samples/\(String(repeating: "ab", count: 32))", headers: member.apiHeaders)
        if sample.status != .notFound { fail("api", "\(who) GET a sample nobody handed over answered \(sample.status)") }
    }

    // MARK: - No account

    /// Every read path without credentials and with a token nobody was given: 401, naming nothing.
    func checkNobody(phase: String) async throws {
        let feed = "/hub/collections/\(live.feeds[0].id)"
        let anyID = world.submissions[0].objects[0].id
        var uris = ["/hub/", "/hub/collections/", feed + "/", feed + "/objects/", feed + "/manifest/",
                    feed + "/objects/\(anyID)/", feed + "/objects/\(anyID)/versions/",
                    "/api/v1/submissions", "/api/v1/proposals", "/api/v1/observations?feed=\(world.feedName(0))",
                    "/api/v1/samples/\(String(repeating: "ab", count: 32))"]
        for id in submissionIDs {
            uris += ["/hub/status/\(id)/", "/api/v1/submissions/\(id)", "/api/v1/submissions/\(id)/recipients",
                     "/api/v1/submissions/\(id)/preview"]
        }
        uris += proposals.map { "/api/v1/proposals/\($0.id)" }
        let worldIDs = Set(world.submissions.flatMap(\.objects).map(\.id))
        let headers: [HTTPFields] = [[.accept: "application/taxii+json;version=2.1"],
                                     [.accept: "application/taxii+json;version=2.1", .authorization: "Bearer kk_not-a-token"]]
        for uri in uris {
            for header in headers {
                let response = try await request(uri, headers: header)
                let named = worldIDs.filter { response.bodyText.contains($0) }
                if response.status != .unauthorized || !named.isEmpty {
                    fail("nobody", "\(phase), no account: GET \(uri) answered \(response.status) naming \(named.sorted())")
                }
            }
        }
    }

    // MARK: - Export

    /// `kakehashi export --feed F` on the hub's data directory: the operator's bundle of a feed is
    /// exactly what hub staff may read of it, every version, as posted.
    func checkExport(phase: String) throws {
        guard let binary = Self.kakehashiBinary else { return }
        // On PostgreSQL the CLI finds the database in hub.json (LiveWorld), once it can open one.
        if live.hub.location != nil && !Self.exportTakesDatabase { return }
        for f in world.feeds.indices {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["export", "--feed", world.feedName(f), "--data", live.hub.directory.path]
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let who = "\(phase), the operator's export of F\(f)"
            guard process.terminationStatus == 0,
                  let bundle = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                fail("export", "\(who) failed (\(process.terminationStatus)): \(message.prefix(300))")
                continue
            }
            var got: [VersionKey] = []
            for object in bundle["objects"] as? [[String: Any]] ?? [] {
                let key = VersionKey(id: object["id"] as? String ?? "?", version: object["modified"] as? String ?? "?")
                got.append(key)
                let posted = world.submissions.flatMap(\.objects).first { $0.id == key.id && $0.modified == key.version }
                let original = posted.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.json.utf8))) as? [String: Any] }
                if original.map({ !Self.sameJSON(object, $0) }) ?? true {
                    fail("export", "\(who): \(key) is not exactly what its provider posted")
                }
            }
            compare(got, SharingRules.visible(to: .hubStaff, feed: f, in: world, releases: releases), who)
        }
    }

    /// True when the binary's `export` can open a PostgreSQL hub (it has `--database`); on a PostgreSQL run
    /// without it, the export is not checked, and that is said.
    static let exportTakesDatabase: Bool = {
        guard let binary = kakehashiBinary else { return false }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["export", "--help"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        guard (try? process.run()) != nil else { return false }
        let help = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let takes = help.contains("--database")
        if !takes { print("sharing rules: this kakehashi's export has no --database; the export of PostgreSQL hubs is not checked") }
        return takes
    }()

    /// The `kakehashi` binary beside the test binary (`swift build --build-tests` builds both), or
    /// `KAKEHASHI_BIN`; nil (the export is then not checked, and that is said) when there is none.
    static let kakehashiBinary: URL? = {
        let environment = ProcessInfo.processInfo.environment["KAKEHASHI_BIN"]
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kakehashi").path
        for path in [environment, beside].compactMap({ $0 }) where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        print("sharing rules: no kakehashi binary beside the tests (\(beside)); the export is not checked")
        return nil
    }()
}
