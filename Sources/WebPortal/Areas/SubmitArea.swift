// WebPortal submit area: handing something over in the browser — an attack e-mail (.eml, drag and
// drop as a progressive enhancement), a specimen, the incident report form (technical part and
// context part), pasted indicators, a CSV with its column-mapping step. Each goes through the same
// extraction (HandOver) and SubmissionDesk as `POST /api/v1/submissions/upload`, is stored held, and
// the browser is sent to the submission's page: what was extracted, the warnings, the anonymised
// preview — nothing is released from here.
import Extraction
import Foundation
import Hummingbird
import Ingestion
import SharingPolicy
import STIX
import Storage

enum SubmitArea: PortalArea {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Column: Sendable {
        let index: Int
        let name: String
        let field: String
        let options: [Option]
    }

    struct Model: Sendable {
        let feeds: [Option]
        let hasFeeds: Bool
        let tlps: [Option]
        let error: String?
        let detail: String?
        let text: String
    }

    struct MappingModel: Sendable {
        let feed: String
        let tlp: String
        let text: String
        let columns: [Column]
    }

    /// What the portal offers for a CSV column (`ignore` maps nothing).
    static let columnKinds = ["ignore", "auto", "ip", "domain", "url", "email", "md5", "sha1", "sha256", "cve",
                              "description", "first-seen", "tags"]
    static let uploadLimit = 64 << 20

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("submit") { page in
            let reader = try page.requireWriter()
            return try await form(page, reader, error: nil, detail: nil)
        }
        routes.form("submit", limit: uploadLimit) { page, form in
            let reader = try page.requireWriter()
            return try await submit(page, reader, form)
        }
    }

    /// The feeds the reader's organisation may submit to.
    static func writableFeeds(_ page: PortalPage, _ reader: PortalReader) async throws -> [Feed] {
        try await page.environment.policy.visibleFeeds(for: reader.principal).filter(\.access.canWrite).map(\.feed)
    }

    static func form(_ page: PortalPage, _ reader: PortalReader, error: String?, detail: String?,
                     chosenFeed: String? = nil, text: String = "") async throws -> Response {
        let feeds = try await writableFeeds(page, reader)
        let model = Model(
            feeds: feeds.map { Option(value: $0.id, label: $0.name, selected: $0.id == chosenFeed) },
            hasFeeds: !feeds.isEmpty, tlps: tlpOptions(page, selected: nil),
            error: error, detail: detail, text: text)
        return try page.render("submit", title: "submit_title", model, status: error == nil ? .ok : .badRequest)
    }

    static func tlpOptions(_ page: PortalPage, selected: String?) -> [Option] {
        [Option(value: "", label: page.text("submit_tlp_default"), selected: selected == nil || selected == "")]
            + ["clear", "green", "amber", "amber+strict", "red"].map {
                Option(value: $0, label: "TLP:" + $0.uppercased(), selected: selected == $0)
            }
    }

    static func submit(_ page: PortalPage, _ reader: PortalReader, _ form: PortalForm) async throws -> Response {
        let workflows = try page.workflows()
        let feedID = form["feed"] ?? ""
        let pasted = form["text"] ?? ""
        func refuse(_ key: String, _ detail: String? = nil) async throws -> Response {
            try await Self.form(page, reader, error: page.text(key), detail: detail, chosenFeed: feedID,
                                text: String(pasted.prefix(100_000)))
        }
        guard let kind = form["kind"].flatMap(SubmissionKind.init(rawValue:)),
              [.email, .sample, .report, .text, .csv].contains(kind) else { return try await refuse("submit_error_kind") }
        guard let feed = try await writableFeeds(page, reader).first(where: { $0.id == feedID }) else {
            return try await refuse("submit_error_feed")
        }
        var tlp: TLPLevel?
        if let text = form["tlp"], !text.isEmpty {
            guard let level = TLPLevel(stixLevel: text) else { return try await refuse("submit_error_tlp") }
            tlp = level
        }
        let author = SubmissionDesk.author(tlp: tlp)
        let upload = form.files["file"]
        var options = HandOver.Options()
        options.warningLists = workflows.warningLists
        let extracted: ExtractedSubmission
        var sourceName = upload?.filename
        do {
            switch kind {
            case .report:
                extracted = try IncidentReportSubmission.extract(try report(form), author: author,
                                                                 warningLists: workflows.warningLists)
                sourceName = nil
            case .sample:
                guard let upload, !upload.data.isEmpty else { return try await refuse("submit_error_empty") }
                // Sealed from memory: the specimen's plaintext never touches the disk outside the vault.
                let facts = try workflows.submissions.storeSample(bytes: upload.data, originalFilename: upload.filename)
                extracted = SampleSubmission.describe(
                    facts, downloadURL: "\(page.environment.publicAddress.baseURL)/api/v1/samples/\(facts.digests.sha256)",
                    author: author)
            default:
                let bytes = upload.map { Array($0.data) } ?? Array(pasted.utf8)
                guard !bytes.isEmpty else { return try await refuse("submit_error_empty") }
                if kind == .csv {
                    guard form["mapping"] == "done" else {
                        return try mapping(page, feed: feed.id, tlp: form["tlp"] ?? "", csv: bytes)
                    }
                    options.columns = (0..<256).compactMap { index in
                        guard let kind = form["column_\(index)"], kind != "ignore", columnKinds.contains(kind) else { return nil }
                        return "#\(index)=\(kind)"
                    }
                    if options.columns.isEmpty { return try await refuse("submit_error_columns") }
                }
                extracted = try HandOver.extract(kind, bytes: bytes, author: author, options: options)
            }
        } catch let error as ExtractionError {
            return try await refuse("submit_error_extraction", error.description)
        } catch let error as DecodingError {
            return try await refuse("submit_error_extraction", String(describing: error).prefix(300).description)
        }
        let submission: Submission
        do {
            submission = try await workflows.submissions.submit(extracted, kind: kind, sourceName: sourceName,
                                                                to: feed, by: reader.principal)
        } catch let error as IntakeError where error.kind == .malformed {
            return try await refuse("submit_error_extraction", error.description)
        }
        return page.redirect(to: "/portal/submissions/\(submission.id)")
    }

    /// The incident report from the form's two parts (technical: shareable; context: held unless the
    /// provider releases it explicitly).
    static func report(_ form: PortalForm) throws -> IncidentReport {
        func field(_ name: String) -> String? {
            let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty ? nil : value
        }
        func list(_ name: String) -> [String] {
            (form[name] ?? "").split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let title = field("title") else { throw ExtractionError("the report needs a title") }
        let contextTLP = field("context_tlp") ?? "red"
        guard ["red", "amber+strict", "amber", "green", "clear"].contains(contextTLP) else {
            throw ExtractionError("unknown TLP for the context part")
        }
        return IncidentReport(title: title, summary: field("summary"), malware: list("malware"),
                              attackTechniques: list("attack_techniques"), actor: field("actor"), c2: list("c2"),
                              vulnerabilities: list("vulnerabilities"), victimName: field("victim_name"),
                              sector: field("sector"), size: field("size"), damage: field("damage"),
                              countermeasureStatus: field("countermeasure_status"),
                              targetedSystems: list("targeted_systems"), contextTLP: contextTLP)
    }

    /// The column-mapping step: the CSV's first row, one choice per column, the CSV carried along.
    static func mapping(_ page: PortalPage, feed: String, tlp: String, csv: [UInt8]) throws -> Response {
        let text = String(decoding: csv, as: UTF8.self)
        let header = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let names = header.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        let columns = names.prefix(256).enumerated().map { index, name in
            Column(index: index, name: name.isEmpty ? "#\(index)" : name, field: "column_\(index)",
                   options: columnKinds.map {
                       Option(value: $0, label: page.text("submit_column_\($0.replacingOccurrences(of: "-", with: "_"))"),
                              selected: $0 == (index == 0 ? "auto" : "ignore"))
                   })
        }
        return try page.render("submit-columns", title: "submit_columns_title",
                               MappingModel(feed: feed, tlp: tlp, text: text, columns: Array(columns)))
    }
}
