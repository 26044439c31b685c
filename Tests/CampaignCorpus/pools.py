# Tests/CampaignCorpus/pools.py
# Owns the vocabulary of the campaign corpus: two disjoint pools of values. Pool A is for
# development (tuning), pool B for validation: no organisation, attacker word, IP range, mailer,
# subject or body phrase, attachment naming scheme or persona of one pool appears in the other, so a
# score on B says whether the engine learned forms rather than values. Shared by both pools on
# purpose: free-mail providers, common mailers, CDN / shared-hosting / resolver values (the noise
# that must never merge campaigns).

# Member organisations: Japanese name, mail domain, sector, internal zone.
ORGS = {
    "A": [("北斗電力", "hokuto-denryoku.co.jp", "energy", "hokuto.local"),
          ("東雲化学工業", "shinonome-chem.co.jp", "chemical", "snchem.corp"),
          ("浅葱ガス", "asagi-gas.example.jp", "energy", "asagi.intra"),
          ("白鷺精機", "shirasagi-seiki.co.jp", "manufacturing", "shirasagi.local"),
          ("紅葉石油", "momiji-oil.com", "energy", "momiji.corp"),
          ("三ツ星重機", "mitsuboshi-hm.co.jp", "manufacturing", "mtb.intra"),
          ("千歳水道サービス", "chitose-water.example.jp", "water", "chitose.local"),
          ("葵通信", "aoi-tel.net", "telecom", "aoitel.corp"),
          ("琥珀銀行", "kohaku-bank.co.jp", "finance", "kohaku.local"),
          ("翡翠運輸", "hisui-unyu.co.jp", "transport", "hisui.corp")],
    "B": [("南風電機", "minamikaze-denki.co.jp", "manufacturing", "minami.local"),
          ("若草製薬", "wakakusa-pharma.co.jp", "pharma", "wkp.corp"),
          ("霧島エネルギー", "kirishima-energy.com", "energy", "kirishima.intra"),
          ("銀杏鉄道", "icho-rail.example.jp", "transport", "icho.local"),
          ("黒潮海運", "kuroshio-kaiun.co.jp", "transport", "kuroshio.corp"),
          ("雪村工業", "yukimura-ind.co.jp", "manufacturing", "ykm.local"),
          ("橘ガス", "tachibana-gas.net", "energy", "tachibana.intra"),
          ("月光化成", "gekko-kasei.co.jp", "chemical", "gekko.local"),
          ("瑠璃信用金庫", "ruri-shinkin.co.jp", "finance", "ruri.local"),
          ("桔梗通信", "kikyo-tsushin.net", "telecom", "kikyo.corp")],
}

# Family kanji, given kanji, family romaji, given romaji.
PEOPLE = {
    "A": [("山田", "太郎", "yamada", "taro"), ("佐藤", "花子", "sato", "hanako"), ("鈴木", "一郎", "suzuki", "ichiro"),
          ("高橋", "美咲", "takahashi", "misaki"), ("田中", "健太", "tanaka", "kenta"), ("伊藤", "由美", "ito", "yumi"),
          ("渡辺", "翔", "watanabe", "sho"), ("中村", "愛", "nakamura", "ai")],
    "B": [("木村", "浩二", "kimura", "koji"), ("林", "優子", "hayashi", "yuko"), ("清水", "大介", "shimizu", "daisuke"),
          ("山崎", "陽子", "yamazaki", "yoko"), ("森", "剛", "mori", "tsuyoshi"), ("池田", "沙織", "ikeda", "saori"),
          ("橋本", "亮", "hashimoto", "ryo"), ("石川", "舞", "ishikawa", "mai")],
}

HUB = {"A": ("J-CSIP事務局", "report@jcsip-hub.example"), "B": ("情報共有センター", "intake@share-center.example")}

# Attacker personas (display names) and words of attacker domains.
PERSONAS = {
    "A": ["総務部 経理課", "人事部 採用担当", "情報システム部", "Customer Support", "Account Team", "法務部 契約担当",
          "購買部 調達課", "IT Helpdesk", "経営企画室", "Security Notice"],
    "B": ["管理本部 会計グループ", "人材開発室", "システム管理課", "Service Desk", "Billing Center", "コンプライアンス室",
          "資材部 発注担当", "Network Operations", "広報部", "Mail Administrator"],
}
ATTACKER_WORDS = {
    "A": ["secure", "update", "portal", "cloud", "docs", "share", "verify", "mailbox", "office", "support", "sync", "alpha"],
    "B": ["account", "service", "drive", "notice", "center", "storage", "login", "online", "web", "files", "relay", "nova"],
}
ATTACKER_TLDS = {"A": ["com", "net", "xyz", "top", "info"], "B": ["org", "biz", "online", "site", "club"]}
ATTACKER_OCTETS = {"A": [45, 91, 103, 185], "B": [31, 46, 80, 146]}

# Mailers a campaign's tooling writes (rare, telling) and those everyone writes (common, telling nothing).
RARE_MAILERS = {
    "A": ["The Bat! (v9.1.18) Professional", "Foxmail 7.2.19.158[cn]", "PHPMailer 6.1.4 (https://github.com/PHPMailer/PHPMailer)",
          "Becky! ver. 2.75.03", "Sendblaster 4.4.3", "Atomic Mail Sender 9.60", "KMail/1.13.7", "Mailbird 2.9.41"],
    "B": ["eM Client 9.2.1735.0", "SquirrelMail/1.4.22", "Postbox 7.0.60", "Claws Mail 3.17.8", "Turbo-Mailer 2.7.10",
          "Sylpheed 3.7.0", "Roundcube Webmail/1.4.13", "Mail Bomber 9.5"],
}
COMMON_MAILERS = ["Microsoft Outlook 16.0", "Microsoft Office Outlook 12.0", "Apple Mail (2.3654.120.0.1.13)", None, None]
FREEMAIL = ["gmail.com", "yahoo.co.jp", "outlook.com", "hotmail.com"]

# Subject phrases and body sentences: campaigns draw templates from them, singles draw freely.
SUBJECTS = {
    "A": ["【重要】アカウント確認のお願い", "請求書送付のご案内", "Re: 見積依頼の件", "【至急】支払条件変更のお知らせ",
          "人事異動に関するご連絡", "システムメンテナンスのお知らせ", "Invoice {n} is overdue", "Your mailbox is almost full",
          "【要対応】パスワード有効期限のお知らせ", "会議資料の共有", "Shipping document for order {n}", "セミナー開催のご案内",
          "Payment confirmation #{n}", "年末調整書類の提出について", "新規取引先登録のお願い", "Delivery failure notice"],
    "B": ["【緊急】不正ログインの検知について", "納品書をお送りします", "発注書の送付について", "【ご確認】口座情報変更のお願い",
          "組織変更のお知らせ", "サーバ移行作業のご連絡", "Remittance advice {n}", "Storage quota exceeded",
          "【期限】認証情報更新のお願い", "議事録の確認依頼", "Bill of lading {n}", "説明会のご案内",
          "Wire transfer receipt #{n}", "健康診断の日程調整", "取引口座開設のご依頼", "Undeliverable message returned"],
}
SENTENCES = {
    "A": ["お世話になっております。", "標記の件につきまして、添付ファイルをご確認ください。", "下記URLよりログインのうえ内容をご確認ください。",
          "ご不明な点がございましたら担当までご連絡ください。", "期限までにご対応いただけない場合、アカウントが停止されます。",
          "今回より支払先口座が変更となりましたのでお知らせいたします。", "添付の資料は社外秘となりますので取扱いにご注意ください。",
          "お手数ですが、本日中にご返信いただけますと幸いです。", "Please review the attached document at your earliest convenience.",
          "Kindly confirm receipt of this message.", "Your account will be suspended unless you verify it within 24 hours.",
          "The payment has been processed as per the attached statement.", "ファイルを開く際はパスワードを入力してください。",
          "先日のお打ち合わせの内容を資料にまとめました。", "システム更新に伴い、再認証が必要となっております。",
          "詳細は以下のリンクからご確認いただけます。", "We noticed unusual sign-in activity on your mailbox.",
          "Thank you for your continued business.", "本メールは送信専用アドレスから送信しております。", "よろしくお願いいたします。",
          "ご担当者様におかれましては、内容をご確認の上ご対応をお願いいたします。", "The shipment is held at customs pending your approval.",
          "マクロを有効にしてからご覧ください。", "配送状況は添付の書類にてご確認ください。"],
    "B": ["いつも大変お世話になっております。", "件名の件、資料を添付いたしましたのでご査収ください。", "以下のページにアクセスし、認証を完了してください。",
          "ご質問等ございましたら、お気軽にお問い合わせください。", "本日中に手続きが完了しない場合、サービスがご利用いただけなくなります。",
          "振込先の金融機関が変更になりましたのでご案内申し上げます。", "本資料の取扱いには十分ご留意くださいますようお願いいたします。",
          "ご多忙のところ恐縮ですが、早急なご確認をお願い申し上げます。", "Please find the requested file attached to this email.",
          "Let me know once you have reviewed it.", "Failure to update your credentials will result in loss of access.",
          "Attached is the remittance for the outstanding balance.", "解凍パスワードは別途お送りいたします。",
          "前回の会議でご依頼いただいた件について回答いたします。", "セキュリティ強化のため、全利用者に再設定をお願いしております。",
          "手続きの詳細はこちらのページをご覧ください。", "A new device has signed in to your account.",
          "We appreciate your prompt attention to this matter.", "このメールにご返信いただいてもお答えできません。", "以上、よろしくお願い申し上げます。",
          "関係各位におかれましては、ご理解とご協力をお願いいたします。", "Your parcel could not be delivered due to an incomplete address.",
          "編集を有効にするボタンを押してから閲覧してください。", "貨物の到着予定は添付ファイルに記載しております。"],
}
# Attachment naming schemes: {n} digits, {d} a date, {o} the recipient organisation's name.
NAMING = {
    "A": ["請求書_{d}.zip", "Invoice-{n}.xlsm", "{o}_見積依頼_{n}.iso", "doc_{n}.lnk", "支払明細{d}.doc", "Scan_{d}_{n}.zip",
          "会議資料_{n}.docm", "ShippingDoc_{n}.img", "給与明細_{d}.xlsm", "contract_{n}_signed.zip"],
    "B": ["納品書{d}.zip", "Remittance_{n}.xlsb", "{o}様_発注書_{n}.iso", "file{n}.lnk", "振込明細_{d}.doc", "IMG_{d}{n}.zip",
          "議事録-{n}.docm", "BL_{n}.vhd", "賞与支給_{d}.xlsx", "agreement-{n}-final.zip"],
}
# Legitimate business threads a hijacker replies into (subjects and quoted text).
THREADS = {
    "A": [("来週の打ち合わせ日程について", "来週の定例会議ですが、火曜日の午後でいかがでしょうか。"),
          ("見積書の再送について", "先日お送りした見積書に誤りがございましたので再送いたします。"),
          ("納期変更のご相談", "部材の入荷遅れにより、納期を一週間延長させていただけないでしょうか。"),
          ("Project kickoff materials", "Attached are the slides we discussed during the kickoff call."),
          ("契約更新の件", "現行契約の更新条件について、法務部にて確認中です。"),
          ("点検作業の立会いについて", "来月の設備点検に、御社からもご出席いただけますでしょうか。")],
    "B": [("次回定例会の議題", "次回の定例会では、進捗報告と課題の整理を行いたいと考えております。"),
          ("仕様書の修正版", "ご指摘いただいた箇所を反映した仕様書をお送りいたします。"),
          ("請求金額の確認", "今月分のご請求金額について、一点確認させていただきたい事項がございます。"),
          ("Quarterly review agenda", "Please find the draft agenda for the quarterly review below."),
          ("保守契約の見直し", "保守契約の範囲について、再度ご相談させていただければと存じます。"),
          ("工場見学の日程", "工場見学の候補日を三つほどお知らせいたします。")],
}
PARTNER_WORDS = {"A": ["sakura-buhin", "kaede-shoji", "tsubaki-kogyo", "hinoki-sangyo", "kiri-trading", "nara-seiko",
                       "ume-logistics", "matsu-denki"],
                 "B": ["ayame-shokai", "botan-kikai", "fuji-tsusho", "kusunoki-kk", "sugi-engineering", "yanagi-butsuryu",
                       "momo-kasei", "take-system"]}
ZIP_PASSWORDS = {"A": ["Hk2023#mail", "0306abcd", "Qw7!zPd", "kakunin2023"], "B": ["Mn#9821x", "tenso!77", "Zr4$pass", "2024sec"]}

# Values every pool shares, which must never link: CDN and shared-hosting hosts and addresses, a
# public resolver, newsletter services' sending addresses. `exclusions.txt` lists the ones the
# bundled warning lists do not already cover, as an operator would.
SHARED_HOSTS = ["cdn.jsdelivr.net", "fonts.googleapis.com", "storage.googleapis.com", "docs.google.com",
                "onedrive.live.com", "www.dropbox.com", "ajax.googleapis.com", "s3.amazonaws.com"]
SHARED_IPS = ["8.8.8.8", "1.1.1.1", "104.16.132.229", "151.101.1.140"]
SHARED_SENDING = [("o1.ptr1234.sendgrid-mail.example", "149.72.10.20"), ("mta-07.shared-mail.example", "198.2.130.17"),
                  ("smtp.rentalserver-relay.example", "157.7.44.8")]
NEWSLETTER_VENDORS = {"A": ["techweekly-news.jp", "kikai-shimbun.example", "office-supply-mart.jp", "seminar-navi.example"],
                      "B": ["daily-it-digest.jp", "sangyo-times.example", "bungu-direct.jp", "event-portal.example"]}

# Benign mail members report anyway: subjects and sentences of newsletters and notices (each noise
# message draws its own, as unrelated senders write unrelated text).
NOISE_SUBJECTS = {
    "A": ["今月の新製品情報", "展示会出展のお知らせ", "価格改定のご案内", "年末年始の営業について", "ユーザー会開催報告",
          "Product update: new dashboard", "Webinar recording available", "夏季休業のお知らせ", "導入事例のご紹介",
          "アンケートご協力のお願い", "Monthly security bulletin", "サポート終了製品のご案内"],
    "B": ["新サービス開始のお知らせ", "業界セミナー開催報告", "送料改定のご連絡", "ゴールデンウィーク期間の対応", "お客様の声特集",
          "Release notes for version 5", "Conference highlights", "冬季休業日のご案内", "活用事例インタビュー",
          "満足度調査のお願い", "Quarterly threat landscape", "旧バージョン提供終了のお知らせ"],
}
NOISE_SENTENCES = {
    "A": ["平素より格別のお引き立てを賜り厚く御礼申し上げます。", "詳しくは弊社ウェブサイトをご覧ください。", "配信停止をご希望の方は下記よりお手続きください。",
          "今後とも変わらぬご愛顧を賜りますようお願い申し上げます。", "新しい管理画面では操作性が大きく向上しました。", "会場は東京ビッグサイト西ホールです。",
          "We are excited to share the latest features with you.", "The recording and slides are now available on demand.",
          "ご登録いただいたメールアドレスにお送りしています。", "期間中のお問い合わせは休業明けに順次対応いたします。",
          "本メールは配信専用です。", "Thank you for being a valued customer."],
    "B": ["日頃より大変お世話になっております。", "詳細は特設ページにてご案内しております。", "メールの受信設定は会員ページから変更できます。",
          "引き続きよろしくお願い申し上げます。", "新サービスでは請求書の電子化に対応しました。", "会場は大阪国際会議場です。",
          "Here is what is new in this release.", "Session videos can be watched from the archive page.",
          "本メールは会員登録いただいた方にお送りしています。", "休業期間中にいただいたご注文は順次発送いたします。",
          "このメールへの返信はできません。", "We appreciate your feedback."],
}
