// Storage submission details: what kind of hand-over a submission was (a STIX envelope, an attack
// e-mail, a sample, an incident report, free text, CSV, sensor observations), what it revealed about
// the victim side (for the anonymiser), the samples it put in the vault, and the hours its
// observations cover (for range queries). Stored in the same transaction as the submission.
import Foundation

/// What a member handed over.
public enum SubmissionKind: String, Sendable, Codable, CaseIterable {
    case stix, email, sample, report, text, csv, observations
}

/// The facts of a submission beyond its STIX objects.
public struct SubmissionDetail: Sendable, Equatable, Codable {
    public var submissionID: String
    public var kind: SubmissionKind
    /// The uploaded file's name, when there was one.
    public var sourceName: String?
    /// Identifiers of the provider's side found in the submission (recipients, relays, the
    /// forwarding people): never shared, always removed from anonymised copies.
    public var victimIdentifiers: [String]
    /// What each victim identifier is, where extraction knew ("organization", "person", "domain", …);
    /// absent in details stored before kinds were kept.
    public var victimIdentifierKinds: [String: String]?
    /// What extraction recovered from or dropped, for the provider to read.
    public var warnings: [String]

    public init(submissionID: String, kind: SubmissionKind, sourceName: String? = nil,
                victimIdentifiers: [String] = [], warnings: [String] = [], victimIdentifierKinds: [String: String]? = nil) {
        self.submissionID = submissionID; self.kind = kind; self.sourceName = sourceName
        self.victimIdentifiers = victimIdentifiers; self.warnings = warnings
        self.victimIdentifierKinds = victimIdentifierKinds
    }

    enum CodingKeys: String, CodingKey {
        case kind, warnings
        case submissionID = "submission_id"
        case sourceName = "source_name"
        case victimIdentifiers = "victim_identifiers"
        case victimIdentifierKinds = "victim_identifier_kinds"
    }
}

/// A sample in the vault, as one submission gave it.
public struct SampleReference: Sendable, Equatable, Codable {
    public var sha256: String
    public var submissionID: String
    /// The STIX `file` object that describes it in that submission.
    public var fileObjectID: String
    public var name: String?
    public var size: Int64

    public init(sha256: String, submissionID: String, fileObjectID: String, name: String?, size: Int64) {
        self.sha256 = sha256; self.submissionID = submissionID; self.fileObjectID = fileObjectID
        self.name = name; self.size = size
    }
}

/// One `observed-data` object summarising an hour of one source's activity.
public struct ObservationHour: Sendable, Equatable {
    public var hourStartMicroseconds: Int64
    public var source: String
    public var stixID: String

    public init(hourStartMicroseconds: Int64, source: String, stixID: String) {
        self.hourStartMicroseconds = hourStartMicroseconds; self.source = source; self.stixID = stixID
    }
}

/// Everything stored with a submission besides its objects.
public struct SubmissionExtras: Sendable, Equatable {
    public var detail: SubmissionDetail?
    public var samples: [SampleReference]
    public var observationHours: [ObservationHour]
    /// Technical observables the submitting organisation reported (keys like `ipv4-addr:198.51.100.7`),
    /// recorded for k-corroboration.
    public var observableKeys: [String]
    /// Observable keys of objects the submission marked TLP:RED or AMBER+STRICT: held back from
    /// corroboration for good, whoever reports them (stored with the victim identifiers of `detail`).
    public var heldKeys: [String]

    public init(detail: SubmissionDetail? = nil, samples: [SampleReference] = [], observationHours: [ObservationHour] = [],
                observableKeys: [String] = [], heldKeys: [String] = []) {
        self.detail = detail; self.samples = samples; self.observationHours = observationHours
        self.observableKeys = observableKeys; self.heldKeys = heldKeys
    }
}

/// What `HubStore.appendCountingReports` did: each object's result, in order, and how many
/// organisations have reported each of the submission's observables.
public struct AppendOutcome: Sendable, Equatable {
    public var results: [AppendResult]
    public var observableReportCounts: [String: Int]

    public init(results: [AppendResult], observableReportCounts: [String: Int]) {
        self.results = results; self.observableReportCounts = observableReportCounts
    }
}

extension HubStore {
    /// The two steps one after the other, for a store that cannot count inside its append.
    public func appendCountingReports(_ objects: [IncomingObject], to feedID: String,
                                      recording submission: Submission,
                                      extras: SubmissionExtras) async throws -> AppendOutcome {
        let results = try await append(objects, to: feedID, recording: submission, extras: extras)
        return AppendOutcome(results: results, observableReportCounts: try await observableReportCounts(extras.observableKeys))
    }

    /// Waits for the whole stream, then appends it: for a store that cannot write while objects arrive.
    public func append(_ stream: IncomingStream, to feedID: String, countingReports: Bool) async throws -> AppendOutcome {
        guard let (objects, submission, extras) = await stream.collected() else { throw CancellationError() }
        if countingReports, let extras, !extras.observableKeys.isEmpty {
            return try await appendCountingReports(objects, to: feedID, recording: submission, extras: extras)
        }
        let results = try await append(objects, to: feedID, recording: submission, extras: extras)
        return AppendOutcome(results: results, observableReportCounts: [:])
    }

    /// Appends a plain STIX submission (no extras).
    public func append(_ objects: [IncomingObject], to feedID: String,
                       recording submission: Submission) async throws -> [AppendResult] {
        try await append(objects, to: feedID, recording: submission, extras: nil)
    }
}
