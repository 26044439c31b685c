// Anonymization — AnonymizationSettings.swift
// Owns `AnonymizationSettings`: the hub's identity (the author of everything released anonymised)
// and the secret key that rewrites ids.

/// The hub's side of anonymisation: who the released objects are attributed to, and the secret
/// key that rewrites ids.
///
/// ```swift
/// let settings = AnonymizationSettings(hubIdentityID: "identity--8c7f5d2e-1b3a-4c5d-8e9f-0a1b2c3d4e5f",
///                                      idKey: Array(keyFileBytes))   // 32 random bytes, kept secret
/// ```
public struct AnonymizationSettings: Sendable, Equatable {
    /// The hub's STIX identity: the `created_by_ref` of everything released anonymised.
    public var hubIdentityID: String
    /// Secret HMAC key for id rewriting. Changing it changes every released id.
    public var idKey: [UInt8]

    public init(hubIdentityID: String, idKey: [UInt8]) {
        self.hubIdentityID = hubIdentityID
        self.idKey = idKey
    }
}
