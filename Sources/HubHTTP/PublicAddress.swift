// HubHTTP public address: the base URL the hub writes into links it serves or stores (TAXII
// discovery's `default` and `api_roots`, sample download URLs). It is configured (`kakehashi serve
// --public-url`), never taken from a request: a Host header is the client's to choose, and a link
// built from it would point other members at whatever host the first requester named.
import Synchronization

/// The hub's public base URL, `scheme://host[:port]` without a trailing slash.
///
/// ```swift
/// let address = PublicAddress(configured: "https://hub.example.jp", port: 8080)
/// address.baseURL          // "https://hub.example.jp"
/// let local = PublicAddress(configured: nil, port: 0)
/// local.listenerBound(port: 49152)
/// local.baseURL            // "http://127.0.0.1:49152"
/// ```
public final class PublicAddress: Sendable {
    private let url: Mutex<String>
    private let isConfigured: Bool

    /// `configured` is the operator's public URL; without one, `http://127.0.0.1:PORT` of the
    /// listener (the port filled in by `listenerBound(port:)` when it is picked at start).
    public init(configured: String? = nil, port: Int = 8080) {
        if let configured, !configured.isEmpty {
            self.url = Mutex(Self.normalized(configured))
            self.isConfigured = true
        } else {
            self.url = Mutex("http://127.0.0.1:\(port)")
            self.isConfigured = false
        }
    }

    /// The base URL for links: `baseURL + "/hub/"`.
    public var baseURL: String { url.withLock { $0 } }

    /// Records the port the listener bound (the one chosen for `--port 0`); a configured URL stays.
    public func listenerBound(port: Int) {
        guard !isConfigured else { return }
        url.withLock { $0 = "http://127.0.0.1:\(port)" }
    }

    /// Whether `text` can serve as a public URL: `http://` or `https://` with a host, and no path,
    /// query or fragment beyond a trailing slash.
    public static func isValid(_ text: String) -> Bool {
        let lowered = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowered.hasPrefix($0) }) else { return false }
        let rest = normalized(text).dropFirst(scheme.count)
        return !rest.isEmpty && !rest.contains(where: { "/?#@ \\".contains($0) })
    }

    static func normalized(_ text: String) -> String {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
