// WebPortal errors: what a page handler throws to answer with one of the portal's error pages. The
// HTML counterpart of HubError: `PortalRoutes` renders each as a translated page with its status.
import HubHTTP
import Hummingbird
import Storage

/// An error page: 404 for anything unknown or unreadable (never telling which), 403 for a form
/// without a valid CSRF token, 400 for bad input with a translated message.
///
/// ```swift
/// guard let object = try await readable(id) else { throw PortalError.notFound }
/// ```
public enum PortalError: Error, Sendable, Equatable {
    /// Unknown or not readable by the reader: the same page, so that nothing tells them apart.
    case notFound
    /// A form posted without the session's CSRF token (or with another one): nothing was done.
    case forgedRequest
    /// Signed in, but the role may not do this (hub staff pages for a member).
    case forbidden
    /// Bad input; `messageKey` names the catalogue entry explaining it.
    case invalid(messageKey: String)
    /// The hub could not do it now; nothing was changed.
    case unavailable

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .forgedRequest, .forbidden: .forbidden
        case .invalid: .badRequest
        case .unavailable: .internalServerError
        }
    }

    /// Catalogue keys of the page's title and explanation (Messages/errors.json).
    var messageKeys: (title: String, text: String) {
        switch self {
        case .notFound: ("error_not_found_title", "error_not_found_text")
        case .forgedRequest: ("error_forged_title", "error_forged_text")
        case .forbidden: ("error_forbidden_title", "error_forbidden_text")
        case .invalid(let key): ("error_invalid_title", key)
        case .unavailable: ("error_unavailable_title", "error_unavailable_text")
        }
    }

    /// The page for a domain error thrown through a handler: its status decides.
    static func from(_ error: HubError) -> PortalError {
        switch error.status {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .badRequest, .unprocessableContent, .conflict, .contentTooLarge, .unsupportedMediaType:
            .invalid(messageKey: "error_invalid_text")
        default: .unavailable
        }
    }
}
