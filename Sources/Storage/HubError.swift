// Storage hub errors: the one error type of the hub's request paths (TAXII and the JSON API alike),
// named by what went wrong in the domain, not by HTTP. HubHTTP maps each case to a status and the
// error message body in one place; domain errors of other modules (consent, intake) convert to it.
import Foundation

/// What went wrong with a request to the hub; every case carries a reason for the caller (never a
/// secret: reasons are answered as they are).
///
/// ```swift
/// guard let feed = try await store.feed(named: name) else {
///     throw HubError.notFound("There is no feed named \(name.prefix(64)).")
/// }
/// ```
public enum HubError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request is malformed: a query parameter, a JSON body, an envelope (400).
    case invalid(String)
    /// Nobody signed in, or the credentials were not accepted (401).
    case unauthenticated(String)
    /// The principal may not do this (403).
    case forbidden(String)
    /// There is no such thing for this principal; also what is answered for something it may not
    /// know exists (404).
    case notFound(String)
    /// The client accepts no representation the hub answers with (406).
    case notAcceptable(String)
    /// The request contradicts the state of the hub, e.g. a release the final leak check blocks (409).
    case conflict(String)
    /// The body is larger than the hub accepts (413).
    case tooLarge(String)
    /// The body is not of a media type the hub accepts there (415).
    case unsupportedMediaType(String)
    /// The request is well formed but cannot be carried out, e.g. releasing an unknown group (422).
    case unprocessable(String)
    /// The hub could not complete the request; nothing was changed (500).
    case unavailable(String)
    /// Too many attempts (failed sign-ins): try again after `retryAfter` seconds (429, Retry-After).
    case tooManyRequests(String, retryAfter: Int)
    /// The hub is too busy to do this now: try again after `retryAfter` seconds (503, Retry-After).
    case busy(String, retryAfter: Int)

    /// Nobody signed in.
    public static let signInRequired = HubError.unauthenticated("Send HTTP Basic credentials or a Bearer token.")

    /// The reason given to the caller.
    public var reason: String {
        switch self {
        case .invalid(let reason), .unauthenticated(let reason), .forbidden(let reason), .notFound(let reason),
             .notAcceptable(let reason), .conflict(let reason), .tooLarge(let reason),
             .unsupportedMediaType(let reason), .unprocessable(let reason), .unavailable(let reason),
             .tooManyRequests(let reason, _), .busy(let reason, _):
            return reason
        }
    }

    /// Seconds the caller should wait before trying again (sent as Retry-After), if any.
    public var retryAfter: Int? {
        switch self {
        case .tooManyRequests(_, let seconds), .busy(_, let seconds): return seconds
        default: return nil
        }
    }

    public var description: String { reason }
}

/// A domain error that has a `HubError` meaning (consent, intake), so that the HTTP surfaces map it
/// in the same one place instead of translating it at every call site.
public protocol HubErrorConvertible: Error {
    var hubError: HubError { get }
}
