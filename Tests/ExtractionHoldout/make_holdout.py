#!/usr/bin/env python3
# Tests/ExtractionHoldout/make_holdout.py
# Owns the held-out extraction set: ~40 attack e-mails as members hand them to the hub, written with
# Python's own `email` package (not the corpus generator's hand-written MIME), with values, phrasings
# and forms that Tests/ExtractionCorpus never uses. Truth format = the corpus's *.truth.json.
#
#   python3 Tests/ExtractionHoldout/make_holdout.py --out DIR
import argparse
import hashlib
import io
import json
import os
import random
import re
import sys
import unicodedata
import urllib.parse
import zipfile
from datetime import datetime, timedelta, timezone
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email import encoders
from email.utils import format_datetime

JST = timezone(timedelta(hours=9))
HUB = ("Kakehashi 受付窓口", "uketsuke@kakehashi-hub.jp", "mx1.kakehashi-hub.jp")
FREE = {"gmail.com", "outlook.jp", "yahoo.co.jp", "hotmail.com"}

# Victim organisations (sector, Japanese name, legal form as written, English name, domain, internal zone,
# inbound MX, internal relay, egress host + IP, people: (kanji, kana, romaji, local part, department, title)).
ORGS = [
    dict(ja="東武蔵鉄道", ja_full="東武蔵鉄道株式会社", en="Higashi-Musashi Railway", en_full="Higashi-Musashi Railway Co., Ltd.",
         domain="hm-rail.co.jp", zone="ad.hm-rail.co.jp", mx="mgw2.hm-rail.co.jp", mx_ip="172.22.4.11",
         relay="exhub01.ad.hm-rail.co.jp", relay_ip="172.22.9.40", egress="out-smtp.hm-rail.co.jp", egress_ip="153.127.88.41",
         csirt="HMR-SIRT", csirt_addr="sirt@hm-rail.co.jp", project="新線延伸計画",
         people=[("山本 浩", "やまもと ひろし", "Hiroshi Yamamoto", "h-yamamoto", "総務課", "課長", "042-512-3380", "4127"),
                 ("高橋 美咲", "たかはし みさき", "Misaki Takahashi", "m-takahashi", "運輸計画部", "主任", "042-512-3391", "4302")]),
    dict(ja="さくら台病院", ja_full="医療法人清風会 さくら台病院", en="Sakuradai Hospital", en_full="Sakuradai General Hospital",
         domain="sakuradai-hp.or.jp", zone="sakuradai.lan", mx="mail.sakuradai-hp.or.jp", mx_ip="192.168.40.5",
         relay="ehr-mail01.sakuradai.lan", relay_ip="192.168.40.21", egress="smtp-gw.sakuradai-hp.or.jp", egress_ip="118.238.210.77",
         csirt="さくら台病院 情報システム室", csirt_addr="joho-sys@sakuradai-hp.or.jp", project="電子カルテ更新プロジェクト",
         people=[("石川 純一", "いしかわ じゅんいち", "Junichi Ishikawa", "ishikawa.j", "医事課", "係長", "0587-33-6120", "215"),
                 ("森 さやか", "もり さやか", "Sayaka Mori", "mori.s", "看護部", "師長", "0587-33-6100", "302")]),
    dict(ja="北浦市", ja_full="北浦市役所", en="Kitaura City", en_full="Kitaura City Hall",
         domain="city.kitaura.lg.jp", zone="kitaura-cho.internal", mx="lgwan-gw.city.kitaura.lg.jp", mx_ip="10.210.3.8",
         relay="mbx-s02.kitaura-cho.internal", relay_ip="10.210.7.19", egress="relay1.city.kitaura.lg.jp", egress_ip="61.206.117.93",
         csirt="北浦市CSIRT", csirt_addr="csirt@city.kitaura.lg.jp", project="北浦スマートシティ構想",
         people=[("小川 直樹", "おがわ なおき", "Naoki Ogawa", "n-ogawa", "情報政策課", "主査", "0299-72-1151", "2231"),
                 ("藤井 恵", "ふじい めぐみ", "Megumi Fujii", "m-fujii", "市民課", "課長補佐", "0299-72-1152", "1104")]),
    dict(ja="西海大学", ja_full="国立大学法人西海大学", en="Saikai University", en_full="Saikai National University",
         domain="saikai-u.ac.jp", zone="cc.saikai-u.ac.jp", mx="mx-a.saikai-u.ac.jp", mx_ip="172.16.201.14",
         relay="ms-relay3.cc.saikai-u.ac.jp", relay_ip="172.16.201.33", egress="mout.saikai-u.ac.jp", egress_ip="133.45.18.202",
         csirt="SU-CERT", csirt_addr="su-cert@saikai-u.ac.jp", project="海洋ゲノム共同研究",
         people=[("岡田 拓海", "おかだ たくみ", "Takumi Okada", "okada.takumi", "工学研究科", "准教授", "095-819-2277", "6612"),
                 ("長谷川 由紀", "はせがわ ゆき", "Yuki Hasegawa", "y.hasegawa", "研究推進課", "係員", "095-819-2040", "2040")]),
    dict(ja="汐見銀行", ja_full="株式会社汐見銀行", en="Shiomi Bank", en_full="The Shiomi Bank, Ltd.",
         domain="shiomi-bank.co.jp", zone="sbk.net.local", mx="inbound2.shiomi-bank.co.jp", mx_ip="10.88.0.25",
         relay="sbk-exc-07.sbk.net.local", relay_ip="10.88.12.7", egress="obgw.shiomi-bank.co.jp", egress_ip="124.41.66.150",
         csirt="SHIOMI-CERT", csirt_addr="cert@shiomi-bank.co.jp", project="次期勘定系移行",
         people=[("村上 大輔", "むらかみ だいすけ", "Daisuke Murakami", "d.murakami", "事務統括部", "調査役", "0836-21-4410", "3318"),
                 ("今井 千尋", "いまい ちひろ", "Chihiro Imai", "c.imai", "法人営業部", "部長代理", "0836-21-4422", "3550")]),
    dict(ja="翠嶺製薬", ja_full="翠嶺製薬株式会社", en="Suirei Pharmaceutical", en_full="Suirei Pharmaceutical Co., Ltd.",
         domain="suirei-pharma.co.jp", zone="corp.suirei.jp", mx="smtpin.suirei-pharma.co.jp", mx_ip="10.150.2.31",
         relay="exm-tky-02.corp.suirei.jp", relay_ip="10.150.6.12", egress="mo1.suirei-pharma.co.jp", egress_ip="210.140.92.61",
         csirt="Suirei CSIRT", csirt_addr="csirt@suirei-pharma.co.jp", project="SRX-204 第II相試験",
         people=[("松井 亮", "まつい りょう", "Ryo Matsui", "r-matsui", "臨床開発部", "グループ長", "06-6231-7705", "7705"),
                 ("Emily Carter", None, "Emily Carter", "emily.carter", "IT Operations", "Manager", "+1 908-555-0142", None)]),
]
US_SUB = dict(name="Suirei Pharma America, Inc.", bare="Suirei Pharma America", domain="suirei-us.com")

# Attacker infrastructure: public addresses outside 23/8 and documentation ranges, no reserved TLDs.
ATTACK = [
    ("Michael Turner", "m.turner@turnerlogistics-global.com", "194.87.215.33", "91.243.59.120", "+1 (646) 555-0187"),
    ("佐々木 物流センター", "info@sagawa-delivery-jp.cc", "103.145.13.77", "103.145.13.78", "0570-01-9876"),
    ("Human Resources", "hr-notice@kintai-check.online", "5.188.86.211", "141.98.10.54", "03-5544-0911"),
    ("Document Center", "no-reply@sharebox-files.xyz", "45.142.212.100", "185.225.17.44", "+44 20 7946 0321"),
    ("Wang Lei", "wanglei.trade@163-mailbox.net", "43.229.53.16", "111.90.150.22", "+86 21 5555 0199"),
    ("日本年金機構 お知らせ", "oshirase@nenkin-kakunin.top", "38.54.30.201", "38.54.30.202", "0570-05-1165"),
    ("IT Helpdesk", "helpdesk@m365-securelogin.click", "213.226.123.9", "80.66.88.207", "+1 (415) 555-0110"),
    ("Tanaka Kenji", "k.tanaka.biz@gmail.com", "156.236.72.104", "147.45.47.88", "090-5555-0132"),
]
FILES = ["見積依頼書_2026.docx", "支払通知書.pdf.lnk", "Purchase_Order_4471.xlsm", "健康診断結果のお知らせ.zip",
         "Invoice-Remittance.iso", "会議資料（最終版）.zip", "CV_Takeshi_Ando.doc", "Shipping-Doc.zip"]
CVES = ["CVE-2026-21413", "CVE-2025-33053", "CVE-2026-0417"]


def norm(value):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)).casefold())


def digest(data):
    return [hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest()]


class Case:
    def __init__(self, number, org, layer):
        self.rng = random.Random("holdout-%d" % number)
        self.org = org
        self.t = {"attack_layer": layer, "sender": None, "subject": None, "date": None, "message_id": None,
                  "hops": [], "attachments": [], "zip_members": [], "urls": [], "domains": [], "ips": [],
                  "addresses": [], "hashes": [], "cves": [], "victim_identifiers": [], "victim_kinds": {},
                  "indicator_values": [], "benign": []}

    def v(self, value, kind):
        if value not in self.t["victim_identifiers"]:
            self.t["victim_identifiers"].append(value)
            self.t["victim_kinds"][value] = kind
        return value

    def add(self, field, value):
        if value not in self.t[field]:
            self.t[field].append(value)
        return value

    def org_form(self, form):
        """An organisation name as written, plus its bare Japanese or English name."""
        self.v(form, "organisation")
        o = self.org
        if o["ja"] in form:
            self.v(o["ja"], "organisation")
        if o["en"] in form:
            self.v(o["en"], "organisation")
        if form == US_SUB["name"]:
            self.v(US_SUB["bare"], "organisation")
        return form

    def team(self):
        """The CSIRT's name as written; a team named after the organisation also gives its bare name and the
        department (「さくら台病院 情報システム室」)."""
        o = self.org
        self.v(o["csirt"], "team")
        if o["ja"] in o["csirt"]:
            self.v(o["ja"], "organisation")
            rest = o["csirt"].replace(o["ja"], "").strip()
            if rest and rest != "CSIRT":
                self.v(rest, "department")
        return o["csirt"]

    def person(self, p, form="kanji"):
        name = {"kanji": p[0], "kana": p[1], "romaji": p[2]}[form]
        return self.v(name, "person")

    def address(self, p):
        self.v(self.org["domain"], "domain")
        return self.v("%s@%s" % (p[3], self.org["domain"]), "address")

    def file(self, name, data):
        self.t["attachments"].append({"name": name, "sha256": hashlib.sha256(data).hexdigest()})
        for h in digest(data):
            self.add("hashes", h)

    def member(self, name, data):
        self.t["zip_members"].append({"name": name, "sha256": hashlib.sha256(data).hexdigest()})
        for h in digest(data):
            self.add("hashes", h)

    def url(self, url, host):
        self.add("urls", url)
        if re.fullmatch(r"[\d.]+", host):
            self.add("ips", host)
        else:
            self.add("domains", host)


def fake_bytes(rng, kind, n=600):
    heads = {"lnk": b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F",
             "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "exe": b"MZ\x90\x00\x03\x00\x00\x00",
             "pdf": b"%PDF-1.7\n", "iso": b"\x00" * 16 + b"\x01CD001\x01", "js": b"var a='"}
    return heads.get(kind, b"") + bytes(rng.getrandbits(8) for _ in range(n))


def make_zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 2, 20, 9, 30, 0)), data)
    return buf.getvalue()


def received_attack(case, attacker, victim_addr, when, style):
    """Attack Received chain, newest first: victim relay <- victim MX <- attacker server <- attacker client."""
    o = case.org
    server = "mail." + attacker[1].split("@")[1]
    stamp = lambda s: format_datetime((when + timedelta(seconds=s)).astimezone(JST))
    lines = ["from %s (%s [%s]) by %s (Postfix) with ESMTP id 4Zk%s for <%s>; %s" % (
        case.v(o["mx"], "host"), o["mx"], case.v(o["mx_ip"], "ip"), case.v(o["relay"], "host"),
        case.rng.randrange(10**6, 10**7), victim_addr, stamp(4))]
    case.v(o["relay_ip"], "ip")
    lines.insert(0, "from %s (%s) by %s with Microsoft SMTP Server id 15.2.1544.4; %s" % (
        o["relay"], o["relay_ip"], case.v("mbx01." + o["zone"], "host"), stamp(5)))
    lines.append("from %s (%s [%s]) by %s with ESMTPS id %08x; %s" % (
        server, server, attacker[2], o["mx"], case.rng.getrandbits(32), stamp(2)))
    if style == "exim":
        lines.append("from [%s] (helo=DESKTOP-Q7H2RLM) by %s with esmtpsa (Exim 4.97) id 1t%s; %s" % (
            attacker[3], server, case.rng.randrange(10**6, 10**7), stamp(0)))
    else:
        lines.append("from WIN-4KD8S1 (unknown [%s]) by %s (Postfix) with ESMTPSA id %08x; %s" % (
            attacker[3], server, case.rng.getrandbits(32), stamp(0)))
    for ip in (attacker[2], attacker[3]):
        case.add("hops", ip)
        case.add("ips", ip)
    return lines


def attack_mail(case, n, victim, features):
    """The attack e-mail. Returns (message object, info for inline forwards)."""
    r = case.rng
    o = case.org
    attacker = ATTACK[n % len(ATTACK)]
    lang = "en" if "english" in features else "ja"
    charset = features.get("charset", "utf-8")
    when = datetime(2026, 1, 5, tzinfo=timezone.utc) + timedelta(days=n * 2, hours=r.randrange(0, 23),
                                                                  minutes=r.randrange(60), seconds=r.randrange(60))
    zone = timezone(timedelta(hours=[0, -5, 8, 1, 9][n % 5]))
    vaddr = case.address(victim)
    vname = case.person(victim) if "romaji_to" not in features else case.person(victim, "romaji")
    subject = features.get("subject") or (
        ["Outstanding invoice - action required", "Updated shipping schedule", "Your mailbox storage is full",
         "Request for quotation"][n % 4] if lang == "en" else
        ["【重要】賞与支給明細のご確認", "ご不在連絡票のお知らせ", "年金受給に関する確認のお願い", "見積依頼の件"][n % 4])
    body, html_links, attachments = [], [], []
    greet = ("Dear %s," % vname) if lang == "en" else ("%s 様" % vname)
    body.append(greet)
    body.append("")
    if lang == "en":
        body.append("Please review the attached document and confirm by end of day. We appreciate your prompt reply.")
    else:
        body.append("いつもお世話になっております。下記の内容をご確認のうえ、本日中にご対応をお願いいたします。")
    if "url" in features:
        dom = ["sharebox-files.xyz", "kintai-check.online", "m365-securelogin.click", "nenkin-kakunin.top"][n % 4]
        enc = urllib.parse.quote(vaddr, safe="")
        url = "https://docs.%s/s/%s?login=%s" % (dom, "%x" % r.getrandbits(40), enc if "pct" in features else "")
        if "pct" not in features:
            url = url[:-len("?login=")]
        case.url(url, "docs." + dom)
        if "html" in features:
            shown = "https://www.%s/" % o["domain"] if "text_differs" in features else "こちら"
            if "text_differs" in features:
                case.v("www." + o["domain"], "host")
            html_links.append((url, shown))
        else:
            body.append(url)
    if "ipurl" in features:
        url = "http://%s:8080/update/%s.hta" % (attacker[3], "kb%d" % r.randrange(10**6))
        body.append(url)
        case.url(url, attacker[3])
    if "attach" in features:
        name = features.get("fname", FILES[n % len(FILES)])
        ext = name.rsplit(".", 1)[1]
        if ext == "zip":
            lnk = fake_bytes(r, "lnk")
            inner_doc = fake_bytes(r, "js", 300)
            entries = [("請求書_%02d.pdf.lnk" % n, lnk), ("readme.txt", b"open the document")]
            if "nested" in features:
                inner = make_zip([("payload.js", inner_doc), ("data.bin", fake_bytes(r, "exe"))])
                entries.append(("archive2.zip", inner))
                case.member("payload.js", inner_doc)
                case.member("data.bin", dict(make_zip_members(inner))["data.bin"])
            data = make_zip(entries)
            for member, mdata in entries:
                case.member(member, mdata)
        else:
            data = fake_bytes(r, {"docx": "doc", "doc": "doc", "xlsm": "doc", "lnk": "lnk", "iso": "iso"}.get(ext, "pdf"))
        case.file(name, data)
        attachments.append((name, data))
    if "hash_cve_attack" in features:
        body.append("This patch fixes %s." % case.add("cves", CVES[n % 3]))
    # The attacker's fake signature and phone: neither a victim identifier nor an indicator field.
    body.append("")
    if lang == "en":
        body += ["Best regards,", attacker[0], "Accounts Payable Dept.", "Tel: %s" % attacker[4]]
    else:
        body += ["--", attacker[0], "お問い合わせ窓口 TEL %s（平日9時〜17時）" % attacker[4]]
    text = "\n".join(body) + "\n"
    sender_name, sender = attacker[0], attacker[1]
    if "spoof_colleague" in features:
        sender_name = case.person(o["people"][1 - o["people"].index(victim)])
    case.t["sender"] = case.add("addresses", sender)
    if sender.split("@")[1] in FREE:
        case.add("benign", sender.split("@")[1])
    case.t["subject"] = subject
    msgid = "<%s.%x@%s>" % (when.strftime("%Y%m%d%H%M%S"), r.getrandbits(48), sender.split("@")[1])
    case.t["message_id"] = msgid
    case.t["date"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")

    # Build with the legacy MIME classes (any charset) and serialise with policy.SMTP.
    if html_links:
        alt = MIMEMultipart("alternative")
        alt.attach(MIMEText(text, "plain", charset))
        links = "".join('<p><a href="%s">%s</a></p>' % (u, s) for u, s in html_links)
        html = "<html><body>" + "".join("<p>%s</p>" % l for l in body[:3]) + links + \
               "".join("<p>%s</p>" % l for l in body[3:]) + "</body></html>"
        alt.attach(MIMEText(html, "html", charset))
        content = alt
    else:
        content = MIMEText(text, "plain", charset)
    if attachments:
        msg = MIMEMultipart("mixed")
        msg.attach(content)
        for name, data in attachments:
            part = MIMEBase("application", "octet-stream")
            part.set_payload(data)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
            msg.attach(part)
    else:
        msg = content
    hcs = charset if charset != "shift_jis" else "iso-2022-jp"
    for line in received_attack(case, attacker, vaddr, when, "exim" if n % 2 else "postfix"):
        msg["Received"] = line
    reordered = msg.get_all("Received")
    del msg["Received"]
    for line in reordered:
        msg["Received"] = line
    msg["Return-Path"] = "<%s>" % case.add("addresses", "bounce-%d@%s" % (n, "mail." + attacker[1].split("@")[1]))
    msg["From"] = "%s <%s>" % (Header(sender_name, hcs).encode(), sender)
    to_line = "%s <%s>" % (Header(vname, hcs).encode(), vaddr)
    if "cc" in features:
        other = o["people"][1 - o["people"].index(victim)]
        to_line += ", %s <%s>" % (Header(case.person(other), hcs).encode(), case.address(other))
    msg["To"] = to_line
    msg["Subject"] = Header(subject, hcs).encode()
    msg["Date"] = format_datetime(when.astimezone(zone))
    msg["Message-ID"] = msgid
    if "replyto" in features:
        free = ["gmail.com", "outlook.jp", "yahoo.co.jp"][n % 3]
        msg["Reply-To"] = "<%s>" % case.add("addresses", "support.desk%02d@%s" % (n, free))
        case.add("benign", free)
    msg["X-Mailer"] = "Microsoft Outlook 16.0"
    msg._headers = [h for h in msg._headers if h[0] == "Received"] + [h for h in msg._headers if h[0] != "Received"]
    info = dict(sender=sender, sender_name=sender_name, to_name=vname, to_addr=vaddr, subject=subject, when=when,
                text=text, attachments=attachments)
    return msg, info


def make_zip_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(n, z.read(n)) for n in z.namelist()]


def signature(case, p, layout, lang):
    o = case.org
    if lang == "en":
        return ["--", case.person(p, "romaji"), "%s | %s" % (case.v(p[4], "department"), p[5]),
                case.org_form(o["en_full"]), "Tel: %s" % case.v(p[6], "phone"), case.address(p)]
    if layout == "company_first":
        lines = ["━━━━━━━━━━━━━━━━", "%s %s" % (case.org_form(o["ja_full"]), case.person(p)),
                 "%s %s" % (case.v(p[4], "department"), p[5])]
    else:  # title line: 「総務課 課長 山本 浩」
        lines = ["----------------------------------", "%s %s %s" % (case.v(p[4], "department"), p[5], case.person(p)),
                 case.org_form(o["ja_full"])]
    phone = "TEL：%s（内線 %s）" % (case.v(p[6], "phone"), p[7]) if p[7] else "TEL %s" % case.v(p[6], "phone")
    if p[7]:
        case.v("内線 %s" % p[7], "phone")
    lines += [phone, "Mail：%s" % case.address(p)]
    return lines


def forward_headers(case, msg, sender_name, sender, subject, when, to=None):
    o = case.org
    hub_name, hub_addr, hub_mx = to or HUB
    hcs = "utf-8"
    msg["Received"] = "from %s (%s [%s]) by %s (Postfix) with ESMTPS id %08x for <%s>; %s" % (
        case.v(o["egress"], "host"), o["egress"], case.v(o["egress_ip"], "ip"), hub_mx, case.rng.getrandbits(32),
        hub_addr, format_datetime(when.astimezone(JST)))
    msg["From"] = "%s <%s>" % (Header(sender_name, hcs).encode(), sender)
    msg["To"] = "%s <%s>" % (Header(hub_name, hcs).encode(), hub_addr)
    msg["Subject"] = Header(subject, hcs).encode()
    msg["Date"] = format_datetime(when.astimezone(JST))
    msg["Message-ID"] = "<%x.fwd@%s>" % (case.rng.getrandbits(56), o["domain"])
    msg["X-Mailer"] = "Microsoft Outlook 16.0"
    msg._headers = [h for h in msg._headers if h[0] == "Received"] + [h for h in msg._headers if h[0] != "Received"]


def note(case, p, kind, info, lang="ja"):
    """The forwarder's note: above and below parts."""
    o = case.org
    above, below = [], []
    if lang == "en":
        above = ["Hello Kakehashi team,", "",
                 "This is %s from %s. One of our staff received the message below; it was not opened." % (
                     case.person(p, "romaji"), case.org_form(US_SUB["name"])),
                 "Our US subsidiary reports to you through %s." % case.org_form(o["en_full"]),
                 "Please treat this as TLP:AMBER."]
        case.v(US_SUB["domain"], "domain")
        return above, below
    above = ["%s 御中" % HUB[0], "", "お疲れ様です。%sの%sです。" % (case.org_form(o["ja"]), case.person(p)) if kind != "named"
             else "%sの%sさんに届いた不審メールを転送します。" % (case.v(info["victim"][4], "department"), case.person(info["victim"])),
             "添付の開封やURLへのアクセスはしておりません。"]
    if kind == "named":
        above.append("届いた端末は %s（%s）です。" % (case.v(info["host"], "host"), case.v(info["host_ip"], "ip")))
    below = ["", "以上、よろしくお願いいたします。"]
    return above, below


DISCLAIMER = ("このメールは機密情報を含む場合があります。宛先に誤りがある場合は、送信者にご連絡のうえ削除してください。"
              "無断での複製・転送を禁じます。")


def build(number):
    """One message: (bytes, truth). The cases are listed explicitly so that every form appears."""
    spec = CASES[number - 1]
    org = ORGS[spec["org"]]
    case = Case(number, org, spec["layer"])
    victim = org["people"][spec.get("victim", 0)]
    forwarder = org["people"][spec.get("forwarder", 0)]
    feats = dict.fromkeys(spec.get("f", []), True)
    feats.update(spec.get("kv", {}))
    attack, info = attack_mail(case, number, victim, feats)
    info["victim"] = victim
    info["host"] = "PC-%s-%03d.%s" % (org["ja"] and "W10", number, org["zone"])
    info["host_ip"] = "%s.%d" % (org["relay_ip"].rsplit(".", 1)[0], 100 + number)
    form = spec["form"]
    fwd_when = info["when"] + timedelta(hours=3, minutes=17)
    if form == "direct":
        out = attack
    elif form in ("rfc822", "rfc822_en", "rfc822_depth2"):
        lang = "en" if form == "rfc822_en" else "ja"
        kind = spec.get("note", "plain")
        above, below = note(case, forwarder, kind, info, lang)
        if spec.get("hash_note"):
            sha = info["attachments"][0][1] if info["attachments"] else b"x"
            h = case.add("hashes", hashlib.sha256(sha).hexdigest())
            above.append("サンドボックスでの解析結果: SHA-256 %s、%s を悪用する挙動を確認しました。" % (
                h, case.add("cves", spec["hash_note"])))
        sig = signature(case, forwarder, spec.get("layout", "title"), lang)
        text = "\n".join(above + below + [""] + sig) + "\n"
        if spec.get("disclaimer"):
            text += "\n" + DISCLAIMER + "\n"
        charset = spec.get("fcharset", "utf-8")
        outer = MIMEMultipart("mixed")
        outer.attach(MIMEText(text, "plain", charset))
        outer.attach(MIMEMessage(attack))
        prefix = spec.get("prefix", "FW: " if lang == "en" else "【不審メール報告】")
        if form == "rfc822_en":
            from_name, from_addr = case.person(forwarder, "romaji"), "%s@%s" % (forwarder[3], US_SUB["domain"])
            case.v(from_addr, "address")
            case.v(US_SUB["domain"], "domain")
        else:
            from_name, from_addr = case.person(forwarder), case.address(forwarder)
        if form == "rfc822_depth2":
            # user -> CSIRT (internal), then CSIRT -> hub
            mid = outer
            mid["From"] = "%s <%s>" % (Header(from_name, "utf-8").encode(), from_addr)
            mid["To"] = "%s <%s>" % (Header(case.team(), "utf-8").encode(),
                                     case.v(org["csirt_addr"], "address"))
            mid["Subject"] = Header("FW: " + info["subject"], "utf-8").encode()
            mid["Date"] = format_datetime((fwd_when - timedelta(hours=1)).astimezone(JST))
            mid["Message-ID"] = "<%x.mid@%s>" % (case.rng.getrandbits(56), org["domain"])
            top = MIMEMultipart("mixed")
            csirt_text = "\n".join([
                "%s 御中" % HUB[0], "", "%sです。職員から報告のあった標的型メールを共有します。" % case.team(),
                "関連: %s" % case.v(org["project"], "project"), "", "--", case.team(),
                case.org_form(org["ja_full"]), case.v(org["csirt_addr"], "address")]) + "\n"
            top.attach(MIMEText(csirt_text, "plain", "utf-8"))
            top.attach(MIMEMessage(mid))
            forward_headers(case, top, org["csirt"], org["csirt_addr"], "FW: FW: " + info["subject"], fwd_when)
            out = top
        else:
            forward_headers(case, outer, from_name, from_addr, prefix + info["subject"], fwd_when)
            out = outer
    else:  # inline forwards
        lang = "en" if form == "outlook_en" else "ja"
        kind = spec.get("note", "plain")
        above, below = note(case, forwarder, kind, info, "ja")
        local = info["when"].astimezone(JST)
        case.t["message_id"] = None
        case.t["hops"] = []
        case.t["date"] = (local.replace(second=0)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        to = "%s <%s>" % (info["to_name"], info["to_addr"])
        frm = "%s <%s>" % (info["sender_name"], info["sender"])
        if form == "outlook_en":
            hh = "%d:%02d %s" % ((local.hour % 12) or 12, local.minute, "AM" if local.hour < 12 else "PM")
            block = ["From: %s [mailto:%s]" % (info["sender_name"], info["sender"]),
                     "Sent: %s, %s %d, %d %s" % (local.strftime("%A"), local.strftime("%B"), local.day, local.year, hh),
                     "To: %s" % to, "Subject: %s" % info["subject"]]
            block.insert(0, "________________________________")
        elif form == "outlook_ja":
            block = ["-----Original Message-----",
                "差出人: %s [mailto:%s]" % (info["sender_name"], info["sender"]),
                "送信日時: %d年%d月%d日 %d:%02d" % (local.year, local.month, local.day, local.hour, local.minute),
                "宛先: %s" % to, "件名: %s" % info["subject"]]
        else:  # quoted reply-style forward: "On ..., X wrote:" with > quoting (no header block)
            block = ["%d年%d月%d日(%s) %d:%02d %s:" % (local.year, local.month, local.day, "月火水木金土日"[local.weekday()],
                                                      local.hour, local.minute, frm)]
        attack_text = info["text"]
        quoted = attack_text.splitlines()
        if form == "quoted":
            quoted = ["> " + l for l in quoted]
        sig = signature(case, forwarder, spec.get("layout", "title"), "ja")
        text = "\n".join(above + [""] + block + [""] + quoted + below + [""] + sig) + "\n"
        if spec.get("disclaimer"):
            text += "\n" + DISCLAIMER + "\n"
        charset = spec.get("fcharset", "utf-8")
        case.t["attachments"] = []
        keep_members = case.t["zip_members"]
        case.t["zip_members"] = []
        case.t["hashes"] = []
        # inline: header fields that only the attack's own header had are gone
        hdr_ips = set(case.t["hops"])
        case.t["ips"] = [ip for ip in case.t["ips"] if ip in re.findall(r"[\d.]+", attack_text)]
        case.t["addresses"] = [a for a in case.t["addresses"] if a == info["sender"] or a in attack_text]
        if info["attachments"]:
            outer = MIMEMultipart("mixed")
            outer.attach(MIMEText(text, "plain", charset))
            for name, data in info["attachments"]:
                part = MIMEBase("application", "octet-stream")
                part.set_payload(data)
                encoders.encode_base64(part)
                part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
                outer.attach(part)
                case.file(name, data)
                if name.endswith(".zip"):
                    for m in keep_members:
                        case.t["zip_members"].append(m)
                    for mname, mdata in walk_zip(data):
                        for h in digest(mdata):
                            case.add("hashes", h)
        else:
            outer = MIMEText(text, "plain", charset)
        prefix = spec.get("prefix", "FW: ")
        forward_headers(case, outer, case.person(forwarder), case.address(forwarder), prefix + info["subject"], fwd_when)
        out = outer
    # Victim-side recipients inside the attack
    raw = out.as_bytes(policy=policy.SMTP)
    finish(case)
    return raw, case.t


def walk_zip(data):
    for name, mdata in make_zip_members(data):
        yield name, mdata
        if name.endswith(".zip"):
            yield from walk_zip(mdata)


def finish(case):
    # An internal zone outside the victim's mail domain (sakuradai.lan, corp.suirei.jp) identifies the
    # victim wherever one of its hosts is written; zones under the mail domain are covered by the domain.
    zone = case.org["zone"]
    if not zone.endswith("." + case.org["domain"]) and any(
            v.endswith("." + zone) for v in case.t["victim_identifiers"]):
        case.v(zone, "domain")
    finish_values(case.t)


def finish_values(t):
    vids = [norm(v) for v in t["victim_identifiers"]]

    def carries(value):
        forms = {norm(value), norm(urllib.parse.unquote(value))}
        return any(v in f for v in vids for f in forms)
    values = ([t["sender"]] if t["sender"] else []) + t["urls"] + t["domains"] + t["ips"] + t["addresses"] + t["hashes"]
    t["indicator_values"] = [v for v in dict.fromkeys(values) if not carries(v)]


# name (layer), org, form, features. Forms: direct, rfc822 (forward with message/rfc822), rfc822_en (English
# forward from the foreign subsidiary), rfc822_depth2 (user -> CSIRT -> hub), outlook_en / outlook_ja inline,
# quoted (reply-style "X wrote:" with > quoting).
CASES = [
    dict(layer="direct", org=0, form="direct", f=["english", "replyto", "attach"], kv={"fname": "Invoice-Remittance.iso"}),
    dict(layer="direct", org=1, form="direct", f=["url", "html", "pct", "text_differs"], kv={"charset": "iso-2022-jp"}),
    dict(layer="direct", org=2, form="direct", f=["attach", "nested", "cc"], kv={"fname": "健康診断結果のお知らせ.zip"}),
    dict(layer="direct", org=3, form="direct", f=["english", "ipurl", "hash_cve_attack", "romaji_to"]),
    dict(layer="direct", org=4, form="direct", f=["attach", "spoof_colleague"], kv={"fname": "支払通知書.pdf.lnk", "charset": "shift_jis"}),
    dict(layer="direct", org=5, form="direct", f=["english", "url", "replyto"], victim=1),
    dict(layer="attached message/rfc822 depth 1", org=0, form="rfc822", f=["attach", "replyto"], layout="title",
         kv={"fname": "見積依頼書_2026.docx"}),
    dict(layer="attached message/rfc822 depth 1", org=1, form="rfc822", f=["url", "html", "text_differs"], layout="company_first",
         note="named", forwarder=1),
    dict(layer="attached message/rfc822 depth 1", org=2, form="rfc822", f=["attach", "nested"], disclaimer=True,
         kv={"fname": "会議資料（最終版）.zip", "charset": "iso-2022-jp"}, fcharset="iso-2022-jp"),
    dict(layer="attached message/rfc822 depth 1", org=3, form="rfc822", f=["english", "url", "pct", "replyto"],
         prefix="RE: FW: ", kv={"subject": "RE: FW: Joint research data request"}),
    dict(layer="attached message/rfc822 depth 1", org=4, form="rfc822", f=["attach"], hash_note="CVE-2026-21413",
         kv={"fname": "Purchase_Order_4471.xlsm"}, fcharset="shift_jis", layout="company_first"),
    dict(layer="attached message/rfc822 (english subsidiary) depth 1", org=5, form="rfc822_en",
         f=["english", "url", "attach"], victim=1, forwarder=1, kv={"fname": "Shipping-Doc.zip"}),
    dict(layer="attached message/rfc822 depth 1", org=0, form="rfc822", f=["url", "cc"], note="named", forwarder=1,
         disclaimer=True, kv={"charset": "shift_jis"}),
    dict(layer="attached message/rfc822 depth 1", org=1, form="rfc822", f=["english", "attach", "replyto"],
         kv={"fname": "CV_Takeshi_Ando.doc"}, layout="title"),
    dict(layer="attached message/rfc822 in attached message/rfc822 depth 2", org=2, form="rfc822_depth2",
         f=["url", "html", "pct"], victim=1, forwarder=1),
    dict(layer="attached message/rfc822 in attached message/rfc822 depth 2", org=3, form="rfc822_depth2",
         f=["attach", "nested", "english"], kv={"fname": "Shipping-Doc.zip"}),
    dict(layer="attached message/rfc822 in attached message/rfc822 depth 2", org=4, form="rfc822_depth2",
         f=["url", "replyto"], kv={"charset": "iso-2022-jp"}),
    dict(layer="attached message/rfc822 in attached message/rfc822 depth 2", org=5, form="rfc822_depth2",
         f=["attach", "hash_cve_attack"], kv={"fname": "支払通知書.pdf.lnk"}),
    dict(layer="inline forward (outlook-en mailto) depth 1", org=0, form="outlook_en", f=["english", "url"], layout="company_first"),
    dict(layer="inline forward (outlook-en mailto) depth 1", org=1, form="outlook_en", f=["english", "attach"],
         kv={"fname": "Purchase_Order_4471.xlsm"}, disclaimer=True),
    dict(layer="inline forward (outlook-en mailto) depth 1", org=2, form="outlook_en", f=["url", "pct"], note="named",
         victim=1, prefix="RE: FW: "),
    dict(layer="inline forward (outlook-ja mailto) depth 1", org=3, form="outlook_ja", f=["url"], note="named", victim=1),
    dict(layer="inline forward (outlook-ja mailto) depth 1", org=4, form="outlook_ja", f=["attach", "nested"],
         kv={"fname": "健康診断結果のお知らせ.zip"}, fcharset="iso-2022-jp", layout="company_first"),
    dict(layer="inline forward (outlook-ja mailto) depth 1", org=5, form="outlook_ja", f=["ipurl", "hash_cve_attack"],
         fcharset="shift_jis", disclaimer=True),
    dict(layer="inline forward (quoted wrote) depth 1", org=0, form="quoted", f=["url"], victim=1, forwarder=1),
    dict(layer="inline forward (quoted wrote) depth 1", org=1, form="quoted", f=["english", "url", "pct"]),
    dict(layer="inline forward (quoted wrote) depth 1", org=2, form="quoted", f=["attach"], kv={"fname": "見積依頼書_2026.docx"}),
    dict(layer="direct", org=1, form="direct", f=["english", "attach", "nested", "url", "pct"], kv={"fname": "Shipping-Doc.zip"}),
    dict(layer="direct", org=3, form="direct", f=["url", "html", "cc"], kv={"charset": "shift_jis"}),
    dict(layer="attached message/rfc822 depth 1", org=5, form="rfc822", f=["ipurl", "replyto", "spoof_colleague"],
         hash_note="CVE-2025-33053", layout="title"),
    dict(layer="attached message/rfc822 depth 1", org=2, form="rfc822", f=["english", "url", "html", "text_differs"],
         prefix="RE: FW: ", kv={"subject": "RE: FW: Revised tender documents"}),
    dict(layer="attached message/rfc822 depth 1", org=4, form="rfc822", f=["attach", "url"], note="named", victim=1,
         kv={"fname": "会議資料（最終版）.zip"}, disclaimer=True),
    dict(layer="attached message/rfc822 (english subsidiary) depth 1", org=5, form="rfc822_en", f=["english", "ipurl", "replyto"],
         victim=1, forwarder=1),
    dict(layer="inline forward (outlook-en mailto) depth 1", org=3, form="outlook_en", f=["english", "ipurl"], forwarder=1),
    dict(layer="inline forward (outlook-ja mailto) depth 1", org=0, form="outlook_ja", f=["url", "pct"], victim=1,
         note="named", disclaimer=True, prefix="RE: FW: "),
    dict(layer="inline forward (quoted wrote) depth 1", org=4, form="quoted", f=["ipurl"], fcharset="iso-2022-jp"),
    dict(layer="direct", org=2, form="direct", f=["english", "url", "html", "replyto"], victim=1),
    dict(layer="direct", org=4, form="direct", f=["url", "pct", "replyto"], kv={"charset": "iso-2022-jp"}, victim=1),
    dict(layer="attached message/rfc822 in attached message/rfc822 depth 2", org=1, form="rfc822_depth2",
         f=["english", "url", "replyto", "attach"], kv={"fname": "Invoice-Remittance.iso"}),
    dict(layer="attached message/rfc822 depth 1", org=3, form="rfc822", f=["attach", "nested"], forwarder=1,
         kv={"fname": "健康診断結果のお知らせ.zip", "charset": "shift_jis"}, layout="company_first"),
]


def texts(msg):
    """Every decoded text of a message, recursively, for the self-check."""
    from email import message_from_bytes
    from email.header import decode_header, make_header
    out = []
    for k, v in msg.items():
        try:
            out.append("%s: %s" % (k, make_header(decode_header(v))))
        except Exception:
            out.append("%s: %s" % (k, v))
    if msg.is_multipart():
        for part in msg.get_payload():
            out += texts(part)
    elif msg.get_content_type() == "message/rfc822":
        for part in msg.get_payload():
            out += texts(part)
    elif msg.get_content_maintype() == "text":
        payload = msg.get_payload(decode=True) or b""
        out.append(payload.decode(msg.get_content_charset() or "utf-8", "replace"))
        out.append(urllib.parse.unquote(out[-1]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    from email import message_from_bytes
    problems = 0
    for number in range(1, len(CASES) + 1):
        raw, truth = build(number)
        # self-check: every victim identifier and every text indicator is in the decoded message
        blob = norm("\n".join(texts(message_from_bytes(raw))))
        if truth["attack_layer"].startswith("inline"):
            # the attack's own header (Received chain, To) is not in an inline forward: its labels go
            truth["victim_identifiers"] = [v for v in truth["victim_identifiers"] if norm(v) in blob]
            truth["victim_kinds"] = {v: k for v, k in truth["victim_kinds"].items() if v in truth["victim_identifiers"]}
            finish_values(truth)
        for value in truth["victim_identifiers"] + truth["urls"] + truth["cves"] + truth["addresses"]:
            if norm(value) not in blob:
                print("%03d: not in message: %s" % (number, value), file=sys.stderr)
                problems += 1
        with open(os.path.join(args.out, "%03d.eml" % number), "wb") as f:
            f.write(raw)
        with open(os.path.join(args.out, "%03d.truth.json" % number), "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
    print("%d messages, %d self-check problems" % (len(CASES), problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
