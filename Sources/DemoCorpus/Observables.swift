// DemoCorpus — Observables.swift
// Owns the observable values of the corpus (IP addresses, domains, URLs, e-mail addresses and
// subjects, files with hashes) and, for each, its STIX pattern and its cyber-observable object.
// Safety: IPv4 addresses come only from ranges that are not routed on the public internet
// (TEST-NET-1/2/3, 198.18.0.0/15 benchmarking, 100.64.0.0/10 shared address space); domains only
// under the reserved .example / .test names; hashes are random hex of the right length.

enum Observable {
    case ipv4(String)
    case domain(String)
    case url(String)
    case email(String)
    case subject(String)
    case file(name: String, md5: String, sha1: String, sha256: String)

    /// The STIX pattern matching this observable (single quotes and backslashes escaped).
    var pattern: String {
        switch self {
        case .ipv4(let v): "[ipv4-addr:value = '\(Observable.escape(v))']"
        case .domain(let v): "[domain-name:value = '\(Observable.escape(v))']"
        case .url(let v): "[url:value = '\(Observable.escape(v))']"
        case .email(let v): "[email-addr:value = '\(Observable.escape(v))']"
        case .subject(let v): "[email-message:subject = '\(Observable.escape(v))']"
        case .file(_, let md5, let sha1, let sha256):
            "[file:hashes.'SHA-256' = '\(sha256)' OR file:hashes.'SHA-1' = '\(sha1)' OR file:hashes.MD5 = '\(md5)']"
        }
    }

    /// Short human-readable value for names.
    var display: String {
        switch self {
        case .ipv4(let v), .domain(let v), .url(let v), .email(let v), .subject(let v): v
        case .file(let name, _, _, let sha256): "\(name) (SHA-256 \(sha256.prefix(16))…)"
        }
    }

    /// Japanese / English kind words for names and descriptions.
    var kind: (ja: String, en: String) {
        switch self {
        case .ipv4: ("IPアドレス", "IP address")
        case .domain: ("ドメイン", "domain")
        case .url: ("URL", "URL")
        case .email: ("送信元メールアドレス", "sender address")
        case .subject: ("メール件名", "e-mail subject")
        case .file: ("添付ファイル", "attachment")
        }
    }

    /// The SCO (id, compact JSON) for this observable, or nil for a bare subject.
    func sco(marking: DemoTLP) -> (id: String, json: String)? {
        switch self {
        case .ipv4(let v): Observable.valueSCO("ipv4-addr", v, marking)
        case .domain(let v): Observable.valueSCO("domain-name", v, marking)
        case .url(let v): Observable.valueSCO("url", v, marking)
        case .email(let v): Observable.valueSCO("email-addr", v, marking)
        case .subject: nil
        case .file(let name, let md5, let sha1, let sha256):
            fileSCO(name: name, md5: md5, sha1: sha1, sha256: sha256, marking)
        }
    }

    private static func valueSCO(_ type: String, _ value: String, _ marking: DemoTLP) -> (id: String, json: String) {
        let id = SCOIdentifier.forValue(type: type, value: value)
        var o = JSONObject(capacity: 160)
        o.string("type", type)
        o.string("spec_version", "2.1")
        o.string("id", id)
        o.string("value", value)
        o.strings("object_marking_refs", [marking.markingID])
        return (id, o.text())
    }

    private func fileSCO(name: String, md5: String, sha1: String, sha256: String, _ marking: DemoTLP) -> (id: String, json: String) {
        let id = SCOIdentifier.forFile(md5: md5, sha1: sha1, sha256: sha256, name: name)
        var hashes = JSONObject(capacity: 200)
        hashes.string("MD5", md5)
        hashes.string("SHA-1", sha1)
        hashes.string("SHA-256", sha256)
        var o = JSONObject(capacity: 320)
        o.string("type", "file")
        o.string("spec_version", "2.1")
        o.string("id", id)
        o.object("hashes", hashes)
        o.string("name", name)
        o.strings("object_marking_refs", [marking.markingID])
        return (id, o.text())
    }

    static func escape(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'")
    }
}

extension String {
    /// Foundation-free literal replacement.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

/// Draws fictional but realistic-looking observable values.
enum ObservableFactory {
    // MARK: IPv4 (non-routed ranges only)

    static func ipv4(_ rng: inout DemoRandom) -> String {
        switch rng.int(5) {
        case 0: "192.0.2.\(rng.int(in: 1...254))"
        case 1: "198.51.100.\(rng.int(in: 1...254))"
        case 2: "203.0.113.\(rng.int(in: 1...254))"
        case 3: "198.\(18 + rng.int(2)).\(rng.int(256)).\(rng.int(in: 1...254))"
        default: "100.\(64 + rng.int(64)).\(rng.int(256)).\(rng.int(in: 1...254))"
        }
    }

    // MARK: Domains (reserved names only)

    static let words = ["update", "cdn", "secure", "login", "mail", "portal", "sync", "cloud", "api", "static",
                        "auth", "verify", "docs", "share", "office", "news", "media", "support", "account", "service",
                        "download", "files", "report", "survey", "event", "seminar", "press", "info", "check", "web"]
    static let flavours = ["jp", "japan", "tokyo", "osaka", "nihon", "net", "online", "center", "system", "hub",
                           "box", "link", "zone", "site", "space"]
    static let zones = ["example", "test", "example.com", "example.net", "example.org"]

    static func domain(_ rng: inout DemoRandom) -> String {
        let a = rng.pick(words), b = rng.pick(flavours)
        let stem = rng.chance(0.5) ? "\(a)-\(b)" : "\(a)\(b)\(rng.int(in: 1...99))"
        let zone = rng.pick(zones)
        return rng.chance(0.3) ? "\(rng.pick(words)).\(stem).\(zone)" : "\(stem).\(zone)"
    }

    // MARK: URLs

    static let paths = ["/wp-content/plugins/cache/update.php", "/images/logo.gif", "/api/v2/check", "/download/doc.zip",
                        "/static/js/jquery.min.js", "/index.php?id=", "/cgi-bin/login.cgi", "/news/article/", "/file/get?token=",
                        "/share/document/", "/gate.php", "/panel/admin/inject.js", "/cfg/", "/assets/bg.jpg"]

    static func url(_ rng: inout DemoRandom, host: String? = nil) -> String {
        let h = host ?? (rng.chance(0.25) ? ipv4(&rng) : domain(&rng))
        let scheme = rng.chance(0.7) ? "https" : "http"
        var path = rng.pick(paths)
        if path.hasSuffix("=") || path.hasSuffix("/") { path += rng.hex(8) }
        return "\(scheme)://\(h)\(path)"
    }

    // MARK: E-mail

    static let senderLocals = ["info", "press", "kisha.tanaka", "h.suzuki", "seminar", "jimukyoku", "eigyo", "keiri",
                               "support", "noreply", "yamada.taro", "sato-k", "kouen", "shuzai"]
    static let senderDomains = ["freemail.example", "mail-service.example", "press-office.example.com",
                                "kyokai-jimukyoku.example.net", "webmail.test", "bizmail.example.org"]

    static func email(_ rng: inout DemoRandom) -> String {
        let local = rng.pick(senderLocals) + (rng.chance(0.5) ? String(rng.int(in: 1...999)) : "")
        return "\(local)@\(rng.pick(senderDomains))"
    }

    /// Subjects of targeted-attack and phishing mails, by campaign vector.
    static let targetedSubjects = ["取材のお願い", "取材依頼について（ご確認ください）", "講演依頼について", "ご講演のお願い",
                                   "会議資料の送付について", "【ご確認】見積書送付の件", "請求書送付のご案内", "ご請求書の件",
                                   "セミナー開催のご案内", "アンケートご協力のお願い", "資料送付のご連絡", "業務委託契約書（案）のご確認",
                                   "RE: 打ち合わせ日程の件", "【至急】仕様変更のご連絡"]
    static let phishingSubjects = ["【重要】お取引の確認", "【重要】ご利用のアカウントの確認", "【緊急】不正ログインの可能性について",
                                   "お客様情報の更新のお願い", "インターネットバンキングのご利用制限について", "【ご確認】振込の完了について"]

    static func subject(_ rng: inout DemoRandom, phishing: Bool) -> String {
        rng.pick(phishing ? phishingSubjects : targetedSubjects)
    }

    // MARK: Files

    static let fileNames = ["取材依頼書.zip", "講演依頼.docx", "会議資料.lnk", "見積書_2025.xlsm", "請求書.pdf.exe",
                            "アンケート.doc", "契約書案.zip", "仕様変更.iso", "資料一覧.rar", "update.dll", "svchost.dll",
                            "version.dll", "setup.exe", "readme.lnk"]

    static func file(_ rng: inout DemoRandom) -> Observable {
        .file(name: rng.pick(fileNames), md5: rng.hex(32), sha1: rng.hex(40), sha256: rng.hex(64))
    }

    // MARK: Context for C2 custom properties

    /// Hosting countries for C2 addresses (as the destination-analysis system would geolocate them).
    static let countries = ["JP", "JP", "JP", "US", "NL", "SG", "DE", "HK", "KR", "RU", "GB", "FR"]
    static let c2Ports = [443, 443, 443, 80, 80, 8080, 8443, 53, 995, 4443]
}
