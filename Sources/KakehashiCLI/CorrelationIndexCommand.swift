// KakehashiCLI — CorrelationIndexCommand.swift
// Owns `kakehashi correlation reindex [--all]`: the observable index's backfill for versions stored
// before the index (scheduled by the upgrade's migration, also run by `serve` at start), chunk by
// chunk and resumable; with --all, every stored version again (idempotent: nothing changes for
// versions already indexed).
import ArgumentParser
import Foundation
import Ingestion
import Storage

struct CorrelationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlation",
        abstract: "The observable index behind correlation on arrival.",
        subcommands: [Reindex.self])

    struct Reindex: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index the observables of versions stored before the index (what the upgrade scheduled).",
            discussion: """
                Versions stored before the observable index existed have no entries, so they correlate with \
                nothing. The upgrade schedules them; `kakehashi serve` indexes what is pending when it starts, \
                and this command does it now and waits, printing its progress. It works in chunks of --chunk \
                versions, each one short transaction (a running server keeps taking submissions), and resumes \
                where it stopped if interrupted. --all schedules every stored version again first. Running it \
                twice changes nothing: entries already in the index are kept.
                """)
        @OptionGroup var data: DataOption
        @Flag(help: "Schedule every stored version again (not only those the upgrade found).") var all = false
        @Option(help: "Versions per transaction.") var chunk = 1_000

        func validate() throws {
            guard (1...100_000).contains(chunk) else { throw ValidationError("--chunk must be 1 to 100000") }
        }

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            if all { try await hub.store.scheduleObservableBackfill() }
            guard let pending = try await hub.store.observableBackfillProgress() else {
                print("observable index: nothing to backfill")
                return
            }
            let before = try await hub.store.indexedObservableCount()
            print("observable index: backfilling versions at positions \(pending.after + 1)...\(pending.through)")
            let backfill = ObservableIndexBackfill(store: hub.store, defaultTLP: hub.settings.defaultTLP, chunk: chunk)
            var last = Date()
            let chunks = try await backfill.run { progress in
                if Date().timeIntervalSince(last) >= 5 {
                    last = Date()
                    print("  up to position \(progress.after) of \(progress.through)")
                }
            }
            let after = try await hub.store.indexedObservableCount()
            print("observable index: done in \(chunks) chunk(s); \(after - before) entries added (\(after) in all)")
        }
    }
}
