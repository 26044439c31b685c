// A member's webhook URL must not turn the hub against its own machine or network: loopback,
// private, link-local (cloud metadata) and unique-local destinations are refused unless the operator
// allows them, in every written form, and the poster refuses before connecting.
import Alerts
import Testing

@Suite("Webhook destinations")
struct WebhookDestinationTests {
    @Test("internal addresses in every form are internal; public ones are not")
    func classification() {
        for address in ["127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "[::1]", "::", "fe80::1", "fd00::5",
                        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "localhost", "LOCALHOST", "metadata.localhost"] {
            #expect(WebhookDestination.namesInternal(address), "\(address)")
        }
        for address in ["203.0.113.10", "8.8.8.8", "172.32.0.1", "192.169.0.1", "2001:db8::1", "::ffff:203.0.113.10",
                        "hooks.example.jp", "localhost.example.jp"] {
            #expect(!WebhookDestination.namesInternal(address), "\(address)")
        }
    }

    @Test("the poster refuses an internal destination before connecting, unless allowed")
    func posterRefuses() async throws {
        let poster = WebhookPoster(timeoutSeconds: 2)
        for url in ["http://127.0.0.1:9/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]:9/x",
                    "https://localhost:9/x"] {
            do {
                try await poster.post(Array("{}".utf8), to: url, secret: "s", deliveryID: "d")
                Issue.record("posted to \(url)")
            } catch let error as WebhookError {
                #expect(error.description.contains("internal address"), "\(url): \(error)")
            }
        }
        try await poster.shutdown()
        // Allowed: the POST is attempted (and fails for want of a listener, not for the address).
        let allowed = WebhookPoster(timeoutSeconds: 2, allowInternalAddresses: true)
        do {
            try await allowed.post(Array("{}".utf8), to: "http://127.0.0.1:9/hook", secret: "s", deliveryID: "d")
        } catch let error as WebhookError {
            #expect(!error.description.contains("internal address"))
        }
        try await allowed.shutdown()
    }
}
