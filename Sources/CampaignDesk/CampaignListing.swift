// CampaignDesk — CampaignListing.swift
// Owns how a campaign record is shown to hub analysts, the same on the command line
// (`kakehashi campaigns list --json`) and in the JSON API (`GET /api/v1/campaigns`):
// {"id", "name", "status", "submissions", "evidence", "updates", "released", "created", "updated"}.
import STIX
import Storage

public enum CampaignListing {
    /// One record as JSON.
    ///
    /// ```swift
    /// let text = JSONValue.array(records.map(CampaignListing.json)).serialized()
    /// ```
    public static func json(_ record: CampaignRecord) -> JSONValue {
        let released: JSONValue = record.publication.map { publication in
            .object(JSONObject([("stix_id", .string(publication.stixID)), ("version", .string(publication.version)),
                                ("versions", .number(String(publication.versions))),
                                ("release", .string(publication.releaseID))]))
        } ?? .null
        return .object(JSONObject([
            ("id", .string(record.id)),
            ("name", record.name.map { .string($0) } ?? .null),
            ("status", .string(record.status.rawValue)),
            ("submissions", .array(record.submissionIDs.map { .string($0) })),
            ("evidence", .array(record.evidence.map { evidence in
                .object(JSONObject([("kind", .string(evidence.kind)), ("values", .array(evidence.values.map { .string($0) })),
                                    ("links", .number(String(evidence.links)))]))
            })),
            ("updates", .array(record.updates.map { .string($0) })),
            ("released", released),
            ("created", .string(record.createdAt)),
            ("updated", .string(record.updatedAt)),
        ]))
    }
}
