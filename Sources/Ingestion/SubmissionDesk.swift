// Ingestion submission desk: takes what extraction made of a member's hand-over (an attack e-mail, a
// sample, an incident report, text, CSV, observations) and stores it as one held submission: the
// samples into the encrypted vault first (durable), then the STIX objects with the submission's
// details (kind, victim identifiers, samples, observation hours) in one transaction.
import Accounts
import Extraction
import Foundation
import SharingPolicy
import Specimens
import STIX
import Storage

/// Stores extracted hand-overs as submissions.
///
/// ```swift
/// let desk = SubmissionDesk(intake: intake, vault: vault)
/// let extracted = try EmailSubmission.extract(emlBytes, author: author)
/// let submission = try await desk.submit(extracted, kind: .email, sourceName: "attack.eml", to: feed, by: principal)
/// print(submission.id)      // held: only the provider and hub analysts see it until released
/// ```
public struct SubmissionDesk: Sendable {
    public let intake: EnvelopeIntake
    public let vault: SampleVault?

    public init(intake: EnvelopeIntake, vault: SampleVault?) {
        self.intake = intake; self.vault = vault
    }

    /// The author for a principal's extraction: its TLP marking (nil: none, the hub default applies).
    public static func author(tlp: TLPLevel?) -> STIXAuthoring {
        STIXAuthoring(createdByRef: nil, markingRefs: tlp.map { [$0.markingDefinitionID] } ?? [])
    }

    /// Stores the samples that arrived in memory, then the submission. Samples streamed to disk by
    /// the caller (uploads) are stored with `storeSample(file:)` first.
    public func submit(_ extracted: ExtractedSubmission, kind: SubmissionKind, sourceName: String?, to feed: Feed,
                       by principal: Principal) async throws -> Submission {
        guard try await intake.policy.access(of: principal, to: feed).canWrite else {
            throw IntakeError(.forbidden, "no write access to feed \(feed.name)")
        }
        guard !extracted.objects.isEmpty else {
            throw IntakeError(.malformed, "nothing to submit: no STIX objects could be made of it"
                              + (extracted.warnings.isEmpty ? "" : " (\(extracted.warnings.prefix(3).joined(separator: "; ")))"))
        }
        for sample in extracted.samples {
            guard let bytes = sample.bytes else { continue }
            guard let vault else { throw IntakeError(.malformed, "this hub has no sample vault configured") }
            do {
                _ = try vault.store(bytes: Data(bytes))
            } catch {
                throw IntakeError(.malformed, "sample \(sample.name ?? sample.sha256) not stored: \(error)")
            }
        }
        let extras = SubmissionExtras(
            detail: SubmissionDetail(submissionID: "", kind: kind, sourceName: sourceName,
                                     victimIdentifiers: extracted.victimIdentifiers, warnings: extracted.warnings,
                                     victimIdentifierKinds: extracted.victimIdentifierKinds.isEmpty ? nil
                                        : extracted.victimIdentifierKinds.mapValues(\.rawValue)),
            samples: extracted.samples.map {
                SampleReference(sha256: $0.sha256, submissionID: "", fileObjectID: $0.fileObjectID, name: $0.name, size: $0.size)
            },
            observationHours: extracted.observationHours.map {
                ObservationHour(hourStartMicroseconds: Int64($0.hourStart.timeIntervalSince1970 * 1_000_000),
                                source: $0.source, stixID: $0.stixID)
            })
        return try await intake.submit(envelope: extracted.bundleBytes(), to: feed, by: principal, extras: extras,
                                       extracted: extracted)
    }

    /// Streams an uploaded file into the vault (encrypted, digests computed on the way) and
    /// examines it; the facts become the STIX `file` of a sample submission.
    public func storeSample(file: URL, originalFilename: String?) throws -> SampleFacts {
        try storeSample(originalFilename: originalFilename) { try $0.store(contentsOf: file) }
    }

    /// Seals a sample already in memory (a portal upload) into the vault, with no plaintext copy
    /// on disk, and examines it.
    ///
    /// ```swift
    /// let facts = try desk.storeSample(bytes: upload.data, originalFilename: upload.filename)
    /// ```
    public func storeSample(bytes: Data, originalFilename: String?) throws -> SampleFacts {
        try storeSample(originalFilename: originalFilename) { try $0.store(bytes: bytes) }
    }

    func storeSample(originalFilename: String?, sealing: (SampleVault) throws -> SampleRecord) throws -> SampleFacts {
        guard let vault else { throw IntakeError(.malformed, "this hub has no sample vault configured") }
        let record: SampleRecord
        do {
            record = try sealing(vault)
        } catch {
            throw IntakeError(.malformed, "sample not stored: \(error)")
        }
        do {
            return try SampleFacts.examine(sha256: record.sha256, in: vault, originalFilename: originalFilename)
        } catch {
            throw IntakeError(.malformed, "sample stored but not readable back: \(error)")
        }
    }
}
