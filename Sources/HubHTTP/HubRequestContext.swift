// HubHTTP request context: carries the authenticated principal from the authentication middleware to
// the handlers.
import Accounts
import Hummingbird
import NIOCore
import Storage

/// Per-request state of the hub's HTTP server.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in principal; set by `AuthenticationMiddleware`.
    public var principal: Principal?
    /// The connection's peer, for the sign-in throttle.
    let peer: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.peer = source.channel.remoteAddress
    }

    /// The client's address as the sign-in throttle counts it (`ClientAddress`); nil when unknown.
    public var clientAddress: String? { ClientAddress.throttleKey(peer) }

    /// The principal, or `HubError.signInRequired` (a 401) when nobody signed in.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw HubError.signInRequired }
        return principal
    }
}
