// AnonymizationTests — Fixtures.swift
// Owns the test fixtures: the profile of a fictitious electric-power member (電力A社 / Denryoku A
// Corp.), the hub's settings, and a realistic submission derived from a targeted attack e-mail.
// Observable ids are the real UUIDv5 ids (computed with the OASIS stix2 library).

import Anonymization
import STIX

enum Fixture {
    static let hubIdentity = "identity--8c7f5d2e-1b3a-4c5d-8e9f-0a1b2c3d4e5f"
    static let providerIdentity = "identity--0b5c4d1e-8a4f-4c8e-9f0e-1c2d3e4f5a6b"
    static let tlpAmber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"

    static let settings = AnonymizationSettings(hubIdentityID: hubIdentity, idKey: Array(0..<32))
    static let otherSettings = AnonymizationSettings(hubIdentityID: hubIdentity, idKey: Array((0..<32).map { 255 - $0 }))

    static var profile: VictimProfile {
        VictimProfile(organizationNames: ["電力A社", "Denryoku A Corp."],
                      domains: ["denryoku-a.example.jp"],
                      emailAddresses: [],
                      hostNames: ["FS-KEIRI01"],
                      addressRanges: ["192.0.2.0/24", "2001:db8:a::/48"],
                      projectNames: ["Hikari"],
                      personNames: ["山田 太郎"],
                      identityIDs: [providerIdentity],
                      sector: "電力",
                      size: "従業員 3,200 名")
    }

    /// Strings that must never appear in anything released (searched naively, case-insensitively).
    static let forbidden = ["電力A社", "Denryoku A", "denryoku", "keiri", "mail01", "192.0.2.", "2001:db8:a:",
                            "Hikari", "山田", "太郎", "FS-KEIRI01", "3,200", "portal.", providerIdentity,
                            "9a5cb37f-bb76-5437-8a84-5ce828724d14", "0d70ee5e-2ce7-5d8f-a7c9-3256f89ff7bd",
                            "c1d2fade-f29b-5be8-9158-d8681e2cf8be", "cc386236-6963-548c-b255-d4901a40a358",
                            "505a1ff9-7a90-5afa-b63b-aa0eaf95d922", "38b17617-8e21-5bca-8368-b201962139fc",
                            fileAttachment, emailMessage]

    /// Technical content that must survive.
    static let technical = ["invoice@kaiketsu-billing.example.com", "cdn-update.example.net", "203.0.113.45",
                            "2001:db8:ff::1", "T1566.001", "T1071.001",
                            "9f2b6c1e5a3d4f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8", "PlugX",
                            "Microsoft Outlook 16.0"]

    // Observables (real v5 ids)
    static let sender = "email-addr--a0365a65-9643-5749-b0f5-9350b81e2bff"
    static let recipient = "email-addr--9a5cb37f-bb76-5437-8a84-5ce828724d14"
    static let recipientCc = "email-addr--0d70ee5e-2ce7-5d8f-a7c9-3256f89ff7bd"
    static let c2Domain = "domain-name--4e88643e-5365-5c2d-a0e4-6965c2edd122"
    static let relayHost = "domain-name--505a1ff9-7a90-5afa-b63b-aa0eaf95d922"
    static let attackerIP = "ipv4-addr--cb9d70c5-d244-531c-9efb-bcae57adc793"
    static let victimIP = "ipv4-addr--c1d2fade-f29b-5be8-9158-d8681e2cf8be"
    static let victimIPv6 = "ipv6-addr--cc386236-6963-548c-b255-d4901a40a358"
    static let attackerIPv6 = "ipv6-addr--e8bd6010-62cf-553b-931f-78909b7afaf8"
    static let victimURL = "url--38b17617-8e21-5bca-8368-b201962139fc"
    static let emailMessage = "email-message--5e0a3c1b-7d2f-5a4e-9b8c-1d2e3f4a5b6c"
    static let fileAttachment = "file--3f6b2a1c-9d8e-5f7a-8b6c-5d4e3f2a1b0c"
    static let filePayload = "file--7a1b2c3d-4e5f-5a6b-8c7d-9e0f1a2b3c4d"
    static let traffic = "network-traffic--2b3c4d5e-6f7a-5b8c-9d0e-1f2a3b4c5d6e"

    // Domain objects and relationships
    static let indicatorC2 = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    static let indicatorHash = "indicator--1c3d5e7f-2a4b-4c6d-8e0f-1a2b3c4d5e6f"
    static let indicatorVictim = "indicator--6d7e8f9a-0b1c-4d2e-9f3a-4b5c6d7e8f9a"
    static let malware = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"
    static let attackPattern = "attack-pattern--7e33a43e-e34b-40ec-89da-36c9bb2cacd5"
    static let indicates = "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"
    static let targetsVictim = "relationship--9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a"
    static let uses = "relationship--5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
    static let report = "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3"
    static let incident = "incident--0c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f"
    static let sighting = "sighting--ee20065d-2555-424f-ad9e-0f8428623c75"
    static let observedData = "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"
    static let note = "note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"

    static let created = "2024-05-14T01:30:00.000Z"

    /// The submission: what 電力A社 handed over after receiving a targeted e-mail.
    static var submission: [String] {
        [
            #"""
            {"type":"identity","spec_version":"2.1","id":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"電力A社","identity_class":"organization","sectors":["utilities"],"contact_information":"keiri@denryoku-a.example.jp"}
            """#,
            #"""
            {"type":"email-addr","spec_version":"2.1","id":"\#(sender)","value":"invoice@kaiketsu-billing.example.com","display_name":"請求書センター"}
            """#,
            #"""
            {"type":"email-addr","spec_version":"2.1","id":"\#(recipient)","value":"keiri@denryoku-a.example.jp","display_name":"電力A社 経理部"}
            """#,
            #"""
            {"type":"email-addr","spec_version":"2.1","id":"\#(recipientCc)","value":"yamada.taro@denryoku-a.example.jp","display_name":"山田 太郎"}
            """#,
            #"""
            {"type":"email-message","spec_version":"2.1","id":"\#(emailMessage)","is_multipart":true,"date":"2024-05-14T00:12:03Z","from_ref":"\#(sender)","to_refs":["\#(recipient)"],"cc_refs":["\#(recipientCc)"],"subject":"【電力A社 経理部 御中】請求書送付のお知らせ","received_lines":["from mx.kaiketsu-billing.example.com (unknown [203.0.113.45]) by mail01.denryoku-a.example.jp (Postfix) with ESMTP id 4F2A1; Tue, 14 May 2024 09:12:03 +0900","from mail01.denryoku-a.example.jp (192.0.2.25) by gw.denryoku-a.example.jp with SMTP"],"additional_header_fields":{"To":"\"電力A社 経理部\" <keiri@denryoku-a.example.jp>","Cc":"\"山田 太郎\" <yamada.taro@denryoku-a.example.jp>","X-Mailer":"Microsoft Outlook 16.0","X-Originating-IP":"[203.0.113.45]"},"body_multipart":[{"content_type":"text/plain; charset=utf-8","body":"電力A社 経理部 ご担当者様\n\n添付の請求書をご確認ください。"},{"content_type":"application/zip","content_disposition":"attachment; filename=\"seikyusho_0514.zip\"","body_raw_ref":"\#(fileAttachment)"}]}
            """#,
            #"""
            {"type":"file","spec_version":"2.1","id":"\#(fileAttachment)","name":"請求書_電力A社様.zip","size":48213,"hashes":{"SHA-256":"4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c"}}
            """#,
            #"""
            {"type":"file","spec_version":"2.1","id":"\#(filePayload)","name":"invoice.exe","hashes":{"MD5":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","SHA-256":"9f2b6c1e5a3d4f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"}}
            """#,
            #"""
            {"type":"domain-name","spec_version":"2.1","id":"\#(c2Domain)","value":"cdn-update.example.net"}
            """#,
            #"""
            {"type":"domain-name","spec_version":"2.1","id":"\#(relayHost)","value":"mail01.denryoku-a.example.jp"}
            """#,
            #"""
            {"type":"ipv4-addr","spec_version":"2.1","id":"\#(attackerIP)","value":"203.0.113.45"}
            """#,
            #"""
            {"type":"ipv4-addr","spec_version":"2.1","id":"\#(victimIP)","value":"192.0.2.25"}
            """#,
            #"""
            {"type":"ipv6-addr","spec_version":"2.1","id":"\#(victimIPv6)","value":"2001:db8:a::25"}
            """#,
            #"""
            {"type":"ipv6-addr","spec_version":"2.1","id":"\#(attackerIPv6)","value":"2001:db8:ff::1"}
            """#,
            #"""
            {"type":"url","spec_version":"2.1","id":"\#(victimURL)","value":"https://portal.denryoku-a.example.jp/login"}
            """#,
            #"""
            {"type":"network-traffic","spec_version":"2.1","id":"\#(traffic)","src_ref":"\#(victimIP)","dst_ref":"\#(attackerIP)","dst_port":443,"protocols":["ipv4","tcp","tls"]}
            """#,
            #"""
            {"type":"indicator","spec_version":"2.1","id":"\#(indicatorC2)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"C2 domain cdn-update.example.net","description":"電力A社への攻撃で使われたC2 (203.0.113.45 で待ち受け)","indicator_types":["malicious-activity"],"pattern":"[domain-name:value = 'cdn-update.example.net']","pattern_type":"stix","valid_from":"\#(created)","object_marking_refs":["\#(tlpAmber)"]}
            """#,
            #"""
            {"type":"indicator","spec_version":"2.1","id":"\#(indicatorHash)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"invoice.exe","indicator_types":["malicious-activity"],"pattern":"[file:hashes.'SHA-256' = '9f2b6c1e5a3d4f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8']","pattern_type":"stix","valid_from":"\#(created)","object_marking_refs":["\#(tlpAmber)"]}
            """#,
            #"""
            {"type":"indicator","spec_version":"2.1","id":"\#(indicatorVictim)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"狙われたアドレス","pattern":"[email-addr:value = 'keiri@denryoku-a.example.jp']","pattern_type":"stix","valid_from":"\#(created)","object_marking_refs":["\#(tlpAmber)"]}
            """#,
            #"""
            {"type":"malware","spec_version":"2.1","id":"\#(malware)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"PlugX","is_family":true,"malware_types":["remote-access-trojan"],"description":"FS-KEIRI01 で検出されたRAT","object_marking_refs":["\#(tlpAmber)"]}
            """#,
            #"""
            {"type":"attack-pattern","spec_version":"2.1","id":"\#(attackPattern)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"Spearphishing Attachment","external_references":[{"source_name":"mitre-attack","external_id":"T1566.001","url":"https://attack.mitre.org/techniques/T1566/001/"},{"source_name":"mitre-attack","external_id":"T1071.001","url":"https://attack.mitre.org/techniques/T1071/001/"},{"source_name":"internal-tracker","url":"https://redmine.denryoku-a.example.jp/issues/4521","external_id":"KEIRI-4521"}]}
            """#,
            #"""
            {"type":"relationship","spec_version":"2.1","id":"\#(indicates)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","relationship_type":"indicates","source_ref":"\#(indicatorC2)","target_ref":"\#(malware)","object_marking_refs":["\#(tlpAmber)"]}
            """#,
            #"""
            {"type":"relationship","spec_version":"2.1","id":"\#(uses)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","relationship_type":"uses","source_ref":"\#(malware)","target_ref":"\#(attackPattern)"}
            """#,
            #"""
            {"type":"relationship","spec_version":"2.1","id":"\#(targetsVictim)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","relationship_type":"targets","source_ref":"\#(malware)","target_ref":"\#(providerIdentity)"}
            """#,
            #"""
            {"type":"report","spec_version":"2.1","id":"\#(report)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"電力A社における標的型メール攻撃 (Denryoku A Corp.)","description":"電力A社の経理部 (keiri@denryoku-a.example.jp) が受信。中継サーバ mail01.denryoku-a.example.jp (192.0.2.25) を経由し、送信元は 203.0.113.45。プロジェクト「Hikari」の資料を装う。DENRYOKU-A.EXAMPLE.JP の \"社内\" ポータル https://portal.denryoku-a.example.jp/login への誘導あり。\\ 報告者: 山田太郎","published":"\#(created)","report_types":["threat-report"],"labels":["targeted-email"],"object_refs":["\#(providerIdentity)","\#(emailMessage)","\#(indicatorC2)","\#(indicatorHash)","\#(malware)","\#(attackPattern)","\#(indicates)","\#(recipient)","\#(victimIP)","\#(attackerIP)","\#(fileAttachment)"],"object_marking_refs":["\#(tlpAmber)"],"x_victim_organization":"電力A社","x_reporter":"山田 太郎","x_internal_ticket":"KEIRI-2024-0514","x_related_hosts":["mail01.denryoku-a.example.jp","cdn-update.example.net"]}
            """#,
            #"""
            {"type":"incident","spec_version":"2.1","id":"\#(incident)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","name":"電力A社 経理部への標的型メール","description":"経理部の端末 FS-KEIRI01 で添付ファイルが実行された。","x_victim_size":"従業員 3,200 名","x_damage":"経理端末 1 台が感染","x_internal_timeline":[{"time":"2024-05-14T09:12:03+09:00","event":"受信"},{"time":"2024-05-14T10:40:00+09:00","event":"CSIRT へ報告"}],"x_sector":"電力","x_attack_vector":"spearphishing attachment","extensions":{"extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e":{"extension_type":"property-extension","affected_organization":"Denryoku A Corp.","response_status":"隔離済み","malware_family":"PlugX"}}}
            """#,
            #"""
            {"type":"observed-data","spec_version":"2.1","id":"\#(observedData)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","first_observed":"2024-05-14T00:12:03Z","last_observed":"2024-05-14T01:40:00Z","number_observed":3,"object_refs":["\#(victimIP)","\#(attackerIP)","\#(traffic)"]}
            """#,
            #"""
            {"type":"sighting","spec_version":"2.1","id":"\#(sighting)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","sighting_of_ref":"\#(indicatorC2)","where_sighted_refs":["\#(providerIdentity)"],"observed_data_refs":["\#(observedData)"],"count":3}
            """#,
            #"""
            {"type":"note","spec_version":"2.1","id":"\#(note)","created_by_ref":"\#(providerIdentity)","created":"\#(created)","modified":"\#(created)","content":"山田 太郎 (yamada.taro@denryoku-a.example.jp) より。Project Hikari 担当。C2 は 2001:db8:ff::1 にも解決。社内側は 2001:db8:a::25。","object_refs":["\#(report)"]}
            """#,
        ]
    }

    static var submissionValues: [JSONValue] {
        submission.map { try! JSONParser.parse(Array($0.utf8)) }
    }

    /// The original object with `id`.
    static func original(_ id: String) -> JSONValue {
        submissionValues.first { $0["id"]?.stringValue == id }!
    }
}
