// HubHTTP header parameters: the `key=value` / `key="value"` parameters of a header value
// (multipart boundaries, Content-Disposition names and file names), for the API and the portal.
import Foundation

/// Reads one parameter of a header value.
///
/// ```swift
/// HeaderParameters.value(of: "boundary", in: "multipart/form-data; boundary=\"x1\"")   // "x1"
/// HeaderParameters.value(of: "filename", in: "form-data; name=\"file\"; filename=\"a.eml\"")   // "a.eml"
/// ```
public enum HeaderParameters {
    /// The parameter `key` (compared case-insensitively) of `header`, unquoted; nil when absent.
    public static func value(of key: String, in header: String?) -> String? {
        guard let header else { return nil }
        let key = key.lowercased()
        for piece in header.split(separator: ";") {
            let part = piece.trimmingCharacters(in: .whitespaces)
            guard let equals = part.firstIndex(of: "="),
                  part[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var text = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return text
        }
        return nil
    }
}
