// TAXII authentication: HTTP Basic (email + password or token) and Bearer tokens, as TAXII clients
// differ in which they send. No credentials or wrong ones: 401 and no data. Too many wrong passwords
// for an account or from an address: 429 with Retry-After, the same whether the account exists or not.
import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Storage

public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = HubRequestContext
    let authenticator: Authenticator
    /// Rate limits and page caps by consumer tier (nil: none, e.g. /metrics).
    let flow: ConsumerFlow?

    /// The polling hint's header name, made once.
    static let pollInterval = HTTPField.Name("X-Kakehashi-Poll-Interval")!

    public init(authenticator: Authenticator, flow: ConsumerFlow? = nil) {
        self.authenticator = authenticator; self.flow = flow
    }

    /// Each request reads the account generation once (`RequestAccountsGeneration`): sign-in, the
    /// feed directory and the rights caches all ask for it.
    public func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        try await RequestAccountsGeneration.$current.withValue(RequestAccountsGeneration()) {
            try await authenticated(request, context: context, next: next)
        }
    }

    func authenticated(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let header = request.headers[.authorization] else { throw HubError.signInRequired }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { throw HubError.signInRequired }
        let scheme = parts[0].lowercased()
        let value = parts[1].first == " " || parts[1].last == " " ? parts[1].trimmingCharacters(in: .whitespaces) : String(parts[1])
        switch scheme {
        case "bearer":
            context.principal = try await authenticator.principal(bearerToken: value)
        case "basic":
            guard let decoded = Data(base64Encoded: value).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":") else { throw HubError.signInRequired }
            // Too many failures for the account or from the address: `SignInRefused`, a 429 with
            // Retry-After (a `HubErrorConvertible`).
            context.principal = try await authenticator.principal(
                basicUser: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]),
                address: context.clientAddress)
        default:
            throw HubError.signInRequired
        }
        guard let principal = context.principal else {
            throw HubError.unauthenticated("The credentials were not accepted.")
        }
        guard let flow else { return try await next(request, context) }
        // After sign-in, so that an unknown or wrong credential never fills a bucket.
        let grant = try flow.admit(credential: header, tier: principal.organization.tier)
        var response = try await FlowGrant.$current.withValue(grant) { try await next(request, context) }
        response.headers[Self.pollInterval] = String(grant.pollSeconds)
        return response
    }
}
