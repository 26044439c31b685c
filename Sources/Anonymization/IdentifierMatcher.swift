// Anonymization — IdentifierMatcher.swift
// Owns finding a provider's identifiers in text: the profile compiled into folded search needles
// (names with their legal-form variants, e-mail addresses, domains, host names, identity ids, the
// STIX ids of observables built from them) plus a scan for IPv4/IPv6 addresses inside the profile's
// ranges. The scrubber and the leak check both use it, so whatever the leak check would report,
// the scrubber has already replaced.

/// What kind of identifier a match is (also decides its placeholder).
enum IdentifierKind: Int, Sendable, Comparable {
    case project, person, organization, identity, observableID, domain, host, address, email

    static func < (lhs: IdentifierKind, rhs: IdentifierKind) -> Bool { lhs.rawValue < rhs.rawValue }

    var placeholder: String {
        switch self {
        case .organization: return Placeholder.organization
        case .person: return Placeholder.person
        case .project: return Placeholder.project
        case .identity: return Placeholder.identity
        case .observableID: return Placeholder.observable
        case .domain: return Placeholder.domain
        case .host: return Placeholder.host
        case .address: return Placeholder.address
        case .email: return Placeholder.email
        }
    }
}

/// One occurrence of an identifier, as a range of folded scalars.
struct IdentifierMatch: Equatable {
    var kind: IdentifierKind
    /// The profile entry that was found (for an IP address: the range it lies in).
    var identifier: String
    var range: Range<Int>
}

/// The profile compiled for searching.
///
/// ```swift
/// let matcher = IdentifierMatcher(profile: profile)
/// let matches = matcher.matches(in: FoldedText("電力A社の経理部が受信"))   // [organization 0..<4]
/// ```
struct IdentifierMatcher: Sendable {
    struct Needle: Sendable {
        let kind: IdentifierKind
        let identifier: String
        /// Folded, without spaces.
        let scalars: [Unicode.Scalar]
        /// Whether the match must not continue a word of ASCII letters and digits at that end.
        let boundedStart: Bool
        let boundedEnd: Bool
    }

    let needles: [Needle]
    let ranges: [AddressRange]

    init(profile: VictimProfile) {
        var needles: [Needle] = []
        var seen: Set<[Unicode.Scalar]> = []
        func add(_ kind: IdentifierKind, _ identifier: String, searchText: String? = nil, bounded: Bool) {
            let folded = FoldedText(searchText ?? identifier).scalars.filter { $0 != " " }
            guard folded.count >= 2, seen.insert(folded).inserted else { return }
            needles.append(Needle(kind: kind, identifier: identifier, scalars: folded,
                                  boundedStart: bounded && folded.first!.isASCIIAlphanumeric,
                                  boundedEnd: bounded && folded.last!.isASCIIAlphanumeric))
        }
        // Longer, more specific identifiers first so that equal folded forms keep the stronger kind.
        for email in profile.emailAddresses { add(.email, email.trimmingSpaces, bounded: false) }
        for host in profile.hostNames {
            let host = host.trimmingSpaces
            add(.host, host, bounded: !host.contains("."))
        }
        for domain in profile.domains {
            var domain = domain.trimmingSpaces
            if domain.hasPrefix("@") || domain.hasPrefix(".") { domain.removeFirst() }
            add(.domain, domain, bounded: false)
        }
        for id in profile.identityIDs { add(.identity, id.trimmingSpaces, bounded: false) }
        for (id, _) in ObservableIdentifiers.victimObservableIDs(for: profile) { add(.observableID, id, bounded: false) }
        for id in profile.observableIDs + profile.rewrittenObservableIDs { add(.observableID, id.trimmingSpaces, bounded: false) }
        for name in profile.organizationNames {
            let name = name.trimmingSpaces
            add(.organization, name, bounded: true)
            for variant in OrganizationNames.variants(of: name) { add(.organization, name, searchText: variant, bounded: true) }
        }
        for name in profile.personNames { add(.person, name.trimmingSpaces, bounded: true) }
        for name in profile.projectNames { add(.project, name.trimmingSpaces, bounded: true) }
        self.needles = needles
        self.ranges = profile.addressRanges.compactMap(AddressRange.init)
    }

    var isEmpty: Bool { needles.isEmpty && ranges.isEmpty }

    /// Every occurrence of every identifier in `text` (possibly overlapping).
    func matches(in text: FoldedText) -> [IdentifierMatch] {
        let haystack = text.scalars
        var found: [IdentifierMatch] = []
        for needle in needles {
            let first = needle.scalars[0]
            var position = 0
            while position < haystack.count {
                defer { position += 1 }
                guard haystack[position] == first,
                      let end = Self.match(needle.scalars, in: haystack, at: position) else { continue }
                if needle.boundedStart && position > 0 && haystack[position - 1].isASCIIAlphanumeric { continue }
                if needle.boundedEnd && end < haystack.count && haystack[end].isASCIIAlphanumeric { continue }
                found.append(IdentifierMatch(kind: needle.kind, identifier: needle.identifier, range: position..<end))
            }
        }
        if !ranges.isEmpty {
            for (address, range) in AddressScanner.addresses(in: haystack) {
                if let inRange = ranges.first(where: { $0.contains(address) }) {
                    found.append(IdentifierMatch(kind: .address, identifier: inRange.text, range: range))
                }
            }
        }
        return found
    }

    /// True when `text` contains any identifier.
    func occurs(in text: String) -> Bool {
        !matches(in: FoldedText(text)).isEmpty
    }

    /// Matches `needle` at `position`, skipping spaces inside the match; the end of the match.
    private static func match(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], at position: Int) -> Int? {
        var i = position
        var j = 0
        while j < needle.count {
            guard i < haystack.count else { return nil }
            if haystack[i] == needle[j] {
                i += 1
                j += 1
            } else if haystack[i] == " " && i > position {
                i += 1
            } else {
                return nil
            }
        }
        return i
    }
}

/// Finds IPv4 and IPv6 addresses in folded text ("ip:192.0.2.1", "192.0.2.1:443", "[2001:db8::1]").
enum AddressScanner {
    static func addresses(in text: [Unicode.Scalar]) -> [(IPAddress, Range<Int>)] {
        var found = ipv6Addresses(in: text)
        let covered = found.map(\.1)
        var position = 0
        while position < text.count {
            defer { position += 1 }
            guard text[position].isASCIIDigit else { continue }
            if position > 0 && (text[position - 1].isASCIIDigit || text[position - 1] == ".") { continue }
            if covered.contains(where: { $0.contains(position) }) { continue }
            if let (value, range) = ipv4(in: text, at: position) {
                found.append((.v4(value), range))
                position = range.upperBound - 1
            }
        }
        return found
    }

    /// Four dotted decimal octets at `start`, not followed by another digit or ".digit".
    private static func ipv4(in text: [Unicode.Scalar], at start: Int) -> (UInt32, Range<Int>)? {
        var value: UInt32 = 0
        var index = start
        for octet in 0..<4 {
            if octet > 0 {
                guard index < text.count, text[index] == "." else { return nil }
                index += 1
            }
            var number: UInt32 = 0
            var digits = 0
            while index < text.count, text[index].isASCIIDigit, digits < 3 {
                number = number * 10 + (text[index].value - 0x30)
                digits += 1
                index += 1
            }
            guard digits > 0, number <= 255 else { return nil }
            value = value << 8 | number
        }
        if index < text.count && text[index].isASCIIDigit { return nil }
        if index + 1 < text.count && text[index] == "." && text[index + 1].isASCIIDigit { return nil }  // a version string
        return (value, start..<index)
    }

    /// Runs of hex digits, ':' and '.' with at least two colons that parse as IPv6.
    private static func ipv6Addresses(in text: [Unicode.Scalar]) -> [(IPAddress, Range<Int>)] {
        var found: [(IPAddress, Range<Int>)] = []
        var position = 0
        while position < text.count {
            let scalar = text[position]
            guard scalar.isHexDigit || scalar == ":" else { position += 1; continue }
            var end = position
            var colons = 0
            while end < text.count, text[end].isHexDigit || text[end] == ":" || text[end] == "." {
                if text[end] == ":" { colons += 1 }
                end += 1
            }
            defer { position = end }
            guard colons >= 2 else { continue }
            var lower = position
            var upper = end
            while upper > lower, text[upper - 1] == "." { upper -= 1 }
            // "ip:2001:db8::1" - a single leading colon belongs to the text before it.
            if text[lower] == ":" && !(lower + 1 < upper && text[lower + 1] == ":") { lower += 1 }
            guard lower < upper else { continue }
            let candidate = String(String.UnicodeScalarView(text[lower..<upper]))
            if let address = IPAddress(candidate), case .v6 = address {
                found.append((address, lower..<upper))
            }
        }
        return found
    }
}
