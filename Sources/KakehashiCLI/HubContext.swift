// Opening an existing hub's data directory for a command.
import Accounts
import Anonymization
import CampaignDesk
import Campaigns
import Consent
import Foundation
import IndicatorExtraction
import Ingestion
import ServiceLifecycle
import SharingPolicy
import Specimens
import Storage

/// The name of the organisation `kakehashi init` creates for the hub operator.
let hubOperatorName = "Kakehashi Hub"

/// An opened hub: its store (SQLite or PostgreSQL, see HubDatabase) and the operator's organisation.
struct OpenedHub {
    let store: any HubStore
    /// The store's background work, for a server's ServiceGroup (graceful shutdown closes the store).
    let services: [any Service]
    /// Where the data is, for the operator (no password).
    let databaseDescription: String
    let operatorOrganization: Organization
    let anonymization: AnonymizationSettings
    /// The rules every way in applies to a submission (hub.json).
    let settings: IntakeSettings
    /// What is not an indicator: the bundled warning lists and the operator's (DATA/warninglists).
    var warningLists: WarningLists = .bundled

    /// Opens the hub in `data` on the database recorded in its hub.json (or SQLite); fails with a
    /// clear message when `kakehashi init` was not run there.
    static func open(_ data: DataOption, serving: Bool = false) async throws -> OpenedHub {
        let database = try HubDatabase.resolve(data.databaseOptions, directory: data.url, initialising: false)
        if case .sqlite = database {
            let file = data.url.appendingPathComponent("hub.sqlite").path
            guard FileManager.default.fileExists(atPath: file) else {
                throw CommandFailure("no hub in \(data.data); run `kakehashi init --data \(data.data)` first")
            }
        }
        let (store, services) = try await database.open(directory: data.url, serving: serving)
        guard let hubOrg = try await store.organization(named: hubOperatorName) else {
            throw CommandFailure("the hub in \(data.data) has no operator organisation; was it initialised by kakehashi init?")
        }
        var hub = OpenedHub(store: store, services: services, databaseDescription: database.description(directory: data.url),
                            operatorOrganization: hubOrg, anonymization: try HubSecrets.load(data.url),
                            settings: try IntakeSettings.load(data.url))
        if let lists = try? HandOver.warningLists(dataDirectory: data.url) { hub.warningLists = lists }
        return hub
    }

    /// The intake every way in uses, as the server builds it (HubApplication): the hub's default TLP,
    /// the provider's standing consent and k-corroboration under the hub's rule, applied to each
    /// submission alike whether it came by TAXII, the JSON API or `kakehashi submit`/`import`.
    func intake() -> EnvelopeIntake {
        let policy = PolicyEngine(store: store, defaultTLP: settings.defaultTLP)
        var intake = EnvelopeIntake(store: store, policy: policy,
                                    desk: ConsentDesk(store: store, policy: policy, anonymization: anonymization),
                                    corroboration: Corroboration(store: store, hubIdentityID: anonymization.hubIdentityID,
                                                                 rule: settings.corroboration))
        intake.arrivals = campaignDesk(policy: policy)
        return intake
    }

    /// The campaign desk, as the server builds it: the operator's warning lists exclude values from linking.
    func campaignDesk(policy: PolicyEngine? = nil) -> CampaignDesk {
        CampaignDesk(store: store, policy: policy ?? PolicyEngine(store: store, defaultTLP: settings.defaultTLP),
                     anonymization: anonymization,
                     settings: ClusteringSettings(exclusions: CampaignExclusions.standard(warningLists: warningLists)))
    }

    /// The encrypted sample vault (`samples/` in the data directory, key `vault.key`, 0600).
    func vault(_ data: DataOption, maximumMegabytes: Int = 100) throws -> SampleVault {
        let key = try SampleVaultKey.loadOrCreate(at: data.url.appendingPathComponent("vault.key"))
        return try SampleVault(directory: data.url.appendingPathComponent("samples"), key: key,
                               maximumSize: Int64(maximumMegabytes) * 1024 * 1024)
    }

    /// The principal of the user with this e-mail address.
    func principal(email: String) async throws -> Principal {
        guard let user = try await store.user(email: email) else { throw CommandFailure("no user with e-mail \(email)") }
        guard let organization = try await store.organization(id: user.organizationID) else {
            throw CommandFailure("the organisation of \(email) is missing")
        }
        guard user.disabledAt == nil else { throw CommandFailure("the user \(user.email) is disabled") }
        guard organization.disabledAt == nil else { throw CommandFailure("the organisation \(organization.name) is disabled") }
        return Principal(user: user, organization: organization)
    }

    /// The operator acting as itself (for imports made from the command line).
    var operatorPrincipal: Principal {
        Principal(user: User(id: "cli", organizationID: operatorOrganization.id, email: "cli@localhost",
                             role: .hubAdmin, passwordHash: nil),
                  organization: operatorOrganization)
    }

    /// Creates the data directory, the database and the operator organisation. Idempotent. With
    /// PostgreSQL the database is reached first: when it cannot be, nothing is left behind (a data
    /// directory or audit key this call created is removed again) and hub.json is not written; nor
    /// when it already holds a hub and this data directory has no audit key (a second directory for
    /// that hub needs the first one's keys, not new ones).
    @discardableResult
    static func initialise(_ url: URL, database: HubDatabase = .sqlite) async throws
        -> (store: any HubStore, services: [any Service], created: Bool) {
        let fm = FileManager.default
        let directoryExisted = fm.fileExists(atPath: url.path)
        let auditKeyExisted = fm.fileExists(atPath: url.appendingPathComponent("audit.key").path)
        try fm.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let opened: (store: any HubStore, services: [any Service])
        do {
            opened = try await database.open(directory: url)
        } catch {
            if !directoryExisted {
                try? fm.removeItem(at: url)
            } else if !auditKeyExisted {
                try? fm.removeItem(at: url.appendingPathComponent("audit.key"))
            }
            throw error
        }
        let store = opened.store
        let existed = try await store.organization(named: hubOperatorName) != nil
        if existed, case .postgres = database, !auditKeyExisted {
            // A hub on this database was initialised from another data directory: this one has just
            // got a new audit key, which would seal entries the other instances' key does not verify
            // (and a new anonymisation key and hub identity). Another instance runs on a copy of the
            // first directory's keys instead.
            if !directoryExisted {
                try? fm.removeItem(at: url)
            } else {
                try? fm.removeItem(at: url.appendingPathComponent("audit.key"))
            }
            throw CommandFailure("""
                \(database.description(directory: url)) already holds a hub, initialised from another data directory; \
                to run another instance on it, use that directory (or a copy of its audit.key, anonymization.key, \
                vault.key and hub.json, with samples/ shared) instead of init (README, Operations)
                """)
        }
        try HubSecrets.create(url)
        try database.record(in: url)
        _ = try SampleVaultKey.loadOrCreate(at: url.appendingPathComponent("vault.key"))
        if existed { return (store, opened.services, false) }
        _ = try await store.createOrganization(Organization(name: hubOperatorName, sector: "hub", size: nil,
                                                            country: "JP"))
        return (store, opened.services, true)
    }
}

/// The hub's own secrets and identity in the data directory: `hub.json` (the hub's STIX identity id,
/// the author of anonymised releases) and `anonymization.key` (32 random bytes, mode 0600: the key
/// that makes released ids unlinkable to the originals). Never logged or served.
enum HubSecrets {
    static func create(_ directory: URL) throws {
        let fm = FileManager.default
        let keyFile = directory.appendingPathComponent("anonymization.key")
        if !fm.fileExists(atPath: keyFile.path) {
            var generator = SystemRandomNumberGenerator()
            let key = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
            guard fm.createFile(atPath: keyFile.path, contents: key, attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure("cannot write \(keyFile.path)")
            }
        }
        let hubFile = directory.appendingPathComponent("hub.json")
        if !fm.fileExists(atPath: hubFile.path) {
            let identity = ["hub_identity_id": "identity--\(UUID().uuidString.lowercased())"]
            try JSONSerialization.data(withJSONObject: identity).write(to: hubFile)
        }
    }

    static func load(_ directory: URL) throws -> AnonymizationSettings {
        guard let key = FileManager.default.contents(atPath: directory.appendingPathComponent("anonymization.key").path),
              key.count >= 32,
              let hubData = FileManager.default.contents(atPath: directory.appendingPathComponent("hub.json").path),
              let hub = try JSONSerialization.jsonObject(with: hubData) as? [String: String],
              let identity = hub["hub_identity_id"]
        else {
            throw CommandFailure("the hub's identity or anonymisation key is missing in \(directory.path); run kakehashi init again")
        }
        return AnonymizationSettings(hubIdentityID: identity, idKey: Array(key))
    }
}

/// The hub's intake settings, kept in `hub.json` beside its identity so that the server and every
/// command that takes submissions apply the same rules: k-corroboration (`corroboration_k`
/// organisations from `corroboration_sectors` sectors; default 3 and 2) and the TLP assumed for
/// unmarked objects (`default_tlp`, default amber). Set by `kakehashi init` or `serve` options.
///
/// ```swift
/// var settings = try IntakeSettings.load(dataURL)
/// settings.corroboration = CorroborationRule(organizations: 4, sectors: 2)
/// try settings.save(dataURL)
/// ```
struct IntakeSettings: Equatable {
    var corroboration = CorroborationRule.standard
    var defaultTLP = TLPLevel.amber

    static func load(_ directory: URL) throws -> IntakeSettings {
        let hub = try stored(directory)
        var settings = IntakeSettings()
        let k = hub["corroboration_k"].flatMap { Int($0) } ?? settings.corroboration.organizations
        let sectors = hub["corroboration_sectors"].flatMap { Int($0) } ?? settings.corroboration.sectors
        settings.corroboration = CorroborationRule(organizations: k, sectors: sectors,
                                                   falsePositives: hub["false_positive_k"].flatMap { Int($0) })
        if let text = hub["default_tlp"] {
            guard let level = TLPLevel(rawValue: text) else {
                throw CommandFailure("hub.json in \(directory.path) names an unknown default_tlp \(text)")
            }
            settings.defaultTLP = level
        }
        return settings
    }

    /// Writes the settings into hub.json, keeping its other entries (the hub's identity).
    func save(_ directory: URL) throws {
        var hub = try Self.stored(directory)
        hub["corroboration_k"] = String(corroboration.organizations)
        hub["corroboration_sectors"] = String(corroboration.sectors)
        // Absent: k, whatever k becomes later.
        hub["false_positive_k"] = corroboration.falsePositives == corroboration.organizations
            ? nil : String(corroboration.falsePositives)
        hub["default_tlp"] = defaultTLP.rawValue
        try JSONSerialization.data(withJSONObject: hub, options: [.sortedKeys])
            .write(to: directory.appendingPathComponent("hub.json"), options: .atomic)
    }

    /// Applies the options a command was given (nil: keep) and saves when anything changed.
    /// Returns the settings now in force.
    static func update(_ directory: URL, k: Int?, sectors: Int?, falsePositives: Int? = nil,
                       defaultTLP: TLPLevel?) throws -> IntakeSettings {
        let current = try load(directory)
        var updated = current
        if k != nil || sectors != nil || falsePositives != nil {
            updated.corroboration = CorroborationRule(organizations: k ?? current.corroboration.organizations,
                                                      sectors: sectors ?? current.corroboration.sectors,
                                                      falsePositives: falsePositives ?? current.corroboration.falsePositives)
        }
        if let defaultTLP { updated.defaultTLP = defaultTLP }
        if updated != current { try updated.save(directory) }
        return updated
    }

    static func stored(_ directory: URL) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("hub.json").path),
              let hub = try JSONSerialization.jsonObject(with: data) as? [String: String] else {
            throw CommandFailure("the hub's identity is missing in \(directory.path); run kakehashi init again")
        }
        return hub
    }
}
