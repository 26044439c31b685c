// Anonymization — IdentifierMatcher.swift
// Owns finding a provider's identifiers in text: the profile compiled into folded search needles
// (names with their legal-form variants and core names, people in either name order, departments,
// accounts, e-mail addresses, domains with their internal-DNS and Windows-domain forms, host names,
// identity ids, the STIX ids of observables built from them and of what the provider authored)
// plus scans for IPv4/IPv6 addresses inside the profile's ranges and for its phone numbers, and for
// identifiers inside base64 tokens. The scrubber and the leak check both use it, so whatever the
// leak check would report, the scrubber has already replaced.

import STIX

/// What kind of identifier a match is (also decides its placeholder). Later cases are stronger:
/// when matches overlap, the joined span takes the strongest kind.
enum IdentifierKind: Int, Sendable, Comparable {
    case project, person, department, organization, account, phone, identity, objectID, observableID, domain, host,
         address, email

    static func < (lhs: IdentifierKind, rhs: IdentifierKind) -> Bool { lhs.rawValue < rhs.rawValue }

    var placeholder: String {
        switch self {
        case .organization: return Placeholder.organization
        case .person: return Placeholder.person
        case .project: return Placeholder.project
        case .department: return Placeholder.department
        case .account: return Placeholder.account
        case .phone: return Placeholder.phone
        case .identity: return Placeholder.identity
        case .objectID: return Placeholder.object
        case .observableID: return Placeholder.observable
        case .domain: return Placeholder.domain
        case .host: return Placeholder.host
        case .address: return Placeholder.address
        case .email: return Placeholder.email
        }
    }
}

/// One occurrence of an identifier, as a range of folded scalars (or, from `encodedTokenMatches`,
/// of original scalars).
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
    /// Needle indexes by the low six bits of their first two scalars: one pass over the text tries only
    /// the needles that can start at each position. (With one byte, 2,000 authored ids all starting
    /// "indicator--" made a 1 MB check take 4.6 s; ids are looked up by their UUID instead.)
    let buckets: [[Int]]
    /// STIX ids (the provider's identities, observables, authored objects) by their UUID: each
    /// "type--uuid" in the text is one dictionary lookup, however many ids there are.
    let ids: [String: [IdentifierMatcher.IDNeedle]]
    let ranges: [AddressRange]
    /// The profile's phone numbers in national digit form, and the longest one's length.
    let phoneNumbers: Set<String>
    let longestPhoneNumber: Int

    /// Internal DNS suffixes an organisation builds from its domain's first label ("denryoku-a.local").
    static let internalSuffixes = ["local", "corp", "intra", "internal", "lan", "ad"]

    /// `keptIDs`: authored ids released unchanged (see `ReferencePolicy.keptAuthoredIDs`); computed
    /// without knowing the hub's identity when not given.
    init(profile: VictimProfile, keptIDs: Set<String>? = nil) {
        var builder = NeedleBuilder()
        builder.addStructural(profile)
        let kept = keptIDs ?? ReferencePolicy(profile: profile, settings: AnonymizationSettings(
            hubIdentityID: "identity--00000000-0000-4000-8000-000000000000", idKey: [0])).keptAuthoredIDs
        builder.addAuthoredIDs(profile, kept: kept)
        builder.addNames(profile)
        self.needles = builder.needles
        self.ids = builder.ids
        var buckets = Array(repeating: [Int](), count: 4096)
        for (index, needle) in needles.enumerated() {
            buckets[Self.bucket(needle.scalars[0], needle.scalars[1])].append(index)
        }
        self.buckets = buckets
        self.ranges = profile.addressRanges.compactMap(AddressRange.init)
        self.phoneNumbers = Set(profile.phoneNumbers.map(PhoneNumbers.digits(of:)).filter { $0.count >= 6 })
        self.longestPhoneNumber = phoneNumbers.map(\.count).max() ?? 0
    }

    var isEmpty: Bool { needles.isEmpty && ids.isEmpty && ranges.isEmpty && phoneNumbers.isEmpty }

    struct IDNeedle: Sendable {
        /// The type before "--" (folded).
        let type: [Unicode.Scalar]
        let kind: IdentifierKind
        let identifier: String
    }

    static func bucket(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Int {
        Int((first.value & 0x3F) << 6 | (second.value & 0x3F))
    }

    /// Every occurrence of every identifier in `text` (possibly overlapping), in folded positions.
    func matches(in text: FoldedText) -> [IdentifierMatch] {
        var found = needleMatches(in: text.scalars)
        if !ids.isEmpty { found += idMatches(in: text.scalars) }
        if !ranges.isEmpty {
            for (address, range) in AddressScanner.addresses(in: text.scalars) {
                if let inRange = ranges.first(where: { $0.contains(address) }) {
                    found.append(IdentifierMatch(kind: .address, identifier: inRange.text, range: range))
                }
            }
        }
        for (number, range) in PhoneNumbers.matches(in: text.scalars, numbers: phoneNumbers, longest: longestPhoneNumber) {
            found.append(IdentifierMatch(kind: .phone, identifier: number, range: range))
        }
        return found
    }

    private func needleMatches(in haystack: [Unicode.Scalar]) -> [IdentifierMatch] {
        var found: [IdentifierMatch] = []
        guard !needles.isEmpty else { return found }
        for position in haystack.indices {
            let first = haystack[position]
            var next = position + 1
            while next < haystack.count, haystack[next] == " " { next += 1 }
            guard next < haystack.count else { break }
            for index in buckets[Self.bucket(first, haystack[next])] {
                let needle = needles[index]
                guard needle.scalars[0] == first, let end = Self.match(needle.scalars, in: haystack, at: position) else { continue }
                if needle.boundedStart && position > 0 && haystack[position - 1].isASCIIAlphanumeric { continue }
                if needle.boundedEnd && end < haystack.count && haystack[end].isASCIIAlphanumeric { continue }
                found.append(IdentifierMatch(kind: needle.kind, identifier: needle.identifier, range: position..<end))
            }
        }
        return found
    }

    /// Every "type--uuid" whose UUID and type are one of the ids.
    private func idMatches(in haystack: [Unicode.Scalar]) -> [IdentifierMatch] {
        var found: [IdentifierMatch] = []
        var i = 1
        while i + 37 <= haystack.count {
            defer { i += 1 }
            guard haystack[i] == "-", haystack[i - 1] == "-" else { continue }
            let uuid = String(String.UnicodeScalarView(haystack[(i + 1)..<(i + 37)]))
            guard let candidates = ids[uuid] else { continue }
            for candidate in candidates {
                let start = i - 1 - candidate.type.count
                guard start >= 0, Array(haystack[start..<(i - 1)]) == candidate.type else { continue }
                found.append(IdentifierMatch(kind: candidate.kind, identifier: candidate.identifier, range: start..<(i + 37)))
            }
        }
        return found
    }

    /// Identifiers inside base64 tokens of the decoded text ("?u=a2VpcmlAZGVucnlva3U..."): each
    /// reported over the whole token, in original positions (the token is replaced whole).
    func encodedTokenMatches(in text: FoldedText, depth: Int = 0) -> [IdentifierMatch] {
        var found: [IdentifierMatch] = []
        for token in Base64Tokens.tokens(in: text.decoded.scalars) {
            let inner = FoldedText(token.text)
            var matches = matches(in: inner)
            if depth < 1 { matches += encodedTokenMatches(in: inner, depth: depth + 1) }
            guard let strongest = matches.max(by: { $0.kind < $1.kind }) else { continue }
            let lower = text.decoded.start(token.range.lowerBound)
            let upper = text.decoded.end(token.range.upperBound - 1)
            found.append(IdentifierMatch(kind: strongest.kind, identifier: strongest.identifier, range: lower..<upper))
        }
        return found
    }

    /// True when `text` contains any identifier, however encoded.
    func occurs(in text: String) -> Bool {
        let folded = FoldedText(text)
        return !matches(in: folded).isEmpty || !encodedTokenMatches(in: folded).isEmpty
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

/// Compiles a profile into needles, strongest and most specific first (equal folded forms keep the
/// first kind).
struct NeedleBuilder {
    private(set) var needles: [IdentifierMatcher.Needle] = []
    private(set) var ids: [String: [IdentifierMatcher.IDNeedle]] = [:]
    private var seen: Set<[Unicode.Scalar]> = []

    /// A STIX id goes to the id table (looked up by UUID), anything else to the needles.
    private mutating func addID(_ kind: IdentifierKind, _ identifier: String) {
        let folded = FoldedText.needle(identifier)
        guard let separator = identifier.firstRange(of: "--"), STIXIdentifier.isValid(identifier),
              seen.insert(folded).inserted else {
            add(kind, identifier, bounded: false)
            return
        }
        let type = FoldedText.needle(String(identifier[..<separator.lowerBound]))
        let uuid = String(String.UnicodeScalarView(FoldedText.needle(String(identifier[separator.upperBound...]))))
        ids[uuid, default: []].append(IdentifierMatcher.IDNeedle(type: type, kind: kind, identifier: identifier))
    }

    private mutating func add(_ kind: IdentifierKind, _ identifier: String, searchText: String? = nil, bounded: Bool,
                              commonWordsAllowed: Bool = true) {
        let folded = FoldedText.needle(searchText ?? identifier)
        guard folded.count >= 2, commonWordsAllowed || !CommonWords.contains(folded), seen.insert(folded).inserted else { return }
        needles.append(IdentifierMatcher.Needle(kind: kind, identifier: identifier, scalars: folded,
                                                boundedStart: bounded && folded.first!.isASCIIAlphanumeric,
                                                boundedEnd: bounded && folded.last!.isASCIIAlphanumeric))
    }

    mutating func addStructural(_ profile: VictimProfile) {
        for email in profile.emailAddresses { add(.email, email.trimmingSpaces, bounded: false) }
        for host in profile.hostNames {
            let host = host.trimmingSpaces
            add(.host, host, bounded: !host.contains("."), commonWordsAllowed: host.contains("."))
        }
        for domain in profile.domains {
            var domain = domain.trimmingSpaces
            if domain.hasPrefix("@") || domain.hasPrefix(".") { domain.removeFirst() }
            add(.domain, domain, bounded: false)
            guard let label = Self.firstLabel(of: domain) else { continue }
            for suffix in IdentifierMatcher.internalSuffixes {
                add(.domain, domain, searchText: label + "." + suffix, bounded: true)
            }
        }
        for id in profile.identityIDs { addID(.identity, id.trimmingSpaces) }
        for (id, _) in ObservableIdentifiers.victimObservableIDs(for: profile) { addID(.observableID, id) }
        for id in profile.observableIDs + profile.rewrittenObservableIDs { addID(.observableID, id.trimmingSpaces) }
        for account in profile.accountNames {
            add(.account, account.trimmingSpaces, bounded: true, commonWordsAllowed: false)
        }
    }

    /// The ids the provider authored, except those released unchanged (`kept`: the hub, shared
    /// vocabulary, technical observables with content-derived ids).
    mutating func addAuthoredIDs(_ profile: VictimProfile, kept: Set<String>) {
        for id in profile.authoredIDs where !kept.contains(ReferencePolicy.normalize(id)) {
            addID(.objectID, id.trimmingSpaces)
        }
    }

    mutating func addNames(_ profile: VictimProfile) {
        for name in profile.organizationNames {
            let name = name.trimmingSpaces
            add(.organization, name, bounded: true, commonWordsAllowed: false)
            for variant in OrganizationNames.variants(of: name) { add(.organization, name, searchText: variant, bounded: true) }
        }
        // The first label of each domain names the organisation too: "DENRYOKU-A\user" (the Windows
        // domain), "denryoku-a-vpn".
        for domain in profile.domains {
            guard let label = Self.firstLabel(of: domain.trimmingSpaces) else { continue }
            add(.organization, domain.trimmingSpaces, searchText: label, bounded: true, commonWordsAllowed: false)
        }
        for name in profile.departmentNames {
            add(.department, name.trimmingSpaces, bounded: true, commonWordsAllowed: false)
        }
        for name in profile.personNames {
            let name = name.trimmingSpaces
            add(.person, name, bounded: true, commonWordsAllowed: false)
            if let reversed = Self.reversedName(name) { add(.person, name, searchText: reversed, bounded: true) }
        }
        for name in profile.projectNames { add(.project, name.trimmingSpaces, bounded: true, commonWordsAllowed: false) }
    }

    /// "山田 太郎" -> "太郎 山田", "Taro Yamada" -> "Yamada Taro"; nil for one word.
    static func reversedName(_ name: String) -> String? {
        let parts = name.split(whereSeparator: { $0.isWhitespace })
        guard parts.count == 2 else { return nil }
        return parts[1] + " " + parts[0]
    }

    /// "denryoku-a" of "denryoku-a.example.jp": at least four characters and not a common word.
    static func firstLabel(of domain: String) -> String? {
        var domain = domain
        if domain.hasPrefix("@") || domain.hasPrefix(".") { domain.removeFirst() }
        guard domain.contains("."), let label = domain.split(separator: ".").first.map(String.init),
              label.count >= 4, !CommonWords.contains(FoldedText.needle(label)) else { return nil }
        return label.lowercased()
    }
}

/// Finds IPv4 and IPv6 addresses in folded text ("ip:192.0.2.1", "192.0.2.1:443", "[2001:db8::1]").
enum AddressScanner {
    static func addresses(in text: [Unicode.Scalar]) -> [(IPAddress, Range<Int>)] {
        var found = ipv6Addresses(in: text)
        let covered = found.map(\.1)  // in order of position
        var nextCovered = 0
        var position = 0
        while position < text.count {
            defer { position += 1 }
            guard text[position].isASCIIDigit else { continue }
            if position > 0 && (text[position - 1].isASCIIDigit || text[position - 1] == ".") { continue }
            while nextCovered < covered.count, covered[nextCovered].upperBound <= position { nextCovered += 1 }
            if nextCovered < covered.count, covered[nextCovered].contains(position) { continue }
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
