// DemoCorpus — DemoFeed.swift
// Owns the demo hub's feeds, modelled on the purpose-specific feeds of ICT-ISAC's relay server
// taxii.ict-isac.jp (seed 001): Default, C2, CX, CY, CZ, BKMW_CONFIG, BKMW_ATTACK, BKMW_MANIP, TEST,
// with the severities the seed gives (不正送金 緊急, 不正接続先リスト 重要).

/// A purpose-specific feed (a TAXII collection of the demo hub).
///
/// ```swift
/// for feed in DemoCorpus.feeds {
///     try hub.createCollection(title: feed.name, description: feed.description, severity: feed.severity)
/// }
/// ```
public struct DemoFeed: Sendable, Hashable {
    /// Feed name as in seed 001, e.g. "C2".
    public let name: String
    /// Short bilingual title.
    public let title: String
    /// Bilingual description (Japanese, then English).
    public let description: String
    /// "緊急" | "重要" | "通常".
    public let severity: String

    public init(name: String, title: String, description: String, severity: String) {
        self.name = name
        self.title = title
        self.description = description
        self.severity = severity
    }
}

extension DemoFeed {
    static let all: [DemoFeed] = [
        DemoFeed(name: "Default", title: "総合 / General",
                 description: "標的型攻撃メール、攻撃キャンペーン、マルウェア、脆弱性、分析レポートなどの総合的な脅威情報。TLPマーキング定義もここに含まれます。"
                    + "\nGeneral threat intelligence: targeted-attack e-mails, campaigns, malware, vulnerabilities and analysis reports, including the TLP marking definitions.",
                 severity: "通常"),
        DemoFeed(name: "C2", title: "C2サーバ / C2 servers",
                 description: "会員組織の動的解析装置が検知した不正接続先（IPアドレス、ドメイン、URL）。ダウンローダサイトを含む広義のC2情報です。"
                    + "\nMalicious destinations (IP addresses, domains, URLs) detected by members' dynamic-analysis appliances; C2 in the broad sense, including downloader sites.",
                 severity: "重要"),
        DemoFeed(name: "CX", title: "接続先解析 / Destination analysis",
                 description: "接続先解析システムが抽出した不正接続先（IPアドレス、ドメイン、URL）。"
                    + "\nMalicious destinations (IP addresses, domains, URLs) extracted by the destination-analysis system.",
                 severity: "重要"),
        DemoFeed(name: "CY", title: "C2予備Y / C2 reserve Y",
                 description: "予備（C2サーバ情報の細分化で使用予定）。現在は国外ホスティング上のC2サーバを試行的に配信しています。"
                    + "\nReserved for a finer split of C2 information; currently carries C2 servers hosted abroad on a trial basis.",
                 severity: "重要"),
        DemoFeed(name: "CZ", title: "C2予備Z / C2 reserve Z",
                 description: "予備（C2サーバ情報の細分化で使用予定）。現在は国内に構築されたC2サーバを試行的に配信しています。"
                    + "\nReserved for a finer split of C2 information; currently carries C2 servers built inside Japan on a trial basis.",
                 severity: "重要"),
        DemoFeed(name: "BKMW_CONFIG", title: "バンキングマルウェア設定配布 / Banking malware config",
                 description: "セキュリティベンダから提供されたバンキングマルウェアに関する情報（マルウェアの設定ファイル配布サイト）。"
                    + "\nBanking-malware intelligence from security vendors: sites distributing the malware's configuration files.",
                 severity: "緊急"),
        DemoFeed(name: "BKMW_ATTACK", title: "バンキングマルウェア攻撃対象 / Banking malware targets",
                 description: "セキュリティベンダから提供されたバンキングマルウェアに関する情報（攻撃対象となっている金融機関サイト）。"
                    + "\nBanking-malware intelligence from security vendors: financial-institution sites the malware targets.",
                 severity: "緊急"),
        DemoFeed(name: "BKMW_MANIP", title: "バンキングマルウェア改ざんサーバ / Banking malware manipulation",
                 description: "セキュリティベンダから提供されたバンキングマルウェアに関する情報（マニピュレーションサーバ）。"
                    + "\nBanking-malware intelligence from security vendors: manipulation (web-inject / automatic transfer) servers.",
                 severity: "緊急"),
        DemoFeed(name: "TEST", title: "テスト / Test",
                 description: "テスト用です。接続確認用の無害なインジケータのみを含みます。"
                    + "\nFor testing: harmless connectivity-check indicators only.",
                 severity: "通常"),
    ]
}
