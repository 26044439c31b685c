// HubHTTP request context: carries the authenticated principal from the authentication middleware to
// the handlers.
import Accounts
import Hummingbird
import Storage

/// Per-request state of the hub's HTTP server.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in principal; set by `AuthenticationMiddleware`.
    public var principal: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
    }

    /// The principal, or `HubError.signInRequired` (a 401) when nobody signed in.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw HubError.signInRequired }
        return principal
    }
}
