// DemoCorpus — DemoOrganization.swift
// Owns the fictional member organisations of the demo hub: the sectors of the seeds (J-CSIP SIGs:
// 電力, ガス, 化学, 石油, 重要インフラ機器製造; ICT-ISAC: 通信, 放送; 金融), a security vendor that
// supplies the banking-malware feeds, and the hub operator. Domains are under .example.jp only.

/// A fictional organisation of the demo hub.
///
/// ```swift
/// for org in DemoCorpus.organizations where org.role == "member" {
///     try accounts.createOrganization(name: org.nameJa, sector: org.sector, size: org.size)
/// }
/// ```
public struct DemoOrganization: Sendable, Hashable {
    /// English name.
    public let name: String
    /// Japanese name.
    public let nameJa: String
    /// Japanese sector name, e.g. "電力".
    public let sector: String
    /// "large" | "medium" | "small" (seed 001: large SOCs take everything, small ones a small subset).
    public let size: String
    /// e-mail / web domain, e.g. "denryoku-a.example.jp".
    public let domain: String
    /// STIX industry-sector-ov values for the identity object.
    public let stixSectors: [String]
    /// Role in the hub: "member", "vendor" or "operator".
    public let role: String

    public init(name: String, nameJa: String, sector: String, size: String, domain: String,
                stixSectors: [String], role: String) {
        self.name = name
        self.nameJa = nameJa
        self.sector = sector
        self.size = size
        self.domain = domain
        self.stixSectors = stixSectors
        self.role = role
    }
}

extension DemoOrganization {
    /// The member, vendor and operator organisations, in a fixed order (the operator last).
    static let all: [DemoOrganization] = [
        DemoOrganization(name: "Electric Power A Co., Ltd.", nameJa: "A電力株式会社", sector: "電力",
                         size: "large", domain: "denryoku-a.example.jp", stixSectors: ["energy", "utilities"], role: "member"),
        DemoOrganization(name: "Gas B Corporation", nameJa: "Bガス株式会社", sector: "ガス",
                         size: "medium", domain: "gas-b.example.jp", stixSectors: ["utilities"], role: "member"),
        DemoOrganization(name: "C Chemical Industries, Ltd.", nameJa: "C化学工業株式会社", sector: "化学",
                         size: "large", domain: "kagaku-c.example.jp", stixSectors: ["chemical"], role: "member"),
        DemoOrganization(name: "D Oil Refining Co., Ltd.", nameJa: "D石油精製株式会社", sector: "石油",
                         size: "medium", domain: "sekiyu-d.example.jp", stixSectors: ["energy"], role: "member"),
        DemoOrganization(name: "E Industrial Control Systems Corp.", nameJa: "E制御システム株式会社", sector: "重要インフラ機器製造",
                         size: "large", domain: "seigyo-e.example.jp", stixSectors: ["manufacturing", "infrastructure"], role: "member"),
        DemoOrganization(name: "F Telecommunications Inc.", nameJa: "F通信株式会社", sector: "通信",
                         size: "large", domain: "tsushin-f.example.jp", stixSectors: ["telecommunications"], role: "member"),
        DemoOrganization(name: "G Broadcasting Corporation", nameJa: "G放送株式会社", sector: "放送",
                         size: "medium", domain: "hoso-g.example.jp", stixSectors: ["communications"], role: "member"),
        DemoOrganization(name: "H Bank, Ltd.", nameJa: "株式会社H銀行", sector: "金融",
                         size: "large", domain: "ginko-h.example.jp", stixSectors: ["financial-services"], role: "member"),
        DemoOrganization(name: "I Shinkin Bank", nameJa: "I信用金庫", sector: "金融",
                         size: "small", domain: "shinkin-i.example.jp", stixSectors: ["financial-services"], role: "member"),
        DemoOrganization(name: "K Security Research, Inc.", nameJa: "Kセキュリティリサーチ株式会社", sector: "セキュリティベンダ",
                         size: "medium", domain: "k-security.example.jp", stixSectors: ["technology"], role: "vendor"),
        DemoOrganization(name: "Kakehashi Information Sharing Hub", nameJa: "かけはし情報共有ハブ事務局", sector: "情報共有ハブ運営",
                         size: "medium", domain: "hub.kakehashi.example.jp", stixSectors: ["non-profit"], role: "operator"),
    ]

    static let hubIndex = all.count - 1
    static let vendorIndex = all.count - 2
    static let memberIndices = Array(0..<(all.count - 2))
    static let bankIndices = [7, 8]
}
