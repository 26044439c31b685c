// HubAuthoredContent: objects the hub itself writes (corroborated indicators, released campaigns)
// made ready for the store the way the intake prepares a member's objects: validated, their
// observable keys read (corroboration, lead time) and their observable-index entries computed
// (correlation), so hub content correlates and counts like anything else that came in.
import Correlation
import Foundation
import STIX
import Storage

/// A hub-authored object ready to append, with the observable keys it carries.
///
/// ```swift
/// let authored = try HubAuthoredObject(object, tlp: .green, at: now, audiences: [Audience.allMembers])
/// _ = try await store.append([authored.incoming], to: feed.id, recording: submission,
///                            extras: SubmissionExtras(observableKeys: authored.observableKeys))
/// ```
public struct HubAuthoredObject: Sendable {
    public var incoming: IncomingObject
    /// The observable keys (`ObservableExtraction.keys`) the object states.
    public var observableKeys: [String]

    /// Serialises `object` (sorted keys), validates it as STIX 2.1 and reads its keys and index
    /// entries. An object the hub writes that is not valid STIX is a programming error: it throws.
    public init(_ object: [String: Any], tlp: TLPLevel, at now: String, audiences: [String]) throws {
        let bytes = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        guard let id = object["id"] as? String, let type = object["type"] as? String else {
            throw HubAuthoredObjectError("a hub-authored object has no id or type")
        }
        let value = try JSONParser.parse(bytes)
        guard case .success(let facts) = STIXValidator.validate(value) else {
            throw HubAuthoredObjectError("the hub-authored \(type) \(id) is not valid STIX 2.1")
        }
        let version = (object["modified"] as? String) ?? now
        incoming = IncomingObject(stixID: id, type: type, specVersion: "2.1", version: version,
                                  versionMicroseconds: STIXTimestamp(version)?.microsecondsSinceEpoch, bytes: bytes,
                                  tlp: tlp, audiences: audiences)
        observableKeys = ObservableExtraction.keys(in: value, facts: facts)
        incoming.observables = facts.revoked ? [] : ObservableEntries.of(value, facts: facts)
        incoming.revokes = facts.revoked
    }
}

/// A hub-authored object could not be prepared.
public struct HubAuthoredObjectError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
