# Tests/ExtractionCorpus/pools.py
# Owns the vocabulary of the extraction corpus: two disjoint pools of values. Pool A is for
# development, pool B for validation: no company, person, domain, IP range, subject, file name,
# project, phone prefix or hub address of one pool appears in the other, so a score on B says
# whether the extractor learned the forms rather than the values.

# A victim organisation: Japanese core name, English core name, mail domain, Windows domain,
# internal DNS zone, CSIRT name, projects (Japanese, English), departments.
ORGS = {
    "A": [
        ("北斗電力", "Hokuto Electric Power", "hokuto-denryoku.co.jp", "HOKUTO", "hokuto.local", "HOKUTO-CSIRT",
         ("プロジェクト北斗", "Project NORTHSTAR")),
        ("東雲化学工業", "Shinonome Chemical Industries", "shinonome-chem.co.jp", "SNCHEM", "snchem.corp", "SNC-CSIRT",
         ("紫陽花計画", "Project HYDRANGEA")),
        ("浅葱ガス", "Asagi Gas", "asagi-gas.example.jp", "ASAGI", "asagi.intra", "ASAGI-SIRT",
         ("プロジェクト蒼穹", "Project AZURESKY")),
        ("白鷺精機", "Shirasagi Precision", "shirasagi-seiki.co.jp", "SHIRASAGI", "ad.shirasagi.local", "SSK-CSIRT",
         ("次期制御盤開発プロジェクト", "Project EGRET")),
        ("紅葉石油", "Momiji Oil", "momiji-oil.com", "MOMIJI", "momiji.corp", "MOMIJI-CERT",
         ("製油所更新計画", "Project MAPLELEAF")),
        ("三ツ星重機", "Mitsuboshi Heavy Machinery", "mitsuboshi-hm.co.jp", "MTBHM", "mtb.intra", "MHM-CSIRT",
         ("鷹の目プロジェクト", "Project HAWKEYE")),
        ("千歳水道サービス", "Chitose Water Service", "chitose-water.example.jp", "CHITOSE", "chitose.local", "CWS-SOC",
         ("浄水DX計画", "Project CLEARWATER")),
        ("葵通信", "Aoi Telecom", "aoi-tel.net", "AOITEL", "aoitel.corp", "AOI-CSIRT",
         ("プロジェクト若葉", "Project SEEDLING")),
    ],
    "B": [
        ("南風電機", "Minamikaze Denki", "minamikaze-denki.co.jp", "MINAMI", "minami.local", "MKD-CSIRT",
         ("プロジェクト青嵐", "Project BLUEWIND")),
        ("若草製薬", "Wakakusa Pharmaceutical", "wakakusa-pharma.co.jp", "WKPHARMA", "wkp.corp", "WAKAKUSA-SIRT",
         ("新薬開発計画すずらん", "Project LILYVALE")),
        ("霧島エネルギー", "Kirishima Energy", "kirishima-energy.com", "KIRISHIMA", "kirishima.intra", "KE-CERT",
         ("地熱発電計画", "Project MAGMAFLOW")),
        ("銀杏鉄道", "Icho Railway", "icho-rail.example.jp", "ICHORAIL", "icho.local", "ICHO-CSIRT",
         ("新型車両計画いろは", "Project GINKGO")),
        ("黒潮海運", "Kuroshio Shipping", "kuroshio-kaiun.co.jp", "KUROSHIO", "kuroshio.corp", "KSK-SOC",
         ("航路最適化プロジェクト", "Project TIDELINE")),
        ("雪村工業", "Yukimura Industries", "yukimura-ind.co.jp", "YUKIMURA", "ykm.local", "YKM-CSIRT",
         ("プロジェクト雪華", "Project SNOWFLAKE")),
        ("橘ガス", "Tachibana Gas", "tachibana-gas.net", "TACHIGAS", "tachibana.intra", "TG-CSIRT",
         ("供給網再編計画", "Project ORANGEGROVE")),
        ("月光化成", "Gekko Kasei", "gekko-kasei.co.jp", "GEKKO", "gekko.local", "GEKKO-SIRT",
         ("プロジェクト月虹", "Project MOONBOW")),
    ],
}

# Family kanji, given kanji, family kana, given kana, family romaji, given romaji.
PEOPLE = {
    "A": [
        ("山田", "太郎", "やまだ", "たろう", "Yamada", "Taro"), ("佐藤", "花子", "さとう", "はなこ", "Sato", "Hanako"),
        ("鈴木", "一郎", "すずき", "いちろう", "Suzuki", "Ichiro"), ("高橋", "美咲", "たかはし", "みさき", "Takahashi", "Misaki"),
        ("田中", "健太", "たなか", "けんた", "Tanaka", "Kenta"), ("伊藤", "由美", "いとう", "ゆみ", "Ito", "Yumi"),
        ("渡辺", "翔", "わたなべ", "しょう", "Watanabe", "Sho"), ("中村", "愛", "なかむら", "あい", "Nakamura", "Ai"),
        ("小林", "大輔", "こばやし", "だいすけ", "Kobayashi", "Daisuke"), ("加藤", "真理子", "かとう", "まりこ", "Kato", "Mariko"),
        ("吉田", "拓也", "よしだ", "たくや", "Yoshida", "Takuya"), ("山口", "恵", "やまぐち", "めぐみ", "Yamaguchi", "Megumi"),
        ("松本", "誠", "まつもと", "まこと", "Matsumoto", "Makoto"), ("井上", "彩", "いのうえ", "あや", "Inoue", "Aya"),
    ],
    "B": [
        ("木村", "浩二", "きむら", "こうじ", "Kimura", "Koji"), ("林", "優子", "はやし", "ゆうこ", "Hayashi", "Yuko"),
        ("清水", "隆", "しみず", "たかし", "Shimizu", "Takashi"), ("山崎", "明美", "やまざき", "あけみ", "Yamazaki", "Akemi"),
        ("森", "健一", "もり", "けんいち", "Mori", "Kenichi"), ("池田", "千尋", "いけだ", "ちひろ", "Ikeda", "Chihiro"),
        ("橋本", "直樹", "はしもと", "なおき", "Hashimoto", "Naoki"), ("阿部", "咲", "あべ", "さき", "Abe", "Saki"),
        ("石川", "亮", "いしかわ", "りょう", "Ishikawa", "Ryo"), ("前田", "奈々", "まえだ", "なな", "Maeda", "Nana"),
        ("藤田", "勇気", "ふじた", "ゆうき", "Fujita", "Yuki"), ("岡田", "千秋", "おかだ", "ちあき", "Okada", "Chiaki"),
        ("後藤", "聡", "ごとう", "さとし", "Goto", "Satoshi"), ("長谷川", "薫", "はせがわ", "かおる", "Hasegawa", "Kaoru"),
    ],
}

# Departments: Japanese, English.
DEPARTMENTS = {
    "A": [("情報システム部", "Information Systems Dept."), ("経理部", "Accounting Dept."), ("総務部", "General Affairs Dept."),
          ("調達部", "Procurement Dept."), ("人事部", "Human Resources Dept."), ("技術開発本部", "R&D Division"),
          ("営業企画部", "Sales Planning Dept."), ("法務部", "Legal Dept.")],
    "B": [("情報セキュリティ室", "Information Security Office"), ("財務部", "Finance Dept."), ("購買部", "Purchasing Dept."),
          ("設備管理部", "Facilities Dept."), ("研究開発センター", "Research Center"), ("広報部", "Public Relations Dept."),
          ("経営企画室", "Corporate Planning Office"), ("品質保証部", "Quality Assurance Dept.")],
}

# The hub's intake: address, display name, its MX. Never a victim identifier, never an indicator.
HUBS = {
    "A": [("report@jcsip-hub.example", "J-CSIP事務局", "mx1.jcsip-hub.example"),
          ("intake@kakehashi.example", "Kakehashi 受付", "mail.kakehashi.example")],
    "B": [("submit@isac-bridge.example", "ISAC 情報共有窓口", "mx.isac-bridge.example"),
          ("soc-report@hub.kakehashi.example", "Kakehashi Intake", "in.hub.kakehashi.example")],
}

# The attacker's personas: display name (spoofed organisation or role), language.
PERSONAS = {
    "A": [("経済産業省 調達担当", "ja"), ("日本年金機構 お客様窓口", "ja"), ("Global Logistics Support", "en"),
          ("採用担当 佐久間", "ja"), ("Asia Pacific Energy Forum 事務局", "ja"), ("宅配便お届け通知センター", "ja"),
          ("IT Helpdesk", "en"), ("Accounts Payable Team", "en"), ("エネルギー政策研究会", "ja")],
    "B": [("国土交通省 技術調査課", "ja"), ("健康保険組合 事務局", "ja"), ("Pacific Freight Notice", "en"),
          ("人材紹介エージェント 森下", "ja"), ("International Gas Summit Secretariat", "en"), ("料金請求センター", "ja"),
          ("Mail Administrator", "en"), ("Secure Document Share", "en"), ("原子力安全技術協会", "ja")],
}

# Words and TLDs of the attacker's registered domains.
ATTACKER_WORDS = {
    "A": ["secure-docs", "meti-procure", "nenkin-info", "logi-track", "energy-forum", "hr-recruit", "cloud-filebox",
          "account-verify", "invoice-center", "parcel-notice", "apef-secretariat", "policy-study"],
    "B": ["mlit-survey", "kenpo-admin", "freight-notify", "gas-summit", "jinzai-agent", "billing-portal",
          "mailbox-admin", "docs-vault", "signin-portal", "shipping-status", "nuclear-safety", "remit-advice"],
}
ATTACKER_TLDS = {
    "A": ["xyz", "top", "info", "net", "com", "online", "site", "co"],
    "B": ["top", "xyz", "biz", "club", "info", "net", "com", "live"],
}
# Japanese labels of internationalised attacker domains.
IDN_LABELS = {
    "A": ["ログイン確認", "請求書-確認", "ほくせい-ポータル", "かいけい窓口"],
    "B": ["認証センター", "お支払い-確認", "ゆうびん-追跡", "資料共有"],
}
# First octets of the attacker's public IPs, and of the victims' egress IPs (documentation nets too).
# Attackers' servers: VPS and hosting ranges; 23.0.0.0/8 is not used, because a third of it is
# Akamai's (a shared CDN address is dropped as an indicator by MISP's warning list, rightly).
ATTACKER_OCTETS = {"A": [45, 91, 103, 185, 193, 5, 37, 141], "B": [31, 46, 80, 89, 146, 176, 194, 212]}
EGRESS_NETS = {"A": ["203.0.113", "61.{}.{}", "114.{}.{}", "210.{}.{}"],
               "B": ["198.51.100", "118.{}.{}", "122.{}.{}", "219.{}.{}"]}
# Japanese phone area codes.
AREA_CODES = {"A": ["03", "06", "052", "011", "082"], "B": ["045", "092", "022", "075", "025"]}
FREE_DIAL = {"A": "0120", "B": "0800"}

# Subjects: {org} = victim's Japanese name, {org_en}, {n} = a number.
SUBJECTS = {
    "A": {
        "ja": ["【重要】請求書送付のご案内", "ご相談の件（{org}様）", "見積依頼書の送付について", "調査票ご提出のお願い（経済産業省）",
               "【至急】アカウント確認のお願い", "第{k}回エネルギー安全保障フォーラムのご案内", "お荷物お届けのお知らせ",
               "{org} 御中 契約書ドラフト送付", "年金記録に関する重要なお知らせ", "応募書類の送付（中途採用）"],
        "en": ["Invoice #{n} overdue", "RFQ for {org_en}", "Updated shipping documents {n}", "Password expiry notice",
               "Invitation: Asia Pacific Energy Forum {yyyy}", "Re: payment confirmation"],
    },
    "B": {
        "ja": ["【要確認】未払い料金のお知らせ", "お打合せ資料のご送付（{org}様）", "技術調査へのご協力のお願い（国土交通省）",
               "健康診断結果のご案内", "発注書の件（No.{n}）", "講演のご依頼", "{org}様 お取引条件変更のご案内",
               "配送状況確認のお願い", "保険料率改定のお知らせ", "人材ご紹介の件"],
        "en": ["Payment remittance advice {n}", "Quotation request - {org_en}", "Your mailbox is almost full",
               "Bill of lading {n}", "Speaker invitation: International Gas Summit {yyyy}", "Fwd: signed agreement"],
    },
}

# Attachment names: {n}, {yyyy}, {org} (Japanese core), {org_en_tight} (English core without spaces).
ATTACHMENT_NAMES = {
    "A": {"zip": ["請求書_{n}.zip", "Invoice_{n}.zip", "見積依頼一式.zip", "フォーラム資料.zip", "応募書類.zip"],
          "iso": ["RFQ_{org_en_tight}.iso", "見積依頼_{org}様.iso", "Shipping_Docs_{n}.iso"],
          "doc": ["調査票_{yyyy}.doc", "契約書ドラフト.doc", "Invoice_{n}.doc"],
          "xlsm": ["見積依頼書.xlsm", "支払明細_{n}.xlsm", "Order_{n}.xlsm"]},
    "B": {"zip": ["未払い料金明細_{n}.zip", "BL_{n}.zip", "打合せ資料一式.zip", "講演依頼資料.zip", "推薦状.zip"],
          "iso": ["Quotation_{org_en_tight}.iso", "発注書_{org}様.iso", "Remittance_{n}.iso"],
          "doc": ["技術調査票_{yyyy}.doc", "取引条件変更.doc", "Agreement_{n}.doc"],
          "xlsm": ["打合せ資料.xlsm", "料金明細_{n}.xlsm", "PO_{n}.xlsm"]},
}
# Members inside attack archives.
MEMBER_NAMES = {
    "A": ["請求書.pdf.lnk", "見積依頼書.doc", "履歴書.lnk", "案内状.docm", "invoice.js", "setup.exe", "資料/詳細.hta",
          "readme.txt", "version.dll", "Document.pdf.exe"],
    "B": ["明細書.pdf.lnk", "打合せ資料.doc", "推薦状.lnk", "講演概要.docm", "remit.vbs", "update.exe", "資料/概要.hta",
          "memo.txt", "msvcp.dll", "Scan_0012.pdf.scr"],
}
URL_PATHS = {
    "A": ["/login/verify.php", "/docs/view", "/wp-content/uploads/{n}/invoice.zip", "/s/{token}", "/owa/auth.php",
          "/download/{token}.zip"],
    "B": ["/portal/signin", "/share/file", "/images/{n}/update.html", "/d/{token}", "/mail/login.aspx",
          "/get/{token}.iso"],
}
CVES = {"A": ["CVE-2023-23397", "CVE-2017-11882", "CVE-2022-30190", "CVE-2021-40444"],
        "B": ["CVE-2023-38831", "CVE-2018-0802", "CVE-2024-21413", "CVE-2022-41082"]}
MAILERS = {"A": ["Microsoft Outlook 16.0", "Becky! ver. 2.81.04", "Mozilla Thunderbird 115.3.1", "PHPMailer 6.8.0"],
           "B": ["Microsoft Outlook 15.0", "Sylpheed 3.7.0", "Mozilla Thunderbird 102.9.0", "Swiftmailer 6.3.0"]}
ZIP_PASSWORDS = {"A": ["Hk2023#mail", "0306abcd", "Qw7!zPd", "kakunin2023"], "B": ["Mn#9821x", "tenso!77", "Zr4$pass", "2024sec"]}

# Domains that are not indicators even when they show up (free mail, big platforms).
BENIGN_DOMAINS = ["gmail.com", "yahoo.co.jp", "outlook.com", "hotmail.com", "microsoft.com", "google.com"]
FREEMAIL = ["gmail.com", "yahoo.co.jp", "outlook.com"]

# Postal addresses of the victims' offices ({a}, {b}, {c}: block numbers).
POSTAL = {
    "A": ["〒100-0005 東京都千代田区丸の内{a}-{b}-{c}", "〒530-0001 大阪府大阪市北区梅田{a}-{b}-{c}",
          "〒460-0008 愛知県名古屋市中区栄{a}-{b}-{c}", "〒060-0001 北海道札幌市中央区北一条西{a}-{b}"],
    "B": ["〒231-0023 神奈川県横浜市中区山下町{a}-{b}", "〒812-0011 福岡県福岡市博多区博多駅前{a}-{b}-{c}",
          "〒980-0021 宮城県仙台市青葉区中央{a}-{b}-{c}", "〒600-8216 京都府京都市下京区烏丸通{a}-{b}"],
}

# How members word their forwards. The pools word them differently, so a score on B also says
# whether the extractor learned sentences rather than structure. Placeholders: {hub} {org} {name}
# {dept} {addr} {csirt}.
PHRASES = {
    "A": {
        "hub_greeting": {"ja": ["{hub} ご担当者様", "{hub} 御中"], "en": ["Dear {hub},", "To {hub},"]},
        "intro": {"ja": ["お世話になっております。{org}の{name}です。", "{org}の{name}でございます。いつもお世話になっております。"],
                  "en": ["This is {name} of {org}.", "{name} here, from {org}."]},
        "report": {"ja": ["弊社{dept}宛に以下の不審メールが届きましたので、情報提供いたします。",
                          "{dept}の社員に下記の標的型メールが着信しましたのでご報告します。"],
                   "en": ["The e-mail below was received by our {dept}; we are sharing it with you.",
                          "Our {dept} received the following suspicious message."]},
        "recipient": {"ja": ["受信者: {addr}", "宛先アドレス：{addr}"], "en": ["Recipient: {addr}", "Sent to: {addr}"]},
        "inner_greeting": {"ja": ["情シス ご担当者様", "{csirt} 各位", "CSIRT窓口 御中"], "en": ["Hi {csirt} team,"]},
        "inner_report": {"ja": ["不審なメールが届きました。確認をお願いします。", "怪しいメールが来ています。添付は開いていません。"],
                         "en": ["I received this suspicious mail, please check.", "Is this phishing? I did not open it."]},
    },
    "B": {
        "hub_greeting": {"ja": ["{hub} 様", "{hub} ご担当各位"], "en": ["Hello {hub},", "{hub} team,"]},
        "intro": {"ja": ["いつも大変お世話になっております。{org}の{name}と申します。", "{org}、{name}です。"],
                  "en": ["My name is {name} ({org}).", "Greetings from {name} at {org}."]},
        "report": {"ja": ["当社{dept}の担当者が受信した不審なメールを共有いたします。",
                          "{dept}宛てに届いた攻撃メールと思われるものを転送します。"],
                   "en": ["Forwarding a suspicious message one of our {dept} staff received.",
                          "Please find a phishing e-mail sent to our {dept}."]},
        "recipient": {"ja": ["受信アドレス: {addr}", "被害アドレス：{addr}"], "en": ["Targeted mailbox: {addr}", "To: {addr} (ours)"]},
        "inner_greeting": {"ja": ["{csirt} ご担当者様", "システム部 各位", "セキュリティ窓口 御中"], "en": ["Dear {csirt},"]},
        "inner_report": {"ja": ["このメールは本物でしょうか。ご確認ください。", "見覚えのないメールを受信しました。対応をお願いします。"],
                         "en": ["Can you check whether this is legitimate?", "Got this today, looks fake to me."]},
    },
}
