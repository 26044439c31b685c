// DemoCorpus — ThreatCatalog.swift
// Owns the fixed threat knowledge the corpus is woven from: fictional threat actors, intrusion sets,
// campaigns and malware families (Japanese and English text), well-known dual-use tools, MITRE
// ATT&CK techniques (real ids), real CVEs commonly exploited against Japanese organisations, and
// courses of action. All actors, campaigns and malware families are invented for the demo.

struct ActorEntry {
    let name: String, nameJa: String, aliases: [String], types: [String]
    let sophistication: String, resourceLevel: String, motivation: String
    let descriptionJa: String, descriptionEn: String
}

struct IntrusionSetEntry {
    let name: String, aliases: [String], actor: Int
    let goalsJa: [String], motivation: String, resourceLevel: String
    let malware: [Int], tools: [Int], techniques: [Int]
    let descriptionJa: String, descriptionEn: String
}

struct CampaignEntry {
    let nameJa: String, nameEn: String, intrusionSet: Int
    let objectiveJa: String, descriptionJa: String, descriptionEn: String
    /// Indices into DemoOrganization.all.
    let targets: [Int]
    let malware: [Int], tools: [Int], vulnerabilities: [Int]
    /// How this campaign shows up: "email", "c2", "exploit", "banking", "ddos".
    let vector: String
}

struct MalwareEntry {
    let name: String, types: [String], capabilities: [String]
    let descriptionJa: String, descriptionEn: String
    let techniques: [Int]
}

struct ToolEntry { let name: String, types: [String], descriptionJa: String, descriptionEn: String }

struct TechniqueEntry { let id: String, name: String, phases: [String], nameJa: String }

struct VulnerabilityEntry { let cve: String, descriptionJa: String, descriptionEn: String }

struct CourseOfActionEntry {
    let nameJa: String, descriptionJa: String, descriptionEn: String
    let mitigatesTechniques: [Int], mitigatesVulnerabilities: [Int]
}

enum ThreatCatalog {
    static let actors: [ActorEntry] = [
        ActorEntry(name: "Akatsuki", nameJa: "暁（アカツキ）", aliases: ["TEMP.Akatsuki", "Dawn Heron"], types: ["spy"],
                   sophistication: "expert", resourceLevel: "government", motivation: "organizational-gain",
                   descriptionJa: "長期間にわたり日本の重要インフラ事業者を標的とする諜報目的の攻撃者。取材依頼や講演依頼を装った標的型攻撃メールを多用する。",
                   descriptionEn: "Espionage-motivated actor that has targeted Japanese critical-infrastructure operators for years, favouring spear-phishing e-mails disguised as interview or lecture requests."),
        ActorEntry(name: "Shiranui", nameJa: "不知火（シラヌイ）", aliases: ["Phantom Tide"], types: ["nation-state"],
                   sophistication: "expert", resourceLevel: "government", motivation: "organizational-gain",
                   descriptionJa: "VPN装置やネットワーク機器の脆弱性を悪用して通信・放送事業者の内部ネットワークに侵入する攻撃者。",
                   descriptionEn: "Actor that breaks into telecommunications and broadcasting networks by exploiting VPN and network-appliance vulnerabilities."),
        ActorEntry(name: "Kurogane Team", nameJa: "黒鉄チーム", aliases: ["IronBlack"], types: ["criminal"],
                   sophistication: "intermediate", resourceLevel: "organization", motivation: "personal-gain",
                   descriptionJa: "製造業・化学業界を狙い、データ窃取と暗号化を組み合わせた二重恐喝型ランサムウェア攻撃を行う犯罪グループ。",
                   descriptionEn: "Criminal group running double-extortion ransomware operations (data theft plus encryption) against manufacturing and chemical companies."),
        ActorEntry(name: "Kagerou", nameJa: "陽炎（カゲロウ）", aliases: ["Heat Haze", "FIN-KGR"], types: ["crime-syndicate"],
                   sophistication: "advanced", resourceLevel: "organization", motivation: "personal-gain",
                   descriptionJa: "バンキングマルウェアとフィッシングを用いてインターネットバンキングの不正送金を行う犯罪組織。",
                   descriptionEn: "Crime syndicate committing online-banking fraud with banking malware and phishing."),
        ActorEntry(name: "Sazanami", nameJa: "さざなみ", aliases: ["Ripple Front"], types: ["activist"],
                   sophistication: "minimal", resourceLevel: "club", motivation: "ideology",
                   descriptionJa: "主張の拡散を目的に、放送局や自治体のWebサイトへのDDoS攻撃や改ざんを呼びかけるハクティビスト集団。",
                   descriptionEn: "Hacktivist collective calling for DDoS attacks and defacements against broadcasters' and municipalities' web sites."),
        ActorEntry(name: "Nue", nameJa: "鵺（ヌエ）", aliases: ["Chimera-J"], types: ["unknown"],
                   sophistication: "advanced", resourceLevel: "team", motivation: "organizational-gain",
                   descriptionJa: "正体不明の攻撃者。重要インフラ機器メーカーや石油・ガス事業者の取引先を経由したサプライチェーン攻撃が確認されている。",
                   descriptionEn: "Unidentified actor seen in supply-chain intrusions through suppliers of critical-infrastructure equipment makers and oil and gas operators."),
    ]

    static let intrusionSets: [IntrusionSetEntry] = [
        IntrusionSetEntry(name: "Tsukuyomi", aliases: ["TKY-01"], actor: 0,
                          goalsJa: ["重要インフラ事業者の設計情報・運用情報の窃取", "長期的な潜伏による継続的な情報収集"],
                          motivation: "organizational-gain", resourceLevel: "government",
                          malware: [0, 1, 2], tools: [1, 3], techniques: [0, 1, 4, 7, 8, 13, 16],
                          descriptionJa: "暁に関連する侵入活動群。ショートカットファイルやマクロ付き文書を添付した標的型攻撃メールから侵入し、SakuraLoader を経由して KumoRAT を展開する。",
                          descriptionEn: "Intrusion set linked to Akatsuki: gets in through spear-phishing mails carrying shortcut files or macro documents, then deploys KumoRAT via SakuraLoader."),
        IntrusionSetEntry(name: "Ajisai", aliases: ["HYD-Storm"], actor: 1,
                          goalsJa: ["通信事業者の加入者情報・網構成情報の取得", "ネットワーク機器への永続的なアクセスの確保"],
                          motivation: "organizational-gain", resourceLevel: "government",
                          malware: [10, 11, 3], tools: [4, 6], techniques: [2, 3, 11, 19, 24],
                          descriptionJa: "不知火に関連する侵入活動群。インターネットに公開されたVPN装置の脆弱性を悪用し、Webシェルとプロキシ型バックドアを設置する。",
                          descriptionEn: "Intrusion set linked to Shiranui: exploits internet-facing VPN appliances and plants web shells and proxy backdoors."),
        IntrusionSetEntry(name: "Kurogane Ops", aliases: ["KRG-Ransom"], actor: 2,
                          goalsJa: ["身代金の獲得", "窃取データの公開による恐喝"],
                          motivation: "personal-gain", resourceLevel: "organization",
                          malware: [5, 1], tools: [0, 1, 2, 5], techniques: [3, 11, 10, 12, 18, 20, 23],
                          descriptionJa: "黒鉄チームのランサムウェア運用。正規アカウントでVPNに接続後、Cobalt Strike で横展開し、Rclone でデータを持ち出してから YamiCrypt で暗号化する。",
                          descriptionEn: "Kurogane Team's ransomware operation: logs in to VPN with valid accounts, moves laterally with Cobalt Strike, exfiltrates with Rclone, then encrypts with YamiCrypt."),
        IntrusionSetEntry(name: "Kagerou Fin", aliases: ["KGR-Bank"], actor: 3,
                          goalsJa: ["インターネットバンキングの認証情報の窃取", "不正送金による金銭の獲得"],
                          motivation: "personal-gain", resourceLevel: "organization",
                          malware: [6, 7, 8], tools: [], techniques: [1, 21, 22, 13, 15],
                          descriptionJa: "陽炎のバンキング詐欺活動。KinkoBanker と Hotaru Inject により金融機関サイトの画面を改ざんし、不正送金を行う。",
                          descriptionEn: "Kagerou's banking-fraud activity: KinkoBanker and Hotaru Inject tamper with financial institutions' pages to make fraudulent transfers."),
        IntrusionSetEntry(name: "Sazanami Collective", aliases: ["SZN"], actor: 4,
                          goalsJa: ["主張の拡散", "Webサービスの停止"],
                          motivation: "ideology", resourceLevel: "club",
                          malware: [9], tools: [], techniques: [14, 17],
                          descriptionJa: "さざなみの活動。ボットネット Uzushio を用いたDDoS攻撃とSNSでの攻撃予告を行う。",
                          descriptionEn: "Sazanami's activity: DDoS attacks with the Uzushio botnet, announced in advance on social media."),
        IntrusionSetEntry(name: "Nue Supply", aliases: ["NUE-SC"], actor: 5,
                          goalsJa: ["制御システム関連の技術情報の窃取", "取引先を経由した侵入経路の確保"],
                          motivation: "organizational-gain", resourceLevel: "team",
                          malware: [3, 4, 2, 7], tools: [3, 4], techniques: [0, 5, 6, 8, 9, 16, 10],
                          descriptionJa: "鵺に関連する侵入活動群。取引先を装った請求書・見積書メールや、正規ソフトウェアを悪用したDLLサイドローディングを用いる。",
                          descriptionEn: "Intrusion set linked to Nue: invoice and quotation mails posing as business partners, and DLL side-loading through legitimate software."),
    ]

    static let campaigns: [CampaignEntry] = [
        CampaignEntry(nameJa: "電力分野を狙った取材依頼偽装メールキャンペーン", nameEn: "Fake interview requests against the electric power sector",
                      intrusionSet: 0, objectiveJa: "電力事業者の設備・運用に関する情報の窃取",
                      descriptionJa: "報道機関の記者を名乗り取材依頼を装った標的型攻撃メールが、複数の電力事業者に送付された。添付のZIPファイル内のショートカットファイルを開くとダウンローダが実行される。",
                      descriptionEn: "Spear-phishing mails posing as journalists' interview requests reached several electric power companies. A shortcut file inside the attached ZIP runs a downloader.",
                      targets: [0], malware: [0, 1], tools: [], vulnerabilities: [], vector: "email"),
        CampaignEntry(nameJa: "化学業界を狙った講演依頼偽装メール", nameEn: "Fake lecture invitations against the chemical industry",
                      intrusionSet: 0, objectiveJa: "化学プラントの技術情報の窃取",
                      descriptionJa: "業界団体の講演依頼を装ったメールにより、マクロ付き文書が送付された。文書を開きコンテンツを有効化すると KumoRAT に感染する。",
                      descriptionEn: "Mails posing as lecture invitations from an industry association delivered macro documents; enabling content installs KumoRAT.",
                      targets: [2], malware: [0, 1, 2], tools: [1], vulnerabilities: [7], vector: "email"),
        CampaignEntry(nameJa: "通信事業者のVPN装置を狙った侵入活動", nameEn: "Intrusions through VPN appliances of telecommunications carriers",
                      intrusionSet: 1, objectiveJa: "通信網への永続的なアクセスの確保",
                      descriptionJa: "インターネットに公開されたSSL-VPN装置の脆弱性を悪用した侵入が相次いだ。侵入後はWebシェルを設置し、プロキシ型バックドアで内部へ通信を中継する。",
                      descriptionEn: "A wave of intrusions exploiting internet-facing SSL-VPN appliances; the attackers plant web shells and relay traffic inward through proxy backdoors.",
                      targets: [5, 6], malware: [10, 11], tools: [4], vulnerabilities: [0, 1, 2, 3, 4, 12], vector: "exploit"),
        CampaignEntry(nameJa: "放送事業者へのDDoS攻撃", nameEn: "DDoS attacks against broadcasters",
                      intrusionSet: 4, objectiveJa: "放送局Webサイトの停止による主張の拡散",
                      descriptionJa: "SNS上での攻撃予告の後、放送事業者の番組案内サイトや配信サイトに対するDDoS攻撃が観測された。",
                      descriptionEn: "After announcements on social media, DDoS attacks hit broadcasters' programme-guide and streaming sites.",
                      targets: [6], malware: [9], tools: [], vulnerabilities: [], vector: "ddos"),
        CampaignEntry(nameJa: "重要インフラ機器メーカーへのサプライチェーン攻撃", nameEn: "Supply-chain intrusions into critical-infrastructure equipment makers",
                      intrusionSet: 5, objectiveJa: "制御機器の設計情報と保守用接続経路の取得",
                      descriptionJa: "保守委託先のネットワークを経由して、制御機器メーカーの開発環境への侵入が確認された。正規ソフトウェアを悪用したDLLサイドローディングにより KagePlug が実行される。",
                      descriptionEn: "Intrusions into a control-equipment maker's development environment through a maintenance contractor's network; KagePlug runs via DLL side-loading of legitimate software.",
                      targets: [4], malware: [3, 2], tools: [3], vulnerabilities: [9], vector: "email"),
        CampaignEntry(nameJa: "石油・ガス事業者を狙った請求書偽装メール", nameEn: "Fake invoices against oil and gas companies",
                      intrusionSet: 5, objectiveJa: "認証情報の窃取と取引先へのなりすまし",
                      descriptionJa: "取引先を装った請求書・見積書の送付メールが石油精製事業者とガス事業者に届いた。添付ファイルは HanabiDropper で、ZeniStealer を展開する。",
                      descriptionEn: "Invoice and quotation mails posing as business partners reached an oil refiner and a gas utility; the attachment is HanabiDropper, which installs ZeniStealer.",
                      targets: [3, 1], malware: [4, 7], tools: [], vulnerabilities: [8, 13], vector: "email"),
        CampaignEntry(nameJa: "製造業を狙った二重恐喝型ランサムウェア攻撃", nameEn: "Double-extortion ransomware against manufacturers",
                      intrusionSet: 2, objectiveJa: "身代金の獲得",
                      descriptionJa: "VPNの正規アカウントを悪用した侵入の後、データの持ち出しと暗号化が行われ、リークサイトで公開を示唆する脅迫が行われた。",
                      descriptionEn: "After intrusions using valid VPN accounts, data was exfiltrated and encrypted, followed by threats of publication on a leak site.",
                      targets: [2, 4], malware: [5], tools: [0, 1, 2, 5], vulnerabilities: [1, 10], vector: "c2"),
        CampaignEntry(nameJa: "インターネットバンキング不正送金キャンペーン", nameEn: "Online-banking fraud campaign",
                      intrusionSet: 3, objectiveJa: "不正送金による金銭の獲得",
                      descriptionJa: "KinkoBanker に感染した端末でインターネットバンキングにログインすると、Hotaru Inject により画面が改ざんされ、追加の認証情報の入力や不正送金が行われる。",
                      descriptionEn: "When an infected machine logs in to online banking, Hotaru Inject alters the page to harvest extra credentials and push fraudulent transfers.",
                      targets: [7, 8], malware: [6, 8], tools: [], vulnerabilities: [], vector: "banking"),
        CampaignEntry(nameJa: "金融機関を騙るフィッシングメール", nameEn: "Phishing mails impersonating financial institutions",
                      intrusionSet: 3, objectiveJa: "インターネットバンキングの認証情報の窃取",
                      descriptionJa: "「【重要】お取引の確認」などの件名で金融機関を騙るメールが大量に送信され、偽のログインページへ誘導された。",
                      descriptionEn: "Mass mails impersonating banks, with subjects such as \"Important: please confirm your transaction\", led to fake login pages.",
                      targets: [7, 8], malware: [7], tools: [], vulnerabilities: [], vector: "email"),
        CampaignEntry(nameJa: "国内ホスティング上のC2基盤を悪用した攻撃活動", nameEn: "Attacks using C2 infrastructure on Japanese hosting",
                      intrusionSet: 2, objectiveJa: "国内の攻撃基盤を利用した検知回避",
                      descriptionJa: "国内のVPSやレンタルサーバ上に構築されたC2サーバが複数の会員組織の動的解析装置で検知された。国内IPアドレスを用いることで通信の遮断を回避しようとしている。",
                      descriptionEn: "C2 servers built on Japanese VPS and rental servers were detected by several members' dynamic-analysis appliances; domestic addresses are used to evade blocking.",
                      targets: [0, 5, 7], malware: [1, 0], tools: [0], vulnerabilities: [], vector: "c2"),
    ]

    static let malware: [MalwareEntry] = [
        MalwareEntry(name: "SakuraLoader", types: ["downloader"], capabilities: ["installs-other-components", "communicates-with-c2", "evades-av"],
                     descriptionJa: "標的型攻撃メールの添付ファイル（ショートカットファイルやマクロ付き文書）から実行されるダウンローダ。C2サーバから次段のマルウェアを取得する。",
                     descriptionEn: "Downloader run from spear-phishing attachments (shortcut files, macro documents); fetches the next stage from its C2 server.",
                     techniques: [4, 5, 8, 13]),
        MalwareEntry(name: "KumoRAT", types: ["remote-access-trojan"], capabilities: ["accesses-remote-machines", "communicates-with-c2", "exfiltrates-data", "persists-after-system-reboot"],
                     descriptionJa: "HTTPSでC2サーバと通信する遠隔操作ウイルス（RAT）。ファイル操作、コマンド実行、スクリーンショット取得の機能を持つ。",
                     descriptionEn: "Remote-access trojan talking HTTPS to its C2 server; file operations, command execution and screenshots.",
                     techniques: [13, 15, 16, 7]),
        MalwareEntry(name: "TsubameDoor", types: ["backdoor"], capabilities: ["communicates-with-c2", "persists-after-system-reboot"],
                     descriptionJa: "タスクスケジューラで永続化する軽量なバックドア。通信は独自の暗号化を施したHTTP。",
                     descriptionEn: "Lightweight backdoor persisting through scheduled tasks; HTTP with custom encryption.",
                     techniques: [6, 13, 15]),
        MalwareEntry(name: "KagePlug", types: ["remote-access-trojan"], capabilities: ["accesses-remote-machines", "communicates-with-c2", "evades-av"],
                     descriptionJa: "正規の署名付き実行ファイルと悪性DLLを組み合わせたDLLサイドローディングで実行されるRAT。",
                     descriptionEn: "RAT launched by DLL side-loading: a signed legitimate executable paired with a malicious DLL.",
                     techniques: [8, 9, 13, 24]),
        MalwareEntry(name: "HanabiDropper", types: ["dropper"], capabilities: ["installs-other-components"],
                     descriptionJa: "請求書や見積書を装った圧縮ファイルに含まれるドロッパー。埋め込まれたペイロードを展開する。",
                     descriptionEn: "Dropper hidden in archives posing as invoices or quotations; unpacks its embedded payload.",
                     techniques: [4, 9]),
        MalwareEntry(name: "YamiCrypt", types: ["ransomware"], capabilities: ["exfiltrates-data"],
                     descriptionJa: "ファイルを暗号化し拡張子を .yami に変更するランサムウェア。暗号化の前にデータを持ち出す二重恐喝型。",
                     descriptionEn: "Ransomware that encrypts files with the .yami extension after exfiltrating data (double extortion).",
                     techniques: [20, 18]),
        MalwareEntry(name: "KinkoBanker", types: ["trojan", "spyware"], capabilities: ["steals-authentication-credentials", "communicates-with-c2", "captures-input-peripherals"],
                     descriptionJa: "国内の金融機関を標的とするバンキングマルウェア。設定ファイル配布サイトから攻撃対象の金融機関リストを取得する。",
                     descriptionEn: "Banking malware targeting Japanese financial institutions; downloads its target list from configuration distribution sites.",
                     techniques: [21, 22, 13]),
        MalwareEntry(name: "ZeniStealer", types: ["spyware"], capabilities: ["steals-authentication-credentials", "exfiltrates-data"],
                     descriptionJa: "ブラウザやメールクライアントに保存された認証情報を窃取するインフォスティーラ。",
                     descriptionEn: "Infostealer harvesting credentials stored in browsers and mail clients.",
                     techniques: [22, 16]),
        MalwareEntry(name: "Hotaru Inject", types: ["trojan"], capabilities: ["steals-authentication-credentials", "communicates-with-c2"],
                     descriptionJa: "インターネットバンキングの画面に不正な入力欄を挿入するWebインジェクトモジュール。マニピュレーションサーバから改ざん内容を取得する。",
                     descriptionEn: "Web-inject module inserting fake input fields into online-banking pages; pulls its injects from manipulation servers.",
                     techniques: [21, 13]),
        MalwareEntry(name: "Uzushio", types: ["bot", "ddos"], capabilities: ["communicates-with-c2"],
                     descriptionJa: "IoT機器に感染しDDoS攻撃に利用されるボット。",
                     descriptionEn: "Bot infecting IoT devices and used for DDoS attacks.",
                     techniques: [17]),
        MalwareEntry(name: "TanukiProxy", types: ["backdoor"], capabilities: ["communicates-with-c2", "persists-after-system-reboot"],
                     descriptionJa: "ネットワーク機器に設置され、外部から内部ネットワークへの通信を中継するプロキシ型バックドア。",
                     descriptionEn: "Proxy backdoor planted on network appliances to relay traffic from outside into the internal network.",
                     techniques: [24, 19]),
        MalwareEntry(name: "KitsuneShell", types: ["webshell"], capabilities: ["accesses-remote-machines"],
                     descriptionJa: "脆弱なVPN装置やWebサーバに設置されるWebシェル。",
                     descriptionEn: "Web shell planted on vulnerable VPN appliances and web servers.",
                     techniques: [2]),
    ]

    static let tools: [ToolEntry] = [
        ToolEntry(name: "Cobalt Strike", types: ["remote-access"], descriptionJa: "侵入後の横展開やC2通信に悪用されるペネトレーションテストツール。", descriptionEn: "Penetration-testing framework abused for lateral movement and C2."),
        ToolEntry(name: "Mimikatz", types: ["credential-exploitation"], descriptionJa: "メモリ上の認証情報を取得するツール。", descriptionEn: "Tool dumping credentials from memory."),
        ToolEntry(name: "PsExec", types: ["remote-access"], descriptionJa: "リモートでコマンドを実行する正規の管理ツール。", descriptionEn: "Legitimate administration tool executing commands remotely."),
        ToolEntry(name: "AdFind", types: ["information-gathering"], descriptionJa: "Active Directory の情報を収集するコマンドラインツール。", descriptionEn: "Command-line tool querying Active Directory."),
        ToolEntry(name: "Impacket", types: ["exploitation", "remote-access"], descriptionJa: "ネットワークプロトコルを操作するPythonライブラリ群。", descriptionEn: "Python classes for working with network protocols."),
        ToolEntry(name: "Rclone", types: ["unknown"], descriptionJa: "クラウドストレージへのデータ持ち出しに悪用される同期ツール。", descriptionEn: "Sync tool abused to exfiltrate data to cloud storage."),
        ToolEntry(name: "ngrok", types: ["remote-access"], descriptionJa: "内部のサービスを外部に公開するトンネリングツール。", descriptionEn: "Tunnelling tool exposing internal services to the internet."),
    ]

    /// MITRE ATT&CK Enterprise techniques (real ids).
    static let techniques: [TechniqueEntry] = [
        TechniqueEntry(id: "T1566.001", name: "Spearphishing Attachment", phases: ["initial-access"], nameJa: "添付ファイル付きスピアフィッシング"),
        TechniqueEntry(id: "T1566.002", name: "Spearphishing Link", phases: ["initial-access"], nameJa: "リンク付きスピアフィッシング"),
        TechniqueEntry(id: "T1190", name: "Exploit Public-Facing Application", phases: ["initial-access"], nameJa: "公開アプリケーションの脆弱性悪用"),
        TechniqueEntry(id: "T1133", name: "External Remote Services", phases: ["persistence", "initial-access"], nameJa: "外部リモートサービスの悪用"),
        TechniqueEntry(id: "T1204.002", name: "Malicious File", phases: ["execution"], nameJa: "悪性ファイルの実行（ユーザ実行）"),
        TechniqueEntry(id: "T1059.001", name: "PowerShell", phases: ["execution"], nameJa: "PowerShell の悪用"),
        TechniqueEntry(id: "T1053.005", name: "Scheduled Task", phases: ["execution", "persistence", "privilege-escalation"], nameJa: "タスクスケジューラによる永続化"),
        TechniqueEntry(id: "T1547.001", name: "Registry Run Keys / Startup Folder", phases: ["persistence", "privilege-escalation"], nameJa: "Run キー・スタートアップフォルダによる自動起動"),
        TechniqueEntry(id: "T1574.002", name: "DLL Side-Loading", phases: ["persistence", "privilege-escalation", "defense-evasion"], nameJa: "DLLサイドローディング"),
        TechniqueEntry(id: "T1027", name: "Obfuscated Files or Information", phases: ["defense-evasion"], nameJa: "ファイルや情報の難読化"),
        TechniqueEntry(id: "T1003.001", name: "LSASS Memory", phases: ["credential-access"], nameJa: "LSASSメモリからの認証情報窃取"),
        TechniqueEntry(id: "T1078", name: "Valid Accounts", phases: ["defense-evasion", "persistence", "privilege-escalation", "initial-access"], nameJa: "正規アカウントの悪用"),
        TechniqueEntry(id: "T1021.001", name: "Remote Desktop Protocol", phases: ["lateral-movement"], nameJa: "リモートデスクトップによる横展開"),
        TechniqueEntry(id: "T1071.001", name: "Web Protocols", phases: ["command-and-control"], nameJa: "Webプロトコルを用いたC2通信"),
        TechniqueEntry(id: "T1498", name: "Network Denial of Service", phases: ["impact"], nameJa: "ネットワークのサービス妨害"),
        TechniqueEntry(id: "T1105", name: "Ingress Tool Transfer", phases: ["command-and-control"], nameJa: "攻撃ツールの外部からの取得"),
        TechniqueEntry(id: "T1041", name: "Exfiltration Over C2 Channel", phases: ["exfiltration"], nameJa: "C2通信路を用いたデータ持ち出し"),
        TechniqueEntry(id: "T1499", name: "Endpoint Denial of Service", phases: ["impact"], nameJa: "エンドポイントのサービス妨害"),
        TechniqueEntry(id: "T1567.002", name: "Exfiltration to Cloud Storage", phases: ["exfiltration"], nameJa: "クラウドストレージへのデータ持ち出し"),
        TechniqueEntry(id: "T1505.003", name: "Web Shell", phases: ["persistence"], nameJa: "Webシェルの設置"),
        TechniqueEntry(id: "T1486", name: "Data Encrypted for Impact", phases: ["impact"], nameJa: "データの暗号化（ランサムウェア）"),
        TechniqueEntry(id: "T1185", name: "Browser Session Hijacking", phases: ["collection"], nameJa: "ブラウザセッションの乗っ取り（Webインジェクト）"),
        TechniqueEntry(id: "T1056.001", name: "Keylogging", phases: ["collection", "credential-access"], nameJa: "キーロギング"),
        TechniqueEntry(id: "T1560.001", name: "Archive via Utility", phases: ["collection"], nameJa: "ユーティリティによるデータの圧縮"),
        TechniqueEntry(id: "T1090", name: "Proxy", phases: ["command-and-control"], nameJa: "プロキシによる通信の中継"),
    ]

    /// Real CVEs (descriptions kept to what is publicly documented).
    static let vulnerabilities: [VulnerabilityEntry] = [
        VulnerabilityEntry(cve: "CVE-2023-46805", descriptionJa: "Ivanti Connect Secure および Ivanti Policy Secure の認証回避の脆弱性。", descriptionEn: "Authentication bypass in Ivanti Connect Secure and Ivanti Policy Secure."),
        VulnerabilityEntry(cve: "CVE-2024-21887", descriptionJa: "Ivanti Connect Secure および Ivanti Policy Secure のコマンドインジェクションの脆弱性。", descriptionEn: "Command injection in Ivanti Connect Secure and Ivanti Policy Secure."),
        VulnerabilityEntry(cve: "CVE-2025-0282", descriptionJa: "Ivanti Connect Secure のスタックベースのバッファオーバーフローの脆弱性。", descriptionEn: "Stack-based buffer overflow in Ivanti Connect Secure."),
        VulnerabilityEntry(cve: "CVE-2018-13379", descriptionJa: "FortiOS SSL-VPN のパストラバーサルの脆弱性。", descriptionEn: "Path traversal in the FortiOS SSL-VPN web portal."),
        VulnerabilityEntry(cve: "CVE-2023-27997", descriptionJa: "FortiOS SSL-VPN のヒープベースのバッファオーバーフローの脆弱性。", descriptionEn: "Heap-based buffer overflow in FortiOS SSL-VPN."),
        VulnerabilityEntry(cve: "CVE-2024-3400", descriptionJa: "PAN-OS の GlobalProtect 機能におけるコマンドインジェクションの脆弱性。", descriptionEn: "Command injection in the GlobalProtect feature of PAN-OS."),
        VulnerabilityEntry(cve: "CVE-2023-4966", descriptionJa: "Citrix NetScaler ADC / Gateway の情報漏えいの脆弱性（Citrix Bleed）。", descriptionEn: "Information disclosure in Citrix NetScaler ADC and Gateway (Citrix Bleed)."),
        VulnerabilityEntry(cve: "CVE-2017-11882", descriptionJa: "Microsoft Office の数式エディタにおけるメモリ破損の脆弱性。", descriptionEn: "Memory corruption in the Microsoft Office Equation Editor."),
        VulnerabilityEntry(cve: "CVE-2022-30190", descriptionJa: "Microsoft サポート診断ツール（MSDT）のリモートコード実行の脆弱性（Follina）。", descriptionEn: "Remote code execution in the Microsoft Support Diagnostic Tool (Follina)."),
        VulnerabilityEntry(cve: "CVE-2023-38831", descriptionJa: "WinRAR におけるファイル拡張子の偽装によるコード実行の脆弱性。", descriptionEn: "Code execution in WinRAR through spoofed file extensions."),
        VulnerabilityEntry(cve: "CVE-2019-11510", descriptionJa: "Pulse Connect Secure の任意のファイル読み取りの脆弱性。", descriptionEn: "Arbitrary file read in Pulse Connect Secure."),
        VulnerabilityEntry(cve: "CVE-2021-44228", descriptionJa: "Apache Log4j 2 のリモートコード実行の脆弱性（Log4Shell）。", descriptionEn: "Remote code execution in Apache Log4j 2 (Log4Shell)."),
        VulnerabilityEntry(cve: "CVE-2023-20198", descriptionJa: "Cisco IOS XE の Web UI における権限昇格の脆弱性。", descriptionEn: "Privilege escalation in the Cisco IOS XE web UI."),
        VulnerabilityEntry(cve: "CVE-2023-3519", descriptionJa: "Citrix ADC / Gateway の認証不要のリモートコード実行の脆弱性。", descriptionEn: "Unauthenticated remote code execution in Citrix ADC and Gateway."),
    ]

    static let coursesOfAction: [CourseOfActionEntry] = [
        CourseOfActionEntry(nameJa: "VPN装置のファームウェア更新と侵害調査",
                            descriptionJa: "ベンダが公開する修正済みファームウェアへ更新し、あわせてベンダ提供の整合性チェックツールで侵害の有無を確認する。",
                            descriptionEn: "Update VPN appliances to the vendor's fixed firmware and run the vendor's integrity checker to look for compromise.",
                            mitigatesTechniques: [2, 3], mitigatesVulnerabilities: [0, 1, 2, 3, 4, 5, 6, 10, 12, 13]),
        CourseOfActionEntry(nameJa: "添付ファイルの拡張子制限とマクロの無効化",
                            descriptionJa: "メールゲートウェイで .lnk や .iso などの添付ファイルを遮断し、インターネットから取得した文書のマクロを無効化する。",
                            descriptionEn: "Block .lnk, .iso and similar attachments at the mail gateway and disable macros in documents from the internet.",
                            mitigatesTechniques: [0, 4], mitigatesVulnerabilities: [7, 8, 9]),
        CourseOfActionEntry(nameJa: "C2通信先のブロック",
                            descriptionJa: "共有された不正接続先（IPアドレス、ドメイン、URL）をプロキシ、ファイアウォール、DNSで遮断する。",
                            descriptionEn: "Block the shared malicious destinations (IP addresses, domains, URLs) at the proxy, firewall and DNS resolver.",
                            mitigatesTechniques: [13, 15, 16], mitigatesVulnerabilities: []),
        CourseOfActionEntry(nameJa: "多要素認証の導入",
                            descriptionJa: "VPN、リモートデスクトップ、インターネットバンキングなど外部からアクセス可能なサービスに多要素認証を導入する。",
                            descriptionEn: "Enforce multi-factor authentication on every externally reachable service: VPN, remote desktop, online banking.",
                            mitigatesTechniques: [11, 3, 21], mitigatesVulnerabilities: []),
        CourseOfActionEntry(nameJa: "LSASS の保護（Credential Guard）",
                            descriptionJa: "Credential Guard や LSA 保護を有効にし、メモリからの認証情報窃取を防ぐ。",
                            descriptionEn: "Enable Credential Guard and LSA protection to stop credential dumping from memory.",
                            mitigatesTechniques: [10], mitigatesVulnerabilities: []),
        CourseOfActionEntry(nameJa: "オフラインバックアップの取得",
                            descriptionJa: "ネットワークから切り離したバックアップを定期的に取得し、復旧手順を訓練しておく。",
                            descriptionEn: "Keep regular offline backups and rehearse restoration.",
                            mitigatesTechniques: [20], mitigatesVulnerabilities: []),
        CourseOfActionEntry(nameJa: "インターネットバンキング利用端末の保護",
                            descriptionJa: "利用者に対し、ワンタイムパスワードの利用、不審な入力画面への注意、OSとブラウザの更新を呼びかける。",
                            descriptionEn: "Urge customers to use one-time passwords, watch for unusual input screens, and keep OS and browser updated.",
                            mitigatesTechniques: [21, 22], mitigatesVulnerabilities: []),
        CourseOfActionEntry(nameJa: "DDoS 対策サービスの利用",
                            descriptionJa: "CDNやISPのDDoS緩和サービスを契約し、攻撃予告を受けた際の連絡体制を整備する。",
                            descriptionEn: "Subscribe to CDN or ISP DDoS mitigation and prepare contacts for when an attack is announced.",
                            mitigatesTechniques: [14, 17], mitigatesVulnerabilities: []),
    ]
}
