// `kakehashi import` and `kakehashi export`: STIX bundles in and out of a feed.
import ArgumentParser
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
        abstract: "Write every object version of a feed as one STIX 2.1 bundle.")
    @OptionGroup var data: DataOption
    @Option(help: "Feed name.") var feed: String
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

    func run() async throws {
        let hub = try await OpenedHub.open(data)
        guard let source = try await hub.store.feed(named: feed) else { throw CommandFailure("no feed named \(feed)") }
        let policy = PolicyEngine(store: hub.store)
        guard try await policy.access(of: hub.operatorPrincipal, to: source).canRead else {
            throw CommandFailure("the operator may not read feed \(feed)")
        }
        // The operator's export is one of the hub's own reads, named as such (what hub staff read).
        let reader = policy.hubReader(feedID: source.id, purpose: .operatorExport)
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
        try await hub.store.appendAudit([AuditEvent(
            action: .export, actorUserID: nil, actorOrganizationID: hub.operatorOrganization.id, subject: source.id,
            details: ["path": "cli", "count": String(exported), "output": output ?? "stdout"])])
    }
}
