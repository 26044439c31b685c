// KakehashiCLI — CampaignsCommand.swift
// Owns the `kakehashi campaigns` command group (the analysts' commands on a stored hub are in
// CampaignDeskCommands.swift) and `kakehashi campaigns cluster DIR`: the campaign engine run offline over a directory of
// reported e-mails (.eml), printing each file's campaign candidate, incrementally in file order as
// on arrival and after a full re-clustering. Stores nothing; it is how the engine is measured
// (scripts/score_campaigns.py against Tests/CampaignCorpus).
import ArgumentParser
import CampaignDesk
import Campaigns
import Extraction
import Foundation
import IndicatorExtraction
import MailParsing
import STIX

struct CampaignsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns", abstract: "Campaigns: candidates, confirmed campaigns and their release.",
        subcommands: [List.self, Confirm.self, Rename.self, Merge.self, Split.self, Reject.self, Recluster.self, Release.self,
                      Cluster.self])

    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dry run: cluster the .eml files of a directory into campaign candidates; stores nothing.",
            discussion: """
                Files are taken in name order as if they arrived in that order. Prints {"files": [{"file", \
                "submission", "incremental", "outcome", "campaign"}], "candidates": [{"id", "submissions"}], \
                "excluded": {"list": count}}: "incremental" is the candidate on arrival, "campaign" after a \
                full re-clustering. Values on the bundled warning lists, free-mail domains and the values in \
                --exclusions never link.
                """)
        @Argument(help: "A directory of .eml files.") var directory: String
        @Flag(help: "Print JSON (the only format).") var json = false
        @Option(help: "A file of values that never link (one a line; '#' comments).") var exclusions: String?
        @Option(help: "Mean link weight at which two groups join (default 0.3).") var averageLinkage: Double?
        @Option(help: "Weight of one kind of evidence, e.g. x-mailer=0.1 (repeatable).") var weight: [String] = []
        @Option(help: "Least weight of a link made of similarity alone (default 0.5).") var minimumWeakWeight: Double?
        @Flag(help: "Also print each file's links on arrival with their evidence.") var evidence = false

        func run() async throws {
            let folder = URL(fileURLWithPath: directory)
            guard let listing = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
                throw CommandFailure("cannot read the directory \(directory)")
            }
            let names = listing.filter { $0.lowercased().hasSuffix(".eml") }.sorted()
            guard !names.isEmpty else { throw CommandFailure("no .eml files in \(directory)") }
            var settings = ClusteringSettings(exclusions: try Self.exclusions(file: exclusions))
            if let averageLinkage { settings.averageLinkage = averageLinkage }
            if let minimumWeakWeight { settings.minimumWeakWeight = minimumWeakWeight }
            for item in weight {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let kind = EvidenceKind(rawValue: parts[0]), let value = Double(parts[1]), value >= 0 else {
                    throw CommandFailure("--weight takes KIND=NUMBER with KIND one of " +
                                         EvidenceKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                settings.weights[kind] = value
            }
            var engine = CampaignClustering(settings: settings)
            var rows: [(file: String, submission: String, arrival: CampaignArrival?)] = []
            var excluded: [String: Int] = [:]
            for name in names {
                let submission = String(name.dropLast(4))
                guard let traits = Self.traits(of: folder.appendingPathComponent(name), submission: submission) else {
                    rows.append((name, submission, nil))
                    continue
                }
                let arrival = engine.add(traits)
                for link in arrival.links { for value in link.excluded { excluded[value.list, default: 0] += 1 } }
                rows.append((name, submission, arrival))
            }
            engine.recluster()
            let files: [JSONValue] = rows.map { row in
                var members: [(String, JSONValue)] = [("file", .string(row.file)), ("submission", .string(row.submission))]
                if let arrival = row.arrival {
                    members.append(("incremental", .string(arrival.campaignID)))
                    members.append(("outcome", .string(Self.outcomeName(arrival.outcome))))
                    members.append(("links", .number(String(arrival.links.filter { !$0.evidence.isEmpty }.count))))
                    if evidence { members.append(("evidence", .array(arrival.links.compactMap(Self.linkJSON)))) }
                } else {
                    members.append(("error", .string("not an e-mail message; left out")))
                }
                members.append(("campaign", engine.campaign(of: row.submission).map { .string($0) } ?? .null))
                return .object(JSONObject(members))
            }
            let candidates: [JSONValue] = engine.candidates.map { candidate in
                .object(JSONObject([("id", .string(candidate.id)),
                                    ("status", .string(candidate.confirmed ? "confirmed" : "candidate")),
                                    ("submissions", .array(candidate.submissionIDs.map { .string($0) }))]))
            }
            let output = JSONValue.object(JSONObject([
                ("files", .array(files)), ("candidates", .array(candidates)),
                ("excluded", .object(JSONObject(excluded.keys.sorted().map { ($0, .number(String(excluded[$0]!))) }))),
            ]))
            print(String(decoding: output.serialized(), as: UTF8.self))
        }

        static func linkJSON(_ link: EvidenceLink) -> JSONValue? {
            guard !link.evidence.isEmpty else { return nil }
            return .object(JSONObject([
                ("with", .string(link.second)), ("weight", .number(String(format: "%.3f", link.weight))),
                ("evidence", .array(link.evidence.map { item in
                    .string("\(item.kind.rawValue) \(String(format: "%.2f", item.weight)) \(item.values.prefix(2).joined(separator: " | "))")
                })),
            ]))
        }

        static func outcomeName(_ outcome: CampaignArrival.Outcome) -> String {
            switch outcome {
            case .created: "created"
            case .joined: "joined"
            case .merged: "merged"
            }
        }

        /// The traits of one reported e-mail, with the victim identifiers the extraction finds.
        static func traits(of file: URL, submission: String) -> SubmissionTraits? {
            guard let bytes = try? Data(contentsOf: file), let message = try? MailMessage.parse(bytes) else { return nil }
            let report = ForwardedAttack(message)
            let extracted = EmailSubmission.extract(report)
            let forwarder = report.layers.first?.message.from?.domain ?? ""
            return SubmissionTraits(submissionID: submission, organization: forwarder, report: report,
                                    victimIdentifiers: extracted.victimIdentifiers)
        }

        /// Free-mail domains, the bundled warning lists (CDN and cloud ranges, public resolvers, the
        /// most visited domains …) and the operator's values.
        static func exclusions(file: String?) throws -> ValueExclusions {
            do {
                return CampaignExclusions.standard(operatorValues: try file.map(CampaignExclusions.values(ofFile:)) ?? [])
            } catch let error as CampaignDeskError {
                throw CommandFailure(error.description)
            }
        }
    }
}
