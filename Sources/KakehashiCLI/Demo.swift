// `kakehashi demo`: a fresh demo hub with the seeds' sectors, feeds and a few thousand STIX objects,
// served at once with its URL and credentials printed.
import Accounts
import ArgumentParser
import DemoCorpus
import Foundation
import Specimens
import Ingestion
import SharingPolicy
import Storage

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a fresh demo hub (demo data replaces any earlier demo in the same directory).")
    @Option(help: "The demo's data directory.") var data = "./kakehashi-demo"
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "How many STIX objects to load.") var objects = 3000
    @Flag(help: "Load the data and exit without serving.") var noServe = false
    @OptionGroup var databaseOptions: DatabaseOptions

    static let demoPassword = "kakehashi-demo-2026"
    static let marker = ".kakehashi-demo"

    func run() async throws {
        let url = URL(fileURLWithPath: data, isDirectory: true)
        let fm = FileManager.default
        if databaseOptions.database != nil {
            // The demo replaces an earlier demo by removing its directory; a database is not removed:
            // on PostgreSQL the demo needs a new data directory and an empty database.
            let isNew = try !fm.fileExists(atPath: url.path) || fm.contentsOfDirectory(atPath: url.path).isEmpty
            guard isNew else {
                throw CommandFailure("\(data) is not empty; a demo on PostgreSQL needs a new data directory and an empty database")
            }
        } else if fm.fileExists(atPath: url.path) {
            let isEmpty = try fm.contentsOfDirectory(atPath: url.path).isEmpty
            guard fm.fileExists(atPath: url.appendingPathComponent(Self.marker).path) || isEmpty else {
                throw CommandFailure("\(data) exists and is not a demo directory; choose another --data")
            }
            try fm.removeItem(at: url)
        }
        let database = try HubDatabase.resolve(databaseOptions, directory: url, initialising: true)
        let (store, services, created) = try await OpenedHub.initialise(url, database: database)
        guard created else {
            try? fm.removeItem(at: url)
            throw CommandFailure("\(database.description(directory: url)) already holds a hub; the demo needs an empty database")
        }
        fm.createFile(atPath: url.appendingPathComponent(Self.marker).path, contents: Data())
        let key = try SampleVaultKey.loadOrCreate(at: url.appendingPathComponent("vault.key"))
        let vault = try SampleVault(directory: url.appendingPathComponent("samples"), key: key)
        let credentials = try await load(into: store)
        let handOvers = try await loadHandOvers(into: store, vault: vault)
        let banner: @Sendable (String) -> String = { url in
            var lines = ["", "Kakehashi demo hub / デモハブ", "  Web portal / ポータル: \(url)/portal/",
                         "  TAXII discovery: \(url)/taxii2/",
                         "  API root:        \(url)/hub/", "  password for every demo user: \(Self.demoPassword)",
                         "  Sign in to the portal with any e-mail below and that password / 下記のメールアドレスと共通パスワードでサインイン:"]
            for (email, role, token) in credentials {
                lines.append("  \(email)  (\(role))  token: \(token)")
            }
            lines += handOvers
            lines.append("")
            return lines.joined(separator: "\n")
        }
        if noServe {
            // Not listening: the URL is where `kakehashi serve` will answer (a port is needed for that).
            let shownPort = port == 0 ? 8080 : port
            print(banner("http://\(host):\(shownPort)"))
            print("Loaded, not serving. Start it with: kakehashi serve --data \(data) --port \(shownPort)\n")
            return
        }
        try await serve(store: store, services: services, anonymization: try HubSecrets.load(url), host: host, port: port, banner: banner,
                        vault: vault)
    }

    /// The first member's held hand-overs (an attack e-mail with its sample, an incident report).
    func loadHandOvers(into store: any HubStore, vault: SampleVault) async throws -> [String] {
        guard let first = DemoCorpus.organizations.first(where: { $0.role != "operator" }),
              let user = try await store.user(email: "soc@\(first.domain)"),
              let organization = try await store.organization(id: user.organizationID),
              let feed = try await store.feed(named: "Default") else { return [] }
        return try await DemoHandOvers.submit(as: Principal(user: user, organization: organization), domain: first.domain,
                                              to: feed, store: store, vault: vault)
    }

    /// Organisations, users, feeds, grants and objects; returns (email, role, token) to print.
    func load(into store: any HubStore) async throws -> [(String, String, String)] {
        let admin = AccountAdministration(store: store, bcryptCost: 10)
        guard let hubOrg = try await store.organization(named: hubOperatorName) else {
            throw CommandFailure("the demo hub has no operator organisation")
        }
        var printed: [(String, String, String)] = []
        _ = try await admin.addUser(organization: hubOrg.name, email: "admin@hub.example.jp", role: .hubAdmin,
                                    password: Self.demoPassword)
        printed.append(("admin@hub.example.jp", "hub-admin",
                        try await admin.issueToken(email: "admin@hub.example.jp", label: "demo")))
        // An analyst of the hub: the portal's analyst queue (triage, correlations, campaigns).
        _ = try await admin.addUser(organization: hubOrg.name, email: "analyst@hub.example.jp", role: .hubAnalyst,
                                    password: Self.demoPassword)
        printed.append(("analyst@hub.example.jp", "hub-analyst",
                        try await admin.issueToken(email: "analyst@hub.example.jp", label: "demo")))
        var feeds: [Feed] = []
        for demoFeed in DemoCorpus.feeds {
            let severity: FeedSeverity = demoFeed.severity == "緊急" ? .urgent : demoFeed.severity == "重要" ? .important : .normal
            feeds.append(try await store.createFeed(Feed(name: demoFeed.name, title: demoFeed.title,
                                                         description: demoFeed.description, severity: severity)))
        }
        var sectorGroups: [String: TrustGroup] = [:]
        let council = try await store.createGroup(TrustGroup(name: "重要インフラ横断 / Cross-sector council"))
        for (index, demoOrg) in DemoCorpus.organizations.enumerated() where demoOrg.role != "operator" {
            let org = try await admin.addOrganization(name: demoOrg.name, sector: demoOrg.sector,
                                                      size: demoOrg.size, country: "JP")
            try await store.addIdentifier(OrganizationIdentifier(kind: .domain, value: demoOrg.domain), organizationID: org.id)
            try await store.addIdentifier(OrganizationIdentifier(kind: .alias, value: demoOrg.nameJa), organizationID: org.id)
            let group: TrustGroup
            if let existing = sectorGroups[demoOrg.sector] {
                group = existing
            } else {
                group = try await store.createGroup(TrustGroup(name: "\(demoOrg.sector)SIG"))
                sectorGroups[demoOrg.sector] = group
            }
            try await store.addMember(organizationID: org.id, toGroup: group.id)
            try await store.addMember(organizationID: org.id, toGroup: council.id)
            let email = "soc@\(demoOrg.domain)"
            _ = try await admin.addUser(organization: org.name, email: email, role: index == 0 ? .orgAdmin : .member,
                                        password: Self.demoPassword)
            // Large members take every feed; smaller ones a high-value subset (seed 001's tiers).
            for feed in feeds {
                let read = demoOrg.size == "large" || ["Default", "C2", "TEST"].contains(feed.name)
                try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: org.id, canRead: read,
                                                   canWrite: feed.name == "Default" || feed.name == "TEST"))
            }
            if index < 3 {
                printed.append((email, index == 0 ? "org-admin" : "member",
                                try await admin.issueToken(email: email, label: "demo")))
            }
        }
        // Load the corpus feed by feed, as the hub operator.
        let principal = Principal(user: User(id: "demo", organizationID: hubOrg.id, email: "admin@hub.example.jp",
                                             role: .hubAdmin, passwordHash: nil), organization: hubOrg)
        let intake = EnvelopeIntake(store: store, policy: PolicyEngine(store: store))
        var byFeed: [String: [String]] = [:]
        for item in DemoCorpus.objects(count: objects, seed: 2026) { byFeed[item.feed, default: []].append(item.json) }
        var rejected = 0
        for feed in feeds {
            guard let texts = byFeed[feed.name], !texts.isEmpty else { continue }
            let body = "{\"objects\":[" + texts.joined(separator: ",") + "]}"
            let submission = try await intake.submit(envelope: Array(body.utf8), to: feed, by: principal)
            rejected += submission.failures.count
            for failure in submission.failures.prefix(3) {
                FileHandle.standardError.write(Data("demo object rejected: \(failure.message ?? "")\n".utf8))
            }
        }
        if rejected > 0 { FileHandle.standardError.write(Data("\(rejected) demo objects were rejected\n".utf8)) }
        return printed
    }
}
