// DemoCorpus — ReportClusters.swift
// Owns the Default feed's reports (advisories 注意喚起, weekly reports, specimen analyses) with member
// feedback notes, and the later versions of earlier objects: indicators whose confidence rises,
// whose validity is extended or which are revoked as false positives, and campaigns with a new
// last_seen (same id and created, later modified).

extension CorpusBuilder {
    // MARK: Default — reports and notes

    mutating func reportCluster() {
        let feed = "Default"
        let c = rng.int(ThreatCatalog.campaigns.count)
        let entry = ThreatCatalog.campaigns[c]
        let set = ThreatCatalog.intrusionSets[entry.intrusionSet]
        let created = stamp(withinHours: 10)
        let (y, mo, d) = DemoTime.civil(created)
        let recent = Array(indicatorsByCampaign[c].suffix(8)).map { indicators[$0].id }
        var refs: [String] = []
        let name: String, ja: String, en: String, types: [String], marking: DemoTLP
        switch rng.int(3) {
        case 0:
            name = "注意喚起: \(entry.nameJa)"
            ja = "\(entry.descriptionJa)関連するインジケータを添付します。各組織での検知・遮断にご活用ください。"
            en = "Advisory — \(entry.nameEn). \(entry.descriptionEn) Related indicators are attached for detection and blocking."
            types = ["campaign", "indicator"]
            marking = .amber
            refs = [campaigns[c].id, ids.intrusionSets[entry.intrusionSet]] + entry.malware.map { ids.malware[$0] } + recent
        case 1:
            name = "週次脅威情報レポート（\(y)年\(mo)月\(d)日）"
            ja = "今週、会員組織から共有された情報をもとに、\(entry.nameJa)を中心に観測状況をまとめました。"
            en = "Weekly threat report (\(DemoTime.dateText(created))): what members shared this week, centred on \"\(entry.nameEn)\"."
            types = ["threat-report"]
            marking = .green
            let latest = indicators.suffix(10).map(\.id)
            refs = [campaigns[c].id] + latest + recent.filter { !latest.contains($0) }
        default:
            let m = rng.pick(set.malware)
            name = "解析レポート: \(ThreatCatalog.malware[m].name) 検体の解析結果"
            ja = "会員組織から提供された検体を解析した結果、\(ThreatCatalog.malware[m].name) であることを確認しました。通信先と使用される攻撃手法を示します。"
            en = "Analysis of a specimen provided by a member confirmed \(ThreatCatalog.malware[m].name); its destinations and techniques are listed."
            types = ["malware", "attack-pattern"]
            marking = .amber
            refs = [ids.malware[m]] + ThreatCatalog.malware[m].techniques.map { ids.techniques[$0] } + recent
        }
        var unique: [String] = []
        for r in refs where !unique.contains(r) { unique.append(r) }
        let report = emitReport(feed, name: name, descriptionJa: ja, descriptionEn: en, types: types, refs: unique,
                                at: created, marking: marking, confidence: rng.int(in: 50...90))
        if rng.chance(0.4) {
            emitNote(feed, abstract: "会員からのフィードバック / Member feedback",
                     contentJa: rng.pick(["本レポートのインジケータをプロキシに適用し、2件の通信を遮断しました。",
                                          "当社でも同様のメールを受信していたことを確認しました。",
                                          "誤検知はありませんでした。継続して監視します。"]),
                     contentEn: "Feedback from a member organisation on how the report was used.",
                     refs: [report], author: "会員組織 (member organisation)", at: created + 3 * DemoTime.millisPerHour, marking: .amber)
        }
    }

    // MARK: Later versions

    mutating func versionCluster() {
        if rng.chance(0.75), !indicators.isEmpty {
            let index = indicators.count - 1 - rng.int(min(indicators.count, 400))
            var r = indicators[index]
            guard !r.revoked else { return }
            let when = max(stamp(), r.modified + 60_000)
            r.modified = when
            switch rng.int(10) {
            case 0..<2:
                r.revoked = true
                r.descriptionJa += "（誤検知のため失効）"
                r.descriptionEn += " (Revoked: false positive.)"
            case 2..<5:
                r.validUntil = when + days(30...90)
                r.descriptionJa += "（有効期限を延長）"
                r.descriptionEn += " (Validity extended.)"
            default:
                r.confidence = min(100, r.confidence + rng.int(in: 5...20))
                r.descriptionJa += "（追加の観測により確度を更新）"
                r.descriptionEn += " (Confidence raised after further sightings.)"
            }
            indicators[index] = r
            emitIndicator(r)
        } else {
            let c = rng.int(campaigns.count)
            var r = campaigns[c]
            let when = max(stamp(), r.modified + 60_000)
            r.modified = when
            r.lastSeen = max(r.lastSeen, when - Int64(rng.int(Int(2 * DemoTime.millisPerDay))))
            campaigns[c] = r
            emitCampaign(c)
        }
    }
}
