// WebPortal forms: the fields (and uploaded files) of a POSTed form, URL-encoded or multipart, read
// into memory up to a limit. `PortalRoutes.form` reads it and checks its CSRF token before any handler.
import Foundation
import HubHTTP
import HTTPTypes
import Hummingbird
import MultipartKit
import Storage

/// A file sent with a multipart form.
public struct PortalUpload: Sendable {
    public let filename: String?
    public let contentType: String?
    public let data: Data
}

/// A submitted form.
///
/// ```swift
/// routes.form("account/password") { page, form in
///     let current = form["current_password"] ?? ""
///     …
/// }
/// ```
public struct PortalForm: Sendable {
    public let fields: [String: [String]]
    public let files: [String: PortalUpload]

    public init(fields: [String: [String]] = [:], files: [String: PortalUpload] = [:]) {
        self.fields = fields; self.files = files
    }

    /// The first value of a field.
    public subscript(_ name: String) -> String? { fields[name]?.first }

    /// Every value of a field (checkboxes, multiple selects).
    public func values(_ name: String) -> [String] { fields[name] ?? [] }

    /// Reads the body of `request`: `application/x-www-form-urlencoded` or `multipart/form-data`.
    static func read(_ request: Request, limit: Int) async throws -> PortalForm {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw PortalError.invalid(messageKey: "error_too_large_text")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            throw PortalError.invalid(messageKey: "error_too_large_text")
        }
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        if contentType.hasPrefix("multipart/form-data") {
            return try multipart(body, contentType: request.headers[.contentType] ?? "")
        }
        return urlEncoded(String(buffer: body))
    }

    static func urlEncoded(_ text: String) -> PortalForm {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            fields[name, default: []].append(value)
        }
        return PortalForm(fields: fields)
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static func multipart(_ body: ByteBuffer, contentType: String) throws -> PortalForm {
        guard let boundary = parameter("boundary", in: contentType) else {
            throw PortalError.invalid(messageKey: "error_invalid_text")
        }
        let parser = MultipartParser(boundary: boundary)
        var fields: [String: [String]] = [:]
        var files: [String: PortalUpload] = [:]
        var headers: [String: String] = [:]
        var data = Data()
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in data.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"]
            if let name = parameter("name", in: disposition) {
                if let filename = parameter("filename", in: disposition) {
                    if !(filename.isEmpty && data.isEmpty) {
                        files[name] = PortalUpload(filename: filename.isEmpty ? nil : filename,
                                                   contentType: headers["content-type"], data: data)
                    }
                } else {
                    fields[name, default: []].append(String(decoding: data, as: UTF8.self))
                }
            }
            headers = [:]
            data = Data()
        }
        do {
            try parser.execute(body)
        } catch {
            throw PortalError.invalid(messageKey: "error_invalid_text")
        }
        return PortalForm(fields: fields, files: files)
    }

    /// A `key=value` or `key="value"` parameter of a header value.
    static func parameter(_ key: String, in value: String?) -> String? { HeaderParameters.value(of: key, in: value) }
}
