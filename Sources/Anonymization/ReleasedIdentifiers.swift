// Anonymization — ReleasedIdentifiers.swift
// Owns the ids of released objects: the keyed, one-way rewriting of an original id into a released
// id (HMAC-SHA256 under the hub's secret key, shaped as a version-4 UUID) and the decision, for any
// id met in an object, whether it stays, is rewritten, becomes the hub, or must go.

import Crypto
import STIX

extension Anonymizer {
    /// The released id for `originalID`: the same type, and a UUID taken from
    /// HMAC-SHA256(idKey, "kakehashi/anonymization/id/v1" ‖ 0x00 ‖ original id with its UUID in lower case),
    /// with the version and variant bits of a version-4 UUID (version 5 for the observable types whose
    /// ids STIX derives from their content, as STIX asks of them: a name-based id under the hub's secret
    /// key rather than the public namespace). The same original id always gives the same
    /// released id (versions of an object, and references to it from other objects, line up); without the
    /// key the released id cannot be linked back to the original.
    ///
    /// Marking definitions, extension definitions and the hub's own identity keep their ids: they are
    /// shared vocabulary, not the provider's. (Inside `anonymize`, observables with content-derived
    /// UUIDv5 ids also keep them unless their content had to change, and marking and extension
    /// definitions the provider authored — in `VictimProfile.authoredIDs` — are rewritten like any
    /// other object of the provider's; see `Anonymizer`.)
    ///
    /// ```swift
    /// let settings = AnonymizationSettings(hubIdentityID: hubID, idKey: key)
    /// Anonymizer.releasedID(for: "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", settings: settings)
    /// // "indicator--<uuid v4 form>", identical on every call with the same key
    /// ```
    public static func releasedID(for originalID: String, settings: AnonymizationSettings) -> String {
        guard let identifier = STIXIdentifier(originalID) else { return rewrittenID(originalID, settings: settings) }
        if identifier.type == "marking-definition" || identifier.type == "extension-definition"
            || originalID == settings.hubIdentityID {
            return originalID
        }
        return rewrittenID(originalID, settings: settings)
    }

    static let idContext: [UInt8] = Array("kakehashi/anonymization/id/v1".utf8) + [0]

    /// The keyed rewriting, whatever the id's type.
    static func rewrittenID(_ originalID: String, settings: AnonymizationSettings) -> String {
        let type: String
        let normalized: String
        if let identifier = STIXIdentifier(originalID) {
            type = identifier.type
            normalized = identifier.type + "--" + identifier.uuid.lowercased()
        } else {
            let prefix = originalID.firstRange(of: "--").map { String(originalID[..<$0.lowerBound]) }
            type = prefix.flatMap { STIXIdentifier.isValidTypeName($0) ? $0 : nil } ?? "x-unknown"
            normalized = originalID
        }
        var mac = HMAC<SHA256>(key: SymmetricKey(data: settings.idKey))
        mac.update(data: idContext)
        mac.update(data: Array(normalized.utf8))
        var bytes = Array(mac.finalize())
        let nameBased = !(ObservableIdentifiers.contributingProperties[type]?.isEmpty ?? true)
        bytes[6] = (bytes[6] & 0x0F) | (nameBased ? 0x50 : 0x40)
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return type + "--" + UUIDText.format(bytes)
    }
}

/// What happens to one id met in an object being anonymised.
enum ReferenceAction: Equatable {
    /// Kept as it is (markings, extension definitions, the hub, technical observables).
    case keep
    /// Replaced by this id.
    case replace(String)
    /// Points at the provider or at an observable that identifies it: the reference goes.
    case remove
}

/// The id decisions for one profile and key.
struct ReferencePolicy {
    let profile: VictimProfile
    let settings: AnonymizationSettings
    let providerIDs: Set<String>
    let victimObservableIDs: Set<String>
    let rewrittenObservableIDs: Set<String>
    /// Ids of objects the provider authored in the submission: in free text they are rewritten too.
    let authoredIDs: Set<String>

    init(profile: VictimProfile, settings: AnonymizationSettings) {
        self.profile = profile
        self.settings = settings
        self.providerIDs = Set(profile.identityIDs.map { Self.normalize($0) })
        var victim = Set(profile.observableIDs.map { Self.normalize($0) })
        for (id, _) in ObservableIdentifiers.victimObservableIDs(for: profile) { victim.insert(id) }
        self.victimObservableIDs = victim
        self.rewrittenObservableIDs = Set(profile.rewrittenObservableIDs.map { Self.normalize($0) })
        self.authoredIDs = Set(profile.authoredIDs.map { Self.normalize($0) })
    }

    /// Marking and extension definitions are shared vocabulary and keep their ids, unless the
    /// provider authored them: then their id would link every copy back to it.
    func isSharedDefinition(_ identifier: STIXIdentifier, normalized: String) -> Bool {
        guard identifier.type == "marking-definition" || identifier.type == "extension-definition" else { return false }
        if TLPMarking(id: normalized) != nil { return true }
        return !authoredIDs.contains(normalized)
    }

    /// Authored ids that are released unchanged (the hub, shared vocabulary, technical observables
    /// with content-derived ids), normalised: not identifiers of the provider.
    var keptAuthoredIDs: Set<String> {
        Set(authoredIDs.filter(keeps))
    }

    /// Whether `action(for: id)` is `.keep` (without computing a replacement).
    func keeps(_ id: String) -> Bool {
        let normalized = Self.normalize(id)
        if normalized == Self.normalize(settings.hubIdentityID) { return true }
        if providerIDs.contains(normalized) || victimObservableIDs.contains(normalized) { return false }
        guard let identifier = STIXIdentifier(id) else { return true }
        if identifier.type == "marking-definition" || identifier.type == "extension-definition" {
            return isSharedDefinition(identifier, normalized: normalized)
        }
        return ObservableIdentifiers.isDeterministicObservableID(id) && !rewrittenObservableIDs.contains(normalized)
    }

    /// The id the released copy of object `id` carries.
    func releasedID(for id: String) -> String {
        if let identifier = STIXIdentifier(id), !isSharedDefinition(identifier, normalized: Self.normalize(id)),
           identifier.type == "marking-definition" || identifier.type == "extension-definition" {
            return Anonymizer.rewrittenID(id, settings: settings)
        }
        return Anonymizer.releasedID(for: id, settings: settings)
    }

    static func normalize(_ id: String) -> String {
        guard let identifier = STIXIdentifier(id) else { return id }
        return identifier.type + "--" + identifier.uuid.lowercased()
    }

    func isProvider(_ id: String) -> Bool { providerIDs.contains(Self.normalize(id)) }

    /// The action for a reference to `id`.
    func action(for id: String) -> ReferenceAction {
        let normalized = Self.normalize(id)
        if normalized == Self.normalize(settings.hubIdentityID) { return .keep }
        if providerIDs.contains(normalized) || victimObservableIDs.contains(normalized) { return .remove }
        guard let identifier = STIXIdentifier(id) else { return .keep }
        if identifier.type == "marking-definition" || identifier.type == "extension-definition" {
            return isSharedDefinition(identifier, normalized: normalized)
                ? .keep : .replace(Anonymizer.rewrittenID(id, settings: settings))
        }
        if ObservableIdentifiers.isDeterministicObservableID(id) && !rewrittenObservableIDs.contains(normalized) {
            return .keep
        }
        return .replace(Anonymizer.rewrittenID(id, settings: settings))
    }

    /// `text` with every id of an object the provider authored replaced as a reference to it would
    /// be ("see indicator--8e2e… for details" -> the released id); ids of others stay.
    func rewritingAuthoredIDs(in text: String) -> String {
        guard !authoredIDs.isEmpty, text.contains("--") else { return text }
        var output = ""
        var rest = text[...]
        while let marker = rest.firstRange(of: "--") {
            var start = marker.lowerBound
            while start > rest.startIndex {
                let before = rest[rest.index(before: start)]
                guard before.isASCII, before.isLetter || before.isNumber || before == "-" else { break }
                start = rest.index(before: start)
            }
            let end = rest.index(marker.upperBound, offsetBy: 36, limitedBy: rest.endIndex) ?? rest.endIndex
            let candidate = String(rest[start..<end])
            if STIXIdentifier.isValid(candidate), authoredIDs.contains(Self.normalize(candidate)) {
                output += rest[..<start]
                switch action(for: candidate) {
                case .keep: output += candidate
                case .replace(let id): output += id
                case .remove: output += Placeholder.object
                }
                rest = rest[end...]
            } else {
                output += rest[..<marker.upperBound]
                rest = rest[marker.upperBound...]
            }
        }
        return output + rest
    }
}
