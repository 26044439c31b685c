// Object records: STIX object versions as the store keeps them (the submitted bytes plus index keys),
// and the queries that read them back.
import Foundation

/// One STIX object version to be stored, with its bytes exactly as submitted.
public struct IncomingObject: Sendable {
    public var stixID: String
    public var type: String
    public var specVersion: String
    /// `modified`, else `created`; nil for objects without either (most SCOs).
    public var version: String?
    /// The version as microseconds since the epoch (for ordering); nil when `version` is nil.
    public var versionMicroseconds: Int64?
    public var bytes: [UInt8]
    /// The object's TLP level (from its object markings), nil when unmarked.
    public var tlp: TLPLevel?
    /// Who may read this version (see `Audience`); empty means the provider and hub staff only.
    public var audiences: [String]
    /// For a released copy: the id of the original it was made from (an anonymised copy has an id
    /// of its own), so that what is indexed by the original's id (observation hours) finds the copy.
    public var originalID: String?
    /// The normalised observables this version carries, for the observable index (originals only;
    /// computed by the domain, see `ObservableIndexStore`).
    public var observables: [IndexedObservable] = []
    /// Whether those observables are held back (TLP:RED or AMBER+STRICT on the object or a part).
    public var observablesHeldBack = false
    /// The version revokes its object (STIX `revoked: true`): every earlier version of the object
    /// from the same provider in the same feed leaves the observable index, and this one adds nothing.
    public var revokes = false
    /// The version's search document when the domain prepared it beside the object (the intake does,
    /// on its checking cores, so that the writer does not parse the JSON again); `.notPrepared`: the
    /// store makes it from `bytes`.
    public var search: PreparedSearch = .notPrepared

    /// A search document prepared before the append, or not.
    public enum PreparedSearch: Sendable {
        case notPrepared
        /// Prepared: the document, nil when the version has no searchable text.
        case prepared(SearchDocument?)
    }

    /// The version's search document: the prepared one, else made from the bytes.
    public var searchDocument: SearchDocument? {
        switch search {
        case .prepared(let document): return document
        case .notPrepared: return SearchDocument(json: bytes)
        }
    }

    public init(stixID: String, type: String, specVersion: String, version: String?,
                versionMicroseconds: Int64?, bytes: [UInt8], tlp: TLPLevel? = nil, audiences: [String] = []) {
        self.stixID = stixID; self.type = type; self.specVersion = specVersion
        self.version = version; self.versionMicroseconds = versionMicroseconds; self.bytes = bytes
        self.tlp = tlp; self.audiences = audiences
    }
}

/// One stored STIX object version.
public struct StoredObject: Sendable, Equatable {
    /// Strictly increasing position of the version in the hub (the paging key).
    public var position: Int64
    public var feedID: String
    public var stixID: String
    public var type: String
    public var specVersion: String
    /// The TAXII version: `modified`, else `created`, else `date_added`.
    public var version: String
    /// When the hub added it, microseconds since the epoch; strictly increasing with `position`.
    public var dateAddedMicroseconds: Int64
    public var bytes: Data
    /// The submission the version came in with (for a released copy: the submission released).
    public var submissionID: String
    /// The organisation that provided it.
    public var providerOrganizationID: String
    /// The release this copy belongs to; nil for the provider's original.
    public var releaseID: String?
    public var tlp: TLPLevel?
    /// The object's own version (`modified`/`created`) as an instant; nil when it has none and
    /// `version` is its date_added.
    public var versionMicroseconds: Int64?

    public init(position: Int64, feedID: String, stixID: String, type: String, specVersion: String,
                version: String, dateAddedMicroseconds: Int64, bytes: Data, submissionID: String = "",
                providerOrganizationID: String = "", releaseID: String? = nil, tlp: TLPLevel? = nil,
                versionMicroseconds: Int64? = nil) {
        self.position = position; self.feedID = feedID; self.stixID = stixID; self.type = type
        self.specVersion = specVersion; self.version = version
        self.dateAddedMicroseconds = dateAddedMicroseconds; self.bytes = bytes
        self.submissionID = submissionID; self.providerOrganizationID = providerOrganizationID
        self.releaseID = releaseID; self.tlp = tlp; self.versionMicroseconds = versionMicroseconds
    }
}

/// Which versions of each object a query returns (TAXII `match[version]`).
public struct VersionSelection: Sendable, Equatable {
    public var first = false
    public var last = false
    public var all = false
    /// Exact versions (timestamps as text, compared by instant).
    public var instants: [Int64] = []

    public init(first: Bool = false, last: Bool = false, all: Bool = false, instants: [Int64] = []) {
        self.first = first; self.last = last; self.all = all; self.instants = instants
    }
    /// The TAXII default: the latest version only.
    public static let latest = VersionSelection(last: true)
    public static let every = VersionSelection(all: true)
}

/// A read of one feed's objects in `position` order (for a reader: in the order of its effective
/// date_added, see `ReadScope`). Every filter is optional; who the read is for is the `ReadScope`
/// the policy engine gives.
public struct ObjectQuery: Sendable, Equatable {
    public var feedID: String
    /// Only positions after this one (from a `next` cursor).
    public var afterPosition: Int64?
    /// Only versions added after this instant (TAXII `added_after`), microseconds.
    public var addedAfterMicroseconds: Int64?
    /// The (effective) date_added of the last version served (from a `next` cursor): with
    /// `afterPosition`, where a reader's listing ordered by effective date_added resumes.
    public var afterDateAdded: Int64?
    public var ids: [String]
    public var types: [String]
    public var versions: VersionSelection
    public var specVersions: [String]
    public var limit: Int
    /// Only the originals of this submission.
    /// With `submissionID`: also the copies its releases made (not only the originals).
    public var includeReleasedCopies = false
    public var submissionID: String?
    /// The position a listing began after (carried in `next` cursors); a version is served once
    /// among the copies after it. Nil: this query begins the listing.
    public var listingStart: Int64?

    public init(feedID: String, afterPosition: Int64? = nil, addedAfterMicroseconds: Int64? = nil,
                ids: [String] = [], types: [String] = [], versions: VersionSelection = .latest,
                specVersions: [String] = [], limit: Int = 1000, submissionID: String? = nil) {
        self.feedID = feedID; self.afterPosition = afterPosition
        self.addedAfterMicroseconds = addedAfterMicroseconds; self.ids = ids; self.types = types
        self.versions = versions; self.specVersions = specVersions; self.limit = limit
        self.submissionID = submissionID
    }
}

/// One page of a query: the versions in order, and whether more follow.
public struct ObjectPage: Sendable {
    public var objects: [StoredObject]
    public var more: Bool
    /// Where the listing began, to carry into the next page's query.
    public var listingStart: Int64?
    /// The last version the read looked at (its position and date_added), when that is not the last
    /// of `objects`: a filtered read (a small member's reduced feed) resumes after it, so a version
    /// it left out is not looked at again and a page that kept nothing still has a `next`.
    public var lastExamined: (position: Int64, dateAddedMicroseconds: Int64)?
    public init(objects: [StoredObject], more: Bool, listingStart: Int64? = nil) {
        self.objects = objects; self.more = more; self.listingStart = listingStart
    }

    /// Where the next page begins: after the last version looked at.
    public var resumePoint: (position: Int64, dateAddedMicroseconds: Int64)? {
        lastExamined ?? objects.last.map { ($0.position, $0.dateAddedMicroseconds) }
    }
}

/// What became of each object of an append.
public enum AppendResult: Sendable, Equatable {
    case stored(position: Int64)
    /// That version was already in the feed; nothing was written.
    case alreadyPresent
}

/// TLP 2.0 levels, from least to most restricted.
public enum TLPLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case clear, green, amber
    case amberStrict = "amber+strict"
    case red

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: TLPLevel, b: TLPLevel) -> Bool { a.rank < b.rank }
}

/// Audience keys: who may read a stored version. The policy engine decides which keys a version gets
/// and which keys a reader holds; the store only matches them.
public enum Audience {
    /// Hub staff (analysts, admins).
    public static let hubStaff = "staff"
    /// Every member organisation with read access to the feed.
    public static let allMembers = "all"
    /// Public output (TLP:CLEAR only).
    public static let publicOutput = "public"
    /// One organisation, named individually.
    public static func organization(_ id: String) -> String { "org:\(id)" }
    /// Every member of one trust group.
    public static func group(_ id: String) -> String { "group:\(id)" }
    /// The recorded clients of one organisation (TLP:AMBER lets a recipient share with its clients).
    public static func clients(of organizationID: String) -> String { "clients:\(organizationID)" }
    /// The recorded clients of every member of one trust group.
    public static func clients(ofGroup groupID: String) -> String { "group-clients:\(groupID)" }
    /// The recorded clients of every member organisation.
    public static let clientsOfMembers = "member-clients"
}
