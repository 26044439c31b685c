// DemoCorpus — StixObjectWriters.swift
// Owns the JSON shape of each generated STIX 2.1 object type that is reused across the corpus:
// indicator (from its record, so later versions share the id), relationship, sighting,
// observed-data, note and report. Property names and vocabularies follow STIX 2.1 CS02/OS.

extension CorpusBuilder {
    /// Emits the current version of an indicator record.
    mutating func emitIndicator(_ r: IndicatorRecord) {
        var o = JSONObject(capacity: 900)
        header(&o, type: "indicator", id: r.id, createdBy: r.createdBy, created: r.created, modified: r.modified)
        o.string("name", r.name)
        o.string("description", CorpusBuilder.bilingual(r.descriptionJa, r.descriptionEn))
        o.strings("indicator_types", r.types)
        o.string("pattern", r.pattern)
        o.string("pattern_type", "stix")
        o.string("pattern_version", "2.1")
        o.timestamp("valid_from", r.validFrom)
        if let until = r.validUntil { o.timestamp("valid_until", until) }
        if !r.phases.isEmpty {
            o.objects("kill_chain_phases", r.phases.map { phase in
                var p = JSONObject(capacity: 64)
                p.string("kill_chain_name", "mitre-attack")
                p.string("phase_name", phase)
                return p
            })
        }
        if !r.labels.isEmpty { o.strings("labels", r.labels) }
        o.int("confidence", r.confidence)
        if r.revoked { o.bool("revoked", true) }
        if let ext = r.externalReference {
            var e = JSONObject(capacity: 96)
            e.string("source_name", ext.source)
            e.string("external_id", ext.externalID)
            o.objects("external_references", [e])
        }
        markings(&o, r.marking)
        custom(&o, r.custom)
        emit(r.feed, o.text())
    }

    /// Emits a relationship and returns its id.
    @discardableResult
    mutating func emitRelationship(_ feed: String, _ type: String, from source: String, to target: String,
                                   createdBy: String? = nil, at created: Int64, marking: DemoTLP,
                                   description: String? = nil) -> String {
        let id = rng.stixID("relationship")
        var o = JSONObject(capacity: 420)
        header(&o, type: "relationship", id: id, createdBy: createdBy ?? ids.hub, created: created, modified: created)
        o.string("relationship_type", type)
        o.string("description", ifPresent: description)
        o.string("source_ref", source)
        o.string("target_ref", target)
        markings(&o, marking)
        emit(feed, o.text())
        return id
    }

    /// Emits a sighting of `sightingOf` by the given identities.
    mutating func emitSighting(_ feed: String, of sightingOf: String, where whereSighted: [String],
                               createdBy: String, observedData: [String] = [], firstSeen: Int64, lastSeen: Int64,
                               count: Int, at created: Int64, marking: DemoTLP, descriptionJa: String? = nil,
                               descriptionEn: String? = nil) {
        var o = JSONObject(capacity: 520)
        header(&o, type: "sighting", id: rng.stixID("sighting"), createdBy: createdBy, created: created, modified: created)
        if let ja = descriptionJa, let en = descriptionEn {
            o.string("description", CorpusBuilder.bilingual(ja, en))
        }
        o.timestamp("first_seen", firstSeen)
        o.timestamp("last_seen", lastSeen)
        o.int("count", count)
        o.string("sighting_of_ref", sightingOf)
        if !observedData.isEmpty { o.strings("observed_data_refs", observedData) }
        o.strings("where_sighted_refs", whereSighted)
        markings(&o, marking)
        emit(feed, o.text())
    }

    /// Emits an observed-data object over already-emitted SCOs and returns its id.
    @discardableResult
    mutating func emitObservedData(_ feed: String, scoIDs: [String], createdBy: String, firstObserved: Int64,
                                   lastObserved: Int64, number: Int, at created: Int64, marking: DemoTLP) -> String {
        let id = rng.stixID("observed-data")
        var o = JSONObject(capacity: 480)
        header(&o, type: "observed-data", id: id, createdBy: createdBy, created: created, modified: created)
        o.timestamp("first_observed", firstObserved)
        o.timestamp("last_observed", lastObserved)
        o.int("number_observed", number)
        o.strings("object_refs", scoIDs)
        markings(&o, marking)
        emit(feed, o.text())
        return id
    }

    /// Emits an analyst note about `refs`.
    mutating func emitNote(_ feed: String, abstract: String, contentJa: String, contentEn: String, refs: [String],
                           author: String, at created: Int64, marking: DemoTLP) {
        var o = JSONObject(capacity: 700)
        header(&o, type: "note", id: rng.stixID("note"), createdBy: ids.hub, created: created, modified: created)
        o.string("abstract", abstract)
        o.string("content", CorpusBuilder.bilingual(contentJa, contentEn))
        o.strings("authors", [author])
        o.strings("object_refs", refs)
        o.string("lang", "ja")
        markings(&o, marking)
        emit(feed, o.text())
    }

    /// Emits a report and returns its id.
    @discardableResult
    mutating func emitReport(_ feed: String, name: String, descriptionJa: String, descriptionEn: String,
                             types: [String], refs: [String], at created: Int64, marking: DemoTLP,
                             confidence: Int) -> String {
        let id = rng.stixID("report")
        var o = JSONObject(capacity: 1200)
        header(&o, type: "report", id: id, createdBy: ids.hub, created: created, modified: created)
        o.string("name", name)
        o.string("description", CorpusBuilder.bilingual(descriptionJa, descriptionEn))
        o.strings("report_types", types)
        o.timestamp("published", created)
        o.strings("object_refs", refs)
        o.int("confidence", confidence)
        o.string("lang", "ja")
        markings(&o, marking)
        emit(feed, o.text())
        return id
    }
}
