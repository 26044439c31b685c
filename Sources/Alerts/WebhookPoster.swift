// Alerts — WebhookPoster: signed webhook POSTs. The signature is HMAC-SHA256 with the
// subscription's secret over "<timestamp>.<body>", sent as `X-Kakehashi-Signature: sha256=<hex>`
// beside `X-Kakehashi-Timestamp` (Unix seconds): a receiver that checks both and refuses old
// timestamps cannot be replayed an earlier alert. Redirects are not followed (a webhook cannot be
// bounced to another host), and a URL's query is never written into an error or log line.
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// The signature headers of one webhook body.
///
/// ```swift
/// let signed = WebhookSignature.sign(body, secret: secret, timestamp: 1_765_000_000)
/// signed.signature   // "sha256=5d41…"; receivers compute HMAC-SHA256(secret, "1765000000." + body)
/// ```
public enum WebhookSignature {
    public static let signatureHeader = "X-Kakehashi-Signature"
    public static let timestampHeader = "X-Kakehashi-Timestamp"
    public static let deliveryHeader = "X-Kakehashi-Delivery"

    public static func sign(_ body: [UInt8], secret: String, timestamp: Int64) -> (signature: String, timestamp: String) {
        let stamp = String(timestamp)
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array((stamp + ".").utf8))
        hmac.update(data: body)
        let hex = Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
        return ("sha256=" + hex, stamp)
    }

    /// A new secret: 32 random bytes, hex.
    public static func newSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }
}

/// Posts webhook bodies.
///
/// ```swift
/// let poster = WebhookPoster(timeoutSeconds: 10)
/// try await poster.post(body, to: url, secret: secret, deliveryID: alertID)
/// try await poster.shutdown()
/// ```
public final class WebhookPoster: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount
    /// Whether loopback, private and link-local destinations may be POSTed to (`WebhookDestination`).
    let allowInternalAddresses: Bool

    public init(timeoutSeconds: Double, allowInternalAddresses: Bool = false) {
        self.allowInternalAddresses = allowInternalAddresses
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .milliseconds(Int64(timeoutSeconds * 1000)))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        timeout = .milliseconds(Int64(timeoutSeconds * 1000))
    }

    /// POSTs `body` signed with `secret`; throws `WebhookError` unless the answer is 2xx.
    public func post(_ body: [UInt8], to url: String, secret: String, deliveryID: String,
                     now: Date = Date()) async throws {
        let signed = WebhookSignature.sign(body, secret: secret, timestamp: Int64(now.timeIntervalSince1970))
        guard let host = URLComponents(string: url)?.host else { throw WebhookError("the webhook URL has no host") }
        try WebhookDestination.check(host: host, allowInternal: allowInternalAddresses)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Kakehashi-Alerts/1")
        request.headers.add(name: WebhookSignature.signatureHeader, value: signed.signature)
        request.headers.add(name: WebhookSignature.timestampHeader, value: signed.timestamp)
        request.headers.add(name: WebhookSignature.deliveryHeader, value: deliveryID)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw WebhookError("POST to \(Self.redacted(url)) failed: \(Self.reason(error))")
        }
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw WebhookError("POST to \(Self.redacted(url)) answered \(response.status.code)")
        }
    }

    public func shutdown() async throws { try await client.shutdown() }

    /// The URL without its query, fragment or user information (which may carry tokens).
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "the webhook URL" }
        parts.query = nil; parts.fragment = nil; parts.user = nil; parts.password = nil
        return parts.string ?? "the webhook URL"
    }

    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) : text
    }
}

/// A webhook POST failed.
public struct WebhookError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
