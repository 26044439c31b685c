// End-to-end tests of what an anonymised release scrubs from a STIX hand-over (issue 11): A posts
// through TAXII an e-mail address and a user account of its staff (display names "田中 一郎") and
// an indicator whose description names them, a marking definition and an extension definition it
// authored, an indicator that quotes another one's original id, a phishing URL carrying the
// recipient's address (base64) and a subject naming A with another legal form; A's registered
// address range covers an internal address. A releases anonymised to its SIG through the release
// API; B reads it back through TAXII: no name, address, range or original id of A in any form,
// the attacker's side intact, redactions recorded.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

@Suite("Anonymised hand-overs")
struct AnonymisedHandOverTests {
    static let identityID = "identity--a1000000-0000-4000-8000-0000000000a1"
    static let markingID = "marking-definition--a1000000-0000-4000-8000-0000000000b2"
    static let extensionID = "extension-definition--a1000000-0000-4000-8000-0000000000c3"
    static let indicatorID = "indicator--a1000000-0000-4000-8000-000000000011"
    static let urlIndicatorID = "indicator--a1000000-0000-4000-8000-000000000012"
    static let recipientBase64 = Data("tanaka@\(SmallHub.aDomain)".utf8).base64EncodedString()

    static var bundle: [String] {
        let now = "2025-06-01T00:00:00.000Z"
        let common = #""created":"\#(now)","modified":"\#(now)","created_by_ref":"\#(identityID)""#
        let amber = #""object_marking_refs":["\#(MarkingRef.amber.id)","\#(markingID)"]"#
        return [
            #"{"type":"identity","spec_version":"2.1","id":"\#(identityID)","created":"\#(now)","modified":"\#(now)","name":"\#(SmallHub.aName)","identity_class":"organization"}"#,
            #"{"type":"marking-definition","spec_version":"2.1","id":"\#(markingID)","created":"\#(now)","created_by_ref":"\#(identityID)","definition_type":"statement","definition":{"statement":"電力A株式会社 社外秘"}}"#,
            #"{"type":"extension-definition","spec_version":"2.1","id":"\#(extensionID)",\#(common),"name":"denryoku-a-notes","schema":"https://schema.\#(SmallHub.aDomain)/notes.json","version":"1.0","extension_types":["property-extension"]}"#,
            #"{"type":"email-addr","spec_version":"2.1","id":"email-addr--a1000000-0000-4000-8000-000000000021","value":"tanaka@\#(SmallHub.aDomain)","display_name":"田中 一郎",\#(amber)}"#,
            #"{"type":"user-account","spec_version":"2.1","id":"user-account--a1000000-0000-4000-8000-000000000022","user_id":"DENRYOKU-A\\i-tanaka","account_login":"i-tanaka","display_name":"田中 一郎",\#(amber)}"#,
            #"{"type":"indicator","spec_version":"2.1","id":"\#(indicatorID)",\#(common),"name":"C2","description":"田中一郎 (一郎 田中) の端末 10.20.30.40 から i-tanaka で C2 へ通信。電力Aの経理部も受信。","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.77']","pattern_type":"stix","valid_from":"2025-06-01T00:00:00Z",\#(amber),"extensions":{"\#(extensionID)":{"extension_type":"property-extension","note":"see \#(urlIndicatorID)"}}}"#,
            #"{"type":"indicator","spec_version":"2.1","id":"\#(urlIndicatorID)",\#(common),"name":"phishing URL","description":"same campaign as \#(indicatorID)","indicator_types":["malicious-activity"],"pattern":"[url:value = 'https://owa-login.evil.example/?u=\#(recipientBase64)'] OR [email-message:subject = '【電力A株式会社 御中】請求書']","pattern_type":"stix","valid_from":"2025-06-01T00:00:00Z",\#(amber)}"#,
            #"{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--a1000000-0000-4000-8000-000000000031","value":"10.20.30.40",\#(amber)}"#,
        ]
    }

    @Test("names of withheld objects, authored ids, encoded addresses and ranges never reach the SIG member")
    func anonymisedHandOver() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        try await h.hub.store.addIdentifier(OrganizationIdentifier(kind: .addressRange, value: "10.20.0.0/16"),
                                            organizationID: h.a.principal.organization.id)
        try await h.withServer { client in
            let submission = try await client.post(Self.bundle, as: h.a)
            let release = try await client.release(submission, #"{"groups": ["電力SIG"], "anonymize": true}"#, as: h.a)
            try #require(release.status == .created, "the anonymised release was refused: \(release.bodyText)")

            let (raw, objects) = try await client.objects(as: h.b)
            let types = objects.compactMap { $0["type"] as? String }.sorted()
            #expect(types == ["extension-definition", "indicator", "indicator", "marking-definition"], "\(types)")
            let traces = ["田中", "一郎", "tanaka", SmallHub.aName, "電力A", "denryoku", Self.recipientBase64, "10.20.30.40",
                          Self.identityID, Self.markingID, Self.extensionID, Self.indicatorID, Self.urlIndicatorID]
            for trace in traces {
                let hit = excerpt(of: trace, in: raw)
                #expect(hit == nil, "B's read contains \(trace): …\(hit ?? "")…")
            }
            // The attacker's side survives; the redactions are recorded.
            #expect(raw.contains("198.51.100.77") && raw.contains("owa-login.evil.example"))
            let urlIndicator = try #require(objects.first { ($0["name"] as? String) == "phishing URL" })
            let pattern = try #require(urlIndicator["pattern"] as? String)
            #expect(pattern == "[url:value = 'https://owa-login.evil.example/?u=[victim-email]'] OR [email-message:subject = '【[victim-organization] 御中】請求書']", "\(pattern)")
            #expect((urlIndicator["x_kakehashi_redacted"] as? [String])?.contains("pattern") == true)
            // Ids stay consistent: the description quotes the released id of the other indicator,
            // markings and extensions point at the released definitions.
            let c2 = try #require(objects.first { ($0["name"] as? String) == "C2" })
            let c2ID = try #require(c2["id"] as? String)
            #expect((urlIndicator["description"] as? String) == "same campaign as \(c2ID)")
            let marking = try #require(objects.first { ($0["type"] as? String) == "marking-definition" })
            #expect((c2["object_marking_refs"] as? [String])?.contains(try #require(marking["id"] as? String)) == true)
            let extensionDefinition = try #require(objects.first { ($0["type"] as? String) == "extension-definition" })
            let extensions = try #require(c2["extensions"] as? [String: Any])
            #expect(extensions[try #require(extensionDefinition["id"] as? String)] != nil, "\(extensions.keys)")
            #expect(extensionDefinition["name"] as? String == "[victim-organization]-notes")
        }
    }
}
