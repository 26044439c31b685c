// HubHTTP errors: every failure of a request to the hub (TAXII or JSON API) is answered with a TAXII
// 2.1 error message (title, description, http_status) and the right 4xx/5xx status.
import Foundation
import Hummingbird

/// An error answered as a TAXII 2.1 error message.
public struct TAXIIError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let title: String
    public let description: String
    /// Seconds the client should wait before trying again (sent as Retry-After), if any.
    public let retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ title: String, _ description: String, retryAfter: Int? = nil) {
        self.status = status; self.title = title; self.description = description; self.retryAfter = retryAfter
    }

    public static func badRequest(_ description: String) -> TAXIIError {
        TAXIIError(.badRequest, "Bad request", description)
    }
    public static func notFound(_ description: String) -> TAXIIError {
        TAXIIError(.notFound, "Not found", description)
    }
    public static let unauthorized = TAXIIError(.unauthorized, "Authentication required",
                                         "Send HTTP Basic credentials or a Bearer token.")
    public static func forbidden(_ description: String) -> TAXIIError {
        TAXIIError(.forbidden, "Forbidden", description)
    }

    struct Body: Encodable {
        let title: String
        let description: String
        let http_status: String
    }

    public func response() -> Response {
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

/// Turns every error, including the router's own 404/405, into a TAXII error message.
public struct TAXIIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as TAXIIError {
            return error.response()
        } catch let error as HTTPError {
            let title = error.status == .notFound ? "Not found" : "HTTP error"
            let description = error.status == .notFound
                ? "There is no TAXII resource at \(request.uri.path)." : (error.body ?? error.status.reasonPhrase)
            return TAXIIError(error.status, title, description).response()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return TAXIIError(.internalServerError, "Internal error",
                              "The server could not complete the request; nothing was changed.").response()
        }
    }
}
