// Alerts: the message text (RFC 2047 subjects, dot-stuffing, 8bit or base64 bodies), the webhook
// signature against a vector computed with Python's hmac, watched values in Correlation's normal
// forms, and the dispatch on a real store and intake (KAKEHASHI_TEST_BACKEND=postgres runs it on
// PostgreSQL): held content raises nothing, a release alerts readers only, access lost before the
// send withholds the alert, failures back off and become dead letters, a second scan decides nothing.
import Accounts
import Alerts
import Anonymization
import Consent
import Foundation
import HubTesting
import Ingestion
import SharingPolicy
import STIX
import Storage
import Synchronization
import Testing

/// Records what would have been sent; fails while `failures` is above zero.
final class RecordingCourier: AlertCourier {
    struct Sent: Sendable { var content: AlertContent; var channel: AlertChannel; var recipient: String }
    let sent = Mutex<[Sent]>([])
    let failures = Mutex(0)

    func deliver(_ content: AlertContent, channel: AlertChannel, subscription: AlertSubscription, recipient: User) async throws {
        if failures.withLock({ left in left -= 1; return left >= 0 }) {
            throw TestFailure()
        }
        sent.withLock { $0.append(Sent(content: content, channel: channel, recipient: recipient.email)) }
    }

    struct TestFailure: Error, CustomStringConvertible { var description: String { "POST to https://soc.example/hook answered 503" } }
}

@Suite("Alerts")
struct AlertsTests {
    // MARK: - Message text

    @Test("a Japanese subject is RFC 2047 encoded words of at most 75 characters that decode back")
    func encodedSubject() throws {
        let subject = "[Kakehashi] urgent C2: 3 new indicators / 緊急 C2: 新しい指標 3 件 — 電力ISACの会員へ、至急ご確認ください"
        let encoded = MailText.encodedHeader(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        var decoded: [UInt8] = []
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            decoded += try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
        #expect(MailText.encodedHeader("plain ASCII") == "plain ASCII")
        #expect(!MailText.encodedHeader("line\r\nBcc: x@example.com").contains("\r\n"))   // no header injection
    }

    @Test("lines beginning with a dot are doubled; the message has CRLF line ends and the right encoding")
    func dotStuffingAndBodies() throws {
        let mail = OutgoingMail(to: "soc@member.example", subject: "緊急", text: ".hidden\nline\n..two\n.\nend",
                                messageID: "a1@kakehashi")
        let eightBit = MailText.message(mail, from: "hub@example.jp", eightBit: true)
        #expect(eightBit.contains("Content-Transfer-Encoding: 7bit\r\n"))
        let stuffed = MailText.dotStuffed(eightBit)
        #expect(stuffed.contains("\r\n..hidden\r\nline\r\n...two\r\n..\r\nend\r\n"))
        #expect(!stuffed.contains("\r\n.\r\n"))                                        // nothing ends DATA early
        let japanese = OutgoingMail(to: "soc@member.example", subject: "s", text: "新しい指標\n.start", messageID: "b@k")
        #expect(MailText.message(japanese, from: "hub@example.jp", eightBit: true).contains("Content-Transfer-Encoding: 8bit\r\n"))
        let base64 = MailText.message(japanese, from: "hub@example.jp", eightBit: false)
        #expect(base64.contains("Content-Transfer-Encoding: base64\r\n"))
        let body = try #require(base64.components(separatedBy: "\r\n\r\n").last)
        let decoded = try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")))
        #expect(String(decoding: decoded, as: UTF8.self) == "新しい指標\n.start\n")
    }

    @Test("the webhook signature is HMAC-SHA256 over timestamp, dot and body (vector from Python's hmac)")
    func signature() {
        let signed = WebhookSignature.sign(Array(#"{"a":1}"#.utf8), secret: "whsec-test", timestamp: 1_765_000_000)
        #expect(signed.timestamp == "1765000000")
        #expect(signed.signature == "sha256=f92366f7ae5a252c1d56bfd0f81a22abab265eb11cd50ef483ae2edeaa66e3c2")
        #expect(WebhookSignature.newSecret().count == 64 && WebhookSignature.newSecret() != WebhookSignature.newSecret())
    }

    @Test("watched values in the index's normal form match the value and its sub-domains only")
    func watched() {
        #expect(AlertMatching.normalisedWatch(" Login.EXAMPLE[.]jp. ") == "login.example.jp")
        #expect(AlertMatching.normalisedWatch("2001:DB8::0:1") == "2001:db8::1")
        #expect(AlertMatching.normalisedWatch("hxxps://Evil.example/a") == "https://evil.example/a")
        #expect(AlertMatching.normalisedWatch("not a value") == nil && AlertMatching.normalisedWatch("") == nil)
        let entries = [IndexedObservable(kind: "domain-name", value: "mail.example.jp"),
                       IndexedObservable(kind: "ipv4-addr", value: "203.0.113.9")]
        #expect(AlertMatching.watches(["example.jp"], entries: entries))
        #expect(AlertMatching.watches(["203.0.113.9"], entries: entries))
        #expect(!AlertMatching.watches(["ample.jp", "203.0.113.90", "mail.example.jp.evil"], entries: entries))
    }

    // MARK: - Dispatch on a real store

    struct World {
        let hub: TestHub
        let feed: Feed
        let intake: EnvelopeIntake
        let consent: ConsentDesk
        let policy: PolicyEngine
        let desk: AlertDesk
        let provider: TestHub.Member, reader: TestHub.Member, outsider: TestHub.Member, readOnly: TestHub.Member

        func dispatch(_ courier: RecordingCourier, maxAttempts: Int = 3) -> AlertDispatch {
            var settings = AlertSettings(smtp: MailRelaySettings(host: "127.0.0.1", port: 1, from: "hub@example.jp"))
            settings.maxAttempts = maxAttempts
            settings.retryBaseSeconds = 0
            return AlertDispatch(store: hub.store, policy: policy, ledger: nil, settings: settings, courier: courier)
        }

        func submit(_ n: Int, _ pattern: String) async throws -> Submission {
            let object = """
                {"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-00000000000\(n)",\
                "created":"2026-12-01T00:00:00.000Z","modified":"2026-12-01T00:00:00.000Z","name":"C2 \(n)",\
                "pattern_type":"stix","valid_from":"2026-12-01T00:00:00Z","pattern":"\(pattern)"}
                """
            let bundle = Array("{\"type\":\"bundle\",\"id\":\"bundle--\(UUID().uuidString.lowercased())\",\"objects\":[\(object)]}".utf8)
            return try await intake.submit(envelope: bundle, to: feed, by: provider.principal)
        }

        func release(_ submission: Submission) async throws {
            _ = try await consent.release(submissionID: submission.id,
                                          scope: ReleaseScope(organizations: [reader.principal.organization.name]),
                                          anonymize: false, by: provider.principal)
        }
    }

    static func world() async throws -> World {
        let hub = try await TestHub.make()
        let feed = try await hub.store.createFeed(Feed(name: "C2", title: "C2 servers", severity: .urgent))
        let both: [(feed: Feed, read: Bool, write: Bool)] = [(feed, true, true)]
        let provider = try await hub.member("北斗電力", email: "soc@hokuto.example", grants: both)
        let reader = try await hub.member("南海電力", email: "soc@nankai.example", grants: [(feed, true, false)])
        let outsider = try await hub.member("東西ガス", email: "soc@tozai.example", grants: [(feed, true, false)])
        let readOnly = try await hub.member("東西ガス", email: "ro@tozai.example", role: .readOnly)
        let policy = PolicyEngine(store: hub.store, rightsLifetime: 0)
        let consent = ConsentDesk(store: hub.store, policy: policy, anonymization: AnonymizationSettings(
            hubIdentityID: "identity--\(UUID().uuidString.lowercased())", idKey: Array(0..<32)))
        return World(hub: hub, feed: feed, intake: EnvelopeIntake(store: hub.store, policy: policy, desk: consent),
                     consent: consent, policy: policy, desk: AlertDesk(store: hub.store, policy: policy),
                     provider: provider, reader: reader, outsider: outsider, readOnly: readOnly)
    }

    @Test("held content alerts nobody; a release alerts its readers only, once, through each channel")
    func releaseAlertsReadersOnly() async throws {
        let w = try await Self.world(); defer { w.hub.remove() }
        let mine = try await w.desk.subscribe(AlertSubscriptionRequest(feed: "C2", webhookURL: "https://soc.example/hook"),
                                              by: w.reader.principal)
        #expect(mine.webhookSecret?.count == 64 && mine.email)
        for other in [w.outsider, w.readOnly] {
            _ = try await w.desk.subscribe(AlertSubscriptionRequest(feed: "C2", webhookURL: "https://other.example/hook"),
                                           by: other.principal)
        }
        _ = try await w.desk.subscribe(AlertSubscriptionRequest(feed: "C2", watch: ["c2.hokuto-held.example"]), by: w.outsider.principal)
        let courier = RecordingCourier()
        let dispatch = w.dispatch(courier)

        let held = try await w.submit(1, "[domain-name:value = 'c2.hokuto-held.example']")
        #expect(try await dispatch.scan() == 0)
        #expect(try await dispatch.sendDue() == 0 && courier.sent.withLock { $0.isEmpty })

        try await w.release(held)
        #expect(try await dispatch.scan() == 2)                      // the reader: e-mail and webhook
        #expect(try await dispatch.scan() == 0)                      // nothing decided twice
        #expect(try await dispatch.sendDue() == 2)
        let sent = courier.sent.withLock { $0 }
        #expect(Set(sent.map(\.recipient)) == ["soc@nankai.example"])
        #expect(Set(sent.map(\.channel)) == [.email, .webhook])
        #expect(sent.allSatisfy { $0.content.items.map(\.stixID) == ["indicator--00000000-0000-4000-8000-000000000001"] })
        #expect(sent[0].content.text.contains("c2.hokuto-held.example") && sent[0].content.subject.contains("緊急"))
        #expect(try await dispatch.sendDue() == 0)                   // sent once
        // Nobody else has a delivery of any kind; the members cannot see the dead letters.
        for other in [w.outsider, w.readOnly, w.provider] {
            #expect(try await w.desk.deliveries(for: other.principal).isEmpty)
            await #expect(throws: HubError.self) { try await w.desk.deadLetters(by: other.principal) }
        }
    }

    @Test("a subscriber who loses access before the send gets nothing (withheld)")
    func accessLostBeforeSend() async throws {
        let w = try await Self.world(); defer { w.hub.remove() }
        _ = try await w.desk.subscribe(AlertSubscriptionRequest(feed: "C2", email: true), by: w.reader.principal)
        let courier = RecordingCourier()
        let dispatch = w.dispatch(courier)
        try await w.release(try await w.submit(2, "[ipv4-addr:value = '198.51.100.2']"))
        #expect(try await dispatch.scan() == 1)
        try await w.hub.propagated {
            try await w.hub.store.setGrant(FeedGrant(feedID: w.feed.id, organizationID: w.reader.principal.organization.id,
                                                     canRead: false, canWrite: false))
        }
        #expect(try await dispatch.sendDue() == 0)
        #expect(courier.sent.withLock { $0.isEmpty })
        #expect(try await w.desk.deliveries(for: w.reader.principal).map(\.status) == ["withheld"])
    }

    @Test("failures back off and become a dead letter the administrator alone may retry")
    func deadLetters() async throws {
        let w = try await Self.world(); defer { w.hub.remove() }
        let admin = try await w.hub.member("Kakehashi Hub", email: "admin@hub.example", role: .hubAdmin)
        _ = try await w.desk.subscribe(AlertSubscriptionRequest(feed: "C2", email: false, webhookURL: "https://soc.example/hook"),
                                       by: w.reader.principal)
        let courier = RecordingCourier()
        courier.failures.withLock { $0 = 3 }
        let dispatch = w.dispatch(courier, maxAttempts: 3)
        try await w.release(try await w.submit(3, "[ipv4-addr:value = '198.51.100.3']"))
        _ = try await dispatch.scan()
        for _ in 0..<3 { #expect(try await dispatch.sendDue() == 0) }
        let dead = try await w.desk.deadLetters(by: admin.principal)
        #expect(dead.map(\.status) == ["dead"] && dead[0].attempts == 3)
        #expect(dead[0].lastError?.contains("503") == true)
        await #expect(throws: HubError.self) { try await w.desk.retry(deliveryID: dead[0].id, by: w.reader.principal) }
        _ = try await w.desk.retry(deliveryID: dead[0].id, by: admin.principal)
        #expect(try await dispatch.sendDue() == 1)
        #expect(courier.sent.withLock { $0.count } == 1)
        #expect(try await w.desk.deadLetters(by: admin.principal).isEmpty)
    }
}
