// Consent — the processed version an analyst edits: the submission's objects with names and
// descriptions rewritten and objects left out, built as the STIX bundle a proposal carries (each
// edited object a new version: a later `modified`). The proposal then goes through the same gate
// and, for an anonymised proposal, the same final leak check as any release, before it is stored.
import Accounts
import Foundation
import SharingPolicy
import STIX
import Storage

/// One object of a submission as the processed-version editor shows it.
public struct EditableObject: Sendable, Equatable {
    public var id: String
    public var type: String
    public var name: String?
    public var description: String?
}

/// The analyst's change to one object: left out, or its name or description rewritten (nil: unchanged).
public struct ObjectEdit: Sendable, Equatable {
    public var id: String
    public var keep: Bool
    public var name: String?
    public var description: String?

    public init(id: String, keep: Bool = true, name: String? = nil, description: String? = nil) {
        self.id = id; self.keep = keep; self.name = name; self.description = description
    }
}

extension ConsentDesk {
    /// The latest version of each object of the submission, for hub staff to edit.
    ///
    /// ```swift
    /// for object in try await desk.editableObjects(submissionID: id, by: analyst) { print(object.id, object.name ?? "") }
    /// ```
    public func editableObjects(submissionID: String, by principal: Principal) async throws -> [EditableObject] {
        try await latest(of: try await editedSubmission(submissionID, by: principal)).map { object in
            let properties = (try? JSONParser.parse(Array(object.bytes)))?.objectValue
            return EditableObject(id: object.stixID, type: object.type, name: properties?["name"]?.stringValue,
                                  description: properties?["description"]?.stringValue)
        }
    }

    /// The processed version `edits` make of the submission: every object's latest version, those
    /// not kept left out, names and descriptions rewritten where they differ (as a new version, a
    /// later `modified`); nil when the edits change nothing. A name or description is only rewritten
    /// where the object has one (STIX names are required where they exist; nothing is added).
    ///
    /// ```swift
    /// let bundle = try await desk.processedVersion(submissionID: id, edits: [ObjectEdit(id: ind, description: "C2")],
    ///                                              by: analyst)
    /// try await desk.propose(submissionID: id, scope: scope, anonymize: true, processedBundle: bundle, note: nil, by: analyst)
    /// ```
    public func processedVersion(submissionID: String, edits: [ObjectEdit], by principal: Principal,
                                 now: Int64 = STIXTimestamp.now().microsecondsSinceEpoch) async throws -> [UInt8]? {
        let objects = try await latest(of: try await editedSubmission(submissionID, by: principal))
        let byID = Dictionary(edits.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        var changed = false
        var kept: [JSONValue] = []
        for object in objects {
            guard case .object(var properties)? = try? JSONParser.parse(Array(object.bytes)) else { continue }
            guard let edit = byID[object.stixID] else { kept.append(.object(properties)); continue }
            guard edit.keep else { changed = true; continue }
            var edited = false
            for (key, value) in [("name", edit.name), ("description", edit.description)] {
                guard let value, let current = properties[key]?.stringValue,
                      value.trimmingCharacters(in: .whitespacesAndNewlines) != current.trimmingCharacters(in: .whitespacesAndNewlines)
                else { continue }
                guard key == "description" || !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ConsentError(.invalid, "\(object.stixID): a name cannot be empty")
                }
                properties[key] = .string(value)
                edited = true
            }
            if edited {
                guard let previous = properties["modified"]?.stringValue.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch else {
                    throw ConsentError(.invalid, "\(object.stixID) has no modified timestamp: it cannot be edited")
                }
                properties["modified"] = .string(STIXTimestamp.formatting(microseconds: max(now, previous + 1_000)))
                changed = true
            }
            kept.append(.object(properties))
        }
        guard changed else { return nil }
        guard !kept.isEmpty else { throw ConsentError(.invalid, "the processed version leaves every object out: it would release nothing") }
        return JSONValue.bundle(of: kept).serialized()
    }

    func editedSubmission(_ submissionID: String, by principal: Principal) async throws -> Submission {
        guard principal.user.role.isHubStaff else {
            throw ConsentError(.forbidden, "only hub analysts edit a processed version")
        }
        guard let submission = try await store.submission(id: submissionID) else {
            throw ConsentError(.notFound, "no submission \(submissionID)")
        }
        return submission
    }

    /// The latest version of each object, in the submission's order.
    func latest(of submission: Submission) async throws -> [StoredObject] {
        var latest: [String: StoredObject] = [:]
        var order: [String] = []
        for object in try await originals(of: submission) {
            if let seen = latest[object.stixID] {
                if (object.versionMicroseconds ?? 0) > (seen.versionMicroseconds ?? 0) { latest[object.stixID] = object }
            } else {
                latest[object.stixID] = object
                order.append(object.stixID)
            }
        }
        return order.compactMap { latest[$0] }
    }
}
