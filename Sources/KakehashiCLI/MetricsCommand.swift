// KakehashiCLI — MetricsCommand.swift
// Owns `kakehashi metrics coverage|lead-time|daily --json|--csv [--as EMAIL] [--feed F] [--sector S]
// [--from D] [--to D] [--rir-dir DIR]`: the sharing metrics (SharingMetrics) printed for scripts.
// Without --as the operator sees every organisation by name; with --as, what that user would see
// through the API (its own organisation only).
import ArgumentParser
import Accounts
import Foundation
import SharingMetrics
import SharingPolicy

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Sharing metrics: coverage, lead time, daily counts (seed 001).",
        subcommands: [Coverage.self, LeadTime.self, Daily.self])

    struct Options: ParsableArguments {
        @OptionGroup var data: DataOption
        @Flag(help: "Print JSON (the default).") var json = false
        @Flag(help: "Print CSV with a header row.") var csv = false
        @Option(name: .customLong("as"), help: "E-mail address of the user to see them as (default: the operator, everything).")
        var email: String?
        @Option(help: "Only this feed (by name).") var feed: String?
        @Option(help: "Only organisations of this sector.") var sector: String?
        @Option(help: "From this date (2026-12-07) or RFC 3339 timestamp.") var from: String?
        @Option(help: "Up to this date (inclusive) or RFC 3339 timestamp (exclusive).") var to: String?
        @Option(help: "Directory of RIR delegated-extended statistics files (*.txt) for countries (default DATA/rir).")
        var rirDir: String?

        func validate() throws {
            if json && csv { throw ValidationError("give --json or --csv, not both") }
        }

        func run(_ compute: (SharingMetrics, MetricsViewer, MetricsFilter, Principal?) async throws -> any MetricsReport) async throws {
            let filter: MetricsFilter
            do {
                filter = try MetricsFilter.parse(feed: feed, sector: sector, from: from, to: to)
            } catch let error as MetricsError {
                throw CommandFailure(error.description)
            }
            let directory = rirDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? data.url.appendingPathComponent("rir", isDirectory: true)
            let countries: CountryTable
            do {
                countries = try CountryTable.load(directory: directory)
            } catch {
                throw CommandFailure("cannot read the RIR statistics in \(directory.path): \(error.localizedDescription)")
            }
            let hub = try await OpenedHub.open(data)
            var principal: Principal?
            if let email { principal = try await hub.principal(email: email) }
            let viewer = principal.map(MetricsViewer.init) ?? .hubStaff
            let metrics = SharingMetrics(store: hub.store, policy: PolicyEngine(store: hub.store), countries: countries)
            let report: any MetricsReport
            do {
                report = try await compute(metrics, viewer, filter, principal)
            } catch let error as MetricsError {
                throw CommandFailure(error.description)
            }
            if csv {
                FileHandle.standardOutput.write(Data(report.csv.utf8))
            } else {
                print(report.jsonText)
            }
        }
    }

    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many of each organisation's indicators other organisations also hold (the overlap matrix, by sector).")
        @OptionGroup var options: Options
        func run() async throws {
            try await options.run { try await $0.coverage(for: $1, filter: $2, principal: $3) }
        }
    }

    struct LeadTime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lead-time",
            abstract: "How long before an organisation held an indicator itself the hub had delivered it (median, p90, histogram).")
        @OptionGroup var options: Options
        func run() async throws {
            try await options.run { try await $0.leadTime(for: $1, filter: $2, principal: $3) }
        }
    }

    struct Daily: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Daily counts of new C2, phishing and malware-hosting indicators by feed, sector and country.")
        @OptionGroup var options: Options
        func run() async throws {
            try await options.run { try await $0.daily(for: $1, filter: $2, principal: $3) }
        }
    }
}
