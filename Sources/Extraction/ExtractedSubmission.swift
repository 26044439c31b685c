// Extraction — ExtractedSubmission.swift
// Owns the result of turning one hand-over into STIX: the objects, the victim identifiers found on
// the way (for the anonymiser, never shared), warnings for the provider, the samples it carried and
// the hours its observations cover.
import Foundation
import MailParsing
import STIX

/// A sample found in a hand-over (an attachment, an uploaded file), for the vault.
public struct ExtractedSample: Sendable {
    public var sha256: String
    /// The STIX `file` object describing it.
    public var fileObjectID: String
    public var name: String?
    public var size: Int64
    /// The bytes, when the extraction holds them in memory (e-mail attachments); uploaded files are
    /// streamed to the vault by the caller instead.
    public var bytes: [UInt8]?

    public init(sha256: String, fileObjectID: String, name: String?, size: Int64, bytes: [UInt8]? = nil) {
        self.sha256 = sha256; self.fileObjectID = fileObjectID; self.name = name; self.size = size; self.bytes = bytes
    }
}

/// One `observed-data` object summarising an hour of one source.
public struct ExtractedObservationHour: Sendable, Equatable {
    public var hourStart: Date
    public var source: String
    public var stixID: String
}

/// What one hand-over became.
///
/// ```swift
/// let extracted = try EmailSubmission.extract(emlBytes)
/// extracted.bundle()               // STIX 2.1 bundle of everything extracted
/// extracted.victimIdentifiers      // recipients, relays, the forwarding people: for the anonymiser
/// ```
public struct ExtractedSubmission: Sendable {
    public var objects: [JSONObject]
    public var victimIdentifiers: [String]
    public var warnings: [String]
    public var samples: [ExtractedSample]
    public var observationHours: [ExtractedObservationHour]
    /// What each victim identifier is, where the extraction knows (e-mails); for the anonymiser's placeholders.
    public var victimIdentifierKinds: [String: VictimIdentifierKind] = [:]
    /// The parsed report an attack e-mail was extracted from (nil for other hand-overs): what
    /// campaign clustering reads its traits from (CampaignDesk).
    public var attackReport: ForwardedAttack?

    public init(objects: [JSONObject], victimIdentifiers: [String] = [], warnings: [String] = [],
                samples: [ExtractedSample] = [], observationHours: [ExtractedObservationHour] = []) {
        self.objects = objects; self.victimIdentifiers = victimIdentifiers; self.warnings = warnings
        self.samples = samples; self.observationHours = observationHours
    }

    /// A STIX 2.1 bundle of the objects.
    public func bundle() -> JSONValue {
        .bundle(of: objects.map { .object($0) })
    }

    /// The bundle as bytes, ready for `EnvelopeIntake` (which validates every object again).
    public func bundleBytes() -> [UInt8] { bundle().serialized() }
}

/// Why a hand-over could not be turned into STIX at all.
public struct ExtractionError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
