// Campaigns — EvidenceLinks.swift
// Owns why two submissions belong together: the kinds of evidence (same attachment, same C2, same
// sending infrastructure, similar templates …), their configurable weights and similarity
// thresholds, the exclusion hook that keeps values which link everything (CDN and shared-hosting
// addresses, public resolvers, free-mail domains as domains) from linking anything — reported as
// excluded, never silently dropped — and the link between two submissions with its shared values.

/// A kind of evidence between two submissions.
public enum EvidenceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case attachmentHash = "attachment-hash"
    case c2Host = "c2-host"
    case c2IP = "c2-ip"
    case sendingIP = "sending-ip"
    case sendingHost = "sending-host"
    case senderAddress = "sender-address"
    case senderDomain = "sender-domain"
    case envelopeDomain = "envelope-domain"
    case replyTo = "reply-to"
    case messageIDDomain = "message-id-domain"
    case mailer = "x-mailer"
    case attachmentTLSH = "attachment-tlsh"
    case attachmentNaming = "attachment-naming"
    case lookalikeDomain = "lookalike-of-recipient"
    case freeMailNaming = "free-mail-naming"
    case subjectTemplate = "subject-template"
    case bodyTemplate = "body-template"

    public enum Strength: String, Sendable, Codable { case strong, medium, weak }

    /// Strong: the same payload or C2. Medium: the same sending infrastructure. Weak: similarity.
    public var strength: Strength {
        switch self {
        case .attachmentHash, .c2Host, .c2IP: .strong
        case .sendingIP, .sendingHost, .senderAddress, .senderDomain, .envelopeDomain, .replyTo, .messageIDDomain: .medium
        default: .weak
        }
    }

    public static func < (a: EvidenceKind, b: EvidenceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How much each kind of evidence counts, and when similarity counts at all.
///
/// ```swift
/// var weights = EvidenceWeights()
/// weights[.mailer] = 0.1
/// weights.tlshMaximumDistance = 50
/// ```
public struct EvidenceWeights: Sendable, Hashable, Codable {
    public var weights: [EvidenceKind: Double] = [
        .attachmentHash: 1.0, .c2Host: 1.0, .c2IP: 1.0,
        .sendingIP: 0.5, .sendingHost: 0.5, .senderAddress: 0.6, .senderDomain: 0.5, .envelopeDomain: 0.4,
        .replyTo: 0.6, .messageIDDomain: 0.3,
        .mailer: 0.15, .attachmentTLSH: 0.4, .attachmentNaming: 0.3, .lookalikeDomain: 0.3,
        .freeMailNaming: 0.1, .subjectTemplate: 0.3, .bodyTemplate: 0.4,
    ]
    /// Subject templates link at or above this estimated Jaccard similarity (weight scaled by it).
    public var subjectMinimumSimilarity = 0.6
    /// Body templates (the attacker's own words) link at or above this similarity.
    public var bodyMinimumSimilarity = 0.5
    /// Attachments link when their TLSH digests are at most this far apart.
    public var tlshMaximumDistance = 70
    /// A value held by more submissions than this links nothing (it is reported as too common):
    /// the safeguard against values nobody thought to put on an exclusion list.
    public var commonValueLimit = 400

    public init() {}

    public subscript(kind: EvidenceKind) -> Double {
        get { weights[kind] ?? 0 }
        set { weights[kind] = newValue }
    }
}

/// Values that must never link submissions: the operator's exclusion lists (MISP warning-list
/// format, loaded elsewhere) reduced to a question the engine can ask.
///
/// ```swift
/// let exclusions = ValueExclusions(values: [.c2IP: ["104.16.0.1"], .senderDomain: ["gmail.com"]])
/// exclusions.listName(for: .c2IP, value: "104.16.0.1")   // "excluded"
/// let custom = ValueExclusions { kind, value in value.hasSuffix(".cloudfront.net") ? "CloudFront" : nil }
/// ```
public struct ValueExclusions: Sendable {
    /// The name of the list that excludes `value` as evidence of `kind`, or nil.
    public let listName: @Sendable (EvidenceKind, String) -> String?

    public init(_ listName: @escaping @Sendable (EvidenceKind, String) -> String?) {
        self.listName = listName
    }

    /// Exclusions from fixed sets per kind, reported under `name`.
    public init(values: [EvidenceKind: Set<String>], name: String = "excluded") {
        self.listName = { kind, value in values[kind]?.contains(value) == true ? name : nil }
    }

    /// Nothing excluded.
    public static let none = ValueExclusions { _, _ in nil }

    /// Free-mail providers as sender, envelope and Message-ID domains: a shared provider is not
    /// shared infrastructure.
    public static let freeMail = ValueExclusions { kind, value in
        switch kind {
        case .senderDomain, .envelopeDomain, .messageIDDomain, .sendingHost:
            let provider = SubmissionTraits.freeMailDomains.contains(value)
                || SubmissionTraits.freeMailDomains.contains { value.hasSuffix("." + $0) }
            return provider ? "free-mail domains" : nil
        default: return nil
        }
    }

    /// The first list of `self`, then of `other`.
    public func adding(_ other: ValueExclusions) -> ValueExclusions {
        ValueExclusions { kind, value in self.listName(kind, value) ?? other.listName(kind, value) }
    }
}

/// One piece of evidence: its kind, the values both submissions share (or the two similar
/// templates / digests), and what it adds to the link.
public struct Evidence: Sendable, Hashable, Codable {
    public var kind: EvidenceKind
    public var values: [String]
    /// Similarity in 0…1 for template evidence, 1 for a shared value.
    public var similarity: Double
    public var weight: Double
}

/// A shared value that would have linked two submissions and did not, and why.
public struct ExcludedValue: Sendable, Hashable, Codable {
    public var kind: EvidenceKind
    public var value: String
    /// The exclusion list's name, or "too common" for values over `commonValueLimit`.
    public var list: String
}

/// The link between two submissions.
public struct EvidenceLink: Sendable, Hashable, Codable {
    public var first: String
    public var second: String
    public var evidence: [Evidence]
    public var excluded: [ExcludedValue]

    /// The sum of the evidence weights.
    public var weight: Double { evidence.reduce(0) { $0 + $1.weight } }
    public var isStrong: Bool { evidence.contains { $0.kind.strength == .strong } }
    /// Distinct kinds of weak evidence: similarity alone must agree on more than one thing.
    public var weakKinds: Int { Set(evidence.filter { $0.kind.strength == .weak }.map(\.kind)).count }
}

// MARK: - Computing links

/// The values of each exact-match kind of a submission (the keys of the index).
extension SubmissionTraits {
    public func values(of kind: EvidenceKind) -> [String] {
        switch kind {
        case .attachmentHash: attachmentSHA256
        case .c2Host: c2Hosts
        case .c2IP: c2IPs
        case .sendingIP: sendingIP.map { [$0] } ?? []
        case .sendingHost: sendingHost.map { [$0] } ?? []
        case .senderAddress: senderAddress.map { [$0] } ?? []
        case .senderDomain: senderDomain.map { [$0] } ?? []
        case .envelopeDomain: envelopeDomain.map { [$0] } ?? []
        case .replyTo: replyTo
        case .messageIDDomain: messageIDDomain.map { [$0] } ?? []
        case .mailer: mailer.map { [$0] } ?? []
        case .attachmentNaming: attachmentNameTemplates
        case .lookalikeDomain: lookalikeTemplates
        case .freeMailNaming: freeMailPattern.map { [$0] } ?? []
        case .attachmentTLSH, .subjectTemplate, .bodyTemplate: []
        }
    }

    static let exactKinds: [EvidenceKind] = EvidenceKind.allCases.filter {
        ![.attachmentTLSH, .subjectTemplate, .bodyTemplate].contains($0)
    }
}

/// Evidence between two submissions.
///
/// ```swift
/// let link = EvidenceLinking(weights: EvidenceWeights(), exclusions: .freeMail).link(a, b)
/// link.evidence.map(\.kind)   // [.attachmentHash, .mailer, .subjectTemplate]
/// link.excluded               // [ExcludedValue(kind: .senderDomain, value: "gmail.com", list: "free-mail domains")]
/// ```
public struct EvidenceLinking: Sendable {
    public var weights: EvidenceWeights
    public var exclusions: ValueExclusions
    /// Values the caller found too common (see `commonValueLimit`), by kind.
    var tooCommon: [EvidenceKind: Set<String>] = [:]

    public init(weights: EvidenceWeights = EvidenceWeights(), exclusions: ValueExclusions = .freeMail) {
        self.weights = weights; self.exclusions = exclusions
    }

    /// The link between `a` and `b`, with every piece of evidence and every excluded shared value.
    public func link(_ a: SubmissionTraits, _ b: SubmissionTraits) -> EvidenceLink {
        var evidence: [Evidence] = []
        var excluded: [ExcludedValue] = []
        for kind in SubmissionTraits.exactKinds {
            let shared = Self.sortedIntersection(a.values(of: kind), b.values(of: kind))
            guard !shared.isEmpty else { continue }
            var counted: [String] = []
            for value in shared {
                if let list = exclusions.listName(kind, value) {
                    excluded.append(ExcludedValue(kind: kind, value: value, list: list))
                } else if tooCommon[kind]?.contains(value) == true {
                    excluded.append(ExcludedValue(kind: kind, value: value, list: "too common"))
                } else {
                    counted.append(value)
                }
            }
            if !counted.isEmpty, weights[kind] > 0 {
                evidence.append(Evidence(kind: kind, values: counted, similarity: 1, weight: weights[kind]))
            }
        }
        similarity(a, b, into: &evidence)
        return EvidenceLink(first: a.submissionID, second: b.submissionID, evidence: evidence, excluded: excluded)
    }

    /// The common values of two value lists, sorted (lists are short: a nested scan beats building sets).
    static func sortedIntersection(_ a: [String], _ b: [String]) -> [String] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        if a.count * b.count > 64 { return Set(a).intersection(b).sorted() }
        var result: [String] = []
        for value in a where b.contains(value) && !result.contains(value) { result.append(value) }
        return result.count > 1 ? result.sorted() : result
    }

    func similarity(_ a: SubmissionTraits, _ b: SubmissionTraits, into evidence: inout [Evidence]) {
        let subject = TextTemplates.similarity(a.subjectSignature, b.subjectSignature)
        if subject >= weights.subjectMinimumSimilarity, weights[.subjectTemplate] > 0 {
            evidence.append(Evidence(kind: .subjectTemplate, values: [a.subjectTemplate, b.subjectTemplate],
                                     similarity: subject, weight: weights[.subjectTemplate] * subject))
        }
        let body = TextTemplates.similarity(a.bodySignature, b.bodySignature)
        if body >= weights.bodyMinimumSimilarity, weights[.bodyTemplate] > 0 {
            evidence.append(Evidence(kind: .bodyTemplate, values: [], similarity: body, weight: weights[.bodyTemplate] * body))
        }
        if weights[.attachmentTLSH] > 0, !a.attachmentTLSH.isEmpty, !b.attachmentTLSH.isEmpty {
            var best: (Int, String, String)? = nil
            for x in a.attachmentTLSH {
                for y in b.attachmentTLSH {
                    if let d = TLSHDistance.between(x, y), d <= weights.tlshMaximumDistance, best == nil || d < best!.0 {
                        best = (d, x, y)
                    }
                }
            }
            if let (distance, x, y) = best {
                let closeness = 1 - Double(distance) / Double(max(weights.tlshMaximumDistance, 1) * 2)
                evidence.append(Evidence(kind: .attachmentTLSH, values: [x, y], similarity: closeness,
                                         weight: weights[.attachmentTLSH] * closeness))
            }
        }
    }
}
