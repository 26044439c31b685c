// The portal's fast paths stay truthful (issue 15's page-time target): the dashboard's metrics are
// served from a cache keyed by the store's metrics generation, so a number changes right after a
// submission, for its organisation and hub staff only; the submission list is one statement a page,
// newest first, paged, and never lists another organisation's submissions whatever cursor it is given.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubTesting
import STIX
import Storage
import Testing

@Suite("Portal fast paths")
struct PortalSpeedPathTests {
    @Test("a submission changes its organisation's and hub staff's dashboard metrics at once; another organisation's stay as they were")
    func dashboardIsCurrent() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        let analyst = try await f.hub.member("Hub", email: "analyst@hub.example.jp", role: .hubAnalyst)
        try await f.withServer { client in
            let provider = Browser(client), other = Browser(client), staff = Browser(client)
            try await provider.signIn(f.writer)
            try await other.signIn(f.reader)
            try await staff.signIn(analyst)
            func csv(_ browser: Browser, _ metric: String) async throws -> String {
                let response = try await browser.get("/portal/dashboard/\(metric).csv")
                #expect(response.status == .ok)
                return response.text
            }
            // Views before the submission fill the cache.
            for browser in [provider, other, staff] { #expect(try await browser.get("/portal/dashboard").status == .ok) }
            let providerBefore = try await csv(provider, "daily"), otherBefore = try await csv(other, "coverage")
            let staffBefore = try await csv(staff, "daily"), otherDaily = try await csv(other, "daily")
            let otherLeadTime = try await csv(other, "lead-time")

            // A submission of Org A stored with the values it reported (as an accepted TAXII write records them).
            let id = "indicator--00000000-0000-4000-8000-000000000077"
            let json = #"{"type":"indicator","spec_version":"2.1","id":"\#(id)","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","name":"C2","pattern":"[ipv4-addr:value = '203.0.113.77']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}"#
            let object = IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: "2025-01-01T00:00:00.000Z",
                                        versionMicroseconds: STIXTimestamp("2025-01-01T00:00:00.000Z")!.microsecondsSinceEpoch,
                                        bytes: Array(json.utf8))
            let record = Submission(feedID: f.feed.id, organizationID: f.writer.principal.organization.id, userID: nil,
                                    requestTimestamp: "2026-12-01T00:00:00.000Z",
                                    successes: [ObjectOutcome(id: id, version: object.version, message: nil)])
            _ = try await f.hub.store.append([object], to: f.feed.id, recording: record)
            _ = try await f.hub.store.recordObservables(["ipv4-addr:203.0.113.77"], organizationID: f.writer.principal.organization.id,
                                                        submissionID: record.id)

            let providerAfter = try await csv(provider, "daily")
            #expect(providerAfter != providerBefore, "the provider's daily counts take the new value at once")
            #expect(providerAfter.contains("2026-12-01,c2,Default"))
            let staffAfter = try await csv(staff, "daily")
            #expect(staffAfter != staffBefore)
            #expect(staffAfter.contains("2026-12-01,c2,Default"))
            #expect(try await provider.get("/portal/dashboard").status == .ok)
            // Another organisation's metrics neither name nor count what it may not read.
            #expect(try await other.get("/portal/dashboard").status == .ok)
            let otherAfter = try await csv(other, "coverage")
            #expect(otherAfter == otherBefore)
            #expect(!otherAfter.contains("Org A"))
            #expect(try await csv(other, "daily") == otherDaily)
            #expect(try await csv(other, "lead-time") == otherLeadTime)
        }
    }

    @Test("the submission list pages newest first and never lists another organisation's submissions, whatever the cursor")
    func submissionListPages() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        let organization = f.writer.principal.organization.id
        var ids: [String] = []
        for n in 0..<101 {
            let id = "indicator--" + String(format: "00000000-0000-4000-8000-%012d", n)
            let json = #"{"type":"indicator","spec_version":"2.1","id":"\#(id)","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","name":"n\#(n)","pattern":"[ipv4-addr:value = '198.51.100.\#(n)']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}"#
            let object = IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: "2025-01-01T00:00:00.000Z",
                                        versionMicroseconds: STIXTimestamp("2025-01-01T00:00:00.000Z")!.microsecondsSinceEpoch,
                                        bytes: Array(json.utf8))
            let record = Submission(feedID: f.feed.id, organizationID: organization, userID: nil,
                                    requestTimestamp: String(format: "2026-11-01T00:%02d:%02d.000Z", n / 60, n % 60),
                                    successes: [ObjectOutcome(id: id, version: object.version, message: nil)])
            _ = try await f.hub.store.append([object], to: f.feed.id, recording: record)
            ids.append(record.id)
        }
        let listed = ids
        try await f.withServer { client in
            let ids = listed
            let provider = Browser(client)
            try await provider.signIn(f.writer)
            let first = try await provider.get("/portal/submissions")
            #expect(first.status == .ok)
            #expect(first.text.contains("/portal/submissions/\(ids[100])"))
            #expect(first.text.contains("/portal/submissions/\(ids[1])"))
            #expect(!first.text.contains("/portal/submissions/\(ids[0])"))
            let link = try #require(first.text.range(of: #"href="/portal/submissions\?after=[^"]+""#, options: .regularExpression))
            let next = String(first.text[link].dropFirst(#"href=""#.count).dropLast())
            let second = try await provider.get(next)
            #expect(second.status == .ok)
            #expect(second.text.contains("/portal/submissions/\(ids[0])"))
            #expect(!second.text.contains("/portal/submissions/\(ids[1])"))
            #expect(!second.text.contains("rel=\"next\""))
            // A cursor that is not one is the first page.
            #expect(try await provider.get("/portal/submissions?after=%25%25").text.contains("/portal/submissions/\(ids[100])"))

            // Another organisation, given the provider's own cursor, sees none of them.
            let other = Browser(client)
            try await other.signIn(f.reader)
            for path in ["/portal/submissions", next] {
                let page = try await other.get(path)
                #expect(page.status == .ok)
                #expect(!ids.contains { page.text.contains($0) })
            }
            // The dashboard lists the provider's latest, not to anyone else.
            #expect(try await provider.get("/portal/dashboard").text.contains(ids[100]))
            #expect(!(try await other.get("/portal/dashboard")).text.contains(ids[100]))
        }
    }
}
