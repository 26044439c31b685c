// DemoCorpus — IncidentClusters.swift
// Owns the activity layer's loop and its common pieces: after the knowledge layer, small clusters of
// related objects are generated as the clock moves through the demo window, each in the feed whose
// purpose it serves (seed 001). Here: the cluster mix, new indicators, members' sightings (raw or
// anonymised by the hub; sightings of already-known infrastructure model coverage カバー率 and lead
// time), targeted-attack e-mails and exploitation (Default), C2 destinations (C2, CX, CY, CZ) and
// harmless TEST indicators. BKMW_* clusters: BankingMalwareClusters.swift; reports and later
// versions: ReportClusters.swift.

extension CorpusBuilder {
    enum ClusterKind: CaseIterable {
        case email, c2, cx, cy, cz, exploit, bankingConfig, bankingAttack, bankingManip, report, version, test
    }

    static let clusterWeights = [16, 22, 12, 3, 3, 7, 6, 3, 6, 7, 8, 2]

    mutating func buildClusters() {
        while !full {
            advanceClock()
            let before = out.count
            switch ClusterKind.allCases[rng.weighted(CorpusBuilder.clusterWeights)] {
            case .email: emailCluster()
            case .c2: c2Cluster("C2")
            case .cx: c2Cluster("CX")
            case .cy: c2Cluster("CY")
            case .cz: c2Cluster("CZ")
            case .exploit: exploitCluster()
            case .bankingConfig: bankingConfigCluster()
            case .bankingAttack: bankingAttackCluster()
            case .bankingManip: bankingManipulationCluster()
            case .report: reportCluster()
            case .version: versionCluster()
            case .test: testCluster()
            }
            if out.count == before { c2Cluster("C2") }
        }
    }

    // MARK: Shared pieces

    /// Creates, records and emits a new indicator; returns its index in `indicators`.
    @discardableResult
    mutating func newIndicator(_ feed: String, pattern: String, name: String, ja: String, en: String,
                               types: [String] = ["malicious-activity"], createdBy: String? = nil,
                               marking: DemoTLP, phases: [String], labels: [String] = [],
                               custom: [(String, CustomValue)] = [], reference: (String, String)? = nil,
                               campaign: Int?, validDays: ClosedRange<Int>?, infrastructure: Bool) -> Int {
        let created = stamp()
        let validFrom = created - Int64(rng.int(Int(36 * DemoTime.millisPerHour)))
        let record = IndicatorRecord(
            id: rng.stixID("indicator"), feed: feed, createdBy: createdBy ?? ids.hub, created: created,
            modified: modifiedAfter(created), name: name, descriptionJa: ja, descriptionEn: en, pattern: pattern,
            types: types, validFrom: validFrom, validUntil: validDays.map { validFrom + days($0) },
            confidence: rng.int(in: 40...95), labels: labels, marking: marking, phases: phases, custom: custom,
            externalReference: reference.map { (source: $0.0, externalID: $0.1) }, campaign: campaign,
            isInfrastructure: infrastructure)
        indicators.append(record)
        let index = indicators.count - 1
        if let campaign { indicatorsByCampaign[campaign].append(index) }
        emitIndicator(record)
        return index
    }

    /// A member likely to see activity of campaign `c` (its target sectors first).
    mutating func pickMember(for c: Int?) -> Int {
        if let c, rng.chance(0.7) { return rng.pick(ThreatCatalog.campaigns[c].targets) }
        return rng.pick(DemoOrganization.memberIndices)
    }

    /// A member's sighting of an existing indicator: raw (the member is named, TLP:AMBER+STRICT or
    /// TLP:RED) or anonymised by the hub (only the sector is named, TLP:GREEN).
    mutating func sight(_ index: Int, feed: String, observedData: [String] = []) {
        let record = indicators[index]
        let org = pickMember(for: record.campaign)
        let created = max(stamp(), record.created + 60_000)
        let last = created - Int64(rng.int(Int(6 * DemoTime.millisPerHour)))
        let first = last - Int64(rng.int(Int(3 * DemoTime.millisPerDay)))
        let count = rng.int(in: 1...24)
        if rng.chance(0.5) {
            let hostSide = record.labels.contains { ["targeted-attack", "phishing", "malware-sample", "webshell"].contains($0) }
            let how = rng.pick(hostSide ? CorpusBuilder.hostSightingNotes : CorpusBuilder.networkSightingNotes)
            emitSighting(feed, of: record.id, where: [ids.organizations[org]], createdBy: ids.organizations[org],
                         observedData: observedData, firstSeen: first, lastSeen: last, count: count, at: created,
                         marking: rng.chance(0.2) ? .red : .amberStrict, descriptionJa: how.ja, descriptionEn: how.en)
        } else {
            let sector = DemoOrganization.all[org].sector
            let english = CorpusBuilder.sectorNames.first { $0.ja == sector }?.en.lowercased() ?? "same"
            emitSighting(feed, of: record.id, where: [sectorIdentity(ofOrganization: org)], createdBy: ids.hub,
                         observedData: observedData, firstSeen: first, lastSeen: last, count: count, at: created,
                         marking: .green, descriptionJa: "\(sector)分野の会員組織で観測（匿名化済み）。",
                         descriptionEn: "Observed by a member organisation in the \(english) sector (anonymised).")
        }
    }

    static let networkSightingNotes: [(ja: String, en: String)] = [
        ("プロキシログで当該宛先への通信を確認。", "Traffic to this destination found in the proxy logs."),
        ("ファイアウォールで通信を遮断。", "Connection blocked at the firewall."),
        ("IDSのアラートにより検知。", "Detected by an IDS alert."),
        ("動的解析装置が同一の通信先を検知。", "Our dynamic-analysis appliance detected the same destination."),
    ]
    static let hostSightingNotes: [(ja: String, en: String)] = [
        ("メールゲートウェイで同一の特徴を持つメールを検知。", "Mail with the same traits caught at the mail gateway."),
        ("EDRのアラートにより検知。端末を隔離済み。", "Detected by an EDR alert; the endpoint has been isolated."),
        ("従業員からの報告により受信を確認。", "Receipt confirmed after an employee reported the mail."),
    ]

    mutating func observedWindow(before created: Int64) -> (first: Int64, last: Int64) {
        let last = created - Int64(rng.int(Int(4 * DemoTime.millisPerHour)))
        return (last - Int64(rng.int(Int(2 * DemoTime.millisPerDay))), last)
    }

    // MARK: Default — targeted-attack and phishing e-mail

    mutating func emailCluster() {
        let feed = "Default"
        let c = rng.pick(ThreatCatalog.campaigns.indices.filter { ThreatCatalog.campaigns[$0].vector == "email" })
        let entry = ThreatCatalog.campaigns[c]
        let phishing = entry.intrusionSet == 3
        let sender = ObservableFactory.email(&rng)
        let subject = ObservableFactory.subject(&rng, phishing: phishing)
        let file = ObservableFactory.file(&rng)
        let host = ObservableFactory.domain(&rng)
        let domain = Observable.domain(host)
        let url = Observable.url(ObservableFactory.url(&rng, host: host))
        let kind = phishing ? (ja: "フィッシングメール", en: "Phishing e-mail") : (ja: "標的型攻撃メール", en: "Targeted-attack e-mail")

        let created = stamp()
        var scoIDs: [String] = []
        for ob in phishing ? [Observable.email(sender), url] : [Observable.email(sender), file, domain] {
            if let id = emitSCO(feed, ob, marking: .amber) { scoIDs.append(id) }
        }
        let window = observedWindow(before: created)
        let observed = emitObservedData(feed, scoIDs: scoIDs, createdBy: ids.hub, firstObserved: window.first,
                                        lastObserved: window.last, number: rng.int(in: 1...12), at: created, marking: .amber)

        let mailPattern = "[email-message:from_ref.value = '\(Observable.escape(sender))' AND email-message:subject = '\(Observable.escape(subject))']"
        let mail = newIndicator(feed, pattern: mailPattern, name: "\(kind.ja): 「\(subject)」",
                                ja: "\(entry.nameJa)に関連する\(kind.ja)。送信元 \(sender)、件名「\(subject)」。",
                                en: "\(kind.en) linked to \"\(entry.nameEn)\": sender \(sender), Japanese subject as in the pattern.",
                                marking: .amber, phases: ["initial-access"], labels: [phishing ? "phishing" : "targeted-attack"],
                                campaign: c, validDays: 30...120, infrastructure: false)
        let mailRecord = indicators[mail]
        emitRelationship(feed, "indicates", from: mailRecord.id, to: campaigns[c].id, at: mailRecord.created, marking: .amber)
        emitRelationship(feed, "based-on", from: mailRecord.id, to: observed, at: mailRecord.created, marking: .amber)

        var related = [mail]
        if !phishing {
            let m = entry.malware[0]
            let attachment = newIndicator(feed, pattern: file.pattern, name: "添付ファイル: \(file.display)",
                                          ja: "\(kind.ja)の添付ファイル。実行すると \(ThreatCatalog.malware[m].name) に感染する。",
                                          en: "Attachment of the \(kind.en.lowercased()); running it installs \(ThreatCatalog.malware[m].name).",
                                          marking: .green, phases: ["execution"], labels: ["malware-sample"],
                                          campaign: c, validDays: nil, infrastructure: false)
            emitRelationship(feed, "indicates", from: indicators[attachment].id, to: ids.malware[m],
                             at: indicators[attachment].created, marking: .green)
            related.append(attachment)
        }
        let m = entry.malware[entry.malware.count - 1]
        let c2 = newIndicator(feed, pattern: domain.pattern, name: "C2ドメイン: \(host)",
                              ja: "\(kind.ja)を起点とする感染端末が通信する \(ThreatCatalog.malware[m].name) のC2サーバ。",
                              en: "C2 server of \(ThreatCatalog.malware[m].name) contacted by machines infected through the \(kind.en.lowercased()).",
                              marking: .green, phases: ["command-and-control"], labels: ["c2"],
                              campaign: c, validDays: 30...180, infrastructure: true)
        emitRelationship(feed, "indicates", from: indicators[c2].id, to: ids.malware[m], at: indicators[c2].created, marking: .green)
        related.append(c2)
        if phishing || rng.chance(0.4) {
            let site = newIndicator(feed, pattern: url.pattern, name: (phishing ? "フィッシングサイト: " : "ダウンロードURL: ") + url.display,
                                    ja: phishing ? "金融機関を騙る偽のログインページ。" : "ダウンローダが次段のマルウェアを取得するURL。",
                                    en: phishing ? "Fake login page impersonating a bank." : "URL from which the downloader fetches the next stage.",
                                    marking: .green, phases: [phishing ? "credential-access" : "command-and-control"],
                                    labels: [phishing ? "phishing" : "downloader-site"], campaign: c, validDays: 14...90,
                                    infrastructure: true)
            emitRelationship(feed, "indicates", from: indicators[site].id, to: phishing ? campaigns[c].id : ids.malware[entry.malware[0]],
                             at: indicators[site].created, marking: .green)
            related.append(site)
        }
        for _ in 0..<rng.int(in: 1...3) { sight(rng.pick(related), feed: feed, observedData: rng.chance(0.3) ? [observed] : []) }
        if rng.chance(0.3) {
            emitNote(feed, abstract: "分析者コメント / Analyst comment",
                     contentJa: "同様の件名のメールが複数の会員組織で確認されています。添付ファイルやリンクを開かず、情報システム部門に報告してください。",
                     contentEn: "Mails with similar subjects reached several members. Do not open attachments or links; report to your IT department.",
                     refs: related.map { indicators[$0].id }, author: "かけはし分析チーム (Kakehashi analysis team)",
                     at: stamp(withinHours: 8), marking: .green)
        }
    }

    // MARK: C2, CX, CY, CZ — malicious destinations

    mutating func c2Cluster(_ feed: String) {
        let c = rng.pick(ThreatCatalog.campaigns.indices.filter { ThreatCatalog.campaigns[$0].vector != "banking" })
        let entry = ThreatCatalog.campaigns[c]
        let m = rng.pick(entry.malware)
        let malwareName = ThreatCatalog.malware[m].name
        let source = feed == "CX" ? (ja: "接続先解析システム", en: "destination-analysis system")
                                  : (ja: "動的解析装置", en: "dynamic-analysis appliance")
        var scoIDs: [String] = []
        var fresh: [Int] = []
        for _ in 0..<rng.int(in: 1...3) {
            let known = indicatorsByCampaign[c].suffix(200).filter { indicators[$0].isInfrastructure && !indicators[$0].revoked }
            if !known.isEmpty, rng.chance(0.25) {
                sight(rng.pick(known), feed: feed)
                continue
            }
            let ob: Observable
            switch rng.weighted([45, 35, 20]) {
            case 0: ob = .ipv4(ObservableFactory.ipv4(&rng))
            case 1: ob = .domain(ObservableFactory.domain(&rng))
            default: ob = .url(ObservableFactory.url(&rng))
            }
            var country = rng.pick(ObservableFactory.countries)
            if feed == "CZ" { country = "JP" }
            if feed == "CY", country == "JP" { country = "US" }
            let port = rng.pick(ObservableFactory.c2Ports)
            let place = country == "JP" ? (ja: "国内", en: "in Japan") : (ja: "国外（\(country)）", en: "abroad (\(country))")
            let name = rng.chance(0.3) ? "[\(feed)] \(ob.display)" : "C2サーバ \(ob.display)（\(malwareName)）"
            var custom: [(String, CustomValue)] = []
            if feed == "CY" || feed == "CZ" || rng.chance(0.25) {
                custom = [("x_kakehashi_source_system", .string(source.ja)), ("x_kakehashi_c2_port", .int(port)),
                          ("x_kakehashi_hosting_country", .string(country))]
            }
            let index = newIndicator(
                feed, pattern: ob.pattern, name: name,
                ja: "\(malwareName) の通信先として\(source.ja)で検知された\(ob.kind.ja)。\(place.ja)のホスティング上に構築されている（ポート \(port)/tcp）。",
                en: "\(ob.kind.en.capitalizedFirst) contacted by \(malwareName), detected by the \(source.en); hosted \(place.en), port \(port)/tcp.",
                marking: rng.chance(0.7) ? .green : .amber, phases: ["command-and-control"], labels: ["c2"], custom: custom,
                campaign: c, validDays: 30...180, infrastructure: true)
            let record = indicators[index]
            emitRelationship(feed, "indicates", from: record.id, to: ids.malware[m], at: record.created, marking: record.marking)
            if rng.chance(0.4), let id = emitSCO(feed, ob, marking: .green) { scoIDs.append(id) }
            fresh.append(index)
        }
        var observed: [String] = []
        if !scoIDs.isEmpty {
            let created = stamp()
            let window = observedWindow(before: created)
            observed = [emitObservedData(feed, scoIDs: scoIDs, createdBy: ids.hub, firstObserved: window.first,
                                         lastObserved: window.last, number: rng.int(in: 1...300), at: created, marking: .green)]
        }
        if let first = fresh.first, rng.chance(0.45) { sight(first, feed: feed, observedData: observed) }
    }

    // MARK: Default — exploitation of internet-facing systems, ransomware

    static let webShellNames = ["help.php", "logo.cgi", "login.jsp", "compcheck.cgi", "error.aspx", "visits.py"]

    mutating func exploitCluster() {
        let feed = "Default"
        let c = rng.pick([2, 2, 6, 3])
        let entry = ThreatCatalog.campaigns[c]
        let cve = entry.vulnerabilities.isEmpty ? nil : ThreatCatalog.vulnerabilities[rng.pick(entry.vulnerabilities)].cve
        var scoIDs: [String] = []
        var made: [Int] = []
        for _ in 0..<rng.int(in: 1...3) {
            let ip = Observable.ipv4(ObservableFactory.ipv4(&rng))
            let (ja, en, label): (String, String, String)
            switch c {
            case 3:
                (ja, en, label) = ("放送事業者へのDDoS攻撃に参加したボット（Uzushio）の送信元IPアドレス。",
                                   "Source IP address of an Uzushio bot taking part in the DDoS attacks on broadcasters.", "ddos")
            case 6:
                (ja, en, label) = ("VPNへの不正ログイン（正規アカウントの悪用）の送信元IPアドレス\(cve.map { "。\($0) の悪用も試行" } ?? "")。",
                                   "Source of unauthorised VPN logins with valid accounts\(cve.map { "; also tried \($0)" } ?? "").", "vpn-abuse")
            default:
                (ja, en, label) = ("\(cve ?? "VPN装置の脆弱性") を悪用する攻撃の送信元IPアドレス。",
                                   "Source IP address of attacks exploiting \(cve ?? "VPN appliance vulnerabilities").", "exploitation")
            }
            let index = newIndicator(feed, pattern: ip.pattern, name: "攻撃元IPアドレス: \(ip.display)", ja: ja, en: en,
                                     marking: .amber, phases: [c == 3 ? "impact" : "initial-access"], labels: [label],
                                     campaign: c, validDays: 7...60, infrastructure: true)
            emitRelationship(feed, "indicates", from: indicators[index].id, to: campaigns[c].id, at: indicators[index].created, marking: .amber)
            if let id = emitSCO(feed, ip, marking: .amber) { scoIDs.append(id) }
            made.append(index)
        }
        if c == 2, rng.chance(0.5) {
            let shell = Observable.file(name: rng.pick(CorpusBuilder.webShellNames), md5: rng.hex(32), sha1: rng.hex(40), sha256: rng.hex(64))
            let index = newIndicator(feed, pattern: shell.pattern, name: "Webシェル: \(shell.display)",
                                     ja: "侵害されたVPN装置上で見つかった KitsuneShell。",
                                     en: "KitsuneShell found on a compromised VPN appliance.",
                                     marking: .amber, phases: ["persistence"], labels: ["webshell"],
                                     campaign: c, validDays: nil, infrastructure: false)
            emitRelationship(feed, "indicates", from: indicators[index].id, to: ids.malware[11], at: indicators[index].created, marking: .amber)
            if let id = emitSCO(feed, shell, marking: .amber) { scoIDs.append(id) }
            made.append(index)
        }
        let created = stamp()
        let window = observedWindow(before: created)
        let observed = emitObservedData(feed, scoIDs: scoIDs, createdBy: ids.hub, firstObserved: window.first, lastObserved: window.last,
                                        number: rng.int(in: 1...(c == 3 ? 50_000 : 40)), at: created, marking: .amber)
        if rng.chance(0.6) { sight(made[0], feed: feed, observedData: [observed]) }
        if rng.chance(0.3) {
            emitNote(feed, abstract: "推奨対応 / Recommended action",
                     contentJa: "該当するIPアドレスからのアクセスがログに残っていないか確認し、\(cve.map { "\($0) の修正を適用したうえで" } ?? "")侵害の有無を調査してください。",
                     contentEn: "Check logs for access from these addresses\(cve.map { ", apply the fix for \($0)," } ?? "") and investigate for compromise.",
                     refs: made.map { indicators[$0].id } + [campaigns[c].id], author: "かけはし分析チーム (Kakehashi analysis team)",
                     at: stamp(withinHours: 8), marking: .amber)
        }
    }

    // MARK: TEST

    mutating func testCluster() {
        let ip = "192.0.2.\(rng.int(in: 1...254))"
        newIndicator("TEST", pattern: Observable.ipv4(ip).pattern, name: "TEST: 接続確認用インジケータ \(ip)",
                     ja: "テスト用のインジケータです。ブロックリストには適用しないでください。",
                     en: "Test indicator for connectivity checks; do not apply to blocklists.",
                     types: ["benign"], marking: .clear, phases: [], labels: ["test"],
                     custom: [("x_kakehashi_test", .bool(true))], campaign: nil, validDays: 1...7, infrastructure: false)
    }
}

extension String {
    /// First character upper-cased ("IP address" stays, "domain" → "Domain").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
