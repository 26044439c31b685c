// `kakehashi import` and `kakehashi export`: STIX bundles in and out of a feed, and the feed's
// blocklists (Suricata, RPZ, Zeek, MISP, plain lists, CSV) as the operator or as a named user's view.
import Accounts
import ArgumentParser
import Distribution
import Foundation
import Ingestion
import SharingPolicy
import STIX
import Storage

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a STIX 2.1 bundle (or TAXII envelope) into a feed as the hub operator.")
    @OptionGroup var data: DataOption
    @Argument(help: "The bundle file ('-' for standard input).") var file: String
    @Option(help: "Feed name.") var feed: String

    func run() async throws {
        let hub = try await OpenedHub.open(data)
        guard let target = try await hub.store.feed(named: feed) else { throw CommandFailure("no feed named \(feed)") }
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw CommandFailure("cannot read \(file)")
            }
            bytes = Array(contents)
        }
        // The hub's own intake: what members then read of it is known to be received from the hub.
        let intake = hub.intake()
        let submission: Submission
        do {
            submission = try await intake.submit(envelope: bytes, to: target, by: hub.operatorPrincipal)
        } catch let error as IntakeError {
            throw CommandFailure(error.description)
        }
        for failure in submission.failures {
            FileHandle.standardError.write(Data("rejected \(failure.id ?? "(no id)"): \(failure.message ?? "")\n".utf8))
        }
        print("submission \(submission.id): \(submission.successes.count) accepted, \(submission.failures.count) rejected")
        if submission.successes.isEmpty && !submission.failures.isEmpty { throw ExitCode(1) }
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a feed as one STIX 2.1 bundle (every object version), or as a blocklist for devices.",
        discussion: """
        Formats: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default stix). \
        As the operator by default; --as EMAIL writes exactly what that user may read (recorded as their read).
        Formats with several files (misp-feed, suricata with hash lists, suricata-iprep) need -o DIR.
        """)
    @OptionGroup var data: DataOption
    @Option(help: "Feed name.") var feed: String
    @Option(help: "Format: stix, suricata, suricata-iprep, rpz, zeek, misp-feed, misp-event, plain, csv.") var format: String = "stix"
    @Option(name: .customLong("type"), help: "Value types (repeat or comma-separate): ipv4, ipv6, cidr, domain, url, md5, sha1, sha256.")
    var types: [String] = []
    @Option(name: .customLong("as"), help: "Export what this user (e-mail) may read.") var asUser: String?
    @Option(help: "Only indicators marked at most this TLP (clear, green, amber, amber+strict, red).") var tlp: String?
    @Option(name: .customLong("min-confidence"), help: "Only indicators with at least this confidence (0-100).") var minConfidence: String?
    @Option(help: "Only indicators modified within this age (30d, 12h, 90m).") var age: String?
    @Option(help: "Only indicators whose provider is in this sector.") var sector: String?
    @Option(help: "At most this many entries per list; the highest-confidence, freshest are kept.") var limit: String?
    @Option(name: .shortAndLong, help: "Output file, or directory for every file of the export (default: standard output).") var output: String?
    @Option(name: .customLong("as-of"), help: "The blocklist as it will be (or was) at this instant (RFC 3339, e.g. 2026-12-24T00:00:00Z): which indicators freshness keeps then.")
    var asOf: String?

    func run() async throws {
        guard let exportFormat = ExportFormat(rawValue: format) else {
            throw CommandFailure("unknown format \(format): use one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let hub = try await OpenedHub.open(data)
        guard let source = try await hub.store.feed(named: feed) else { throw CommandFailure("no feed named \(feed)") }
        let policy = PolicyEngine(store: hub.store)
        var principal: Principal?
        if let asUser { principal = try await hub.principal(email: asUser) }
        let ledger = principal.map { _ in DeliveryLedger(store: hub.store) }
        let reader: FeedReader
        if let principal {
            guard let made = try await policy.reader(for: principal, feed: source, purpose: .export, ledger: ledger) else {
                throw CommandFailure("\(principal.user.email) may not read feed \(feed)")
            }
            reader = made
        } else {
            guard try await policy.access(of: hub.operatorPrincipal, to: source).canRead else {
                throw CommandFailure("the operator may not read feed \(feed)")
            }
            // The operator's export is one of the hub's own reads, named as such (what hub staff read).
            reader = policy.hubReader(feedID: source.id, purpose: .operatorExport)
        }
        if exportFormat == .stix {
            try await writeBundle(reader: reader, source: source, hub: hub, principal: principal)
        } else {
            try await writeBlocklist(exportFormat, reader: reader, source: source, hub: hub, ledger: ledger)
        }
        await ledger?.flush()
    }

    func writeBlocklist(_ exportFormat: ExportFormat, reader: FeedReader, source: Feed, hub: OpenedHub,
                        ledger: DeliveryLedger?) async throws {
        var filter: ExportFilter
        do {
            filter = try ExportFilter.parse(types: types.joined(separator: ","), tlp: tlp, minConfidence: minConfidence,
                                            age: age, sector: sector, limit: limit)
        } catch let error as ExportRequestError { throw CommandFailure(error.description) }
        // A small member's view is its reduced feed, as the HTTP export answers it.
        if let principal = reader.principal, ReducedFeed.applies(to: principal) {
            filter.reduced = true
        }
        let instant = try asOf.map { text -> Int64 in
            guard let stamp = STIXTimestamp(text) else { throw CommandFailure("--as-of must be an RFC 3339 UTC time such as 2026-12-24T00:00:00Z") }
            return stamp.microsecondsSinceEpoch
        }
        let exporter = FeedExporter(store: hub.store, ledger: ledger, freshness: try FlowConfiguration.load(data.url).freshness)
        let request = ExportRequest(format: exportFormat, filter: filter)
        let document: ExportDocument
        do {
            document = try await exporter.current(request, feed: source, reader: reader, asOfMicroseconds: instant)
        } catch let error as ExportRequestError { throw CommandFailure(error.description) }
        var isDirectory: ObjCBool = false
        let toDirectory = output.map { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
            || $0.hasSuffix("/") || exportFormat == .mispFeed } ?? false
        if document.files.count > 1 && !toDirectory {
            if exportFormat == .mispFeed || output == nil {
                throw CommandFailure("\(exportFormat.rawValue) is several files (\(document.files.map(\.name).joined(separator: ", "))): name a directory with -o DIR")
            }
            FileHandle.standardError.write(Data("note: only \(document.main.name) written; -o DIR writes \(document.files.map(\.name).joined(separator: ", "))\n".utf8))
        }
        if let output, toDirectory {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for file in document.files {
                guard FileManager.default.createFile(atPath: (output as NSString).appendingPathComponent(file.name), contents: Data(file.bytes)) else {
                    throw CommandFailure("cannot write \(file.name) in \(output)")
                }
            }
        } else if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(document.main.bytes)) else {
                throw CommandFailure("cannot write \(output)")
            }
        } else {
            FileHandle.standardOutput.write(Data(document.main.bytes))
        }
        await exporter.record(document, request: request, feed: source, reader: reader)
        if reader.principal == nil {
            try await hub.store.appendAudit([AuditEvent(
                action: .export, actorUserID: nil, actorOrganizationID: hub.operatorOrganization.id, subject: source.id,
                details: ["path": "cli", "format": exportFormat.rawValue, "count": String(document.valueCount), "output": output ?? "stdout"])])
        }
        if let cut = document.cutReport {
            FileHandle.standardError.write(Data("cut by --limit \(limit ?? ""): \(cut)\n".utf8))
        }
        FileHandle.standardError.write(Data("\(document.valueCount) values exported as \(exportFormat.rawValue)\n".utf8))
    }

    func writeBundle(reader: FeedReader, source: Feed, hub: OpenedHub, principal: Principal?) async throws {
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                throw CommandFailure("cannot write \(output)")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        } else {
            handle = FileHandle.standardOutput
        }
        handle.write(Data("{\"type\":\"bundle\",\"id\":\"bundle--\(UUID().uuidString.lowercased())\",\"objects\":[".utf8))
        var query = ObjectQuery(feedID: source.id, versions: .every, limit: 5000)
        var first = true
        var exported = 0
        while true {
            let page = try await reader.page(query)
            var chunk = Data()
            for object in page.objects {
                if !first { chunk.append(UInt8(ascii: ",")) }
                chunk.append(object.bytes)
                first = false
            }
            handle.write(chunk)
            exported += page.objects.count
            guard page.more, let last = page.objects.last else { break }
            query.afterPosition = last.position
            query.afterDateAdded = last.dateAddedMicroseconds
            query.listingStart = page.listingStart
        }
        handle.write(Data("]}\n".utf8))
        if output != nil { try handle.close() }
        // A user's export is recorded by its reader (the delivery ledger); the operator's is one entry.
        guard principal == nil else { return }
        try await hub.store.appendAudit([AuditEvent(
            action: .export, actorUserID: nil, actorOrganizationID: hub.operatorOrganization.id, subject: source.id,
            details: ["path": "cli", "count": String(exported), "output": output ?? "stdout"])])
    }
}
