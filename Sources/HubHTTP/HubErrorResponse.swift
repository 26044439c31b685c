// HubHTTP error responses: the one place where a failed request becomes an HTTP status and body.
// Handlers of every surface (TAXII and the JSON API) throw `HubError` (or a domain error that converts
// to one); the status rules are the table below, and the body is a TAXII 2.1 error message (title,
// description, http_status), which the JSON API documents as its own error format (OpenAPIDocument).
import Foundation
import Hummingbird
import Storage

extension HubError {
    /// The HTTP status of each case: the hub's only table of them.
    public var status: HTTPResponse.Status {
        switch self {
        case .invalid: return .badRequest
        case .unauthenticated: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .notAcceptable: return .notAcceptable
        case .conflict: return .conflict
        case .tooLarge: return .contentTooLarge
        case .unsupportedMediaType: return .unsupportedMediaType
        case .unprocessable: return .unprocessableContent
        case .unavailable: return .internalServerError
        case .tooManyRequests: return .tooManyRequests
        case .busy: return .serviceUnavailable
        }
    }

    /// The error message's title.
    public var title: String {
        switch self {
        case .invalid: return "Bad request"
        case .unauthenticated: return "Authentication required"
        case .forbidden: return "Forbidden"
        case .notFound: return "Not found"
        case .notAcceptable: return "Not acceptable"
        case .conflict: return "Conflict"
        case .tooLarge: return "Content too large"
        case .unsupportedMediaType: return "Unsupported media type"
        case .unprocessable: return "Cannot do that"
        case .unavailable: return "Internal error"
        case .tooManyRequests: return "Too many attempts"
        case .busy: return "Busy"
        }
    }

    /// The TAXII 2.1 error message answering this error (with a challenge for a 401).
    ///
    /// ```swift
    /// HubError.notFound("There is no collection x.").response()   // 404 {"title":"Not found",…}
    /// ```
    public func response() -> Response {
        ErrorMessage.response(status: status, title: title, description: reason, retryAfter: retryAfter)
    }
}

/// The error message body every HTTP surface of the hub answers with.
enum ErrorMessage {
    struct Body: Encodable {
        let title: String
        let description: String
        let http_status: String
    }

    static func response(status: HTTPResponse.Status, title: String, description: String,
                         retryAfter: Int? = nil) -> Response {
        let body = Body(title: title, description: description, http_status: String(status.code))
        let data = (try? JSONEncoder.taxii.encode(body)) ?? Data("{\"title\":\"error\"}".utf8)
        var headers: HTTPFields = [.contentType: "application/taxii+json;version=2.1"]
        if status == .unauthorized {
            headers[.wwwAuthenticate] = "Basic realm=\"Kakehashi TAXII\", Bearer realm=\"Kakehashi TAXII\""
        }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

extension JSONEncoder {
    public static let taxii: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}

/// Turns every error, including the router's own 404/405 and domain errors that convert to a
/// `HubError`, into the hub's error message; anything else is a 500 that tells nothing of the cause.
///
/// ```swift
/// let router = Router(context: HubRequestContext.self)
/// router.add(middleware: HubErrorMiddleware())   // before every route
/// ```
public struct HubErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HubError {
            return error.response()
        } catch let error as any HubErrorConvertible {
            return error.hubError.response()
        } catch let error as HTTPError {
            // The router's own errors (no such route, wrong method) and Hummingbird's keep their status.
            let title = error.status == .notFound ? "Not found" : "HTTP error"
            let description = error.status == .notFound
                ? "There is no TAXII resource at \(request.uri.path)." : (error.body ?? error.status.reasonPhrase)
            return ErrorMessage.response(status: error.status, title: title, description: description)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return HubError.unavailable("The server could not complete the request; nothing was changed.").response()
        }
    }
}
