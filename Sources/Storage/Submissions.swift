// Submissions: one accepted write (a TAXII POST or an import) and its per-object outcome,
// served as the TAXII status resource.
import Foundation

/// The outcome of one object of a submission.
public struct ObjectOutcome: Sendable, Equatable, Codable {
    public var id: String?
    public var version: String?
    public var message: String?
    /// The object's TLP level as submitted (nil: unmarked).
    public var tlp: String?
    /// The object's PAP level (permissible actions protocol), recorded and shown, not enforced.
    public var pap: String?
    public init(id: String?, version: String?, message: String?, tlp: String? = nil, pap: String? = nil) {
        self.id = id; self.version = version; self.message = message; self.tlp = tlp; self.pap = pap
    }
}

/// One write to a feed by an organisation; its id is the TAXII status id.
public struct Submission: Sendable, Equatable, Codable {
    public var id: String
    public var feedID: String
    public var organizationID: String
    public var userID: String?
    public var requestTimestamp: String
    public var successes: [ObjectOutcome]
    public var failures: [ObjectOutcome]
    public var pendings: [ObjectOutcome]

    public var totalCount: Int { successes.count + failures.count + pendings.count }

    public init(id: String = UUID().uuidString.lowercased(), feedID: String, organizationID: String,
                userID: String?, requestTimestamp: String, successes: [ObjectOutcome] = [],
                failures: [ObjectOutcome] = [], pendings: [ObjectOutcome] = []) {
        self.id = id; self.feedID = feedID; self.organizationID = organizationID; self.userID = userID
        self.requestTimestamp = requestTimestamp; self.successes = successes
        self.failures = failures; self.pendings = pendings
    }
}
