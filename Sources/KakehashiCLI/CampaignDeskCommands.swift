// KakehashiCLI — CampaignDeskCommands.swift
// Owns the hub analysts' campaign commands on a stored hub: `kakehashi campaigns list [--candidates]
// --json`, `confirm ID [--name N]`, `rename ID --name N`, `merge ID ID...`, `split ID --submissions S...`,
// `reject ID`, `recluster` and `release ID --feed F --to-group G`. They act as the operator, or as
// the hub analyst named with --as; anyone else is refused as the JSON API refuses them.
import Accounts
import ArgumentParser
import CampaignDesk
import Foundation
import STIX
import Storage

/// Who acts: --as EMAIL (a hub analyst or admin) or the operator.
struct CampaignActor: ParsableArguments {
    @Option(name: .customLong("as"), help: "E-mail address of the hub analyst acting (default: the operator).")
    var email: String?

    func principal(_ hub: OpenedHub) async throws -> Principal {
        guard let email else { return hub.operatorPrincipal }
        return try await hub.principal(email: email)
    }
}

/// Runs a desk action and prints its result as JSON; the desk's refusals become command errors.
func runCampaignAction(_ data: DataOption, _ actor: CampaignActor,
                       _ body: (CampaignDesk, Principal) async throws -> JSONValue) async throws {
    let hub = try await OpenedHub.open(data)
    let principal = try await actor.principal(hub)
    do {
        let output = try await body(hub.campaignDesk(), principal)
        print(String(decoding: output.serialized(), as: UTF8.self))
    } catch let error as CampaignDeskError {
        throw CommandFailure(error.description)
    }
}

extension CampaignsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hub analysts: the confirmed campaigns (and candidates) of the stored hub.",
            discussion: """
                Prints [{"id", "name", "status": "candidate"|"confirmed", "submissions": [submission ids], \
                "evidence": [{"kind", "values", "links"}], "updates": [submission ids that joined since the \
                analysts last looked], "released": {"stix_id", "version", "versions", "release"}|null, "created", "updated"}].
                """)
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor
        @Flag(help: "Also list the candidates.") var candidates = false
        @Flag(help: "Also list rejected campaigns.") var rejected = false
        @Flag(help: "Print JSON (the only format).") var json = false

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                .array(try await desk.list(includeCandidates: candidates, includeRejected: rejected, by: principal)
                    .map(CampaignListing.json))
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hub analysts: confirm a candidate (it gets a lasting campaign id) and name it; prints the campaign.")
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor
        @Argument(help: "The candidate's id (from campaigns list --candidates).") var id: String
        @Option(help: "The campaign's name.") var name: String?

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                CampaignListing.json(try await desk.confirm(id, name: name, by: principal))
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hub analysts: rename a confirmed campaign.")
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor
        @Argument(help: "The campaign's id.") var id: String
        @Option(help: "The new name.") var name: String

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                CampaignListing.json(try await desk.rename(id, to: name, by: principal))
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hub analysts: merge campaigns (candidates or confirmed) into one confirmed campaign.")
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor
        @Argument(help: "Two or more campaign ids.") var ids: [String]
        @Option(help: "The merged campaign's name.") var name: String?

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                CampaignListing.json(try await desk.merge(ids, name: name, by: principal))
            }
        }
    }

    struct Split: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hub analysts: the listed submissions leave a campaign and form a new confirmed one; prints both.")
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor
        @Argument(help: "The campaign's id.") var id: String
        @Option(parsing: .upToNextOption, help: "The submission ids that leave.") var submissions: [String]
        @Option(help: "The new campaign's name.") var name: String?

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                let (stays, leaves) = try await desk.split(id, leaving: submissions, name: name, by: principal)
                return .object(JSONObject([("stays", CampaignListing.json(stays)), ("leaves", CampaignListing.json(leaves))]))
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hub analysts: reject a candidate; its submissions stay together as rejected, so it does not form again.")
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor
        @Argument(help: "The candidate's id.") var id: String

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                CampaignListing.json(try await desk.reject(id, by: principal))
            }
        }
    }

    struct Recluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hub analysts: cluster every stored submission again; confirmed campaigns keep their ids and members.",
            discussion: "Prints the confirmed campaigns and the candidates, as campaigns list --candidates --json does.")
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                let started = Date()
                let records = try await desk.recluster(by: principal)
                FileHandle.standardError.write(Data(String(format: "re-clustered in %.2f s\n", Date().timeIntervalSince(started)).utf8))
                return .array(records.map(CampaignListing.json))
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hub analysts: release a confirmed campaign as anonymised hub-authored STIX to a feed and audience.",
            discussion: """
                The campaign (first and last seen, waves), indicators of its attachment hashes and C2 (indicates), \
                the malware and ATT&CK techniques it uses, and the sectors it targets (identities of class "class"), \
                with no name of a member or victim. A submission that joins it later is released as a new version \
                to the same audience. Prints the campaign with its released STIX id.
                """)
        @OptionGroup var data: DataOption
        @OptionGroup var actor: CampaignActor
        @Argument(help: "The campaign's id.") var id: String
        @Option(help: "The feed to release it in.") var feed: String
        @Option(name: .customLong("to-group"), help: "A trust group that receives it (repeatable).") var groups: [String] = []
        @Option(name: .customLong("to-org"), help: "An organisation that receives it (repeatable).") var organizations: [String] = []
        @Flag(name: .customLong("all-members"), help: "Every member organisation receives it.") var allMembers = false

        func run() async throws {
            try await runCampaignAction(data, actor) { desk, principal in
                let scope = ReleaseScope(groups: groups, organizations: organizations, allMembers: allMembers)
                return CampaignListing.json(try await desk.release(id, feed: feed, scope: scope, by: principal))
            }
        }
    }
}
