// `kakehashi submit KIND FILE --as EMAIL --feed F` (a member's hand-over, stored held) and
// `kakehashi extract email|text FILE` (a dry run that prints what extraction makes of a file).
import Accounts
import Anonymization
import ArgumentParser
import Extraction
import Foundation
import IndicatorExtraction
import Ingestion
import SharingPolicy
import Specimens
import STIX
import Storage

/// What a member can hand over.
enum HandOverKind: String, ExpressibleByArgument, CaseIterable {
    case email, sample, report, text, csv, observations
}

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit an attack e-mail, sample, incident report, text, CSV or observations as a member; prints the submission id.",
        discussion: """
            email: an .eml (or the member's forward carrying it as an attachment). sample: any file (stored \
            encrypted in the vault). report: an incident report as JSON (see the README). text: a report or \
            list to extract indicators from. csv: indicators, with --column NAME=KIND mappings (KIND: ip, \
            domain, url, email, md5, sha1, sha256, sha512, cve, attack-technique, auto). observations: \
            darknet sensor CSV (time, source IP, destination port, protocol, count), or --malware-activity.
            """)
    @OptionGroup var data: DataOption
    @Argument(help: "email | sample | report | text | csv | observations") var kind: HandOverKind
    @Argument(help: "The file ('-' for standard input; not for samples).") var file: String
    @Option(name: .customLong("as"), help: "E-mail address of the submitting user.") var email: String
    @Option(help: "Feed name.") var feed: String
    @Option(help: "TLP of what is submitted: clear, green, amber, amber+strict, red (default: none, the hub default applies).")
    var tlp: String?
    @Option(help: "CSV column mapping, e.g. --column indicator=auto --column sha256=sha256 (repeatable).")
    var column: [String] = []
    @Flag(help: "Observations are malware-activity statistics rather than darknet sensor logs.")
    var malwareActivity = false
    @Option(help: "Time zone of observation times without one (default UTC).") var timeZone: String = "UTC"

    func run() async throws {
        let hub = try await OpenedHub.open(data)
        let principal = try await hub.principal(email: email)
        guard let target = try await hub.store.feed(named: feed) else { throw CommandFailure("no feed named \(feed)") }
        let level = try tlp.map { text -> TLPLevel in
            guard let level = TLPLevel(stixLevel: text.lowercased()) else { throw CommandFailure("unknown TLP \(text)") }
            return level
        }
        let author = SubmissionDesk.author(tlp: level)
        // The same intake as a TAXII or API submission: standing consent and corroboration apply.
        let desk = SubmissionDesk(intake: hub.intake(), vault: try hub.vault(data))
        let extracted: ExtractedSubmission
        do {
            switch kind {
            case .sample:
                guard file != "-" else { throw CommandFailure("a sample must be a file") }
                let facts = try desk.storeSample(file: URL(fileURLWithPath: file),
                                                 originalFilename: URL(fileURLWithPath: file).lastPathComponent)
                extracted = SampleSubmission.describe(facts, downloadURL: nil, author: author)
            default:
                extracted = try HandOverCLI.extract(kind, bytes: try readInput(file), author: author, columns: column,
                                                    malwareActivity: malwareActivity, timeZone: timeZone, data: data.url)
            }
        } catch let error as ExtractionError {
            throw CommandFailure(error.description)
        } catch let error as IntakeError {
            throw CommandFailure(error.description)
        }
        let submission: Submission
        do {
            submission = try await desk.submit(extracted, kind: kind.submissionKind, sourceName: file == "-" ? nil : URL(fileURLWithPath: file).lastPathComponent,
                                               to: target, by: principal)
        } catch let error as IntakeError {
            throw CommandFailure(error.description)
        }
        for warning in extracted.warnings.prefix(50) { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        for failure in submission.failures {
            FileHandle.standardError.write(Data("rejected \(failure.id ?? "(no id)"): \(failure.message ?? "")\n".utf8))
        }
        let releases = try await hub.store.releases(submissionID: submission.id)
        if releases.isEmpty {
            FileHandle.standardError.write(Data("\(submission.successes.count) objects held for \(principal.organization.name); release them with POST /api/v1/submissions/\(submission.id)/release\n".utf8))
        } else {
            FileHandle.standardError.write(Data("\(submission.successes.count) objects stored for \(principal.organization.name); \(releases.count) release(s) made at once by its standing consent\n".utf8))
        }
        print(submission.id)
    }
}

struct Extract: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dry run: print what extraction makes of an e-mail or a text, as one JSON object; stores nothing.",
        discussion: """
            Prints {"bundle": <STIX 2.1 bundle>, "victim_identifiers": [...], "anonymized_preview": <bundle as it \
            would be shared anonymised>, "warnings": [...]}. With --data, the hub's identity and anonymisation \
            key are used for the preview; otherwise a throw-away key.
            """)
    @Argument(help: "email | text") var kind: HandOverKind
    @Argument(help: "The file ('-' for standard input).") var file: String
    @Option(help: "A hub's data directory (optional): its identity and key make the preview exact.") var data: String?
    @Option(help: "The hub's intake mailbox members forward to (repeatable): never a victim identifier.") var intake: [String] = []

    func run() async throws {
        guard kind == .email || kind == .text else { throw CommandFailure("extract takes email or text") }
        let extracted: ExtractedSubmission
        do {
            extracted = try HandOverCLI.extract(kind, bytes: try readInput(file), author: STIXAuthoring(), columns: [],
                                                malwareActivity: false, timeZone: "UTC",
                                                data: self.data.map { URL(fileURLWithPath: $0) }, intake: intake)
        } catch let error as ExtractionError {
            throw CommandFailure(error.description)
        }
        let settings: AnonymizationSettings
        if let data {
            settings = try HubSecrets.load(URL(fileURLWithPath: data))
        } else {
            settings = AnonymizationSettings(hubIdentityID: "identity--\(UUID().uuidString.lowercased())",
                                             idKey: (0..<32).map { _ in UInt8.random(in: 0...255) })
        }
        var profile = VictimProfile()
        profile.add(victimIdentifiers: extracted.victimIdentifiers, kinds: extracted.victimIdentifierKinds.mapValues(\.rawValue))
        let values = extracted.objects.map { JSONValue.object($0) }
        var preview: [JSONValue] = []
        var warnings = extracted.warnings
        if !extracted.victimIdentifiers.isEmpty {
            for result in Anonymizer.anonymize(objects: values, profile: profile, settings: settings) {
                if let released = result.releasedValue { preview.append(released) }
            }
            let findings = LeakCheck.findings(in: JSONValue.array(preview).serialized(), profile: profile)
            if let first = findings.first {
                warnings.append("the anonymised preview would be blocked: it still contains '\(first.identifier)'")
                preview = []
            }
        }
        let output = JSONValue.object(JSONObject([
            ("bundle", extracted.bundle()),
            ("victim_identifiers", .array(extracted.victimIdentifiers.map { .string($0) })),
            ("anonymized_preview", .bundle(of: preview)),
            ("warnings", .array(warnings.map { .string($0) })),
        ]))
        FileHandle.standardOutput.write(Data(output.serialized()))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// Reads a file or standard input.
func readInput(_ file: String) throws -> [UInt8] {
    if file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let contents = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
    return Array(contents)
}

/// The extraction for each kind of hand-over read from bytes (the same as the JSON API's).
enum HandOverCLI {
    static func extract(_ kind: HandOverKind, bytes: [UInt8], author: STIXAuthoring, columns: [String],
                        malwareActivity: Bool, timeZone: String, data: URL? = nil,
                        intake: [String] = []) throws -> ExtractedSubmission {
        var options = HandOver.Options()
        if let data {
            do { options.warningLists = try HandOver.warningLists(dataDirectory: data) } catch {
                throw CommandFailure("the warning lists in \(data.path)/warninglists cannot be read: \(error)")
            }
        }
        options.columns = columns
        options.malwareActivity = malwareActivity
        options.timeZone = timeZone
        options.intakeAddresses = intake
        return try HandOver.extract(kind.submissionKind, bytes: bytes, author: author, options: options)
    }
}

extension HandOverKind {
    var submissionKind: SubmissionKind {
        switch self {
        case .email: .email
        case .sample: .sample
        case .report: .report
        case .text: .text
        case .csv: .csv
        case .observations: .observations
        }
    }
}
