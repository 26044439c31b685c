// `kakehashi admin …`: organisations (and the identifiers that single each out: domains, names,
// address ranges, hosts, people, phones…), users, tokens, feeds and feed rights, and the
// corroboration probes flagged to the operator.
import Accounts
import Anonymization
import ArgumentParser
import Foundation
import Storage

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer organisations, users, tokens, feeds and rights.",
        subcommands: [OrgCommand.self, UserCommand.self, TokenCommand.self, FeedCommand.self, GroupCommand.self,
                      Grant.self, CorroborationCommand.self, TierLimitsCommand.self])
}

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "org", abstract: "Organisations.",
                                                    subcommands: [Add.self, List.self, Client.self, IdentifierCommand.self,
                                                                  Disable.self, Enable.self, SetTier.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member organisation.")
        @OptionGroup var data: DataOption
        @Option(help: "Unique name, in any language.") var name: String
        @Option(help: "Sector, e.g. 電力, ガス, 化学, 石油, 通信, 金融.") var sector: String?
        @Option(help: "large, medium or small.") var size: String?
        @Option(help: "ISO 3166 country code.") var country: String = "JP"
        @Option(help: "A domain of the organisation (repeatable); kept from leaving the hub.") var domain: [String] = []
        @Option(help: "Another name of the organisation, in any language (repeatable).") var alias: [String] = []
        @Option(help: "An IPv4 or IPv6 CIDR range of the organisation, e.g. 192.0.2.0/24 (repeatable).")
        var addressRange: [String] = []
        @Option(help: "A host name of the organisation, e.g. FS-KEIRI01 (repeatable).") var host: [String] = []
        @Option(help: "An e-mail address of the organisation (repeatable).") var email: [String] = []
        @Option(help: "A project name to keep from leaving the hub (repeatable).") var project: [String] = []
        @Option(help: "A person's name, e.g. '山田 太郎' (repeatable).") var person: [String] = []
        @Option(help: "A department's name, e.g. 経理部 (repeatable).") var department: [String] = []
        @Option(help: "A telephone number, e.g. 03-1234-5678 (repeatable).") var phone: [String] = []

        /// Every identifier given, checked before anything is stored.
        func identifiers() throws -> [OrganizationIdentifier] {
            let given: [(OrganizationIdentifier.Kind, [String])] = [
                (.domain, domain), (.alias, alias), (.addressRange, addressRange), (.host, host), (.email, email),
                (.project, project), (.person, person), (.department, department), (.phone, phone),
            ]
            return try given.flatMap { kind, values in try values.map { try OrganizationIdentifiers.checked(kind, $0) } }
        }

        func run() async throws {
            let identifiers = try identifiers()
            let hub = try await OpenedHub.open(data)
            let org = try await AccountAdministration(store: hub.store)
                .addOrganization(name: name, sector: sector, size: size, country: country)
            for identifier in identifiers {
                try await hub.store.addIdentifier(identifier, organizationID: org.id)
            }
            print("added organization \(org.name) (\(org.id))")
        }
    }
    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an organisation as a client of another (TLP:AMBER released to the one also reaches its clients).")
        @OptionGroup var data: DataOption
        @Option(help: "The organisation (e.g. an MSSP or a CSIRT).") var org: String
        @Option(help: "Its client, an organisation of the hub.") var client: String

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            try await AccountAdministration(store: hub.store).addClient(client, of: org, by: .hubOperator)
            print("\(client) is a client of \(org)")
        }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations.")
        @OptionGroup var data: DataOption
        func run() async throws {
            let hub = try await OpenedHub.open(data)
            for org in try await hub.store.organizations() {
                print([org.name, org.sector ?? "-", org.size ?? "-", org.country ?? "-", org.id,
                       org.disabledAt == nil ? "enabled" : "disabled", "tier:\(org.tier.rawValue)"].joined(separator: "\t"))
            }
        }
    }
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an organisation: none of its users' passwords or tokens is accepted, from the next request on.")
        @OptionGroup var data: DataOption
        @Option(help: "The organisation (name).") var name: String
        func run() async throws { try await OrgCommand.setDisabled(data, name, true) }
    }
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable a disabled organisation.")
        @OptionGroup var data: DataOption
        @Option(help: "The organisation (name).") var name: String
        func run() async throws { try await OrgCommand.setDisabled(data, name, false) }
    }

    static func setDisabled(_ data: DataOption, _ name: String, _ disabled: Bool) async throws {
        let hub = try await OpenedHub.open(data)
        let org = try await OrganizationIdentifiers.organization(name, in: hub)
        try await AccountAdministration(store: hub.store).setOrganizationDisabled(id: org.id, disabled, by: .hubOperator)
        print("\(org.name) is \(disabled ? "disabled" : "enabled")")
    }
}

/// `kakehashi admin org identifier add|remove|list`: what singles an organisation out, kept from
/// leaving the hub in anonymised releases.
struct IdentifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identifier",
        abstract: "An organisation's identifiers (domains, names, address ranges, hosts, people, phones…).",
        subcommands: [Add.self, Remove.self, List.self])

    struct Target: ParsableArguments {
        @OptionGroup var data: DataOption
        @Option(help: "The organisation (name).") var org: String
        @Option(help: "\(OrganizationIdentifier.Kind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: String
        @Option(help: "The identifier, e.g. 192.0.2.0/24 for an address-range.") var value: String

        func identifier() throws -> OrganizationIdentifier {
            guard let kind = OrganizationIdentifier.Kind(rawValue: kind) else {
                throw CommandFailure("unknown kind \(kind); use one of \(OrganizationIdentifier.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return try OrganizationIdentifiers.checked(kind, value)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an identifier to an organisation.")
        @OptionGroup var target: Target

        func run() async throws {
            let identifier = try target.identifier()
            let hub = try await OpenedHub.open(target.data)
            let org = try await OrganizationIdentifiers.organization(target.org, in: hub)
            try await hub.store.addIdentifier(identifier, organizationID: org.id)
            print("\(org.name): added \(identifier.kind.rawValue) \(identifier.value)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an identifier from an organisation.")
        @OptionGroup var target: Target

        func run() async throws {
            guard let kind = OrganizationIdentifier.Kind(rawValue: target.kind) else {
                throw CommandFailure("unknown kind \(target.kind); use one of \(OrganizationIdentifier.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let hub = try await OpenedHub.open(target.data)
            let org = try await OrganizationIdentifiers.organization(target.org, in: hub)
            let identifier = OrganizationIdentifier(kind: kind, value: OrganizationIdentifiers.stored(kind, target.value))
            guard try await hub.store.removeIdentifier(identifier, organizationID: org.id) else {
                throw CommandFailure("\(org.name) has no \(kind.rawValue) \(target.value)")
            }
            print("\(org.name): removed \(kind.rawValue) \(identifier.value)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organisation's identifiers (kind<TAB>value).")
        @OptionGroup var data: DataOption
        @Option(help: "The organisation (name).") var org: String

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let organization = try await OrganizationIdentifiers.organization(org, in: hub)
            for identifier in try await hub.store.identifiers(organizationID: organization.id) {
                print("\(identifier.kind.rawValue)\t\(identifier.value)")
            }
        }
    }
}

/// Checking and normalising identifiers before they are stored.
enum OrganizationIdentifiers {
    /// The identifier as it is stored, or a clear error (nothing is stored then).
    ///
    /// ```swift
    /// try OrganizationIdentifiers.checked(.addressRange, "192.0.2.0/24")   // ok
    /// try OrganizationIdentifiers.checked(.addressRange, "192.0.2.0/33")   // CommandFailure
    /// ```
    static func checked(_ kind: OrganizationIdentifier.Kind, _ value: String) throws -> OrganizationIdentifier {
        let value = stored(kind, value)
        let problem: String?
        switch kind {
        case .addressRange: problem = IdentifierValidation.addressRangeProblem(value)
        case .domain: problem = IdentifierValidation.domainProblem(value)
        case .email: problem = IdentifierValidation.emailProblem(value)
        case .phone: problem = IdentifierValidation.phoneProblem(value)
        case .alias, .host, .project, .person, .department, .account: problem = IdentifierValidation.nameProblem(value)
        }
        if let problem { throw CommandFailure("--\(kind.rawValue): \(problem); nothing was changed") }
        return OrganizationIdentifier(kind: kind, value: value)
    }

    /// Trimmed; domains and addresses in lower case.
    static func stored(_ kind: OrganizationIdentifier.Kind, _ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .domain, .email, .addressRange: return trimmed.lowercased()
        default: return trimmed
        }
    }

    static func organization(_ name: String, in hub: OpenedHub) async throws -> Organization {
        guard let org = try await hub.store.organization(named: name) else { throw CommandFailure("no organization named \(name)") }
        return org
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Users.",
                                                    subcommands: [Add.self, List.self, Disable.self, Enable.self, Remove.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read from standard input (one line).")
        @OptionGroup var data: DataOption
        @Option(help: "The user's organisation (name).") var org: String
        @Option(help: "E-mail address (the sign-in name).") var email: String
        @Option(help: "hub-admin, hub-analyst, org-admin, member or read-only.") var role: String
        @Flag(help: "Read the password from standard input.") var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw CommandFailure("unknown role \(role); use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw CommandFailure("--password-stdin was given but standard input had no password")
                }
                password = line
            }
            let hub = try await OpenedHub.open(data)
            let user = try await AccountAdministration(store: hub.store)
                .addUser(organization: org, email: email, role: role, password: password)
            print("added user \(user.email) (\(user.role.rawValue)) to \(org)")
        }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List users (email, role, organisation, enabled or disabled, id), of one organisation or all.")
        @OptionGroup var data: DataOption
        @Option(help: "Only this organisation's users (name).") var org: String?
        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let organizations = try await hub.store.organizations()
            let names = Dictionary(organizations.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            var users = try await AccountAdministration(store: hub.store).administeredUsers(by: .hubOperator)
            if let org {
                let only = try await OrganizationIdentifiers.organization(org, in: hub)
                users = users.filter { $0.organizationID == only.id }
            }
            for user in users {
                print([user.email, user.role.rawValue, names[user.organizationID] ?? "-",
                       user.disabledAt == nil ? "enabled" : "disabled", user.id].joined(separator: "\t"))
            }
        }
    }
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: the password and every token are refused from the next request on.")
        @OptionGroup var data: DataOption
        @Option(help: "The user's e-mail address.") var email: String
        func run() async throws {
            let (hub, user) = try await UserCommand.user(data, email)
            try await AccountAdministration(store: hub.store).setUserDisabled(id: user.id, true, by: .hubOperator)
            print("\(user.email) is disabled")
        }
    }
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable a disabled user (password and unrevoked tokens work again).")
        @OptionGroup var data: DataOption
        @Option(help: "The user's e-mail address.") var email: String
        func run() async throws {
            let (hub, user) = try await UserCommand.user(data, email)
            try await AccountAdministration(store: hub.store).setUserDisabled(id: user.id, false, by: .hubOperator)
            print("\(user.email) is enabled")
        }
    }
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a user and their tokens; what they submitted stays with their organisation.")
        @OptionGroup var data: DataOption
        @Option(help: "The user's e-mail address.") var email: String
        func run() async throws {
            let (hub, user) = try await UserCommand.user(data, email)
            try await AccountAdministration(store: hub.store).removeUser(id: user.id, by: .hubOperator)
            print("removed \(user.email)")
        }
    }

    static func user(_ data: DataOption, _ email: String) async throws -> (OpenedHub, User) {
        let hub = try await OpenedHub.open(data)
        return (hub, try await AccountAdministration(store: hub.store).user(email: email))
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens.",
                                                    subcommands: [Add.self, List.self, Revoke.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API token; it is printed once, alone on the last line.")
        @OptionGroup var data: DataOption
        @Option(help: "The user's e-mail address.") var email: String
        @Option(help: "A label to recognise the token by.") var label = "api"

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let secret = try await AccountAdministration(store: hub.store).issueToken(email: email, label: label)
            print("issued token '\(label)' for \(email.lowercased()); it is shown only now:")
            print(secret)
        }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's tokens (id, label, created, active or revoked); never their secrets.")
        @OptionGroup var data: DataOption
        @Option(help: "The user's e-mail address.") var email: String
        func run() async throws {
            let hub = try await OpenedHub.open(data)
            for token in try await AccountAdministration(store: hub.store).tokens(email: email, by: .hubOperator) {
                print([token.id, token.label, token.createdAt.ISO8601Format(),
                       token.revokedAt.map { "revoked \($0.ISO8601Format())" } ?? "active"].joined(separator: "\t"))
            }
        }
    }
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token (by --id, or every active one of --email with --label); refused from the next request on.")
        @OptionGroup var data: DataOption
        @Option(help: "The token's id (see `token list`).") var id: String?
        @Option(help: "The user's e-mail address (with --label).") var email: String?
        @Option(help: "Revoke the user's active tokens with this label (with --email).") var label: String?

        func validate() throws {
            guard (id != nil) != (email != nil || label != nil), id != nil || (email != nil && label != nil) else {
                throw ValidationError("give either --id, or --email and --label")
            }
        }

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let admin = AccountAdministration(store: hub.store)
            if let id {
                try await admin.revokeToken(id: id, by: .hubOperator)
                print("revoked token \(id)")
            } else if let email, let label {
                let count = try await admin.revokeTokens(email: email, label: label, by: .hubOperator)
                guard count > 0 else { throw CommandFailure("\(email.lowercased()) has no active token labelled \(label)") }
                print("revoked \(count) token(s) '\(label)' of \(email.lowercased())")
            }
        }
    }
}

struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feed", abstract: "Feeds (TAXII collections).",
                                                    subcommands: [Add.self, List.self, SetSeverity.self, SetDecay.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a feed.")
        @OptionGroup var data: DataOption
        @Option(help: "Short unique name, e.g. C2.") var name: String
        @Option(help: "Title shown to clients.") var title: String
        @Option(help: "Description.") var description: String?
        @Option(help: "urgent, important, normal or info.") var severity = "normal"

        func run() async throws {
            guard let severity = FeedSeverity(rawValue: severity) else {
                throw CommandFailure("severity must be urgent, important, normal or info")
            }
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !title.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CommandFailure("a feed needs a name and a title")
            }
            let hub = try await OpenedHub.open(data)
            do {
                let feed = try await hub.store.createFeed(Feed(name: name, title: title, description: description,
                                                               severity: severity))
                print("added feed \(feed.name); TAXII collection id \(feed.id)")
            } catch StoreError.duplicate {
                throw CommandFailure("a feed named \(name) already exists")
            }
        }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List feeds with their collection ids.")
        @OptionGroup var data: DataOption
        func run() async throws {
            let hub = try await OpenedHub.open(data)
            for feed in try await hub.store.feeds() {
                let count = try await hub.store.objectCount(feedID: feed.id)
                print([feed.name, feed.id, feed.severity.rawValue, "\(count) objects", feed.title].joined(separator: "\t"))
            }
        }
    }
}

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "group", abstract: "Trust groups (SIGs).",
                                                    subcommands: [Add.self, Join.self, List.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a trust group, optionally with members.")
        @OptionGroup var data: DataOption
        @Option(help: "Unique group name, e.g. 電力SIG.") var name: String
        @Option(help: "A member organisation (repeatable).") var org: [String] = []

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw CommandFailure("the group name is empty") }
            var members: [Organization] = []
            for orgName in org {
                guard let member = try await hub.store.organization(named: orgName) else {
                    throw CommandFailure("no organization named \(orgName)")
                }
                members.append(member)
            }
            let group: TrustGroup
            do { group = try await hub.store.createGroup(TrustGroup(name: name)) } catch StoreError.duplicate {
                throw CommandFailure("a group named \(name) already exists")
            }
            for member in members { try await hub.store.addMember(organizationID: member.id, toGroup: group.id) }
            print("added group \(group.name) with \(members.count) member(s)")
        }
    }
    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an organisation to a trust group.")
        @OptionGroup var data: DataOption
        @Option(help: "Group name.") var name: String
        @Option(help: "Organisation name.") var org: String

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            try await AccountAdministration(store: hub.store).addMember(organization: org, toGroup: name, by: .hubOperator)
            print("\(org) is a member of \(name)")
        }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List trust groups and their members.")
        @OptionGroup var data: DataOption
        func run() async throws {
            let hub = try await OpenedHub.open(data)
            for group in try await hub.store.groups() {
                let members = try await hub.store.members(ofGroup: group.id).map(\.name)
                print("\(group.name)\t\(members.joined(separator: ", "))")
            }
        }
    }
}

struct Grant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set an organisation's or a trust group's rights on a feed (rights not given are removed).")
    @OptionGroup var data: DataOption
    @Option(help: "Feed name.") var feed: String
    @Option(help: "Organisation name.") var org: String?
    @Option(help: "Trust group name.") var group: String?
    @Flag(help: "May read.") var read = false
    @Flag(help: "May write.") var write = false

    func validate() throws {
        guard (org == nil) != (group == nil) else { throw ValidationError("give exactly one of --org and --group") }
    }

    func run() async throws {
        let hub = try await OpenedHub.open(data)
        try await AccountAdministration(store: hub.store).setFeedRights(feed: feed, organization: org, group: group,
                                                                        read: read, write: write, by: .hubOperator)
        let who = org ?? "group \(group ?? "")"
        print("\(who) on \(feed): read \(read ? "yes" : "no"), write \(write ? "yes" : "no")")
    }
}

/// `kakehashi admin corroboration probes`: organisations that reported values other organisations
/// hold (marked RED or AMBER+STRICT, victim identifiers, registered identifiers, inside members'
/// domains or ranges): such reports never count toward corroboration, and many of them from one
/// organisation is the pattern of someone probing the count. Each report is also in the audit trail
/// (`corroboration-probe`).
struct CorroborationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corroboration", abstract: "k-corroboration: the probes flagged to the operator.",
        subcommands: [Probes.self])

    struct Probes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List organisations whose reports matched other organisations' held data.",
            discussion: """
                One line per organisation: FLAG<TAB>organisation<TAB>values<TAB>submissions<TAB>last time, most \
                values first; FLAG is `probing` from \(flagAt) distinct values on, `-` below. --each lists every \
                report instead: organisation<TAB>submission<TAB>observable<TAB>holders<TAB>time.
                """)
        /// Distinct held values one organisation reported from which it is flagged as probing.
        static let flagAt = 3
        @OptionGroup var data: DataOption
        @Flag(help: "List every matching report instead of one line per organisation.") var each = false

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let hits = try await hub.store.probeHits()
            let names = Dictionary(try await hub.store.organizations().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            if each {
                for hit in hits {
                    print([names[hit.organizationID] ?? hit.organizationID, hit.submissionID, hit.observable,
                           String(hit.holders), hit.recordedAt].joined(separator: "\t"))
                }
                return
            }
            let byOrganization = Dictionary(grouping: hits, by: \.organizationID)
            let lines = byOrganization.map { organization, hits in
                (name: names[organization] ?? organization, values: Set(hits.map(\.observable)).count,
                 submissions: Set(hits.map(\.submissionID)).count, last: hits.map(\.recordedAt).max() ?? "")
            }.sorted { ($0.values, $1.name) > ($1.values, $0.name) }
            for line in lines {
                print([line.values >= Self.flagAt ? "probing" : "-", line.name, String(line.values),
                       String(line.submissions), line.last].joined(separator: "\t"))
            }
        }
    }
}
