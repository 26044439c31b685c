// STIXTests — ValidatorTests.swift
// Owns the tests of STIXValidator: every fixture type validates; for each type, its required
// properties and constraints fail with a message naming the property; the facts are right.

import Testing
import STIX

/// One invalid variant of a valid fixture.
struct Broken: Sendable, CustomTestStringConvertible {
    let type: String
    let label: String
    let change: @Sendable (inout JSONObject) -> Void
    /// A fragment the failure message must contain.
    let expected: String

    var testDescription: String { "\(type): \(label)" }

    static func removing(_ type: String, _ property: String, expect: String? = nil) -> Broken {
        Broken(type: type, label: "without \(property)", change: { $0[property] = nil },
               expected: expect ?? "required property \"\(property)\" is missing")
    }

    static func setting(_ type: String, _ property: String, _ value: JSONValue, expect: String) -> Broken {
        Broken(type: type, label: "\(property) = \(value.serializedText.prefix(60))", change: { $0[property] = value },
               expected: expect)
    }
}

let brokenObjects: [Broken] = [
    // Common to every object
    .removing("indicator", "type"),
    .setting("indicator", "type", 5, expect: "\"type\" must be a string"),
    .setting("indicator", "type", "Indicator", expect: "not a valid STIX type name"),
    .setting("indicator", "type", "bundle", expect: "bundles do not nest"),
    .removing("indicator", "id"),
    .setting("indicator", "id", "indicator--not-a-uuid", expect: "\"id\" must be \"indicator--\" followed by an RFC 4122 UUID"),
    .setting("indicator", "id", "indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f", expect: "RFC 4122 UUID"),
    .setting("indicator", "id", "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", expect: "they must match"),
    .removing("indicator", "spec_version"),
    .setting("indicator", "spec_version", "2.0", expect: "\"spec_version\" must be \"2.1\""),
    .removing("indicator", "created"),
    .removing("indicator", "modified"),
    .setting("indicator", "created", "2016-04-06T20:03:48Z", expect: "\"created\" must be precise to the millisecond"),
    .setting("indicator", "modified", "2016-04-06 20:03:48.000Z", expect: "\"modified\" must be an RFC 3339 UTC timestamp"),
    .setting("indicator", "modified", "2016-04-06T20:03:48.000+09:00", expect: "\"modified\" must be an RFC 3339 UTC timestamp"),
    .setting("indicator", "modified", "2016-04-06T20:03:47.999Z", expect: "\"modified\" (2016-04-06T20:03:47.999Z) must be at or after \"created\""),
    .setting("indicator", "created_by_ref", "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b", expect: "\"created_by_ref\" must refer to an object of type identity"),
    .setting("indicator", "created_by_ref", "identity", expect: "\"created_by_ref\" must be a STIX identifier"),
    .setting("indicator", "object_marking_refs", ["identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"], expect: "\"object_marking_refs\" must refer to an object of type marking-definition"),
    .setting("indicator", "object_marking_refs", [], expect: "\"object_marking_refs\" must not be an empty list"),
    .setting("indicator", "description", nil, expect: "\"description\" is null"),
    .setting("indicator", "x-acme", "v", expect: "property name \"x-acme\" is not allowed"),
    .setting("indicator", "ab", "v", expect: "property name \"ab\" is not allowed"),
    .setting("indicator", "confidence", 101, expect: "\"confidence\" must be between 0 and 100"),
    .setting("indicator", "confidence", 50.5, expect: "\"confidence\" must be an integer"),
    .setting("indicator", "labels", ["a", 1], expect: "\"labels\" must be a list of strings"),
    .setting("indicator", "revoked", "yes", expect: "\"revoked\" must be true or false"),
    .setting("indicator", "lang", 1, expect: "\"lang\" must be a string"),
    .setting("indicator", "external_references", [["url": "https://example.com"]], expect: "\"external_references[0]\" is missing its required \"source_name\""),
    .setting("indicator", "external_references", [["source_name": "x"]], expect: "needs at least one of \"description\", \"url\" or \"external_id\""),
    .setting("indicator", "external_references", [["source_name": "x", "url": "u", "hashes": ["MD5": "abc"]]], expect: "\"external_references[0].hashes.MD5\" must be 32 hexadecimal digits"),
    .setting("indicator", "granular_markings", [["selectors": ["name"], "lang": "ja", "marking_ref": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]], expect: "exactly one of \"marking_ref\" or \"lang\""),
    .setting("indicator", "granular_markings", [["marking_ref": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]], expect: "missing its required \"selectors\""),
    .setting("indicator", "granular_markings", [["selectors": ["name"], "marking_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"]], expect: "\"granular_markings[0].marking_ref\" must refer to an object of type marking-definition"),
    .setting("indicator", "extensions", "x", expect: "\"extensions\" must be an object"),
    .setting("indicator", "extensions", ["extension-definition--bad": [:]], expect: "must be a valid extension-definition identifier"),
    .setting("indicator", "extensions", ["x-acme-ext": ["owner_ref": "nobody"]], expect: "\"extensions.x-acme-ext.owner_ref\" must be a STIX identifier"),
    .setting("indicator", "kill_chain_phases", [["kill_chain_name": "lockheed-martin-cyber-kill-chain"]], expect: "missing its required \"phase_name\""),
    .setting("indicator", "x_acme_owner_ref", "someone", expect: "\"x_acme_owner_ref\" must be a STIX identifier"),
    .setting("indicator", "x_acme_related_refs", ["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", 7], expect: "\"x_acme_related_refs\" must be an identifier string"),
    .setting("indicator", "x_acme_data_bin", "not base64!", expect: "\"x_acme_data_bin\" must be base64"),
    .setting("indicator", "x_acme_flags_hex", "abc", expect: "\"x_acme_flags_hex\" must be an even number of hexadecimal digits"),

    // Domain objects
    .removing("attack-pattern", "name"),
    .removing("campaign", "name"),
    .setting("campaign", "last_seen", "2015-01-01T00:00:00Z", expect: "\"last_seen\" (2015-01-01T00:00:00Z) must be at or after \"first_seen\""),
    .removing("course-of-action", "name"),
    .removing("grouping", "context"),
    .removing("grouping", "object_refs"),
    .setting("grouping", "object_refs", ["indicator--26ffb872"], expect: "\"object_refs\" must be a STIX identifier"),
    .removing("identity", "name"),
    .removing("incident", "name"),
    .removing("indicator", "pattern"),
    .removing("indicator", "pattern_type"),
    .removing("indicator", "valid_from"),
    .setting("indicator", "valid_until", "2016-01-01T00:00:00Z", expect: "\"valid_until\" (2016-01-01T00:00:00Z) must be later than \"valid_from\""),
    .setting("indicator", "pattern", "[file:hashes.'SHA-256' = ]", expect: "\"pattern\" is not a valid STIX pattern:"),
    .setting("indicator", "pattern", "file:name = 'x'", expect: "\"pattern\" is not a valid STIX pattern:"),
    .removing("infrastructure", "name"),
    .removing("intrusion-set", "name"),
    .removing("location", "latitude", expect: "\"longitude\" requires \"latitude\""),
    .setting("location", "latitude", 91, expect: "\"latitude\" must be between -90.0 and 90.0"),
    .setting("location", "longitude", -180.5, expect: "\"longitude\" must be between -180.0 and 180.0"),
    Broken(type: "location", label: "no region, country or coordinates",
           change: { $0["latitude"] = nil; $0["longitude"] = nil }, expected: "a location needs \"region\", \"country\", or both"),
    .removing("malware", "is_family"),
    Broken(type: "malware", label: "family without a name", change: { $0["is_family"] = true; $0["name"] = nil },
           expected: "required property \"name\" is missing (it is required when \"is_family\" is true)"),
    .setting("malware", "sample_refs", ["url--c1477287-23ac-5971-a010-5c287877fa60"], expect: "\"sample_refs\" must refer to an object of type artifact or file"),
    .removing("malware-analysis", "product"),
    Broken(type: "malware-analysis", label: "no result or analysis_sco_refs",
           change: { $0["result"] = nil; $0["analysis_sco_refs"] = nil }, expected: "at least one of \"result\" or \"analysis_sco_refs\" is required"),
    .setting("malware-analysis", "host_vm_ref", "file--3e26aab3-dfc3-57c5-8fe2-45cfde8fe7c8", expect: "\"host_vm_ref\" must refer to an object of type software"),
    .removing("note", "content"),
    .removing("note", "object_refs"),
    .removing("observed-data", "first_observed"),
    .removing("observed-data", "last_observed"),
    .removing("observed-data", "number_observed"),
    .setting("observed-data", "number_observed", 0, expect: "\"number_observed\" must be between 1 and 999999999"),
    .setting("observed-data", "number_observed", 1_000_000_000, expect: "\"number_observed\" must be between 1 and 999999999"),
    .setting("observed-data", "last_observed", "2015-12-21T18:59:59Z", expect: "\"last_observed\" (2015-12-21T18:59:59Z) must be at or after \"first_observed\""),
    .removing("observed-data", "object_refs", expect: "required property \"object_refs\" is missing (or the deprecated \"objects\")"),
    .setting("observed-data", "objects", ["0": ["type": "ipv4-addr", "value": "198.51.100.3"]], expect: "must not both be present"),
    .setting("observed-data", "object_refs", ["identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"], expect: "\"object_refs\" must refer to a STIX Cyber-observable Object or a relationship/sighting"),
    .removing("opinion", "opinion"),
    .setting("opinion", "opinion", "maybe", expect: "\"opinion\" must be one of strongly-disagree, disagree, neutral, agree, strongly-agree"),
    .removing("opinion", "object_refs"),
    .removing("report", "name"),
    .removing("report", "published"),
    .removing("report", "object_refs"),
    .setting("report", "published", "yesterday", expect: "\"published\" must be an RFC 3339 UTC timestamp"),
    .removing("threat-actor", "name"),
    .removing("tool", "name"),
    .removing("vulnerability", "name"),

    // Relationship objects
    .removing("relationship", "relationship_type"),
    .removing("relationship", "source_ref"),
    .removing("relationship", "target_ref"),
    .setting("relationship", "relationship_type", "Uses Malware", expect: "\"relationship_type\" must use only a-z, 0-9 and '-'"),
    .setting("relationship", "source_ref", "sighting--ee20065d-2555-424f-ad9e-0f8428623c75", expect: "\"source_ref\" must not refer to a sighting"),
    .setting("relationship", "target_ref", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", expect: "\"target_ref\" must not refer to a marking-definition"),
    Broken(type: "relationship", label: "stop_time before start_time",
           change: { $0["start_time"] = "2016-01-02T00:00:00Z"; $0["stop_time"] = "2016-01-02T00:00:00Z" },
           expected: "\"stop_time\" (2016-01-02T00:00:00Z) must be later than \"start_time\""),
    .removing("sighting", "sighting_of_ref"),
    .setting("sighting", "sighting_of_ref", "file--e277603e-1060-5ad4-9937-c26c97f1ca68", expect: "\"sighting_of_ref\" must refer to a STIX Domain Object"),
    .setting("sighting", "count", -1, expect: "\"count\" must be between 0 and 999999999"),
    .setting("sighting", "count", 1_000_000_000, expect: "\"count\" must be between 0 and 999999999"),
    .setting("sighting", "where_sighted_refs", ["malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"], expect: "\"where_sighted_refs\" must refer to an object of type identity or location"),
    .setting("sighting", "observed_data_refs", ["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"], expect: "\"observed_data_refs\" must refer to an object of type observed-data"),
    .setting("sighting", "last_seen", "2015-12-21T18:00:00Z", expect: "\"last_seen\" (2015-12-21T18:00:00Z) must be at or after \"first_seen\""),

    // Cyber-observable objects
    .setting("artifact", "url", "https://example.com/a.zip", expect: "\"payload_bin\" and \"url\" must not both be present"),
    .removing("artifact", "payload_bin", expect: "at least one of \"payload_bin\" or \"url\" is required"),
    .setting("artifact", "payload_bin", "%%%%", expect: "\"payload_bin\" must be base64"),
    .setting("artifact", "encryption_algorithm", "rot13", expect: "\"encryption_algorithm\" must be one of"),
    .setting("artifact", "spec_version", "2.0", expect: "\"spec_version\" must be \"2.1\""),
    .removing("autonomous-system", "number"),
    .setting("autonomous-system", "number", "AS15139", expect: "\"number\" must be an integer"),
    .removing("directory", "path"),
    .removing("domain-name", "value"),
    .setting("domain-name", "resolves_to_refs", ["url--c1477287-23ac-5971-a010-5c287877fa60"], expect: "\"resolves_to_refs\" must refer to an object of type domain-name, ipv4-addr or ipv6-addr"),
    .removing("email-addr", "value"),
    .removing("email-message", "is_multipart"),
    .setting("email-message", "body_multipart", [["body": "x"]], expect: "\"body_multipart\" must not be present when \"is_multipart\" is false"),
    .setting("email-message", "from_ref", "url--c1477287-23ac-5971-a010-5c287877fa60", expect: "\"from_ref\" must refer to an object of type email-addr"),
    Broken(type: "email-message", label: "multipart with body", change: { $0["is_multipart"] = true; $0["body"] = "hello" },
           expected: "\"body\" must not be present when \"is_multipart\" is true"),
    Broken(type: "file", label: "neither hashes nor name", change: { $0["hashes"] = nil; $0["name"] = nil },
           expected: "at least one of \"hashes\" or \"name\" is required"),
    .setting("file", "hashes", ["MD5": "d41d8cd98f00b204e9800998ecf8427"], expect: "\"hashes.MD5\" must be 32 hexadecimal digits"),
    .setting("file", "hashes", ["SHA-1": "zz"], expect: "\"hashes.SHA-1\" must be 40 hexadecimal digits"),
    .setting("file", "hashes", ["SHA-512": "00"], expect: "\"hashes.SHA-512\" must be 128 hexadecimal digits"),
    .setting("file", "hashes", ["x_custom": ""], expect: "\"hashes.x_custom\" must not be empty"),
    .setting("file", "hashes", [:], expect: "\"hashes\" must contain at least one hash"),
    .setting("file", "size", -5, expect: "\"size\" must be between 0 and"),
    .setting("file", "parent_directory_ref", "file--e277603e-1060-5ad4-9937-c26c97f1ca68", expect: "\"parent_directory_ref\" must refer to an object of type directory"),
    .removing("ipv4-addr", "value"),
    .setting("ipv4-addr", "value", "999.1.1.1", expect: "\"value\" must be an IPv4 address"),
    .setting("ipv4-addr", "value", "10.0.0.1/33", expect: "\"value\" must be an IPv4 address"),
    .removing("ipv6-addr", "value"),
    .setting("ipv6-addr", "value", "2001:db8::1::2", expect: "\"value\" must be an IPv6 address"),
    .removing("mac-addr", "value"),
    .setting("mac-addr", "value", "D2:FB:49:24:37:18", expect: "lowercase MAC-48"),
    .removing("mutex", "name"),
    .removing("network-traffic", "protocols"),
    Broken(type: "network-traffic", label: "neither src_ref nor dst_ref", change: { $0["src_ref"] = nil; $0["dst_ref"] = nil },
           expected: "at least one of \"src_ref\" or \"dst_ref\" is required"),
    .setting("network-traffic", "src_port", 70000, expect: "\"src_port\" must be between 0 and 65535"),
    .setting("network-traffic", "src_ref", "file--e277603e-1060-5ad4-9937-c26c97f1ca68", expect: "\"src_ref\" must refer to an object of type domain-name, ipv4-addr, ipv6-addr or mac-addr"),
    Broken(type: "network-traffic", label: "active with end", change: { $0["is_active"] = true; $0["end"] = "2016-01-01T00:00:00Z" },
           expected: "\"end\" must not be present when \"is_active\" is true"),
    Broken(type: "process", label: "only common properties",
           change: { for key in $0.keys where !["type", "id", "spec_version"].contains(key) { $0[key] = nil } },
           expected: "a process must have at least one property besides the common ones"),
    .setting("process", "parent_ref", "file--e04f22d1-be2c-59de-add8-10f61d15fe20", expect: "\"parent_ref\" must refer to an object of type process"),
    .removing("software", "name"),
    .removing("url", "value"),
    .setting("user-account", "account_created", "2016-01-20", expect: "\"account_created\" must be an RFC 3339 UTC timestamp"),
    .setting("windows-registry-key", "values", [["name": "Foo", "data_type": "REG_STRING"]], expect: "\"values[0].data_type\" must be one of"),
    Broken(type: "x509-certificate", label: "no certificate properties",
           change: { for key in $0.keys where !["type", "id", "spec_version"].contains(key) { $0[key] = nil } },
           expected: "at least one of \"is_self_signed\" or \"hashes\""),

    // Meta objects
    .removing("marking-definition", "created"),
    .removing("marking-definition", "definition_type"),
    .removing("marking-definition", "definition"),
    Broken(type: "marking-definition", label: "TLP level purple",
           change: { $0["definition_type"] = "tlp"; $0["definition"] = ["tlp": "purple"] },
           expected: "\"definition.tlp\" must be one of white, green, amber, red"),
    Broken(type: "marking-definition", label: "well-known TLP:WHITE id declaring red",
           change: { $0["id"] = .string(TLPMarking.white.id); $0["definition_type"] = "tlp"; $0["definition"] = ["tlp": "red"] },
           expected: "is the well-known TLP:WHITE marking but this object declares TLP level \"red\""),
    .removing("language-content", "object_ref"),
    .removing("language-content", "contents"),
    .setting("language-content", "contents", [:], expect: "\"contents\" must not be empty"),
    .setting("language-content", "object_ref", "language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d", expect: "\"object_ref\" must not refer to a language-content"),
    .removing("extension-definition", "created_by_ref"),
    .removing("extension-definition", "name"),
    .removing("extension-definition", "schema"),
    .removing("extension-definition", "version"),
    .removing("extension-definition", "extension_types"),
    .setting("extension-definition", "extension_types", ["new-thing"], expect: "\"extension_types\" may only contain"),

    // Numbers consumers cannot read back: a 5,000-digit integer made json.loads refuse a whole page
    .setting("indicator", "x_big", .number("1" + String(repeating: "0", count: 4999) + "1"),
             expect: "the number at \"x_big\" is beyond the range of a double"),
    .setting("indicator", "x_far", .number("1e400"), expect: "the number at \"x_far\" is beyond the range of a double"),
    .setting("indicator", "x_nested", ["counts": [1, .number("12345678901234567891")]],
             expect: "the number at \"x_nested.counts[1]\" is an integer of 20 significant digits"),

    // Custom objects that look like domain objects get the common properties
    .removing("x-acme-widget", "spec_version"),
    .removing("x-acme-widget", "modified"),
]

@Suite("STIX validation")
struct ValidatorTests {
    @Test("every fixture is valid", arguments: Fixtures.valid.indices)
    func validFixture(_ index: Int) throws {
        let (type, json) = Fixtures.valid[index]
        let result = validate(json)
        if case .failure(let error) = result { Issue.record("\(type) should be valid: \(error)") }
        let facts = try result.get()
        #expect(facts.type == type)
        #expect(facts.id.hasPrefix(type + "--"))
        #expect(facts.specVersion == "2.1")
        #expect(facts.kind == STIXTypes.kind(of: type))
    }

    @Test("every STIX 2.1 type has a valid fixture")
    func everyTypeCovered() {
        let covered = Set(Fixtures.valid.map(\.0))
        let all = STIXTypes.domainObjects.union(STIXTypes.relationshipObjects).union(STIXTypes.cyberObservables)
            .union(STIXTypes.metaObjects)
        #expect(all.subtracting(covered).isEmpty, "no fixture for \(all.subtracting(covered).sorted())")
    }

    @Test("invalid objects fail with a message naming the property", arguments: brokenObjects)
    func invalid(_ broken: Broken) {
        var object = Fixtures.object(broken.type)
        broken.change(&object)
        guard let message = failure(object) else {
            Issue.record("expected a failure containing \(broken.expected)")
            return
        }
        #expect(message.contains(broken.expected), "got: \(message)")
    }

    @Test("the pattern parser's message is quoted")
    func patternMessage() throws {
        var object = Fixtures.object("indicator")
        object["pattern"] = "[file:size = ]"
        guard case .failure(let error) = validate(object) else { Issue.record("expected failure"); return }
        #expect(error.objectID == "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
        #expect(error.message.hasPrefix("\"pattern\" is not a valid STIX pattern: "))
        #expect(error.message.count > "\"pattern\" is not a valid STIX pattern: ".count + 5)
        #expect(error.description.hasPrefix("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: "))
    }

    @Test("a non-STIX pattern type is not parsed")
    func otherPatternTypes() throws {
        var object = Fixtures.object("indicator")
        object["pattern_type"] = "sigma"
        object["pattern"] = "title: anything goes here"
        let facts = try validate(object).get()
        #expect(facts.pattern == nil)
    }

    @Test("numbers consumers read back are accepted: up to 17 significant digits, anything within double range")
    func readableNumbers() {
        var object = Fixtures.object("indicator")
        object["x_numbers"] = [.number("9007199254740993"), .number("12345678901234567"), .number("-1e300"),
                               .number("100000000000000000000000000000"), .number("0.12345678901234567890123"),
                               .number("1.7976931348623157e308")]
        #expect(failure(object) == nil)
    }

    @Test("indicator facts")
    func indicatorFacts() throws {
        var object = Fixtures.object("indicator")
        object["object_marking_refs"] = [.string(TLPMarking.green.id), .string(TLPMarking.amberV1.id)]
        object["revoked"] = true
        let facts = try validate(object).get()
        #expect(facts.kind == .domainObject)
        #expect(facts.created == "2016-04-06T20:03:48.000Z")
        #expect(facts.version == "2016-04-06T20:03:48.000Z")
        #expect(facts.createdByRef == "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff")
        #expect(facts.objectMarkingRefs == [TLPMarking.green.id, TLPMarking.amberV1.id])
        #expect(facts.revoked)
        let pattern = try #require(facts.pattern)
        #expect(pattern.comparisons.count == 1)
    }

    @Test("version is modified, else created, else nil")
    func versions() throws {
        var object = Fixtures.object("campaign")
        object["modified"] = "2017-01-01T00:00:00.123456Z"
        #expect(try validate(object).get().version == "2017-01-01T00:00:00.123456Z")
        let marking = try validate(Fixtures.object("marking-definition")).get()
        #expect(marking.modified == nil)
        #expect(marking.version == "2016-08-01T00:00:00.000Z")
        #expect(marking.kind == .meta)
        let observable = try validate(Fixtures.object("ipv4-addr")).get()
        #expect(observable.version == nil)
        #expect(observable.kind == .cyberObservable)
    }

    @Test("observables may omit spec_version")
    func observableWithoutSpecVersion() throws {
        var object = Fixtures.object("url")
        object["spec_version"] = nil
        let facts = try validate(object).get()
        #expect(facts.specVersion == "2.1")
    }

    @Test("custom objects are classified as custom and keep their properties")
    func customObjects() throws {
        let widget = try validate(Fixtures.object("x-acme-widget")).get()
        #expect(widget.kind == .custom)
        #expect(widget.version == "2026-01-02T00:00:00.000Z")
        let sco = try validate(Fixtures.object("my-favorite-sco")).get()
        #expect(sco.kind == .custom)
        #expect(sco.version == nil)
    }

    @Test("unknown, x_ and extension properties are accepted")
    func unknownProperties() throws {
        var object = Fixtures.object("malware")
        object["x_acme_score"] = 7
        object["new_property_from_a_later_spec"] = ["a": ["b": [1, 2, 3]]]
        object["x_acme_related_ref"] = "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3"
        object["extensions"] = [
            "extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62": ["extension_type": "property-extension", "rank": 5],
        ]
        _ = try validate(object).get()
    }

    @Test("the deprecated observed-data objects dictionary is accepted alone")
    func deprecatedObjects() throws {
        var object = Fixtures.object("observed-data")
        object["object_refs"] = nil
        object["objects"] = ["0": ["type": "ipv4-addr", "value": "198.51.100.3"], "1": ["type": "network-traffic", "src_ref": "0"]]
        _ = try validate(object).get()
    }

    @Test("non-objects and strange values never crash")
    func nonObjects() {
        for value: JSONValue in [nil, true, 1, "indicator", [], [["type": "indicator"]], [:]] {
            guard case .failure(let error) = STIXValidator.validate(value) else {
                Issue.record("\(value) should be invalid"); continue
            }
            #expect(!error.message.isEmpty)
        }
        var object = Fixtures.object("indicator")
        object["valid_from"] = ["nested": [1, 2, [3]]]
        #expect(failure(object)?.contains("\"valid_from\" must be a timestamp string") == true)
    }

    @Test("Japanese text is accepted in every string property")
    func japanese() throws {
        var object = Fixtures.object("report")
        object["name"] = "標的型攻撃に関する報告書 🗾"
        object["description"] = "日本の金融機関を狙った攻撃キャンペーン。\n詳細は添付を参照。"
        let facts = try validate(object).get()
        #expect(facts.type == "report")
    }
}
