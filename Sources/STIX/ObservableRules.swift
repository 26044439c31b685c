// STIX — ObservableRules.swift
// Owns the type-specific rules of the STIX 2.1 Cyber-observable Objects (section 6): required
// properties, value formats (addresses), reference targets and cross-property constraints.

enum ObservableRules {
    static func check(_ type: String, _ r: PropertyRules) throws(STIXValidationError) {
        switch type {
        case "artifact": try artifact(r)
        case "autonomous-system":
            _ = try r.integer("number", in: 0...4_294_967_295, required: true)
        case "directory":
            _ = try r.requiredString("path")
            _ = try r.references("contains_refs", to: .types(["file", "directory"]))
            try fileTimes(r)
        case "domain-name":
            _ = try r.requiredString("value")
            _ = try r.references("resolves_to_refs", to: .types(["ipv4-addr", "ipv6-addr", "domain-name"]))
        case "email-addr":
            _ = try r.requiredString("value")
            _ = try r.reference("belongs_to_ref", to: .types(["user-account"]))
        case "email-message": try emailMessage(r)
        case "file": try file(r)
        case "ipv4-addr":
            let value = try r.requiredString("value")
            guard AddressFormats.isIPv4(value) else {
                throw r.fail("\"value\" must be an IPv4 address or CIDR block such as 198.51.100.3 or 198.51.100.0/24 (got \(quoted(value)))")
            }
            try addressReferences(r)
        case "ipv6-addr":
            let value = try r.requiredString("value")
            guard AddressFormats.isIPv6(value) else {
                throw r.fail("\"value\" must be an IPv6 address or CIDR block such as 2001:db8::1 or 2001:db8::/32 (got \(quoted(value)))")
            }
            try addressReferences(r)
        case "mac-addr":
            let value = try r.requiredString("value")
            guard AddressFormats.isMAC(value) else {
                throw r.fail("\"value\" must be a colon-delimited, lowercase MAC-48 address such as d2:fb:49:24:37:18 (got \(quoted(value)))")
            }
        case "mutex":
            _ = try r.requiredString("name")
        case "network-traffic": try networkTraffic(r)
        case "process": try process(r)
        case "software":
            _ = try r.requiredString("name")
            _ = try r.stringList("languages")
        case "url":
            _ = try r.requiredString("value")
        case "user-account":
            for name in ["account_created", "account_expires", "credential_last_changed", "account_first_login",
                         "account_last_login"] {
                _ = try r.timestamp(name)
            }
            for name in ["is_service_account", "is_privileged", "can_escalate_privs", "is_disabled"] {
                _ = try r.bool(name)
            }
        case "windows-registry-key": try registryKey(r)
        case "x509-certificate": try x509(r)
        default: break
        }
    }

    static func artifact(_ r: PropertyRules) throws(STIXValidationError) {
        try r.forbidBoth("payload_bin", "url")
        try r.requireAtLeastOne(of: ["payload_bin", "url"])
        _ = try r.string("url")
        if r.has("url") && !r.has("hashes") {
            throw r.fail("\"hashes\" is required when \"url\" is present")
        }
        if let hashes = r.object["hashes"] { try HashRules.check(hashes, named: "hashes", rules: r) }
        _ = try r.enumeration("encryption_algorithm", ["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"])
        if r.has("decryption_key") && !r.has("encryption_algorithm") {
            throw r.fail("\"decryption_key\" must not be present without \"encryption_algorithm\"")
        }
    }

    static func emailMessage(_ r: PropertyRules) throws(STIXValidationError) {
        let multipart = try r.bool("is_multipart", required: true)!
        if multipart && r.has("body") {
            throw r.fail("\"body\" must not be present when \"is_multipart\" is true (use \"body_multipart\")")
        }
        if !multipart && r.has("body_multipart") {
            throw r.fail("\"body_multipart\" must not be present when \"is_multipart\" is false")
        }
        _ = try r.timestamp("date")
        _ = try r.reference("from_ref", to: .types(["email-addr"]))
        _ = try r.reference("sender_ref", to: .types(["email-addr"]))
        for name in ["to_refs", "cc_refs", "bcc_refs"] { _ = try r.references(name, to: .types(["email-addr"])) }
        _ = try r.reference("raw_email_ref", to: .types(["artifact"]))
        _ = try r.stringList("received_lines")
        if let parts = try r.objectList("body_multipart") {
            for (position, part) in parts.enumerated() {
                let path = "body_multipart[\(position)]"
                guard part.contains("body") || part.contains("body_raw_ref") else {
                    throw r.fail("\"\(path)\" needs \"body\" or \"body_raw_ref\"")
                }
                if part.contains("body") && part.contains("body_raw_ref") {
                    throw r.fail("\"\(path)\" must not have both \"body\" and \"body_raw_ref\"")
                }
                if let raw = part["body_raw_ref"] {
                    _ = try PropertyRules.reference(raw, named: "\(path).body_raw_ref", to: .types(["artifact", "file"]), rules: r)
                }
            }
        }
    }

    static func file(_ r: PropertyRules) throws(STIXValidationError) {
        try r.requireAtLeastOne(of: ["hashes", "name"])
        if let hashes = r.object["hashes"] { try HashRules.check(hashes, named: "hashes", rules: r) }
        _ = try r.string("name")
        _ = try r.integer("size", in: 0...Int64.max)
        _ = try r.reference("parent_directory_ref", to: .types(["directory"]))
        _ = try r.reference("content_ref", to: .types(["artifact"]))
        _ = try r.references("contains_refs", to: .observable)
        try fileTimes(r)
    }

    static func fileTimes(_ r: PropertyRules) throws(STIXValidationError) {
        for name in ["ctime", "mtime", "atime"] { _ = try r.timestamp(name) }
    }

    static func addressReferences(_ r: PropertyRules) throws(STIXValidationError) {
        _ = try r.references("resolves_to_refs", to: .types(["mac-addr"]))
        _ = try r.references("belongs_to_refs", to: .types(["autonomous-system"]))
    }

    static let endpointTypes = ReferenceTarget.types(["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"])

    static func networkTraffic(_ r: PropertyRules) throws(STIXValidationError) {
        let protocols = try r.stringList("protocols", required: true)!
        if protocols.contains(where: \.isEmpty) { throw r.fail("\"protocols\" must not contain empty strings") }
        try r.requireAtLeastOne(of: ["src_ref", "dst_ref"])
        _ = try r.reference("src_ref", to: endpointTypes)
        _ = try r.reference("dst_ref", to: endpointTypes)
        _ = try r.integer("src_port", in: 0...65535)
        _ = try r.integer("dst_port", in: 0...65535)
        for name in ["src_byte_count", "dst_byte_count", "src_packets", "dst_packets"] {
            _ = try r.integer(name, in: 0...Int64.max)
        }
        let start = try r.timestamp("start")
        let end = try r.timestamp("end")
        if try r.bool("is_active") == true && end != nil {
            throw r.fail("\"end\" must not be present when \"is_active\" is true")
        }
        try r.ordered("start", start, "end", end)
        _ = try r.reference("src_payload_ref", to: .types(["artifact"]))
        _ = try r.reference("dst_payload_ref", to: .types(["artifact"]))
        _ = try r.references("encapsulates_refs", to: .types(["network-traffic"]))
        _ = try r.reference("encapsulated_by_ref", to: .types(["network-traffic"]))
    }

    /// The properties every observable may carry, which do not count as "a property of the object".
    static let commonObservableProperties: Set<String> = [
        "type", "id", "spec_version", "object_marking_refs", "granular_markings", "defanged",
    ]

    static func process(_ r: PropertyRules) throws(STIXValidationError) {
        let specific = r.object.keys.contains { !commonObservableProperties.contains($0) }
        guard specific else {
            throw r.fail("a process must have at least one property besides the common ones (for example \"pid\" or \"command_line\")")
        }
        _ = try r.bool("is_hidden")
        _ = try r.integer("pid")
        _ = try r.timestamp("created_time")
        _ = try r.references("opened_connection_refs", to: .types(["network-traffic"]))
        _ = try r.reference("creator_user_ref", to: .types(["user-account"]))
        _ = try r.reference("image_ref", to: .types(["file"]))
        _ = try r.reference("parent_ref", to: .types(["process"]))
        _ = try r.references("child_refs", to: .types(["process"]))
    }

    static let registryDataTypes = [
        "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN",
        "REG_DWORD_LITTLE_ENDIAN", "REG_LINK", "REG_MULTI_SZ", "REG_RESOURCE_LIST",
        "REG_FULL_RESOURCE_DESCRIPTION", "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD", "REG_INVALID_TYPE",
    ]

    static func registryKey(_ r: PropertyRules) throws(STIXValidationError) {
        _ = try r.string("key")
        _ = try r.timestamp("modified_time")
        _ = try r.reference("creator_user_ref", to: .types(["user-account"]))
        _ = try r.integer("number_of_subkeys", in: 0...Int64.max)
        if let values = try r.objectList("values") {
            for (position, value) in values.enumerated() {
                if let dataType = value["data_type"] {
                    guard let text = dataType.stringValue, registryDataTypes.contains(text) else {
                        throw r.fail("\"values[\(position)].data_type\" must be one of the windows-registry-datatype-enum values such as REG_SZ")
                    }
                }
            }
        }
    }

    static let x509Properties = [
        "is_self_signed", "hashes", "version", "serial_number", "signature_algorithm", "issuer",
        "validity_not_before", "validity_not_after", "subject", "subject_public_key_algorithm",
        "subject_public_key_modulus", "subject_public_key_exponent", "x509_v3_extensions",
    ]

    static func x509(_ r: PropertyRules) throws(STIXValidationError) {
        try r.requireAtLeastOne(of: x509Properties, reason: "an X.509 certificate needs at least one of its own properties")
        if let hashes = r.object["hashes"] { try HashRules.check(hashes, named: "hashes", rules: r) }
        _ = try r.bool("is_self_signed")
        let notBefore = try r.timestamp("validity_not_before")
        let notAfter = try r.timestamp("validity_not_after")
        try r.ordered("validity_not_before", notBefore, "validity_not_after", notAfter)
        _ = try r.integer("subject_public_key_exponent")
        _ = try r.objectMember("x509_v3_extensions")
    }
}

/// Textual address formats used by ipv4-addr, ipv6-addr and mac-addr.
public enum AddressFormats {
    /// Dotted-quad IPv4 address, optionally with a /0-32 prefix length.
    public static func isIPv4(_ text: String) -> Bool {
        var address = Substring(text)
        if let slash = text.firstIndex(of: "/") {
            guard let prefix = Int(text[text.index(after: slash)...]), prefix >= 0, prefix <= 32,
                  text[text.index(after: slash)...].allSatisfy(\.isASCII) else { return false }
            address = text[..<slash]
        }
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(part), value <= 255 else { return false }
        }
        return true
    }

    /// RFC 4291 textual IPv6 address (with `::` compression and an optional embedded IPv4 tail),
    /// optionally with a /0-128 prefix length.
    public static func isIPv6(_ text: String) -> Bool {
        var address = Substring(text)
        if let slash = text.firstIndex(of: "/") {
            let prefixText = text[text.index(after: slash)...]
            guard !prefixText.isEmpty, prefixText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let prefix = Int(prefixText), prefix <= 128 else { return false }
            address = text[..<slash]
        }
        guard address.contains(":") else { return false }
        let halves = address.splitAtDoubleColons()
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (halfIndex, half) in halves.enumerated() {
            if half.isEmpty { continue }
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (pieceIndex, piece) in pieces.enumerated() {
                let isLast = halfIndex == halves.count - 1 && pieceIndex == pieces.count - 1
                if isLast && piece.contains(".") {
                    guard isIPv4(String(piece)) && !piece.contains("/") else { return false }
                    groups += 2
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, piece.utf8.allSatisfy({
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66)
                }) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    /// Colon-delimited, lowercase MAC-48 (e.g. `d2:fb:49:24:37:18`).
    public static func isMAC(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 17 else { return false }
        for (offset, c) in bytes.enumerated() {
            if offset % 3 == 2 {
                if c != UInt8(ascii: ":") { return false }
            } else if !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) {
                return false
            }
        }
        return true
    }
}

extension Substring {
    /// Splits at "::" (at most meaningful once in an IPv6 address).
    func splitAtDoubleColons() -> [Substring] {
        var result: [Substring] = []
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let next = index(after: i)
            if self[i] == ":" && next < endIndex && self[next] == ":" {
                result.append(self[start..<i])
                start = index(after: next)
                i = start
                continue
            }
            i = next
        }
        result.append(self[start..<endIndex])
        return result
    }
}
