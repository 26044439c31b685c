// TLP:AMBER and clients, through the real server: an organisation recorded as a client of B (an
// MSSP's customer, a CSIRT's constituent) receives what was released to B at TLP:AMBER, never what
// was released at AMBER+STRICT, RED or GREEN, and never anything not released to B; the recipients
// report names it as B's client.
import Foundation
import HubTesting
import Storage
import Testing

@Suite("TLP:AMBER reaches the recipient's recorded clients")
struct AmberClientTests {
    @Test("AMBER released to B (by name or through its group) reaches B's client D; AMBER+STRICT, GREEN and RED do not")
    func clientsOfRecipients() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        // D reads nothing by its own grants: it is only B's client.
        let d = try await h.hub.member("顧客D社", email: "soc@kokyaku-d.example.jp", grants: [])
        try await h.hub.store.addClient(d.principal.organization.id, ofOrganization: h.b.principal.organization.id)
        try await h.withServer { client in
            #expect(try await client.objects(as: d).objects.isEmpty, "nothing released yet")
            let toB = try await client.post([indicator(1, markings: [.amber]), indicator(2, markings: [.amberStrict]),
                                             indicator(3, markings: [.green]), indicator(4, markings: [.red])], as: h.a)
            _ = try await client.release(toB, #"{"organizations": ["ガスB社"]}"#, as: h.a)
            let bSees = Set(try await client.objects(as: h.b).objects.compactMap { $0["id"] as? String })
            #expect(bSees == [indicatorID(1), indicatorID(2), indicatorID(3), indicatorID(4)])
            let dSees = Set(try await client.objects(as: d).objects.compactMap { $0["id"] as? String })
            #expect(dSees == [indicatorID(1)], "D, B's client, got \(dSees)")
            #expect(try await client.get(client.objectsPath + "\(indicatorID(2))/", as: d).status == .notFound)

            // Through B's trust group as well; C (outside the group, not a client) never.
            let toSIG = try await client.post([indicator(5, markings: [.amber]), indicator(6, markings: [.amberStrict])], as: h.a)
            _ = try await client.release(toSIG, #"{"groups": ["電力SIG"]}"#, as: h.a)
            let dNow = Set(try await client.objects(as: d).objects.compactMap { $0["id"] as? String })
            #expect(dNow == [indicatorID(1), indicatorID(5)], "D got \(dNow)")
            #expect(try await client.objects(as: h.c).objects.isEmpty)

            // The recipients report says D received them as B's client.
            let report = try await client.get("/api/v1/submissions/\(toB)/recipients", as: h.a, taxii: false)
            let recipients = report.object["recipients"] as? [[String: Any]] ?? []
            let entryD = recipients.first { $0["organization"] as? String == "顧客D社" }
            #expect(entryD?["client_of"] as? [String] == ["ガスB社"], "\(recipients)")
            let entryB = recipients.first { $0["organization"] as? String == "ガスB社" }
            #expect(entryB != nil && entryB?["client_of"] == nil)
        }
    }

    @Test("a part of an AMBER object marked AMBER+STRICT or RED never reaches the recipient's client")
    func strictPartsStayWithTheRecipient() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        let d = try await h.hub.member("顧客D社", email: "soc@kokyaku-d.example.jp", grants: [])
        try await h.hub.store.addClient(d.principal.organization.id, ofOrganization: h.b.principal.organization.id)
        @Sendable func marked(_ n: Int, _ part: MarkingRef) -> String {
            indicator(n, markings: [.amber], extra: #","description":"strict-part-\#(n)","granular_markings":[{"marking_ref":"\#(part.id)","selectors":["description"]}]"#)
        }
        try await h.withServer { client in
            let toB = try await client.post([marked(1, .amberStrict), marked(2, .red), marked(3, .amber)], as: h.a)
            _ = try await client.release(toB, #"{"organizations": ["ガスB社"]}"#, as: h.a)
            let dSees = try await client.objects(as: d)
            #expect(Set(dSees.objects.compactMap { $0["id"] as? String }) == [indicatorID(1), indicatorID(2), indicatorID(3)])
            #expect(!dSees.raw.contains("strict-part-1"), "D, B's client, received a part marked AMBER+STRICT")
            #expect(!dSees.raw.contains("strict-part-2"), "D, B's client, received a part marked RED")
            #expect(dSees.raw.contains("strict-part-3"), "a part marked AMBER reaches clients")
        }
    }
}
