// STIX — Bundle.swift
// Owns writing a STIX 2.1 bundle (a fresh bundle id around a list of objects).
import Foundation

extension JSONValue {
    /// `{"type":"bundle","id":"bundle--<uuid>","objects":[…]}`.
    ///
    /// ```swift
    /// let bundle = JSONValue.bundle(of: objects)
    /// ```
    public static func bundle(of objects: [JSONValue]) -> JSONValue {
        .object(JSONObject([("type", "bundle"), ("id", .string("bundle--\(UUID().uuidString.lowercased())")),
                            ("objects", .array(objects))]))
    }
}
