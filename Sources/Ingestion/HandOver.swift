// Ingestion hand-overs: the one place that knows, for each kind of thing a member hands over (an
// attack e-mail, incident report, text, CSV, observations), which extraction reads it and with which
// options, so that the CLI and the JSON API accept exactly the same inputs.
import Extraction
import Foundation
import IndicatorExtraction
import Storage

/// How to read one hand-over.
///
/// ```swift
/// var options = HandOver.Options()
/// options.columns = ["value=auto", "comment=description"]
/// let extracted = try HandOver.extract(.csv, bytes: csvBytes, author: author, options: options)
/// ```
public enum HandOver {
    public struct Options: Sendable {
        /// CSV column mapping, `NAME=KIND` (see `ColumnMappingText`); empty: the first column, auto.
        public var columns: [String] = []
        /// Observations are malware-activity statistics rather than darknet sensor logs.
        public var malwareActivity = false
        /// Time zone of observation times written without one.
        public var timeZone = "UTC"
        /// What is not an indicator: the bundled lists plus the operator's (see `warningLists(dataDirectory:)`).
        public var warningLists = WarningLists.bundled
        /// The hub's own intake mailboxes (where members forward attack e-mails): never victim
        /// identifiers, never indicators. Recipients of a forward outside the member are treated so anyway.
        public var intakeAddresses: [String] = []
        public init() {}
    }

    /// The bundled warning lists plus the operator's own in `DATA/warninglists/` (MISP JSON format),
    /// when that folder exists.
    ///
    /// ```swift
    /// options.warningLists = try HandOver.warningLists(dataDirectory: dataURL)
    /// ```
    public static func warningLists(dataDirectory: URL) throws -> WarningLists {
        let extra = dataDirectory.appendingPathComponent("warninglists")
        guard FileManager.default.fileExists(atPath: extra.path) else { return .bundled }
        return try WarningLists.load(extraDirectory: extra)
    }

    /// Extracts STIX from the bytes of a hand-over of `kind` (samples go through the vault instead:
    /// `SubmissionDesk.storeSample`).
    public static func extract(_ kind: SubmissionKind, bytes: [UInt8], author: STIXAuthoring,
                               options: Options = Options()) throws -> ExtractedSubmission {
        switch kind {
        case .email:
            return try EmailSubmission.extract(bytes, author: author,
                                               extractor: IndicatorExtractor(warningLists: options.warningLists),
                                               intakeAddresses: options.intakeAddresses)
        case .text:
            let text: String
            do { text = try TextDecoding.decode(Data(bytes)) } catch { throw ExtractionError("\(error)") }
            return TextSubmission.extract(text: text, author: author, warningLists: options.warningLists)
        case .csv:
            let mapping = try ColumnMappingText.parse(options.columns.isEmpty ? ["#0=auto"] : options.columns)
            return try TextSubmission.extract(csv: bytes, mapping: mapping, author: author,
                                              warningLists: options.warningLists)
        case .report:
            let report = try IncidentReport.decode(json: Data(bytes))
            return try IncidentReportSubmission.extract(report, author: author, warningLists: options.warningLists)
        case .observations:
            guard let zone = TimeZone(identifier: options.timeZone) else {
                throw ExtractionError("unknown time zone \(options.timeZone)")
            }
            return options.malwareActivity
                ? try ObservationSubmission.malwareActivity(csv: bytes, timeZone: zone, author: author)
                : try ObservationSubmission.darknet(csv: bytes, timeZone: zone, author: author)
        case .sample, .stix:
            throw ExtractionError("\(kind.rawValue) submissions are not extracted from bytes here")
        }
    }
}
