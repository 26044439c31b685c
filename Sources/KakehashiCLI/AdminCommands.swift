// `kakehashi admin …`: organisations, users, tokens, feeds and feed rights.
import Accounts
import ArgumentParser
import Foundation
import Storage

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer organisations, users, tokens, feeds and rights.",
        subcommands: [OrgCommand.self, UserCommand.self, TokenCommand.self, FeedCommand.self, GroupCommand.self,
                      Grant.self])
}

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "org", abstract: "Organisations.",
                                                    subcommands: [Add.self, List.self, Client.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member organisation.")
        @OptionGroup var data: DataOption
        @Option(help: "Unique name, in any language.") var name: String
        @Option(help: "Sector, e.g. 電力, ガス, 化学, 石油, 通信, 金融.") var sector: String?
        @Option(help: "large, medium or small.") var size: String?
        @Option(help: "ISO 3166 country code.") var country: String = "JP"
        @Option(help: "A domain of the organisation (repeatable); kept from leaving the hub.") var domain: [String] = []
        @Option(help: "Another name of the organisation, in any language (repeatable).") var alias: [String] = []

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let org = try await AccountAdministration(store: hub.store)
                .addOrganization(name: name, sector: sector, size: size, country: country)
            for value in domain {
                try await hub.store.addIdentifier(OrganizationIdentifier(kind: .domain, value: value.lowercased()),
                                                  organizationID: org.id)
            }
            for value in alias {
                try await hub.store.addIdentifier(OrganizationIdentifier(kind: .alias, value: value), organizationID: org.id)
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
            guard let patron = try await hub.store.organization(named: org) else { throw CommandFailure("no organization named \(org)") }
            guard let customer = try await hub.store.organization(named: client) else {
                throw CommandFailure("no organization named \(client)")
            }
            guard patron.id != customer.id else { throw CommandFailure("an organisation cannot be its own client") }
            try await hub.store.addClient(customer.id, ofOrganization: patron.id)
            print("\(customer.name) is a client of \(patron.name)")
        }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations.")
        @OptionGroup var data: DataOption
        func run() async throws {
            let hub = try await OpenedHub.open(data)
            for org in try await hub.store.organizations() {
                print([org.name, org.sector ?? "-", org.size ?? "-", org.country ?? "-", org.id].joined(separator: "\t"))
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Users.", subcommands: [Add.self])
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
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens.", subcommands: [Add.self])
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
}

struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feed", abstract: "Feeds (TAXII collections).",
                                                    subcommands: [Add.self, List.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a feed.")
        @OptionGroup var data: DataOption
        @Option(help: "Short unique name, e.g. C2.") var name: String
        @Option(help: "Title shown to clients.") var title: String
        @Option(help: "Description.") var description: String?
        @Option(help: "urgent, important or normal.") var severity = "normal"

        func run() async throws {
            guard let severity = FeedSeverity(rawValue: severity) else {
                throw CommandFailure("severity must be urgent, important or normal")
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
            guard let group = try await hub.store.group(named: name) else { throw CommandFailure("no group named \(name)") }
            guard let member = try await hub.store.organization(named: org) else { throw CommandFailure("no organization named \(org)") }
            try await hub.store.addMember(organizationID: member.id, toGroup: group.id)
            print("\(member.name) is a member of \(group.name)")
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
        guard let feed = try await hub.store.feed(named: feed) else { throw CommandFailure("no feed named \(self.feed)") }
        let who: String
        if let org {
            guard let organization = try await hub.store.organization(named: org) else {
                throw CommandFailure("no organization named \(org)")
            }
            try await hub.store.setGrant(FeedGrant(feedID: feed.id, organizationID: organization.id, canRead: read,
                                                   canWrite: write))
            who = organization.name
        } else {
            let name = group ?? ""
            guard let trustGroup = try await hub.store.group(named: name) else { throw CommandFailure("no group named \(name)") }
            try await hub.store.setGroupGrant(FeedGroupGrant(feedID: feed.id, groupID: trustGroup.id, canRead: read,
                                                             canWrite: write))
            who = "group \(trustGroup.name)"
        }
        print("\(who) on \(feed.name): read \(read ? "yes" : "no"), write \(write ? "yes" : "no")")
    }
}
