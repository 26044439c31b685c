// Anonymization — Anonymizer.swift
// Owns the public entry points that turn a provider's STIX objects into the copy the hub releases
// anonymised (`Anonymizer.anonymize`), and `AnonymizationSession`, the profile and key compiled once
// for many objects.

import STIX

/// Turns a provider's STIX objects into the copy the hub releases anonymised: the provider and its
/// people disappear, the hub becomes the author, ids are rewritten with the hub's secret key, context
/// becomes generic and technical content (malware, hashes, C2, attacker addresses, ATT&CK) stays.
///
/// Rules, per object version:
/// - the provider's identity objects (id in `identityIDs`, or a name containing one of its identifiers)
///   are withheld;
/// - `created_by_ref` becomes the hub identity (and is added to domain and relationship objects that
///   lack it); every other reference (`*_ref`, `*_refs`, and any string that is exactly a STIX id) to a
///   provider identity or to an observable that identifies the provider is removed — a list that
///   becomes empty is dropped, and an object whose required reference goes is withheld;
/// - ids are rewritten with `releasedID(for:settings:)` (HMAC-SHA256 under the hub key, version-4
///   UUID form; version-5 form for observable types with content-derived ids), except marking
///   definitions, extension definitions and the hub identity, which keep theirs — unless the provider
///   authored the definition; an id of anything the provider authored is rewritten wherever it is
///   quoted (descriptions, `x_` strings, extension keys), not only in references;
/// - cyber observables with content-derived (UUIDv5) ids keep their id when their id-contributing
///   properties are released unchanged — a technical observable (C2 domain, attacker address, file
///   hash) then keeps the id every other producer computes for it, and the id reveals nothing the
///   released value does not. An observable whose value identifies the provider (the `email-addr` of a
///   recipient, the provider's `domain-name`, an address in its ranges, its user accounts, its
///   certificates...) is withheld; an `email-message`, `file`, `artifact` or `network-traffic` whose
///   id-contributing properties had to be scrubbed is released with a rewritten id. Observables with
///   random (v4) ids are rewritten like any other object;
/// - every string anywhere (names, descriptions, patterns, `x_` properties, extensions, external
///   references, observable values, e-mail headers and bodies) is scrubbed of the profile's
///   identifiers however encoded (`Placeholder`, replaced in place: a subject, an attachment name, a
///   sender's display name or a URL's query keep the rest of their value), and the copy lists the
///   top-level properties redacted in `x_kakehashi_redacted`; property names containing one are
///   dropped; an indicator's pattern is redacted inside its literals (`PatternRedaction`) and the
///   indicator withheld when a comparison is all identifier; an artifact whose payload contains
///   identifiers is withheld; external references that mention the provider are dropped;
/// - the recipients of an `email-message` (`to_refs`, `cc_refs`, `bcc_refs` and the To/Cc/Bcc/
///   Delivered-To headers) are removed: whoever received the attack is the victim;
/// - context becomes generic (`ContextProperties`): custom properties naming the victim become
///   `VictimProfile.genericDescription`, those on size, damage, internal timelines or response go.
///
/// For a whole submission use `anonymize(objects:profile:settings:)`, or call
/// `VictimProfile.addIdentifiers(foundIn:)` first: it learns the recipients and which observables are
/// withheld or rewritten, so that references to them from other objects line up.
///
/// ```swift
/// var profile = VictimProfile(organizationNames: ["電力A社", "Denryoku A Corp."],
///                             domains: ["denryoku-a.example.jp"], addressRanges: ["192.0.2.0/24"],
///                             identityIDs: [providerIdentityID], sector: "電力")
/// profile.addIdentifiers(foundIn: objects)
/// let settings = AnonymizationSettings(hubIdentityID: hubID, idKey: key)
/// for object in objects {
///     switch Anonymizer.anonymize(object, profile: profile, settings: settings) {
///     case .released(let copy): release(copy.serialized())
///     case .withheld(let reason): note(reason)
///     }
/// }
/// ```
public enum Anonymizer {
    /// Anonymises one object version (see the type's rules).
    public static func anonymize(_ object: JSONValue, profile: VictimProfile,
                                 settings: AnonymizationSettings) -> AnonymizedObject {
        AnonymizationSession(profile: profile, settings: settings).anonymize(object)
    }

    /// Anonymises every object of a submission: learns what the submission reveals about the victim
    /// (`VictimProfile.addIdentifiers(foundIn:)`), then anonymises each object with the same profile.
    /// The results are in the order of `objects`.
    ///
    /// ```swift
    /// let results = Anonymizer.anonymize(objects: bundleObjects, profile: profile, settings: settings)
    /// let released = results.compactMap(\.releasedValue)
    /// ```
    public static func anonymize(objects: [JSONValue], profile: VictimProfile,
                                 settings: AnonymizationSettings) -> [AnonymizedObject] {
        var learned = profile
        learned.addIdentifiers(foundIn: objects)
        let session = AnonymizationSession(profile: learned, settings: settings)
        return objects.map { session.anonymize($0) }
    }
}

/// A profile and key compiled once (matcher, scrubber, reference policy) to anonymise many objects.
///
/// ```swift
/// let session = AnonymizationSession(profile: profile, settings: settings)
/// let results = objects.map(session.anonymize)
/// ```
public struct AnonymizationSession: Sendable {
    public let profile: VictimProfile
    public let settings: AnonymizationSettings
    let matcher: IdentifierMatcher
    let scrubber: TextScrubber
    let policy: ReferencePolicy

    public init(profile: VictimProfile, settings: AnonymizationSettings) {
        self.profile = profile
        self.settings = settings
        let policy = ReferencePolicy(profile: profile, settings: settings)
        self.policy = policy
        self.matcher = IdentifierMatcher(profile: profile, keptIDs: policy.keptAuthoredIDs)
        self.scrubber = TextScrubber(matcher: matcher, profile: profile)
    }

    /// Anonymises one object version (see `Anonymizer`).
    public func anonymize(_ value: JSONValue) -> AnonymizedObject {
        guard case .object(let object) = value, let type = object["type"]?.stringValue,
              let id = object["id"]?.stringValue, STIXIdentifier.isValid(id) else {
            return .withheld(reason: "not a STIX object with a type and an id")
        }
        var transformer = ObjectTransformer(session: self, type: type, id: id, original: object)
        return transformer.run()
    }
}
