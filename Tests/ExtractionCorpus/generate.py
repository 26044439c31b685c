#!/usr/bin/env python3
# Tests/ExtractionCorpus/generate.py
# Owns the labelled corpus for `kakehashi extract email`: realistic Japanese and English
# targeted-attack e-mails as members forward them to the hub (the .eml itself, attached in its many
# forms, forwarded inline by every common client, zipped with or without a ZipCrypto password,
# forwards of forwards), each written as NNN.eml with NNN.truth.json saying what an extractor must
# find: the attack's header fields, files, network indicators and CVEs, and every victim identifier.
#
#   python3 generate.py --out DIR [--count 320] [--seed 1] [--pool A|B]
#
# Python 3 standard library only; deterministic from --seed and --pool. Values come from pools.py
# (pool A for development, pool B for validation); the forms come from the functions below.
import argparse
import base64
import datetime as dt
import hashlib
import html
import json
import os
import random
import re
import sys
import unicodedata
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mime  # noqa: E402
from pools import (AREA_CODES, ATTACHMENT_NAMES, ATTACKER_OCTETS, ATTACKER_TLDS, ATTACKER_WORDS,  # noqa: E402
                   BENIGN_DOMAINS, CVES, DEPARTMENTS, EGRESS_NETS, FREE_DIAL, FREEMAIL, HUBS, IDN_LABELS,
                   MAILERS, MEMBER_NAMES, ORGS, PEOPLE, PERSONAS, PHRASES, POSTAL, SUBJECTS, URL_PATHS,
                   ZIP_PASSWORDS)
from zipcrypt import make_zip  # noqa: E402

JST = dt.timezone(dt.timedelta(hours=9))
UTC = dt.timezone.utc
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS_LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_JA = "月火水木金土日"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]


def utc_text(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc5322_date(moment, rng, zone_comment=True):
    day = "%d" % moment.day if rng.random() < 0.6 else "%02d" % moment.day
    offset = moment.strftime("%z")
    text = "%s, %s %s %d %s %s" % (WEEKDAYS[moment.weekday()], day, MONTHS[moment.month - 1], moment.year,
                                    moment.strftime("%H:%M:%S"), offset)
    if zone_comment and offset == "+0900" and rng.random() < 0.3:
        text += " (JST)"
    if rng.random() < 0.1:
        text = text.split(", ", 1)[1]  # no weekday
    return text


def norm(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def katakana(text):
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def hashes_of(data):
    return {"md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest()}


def defang_url(url):
    scheme, rest = url.split("://", 1)
    host, sep, tail = rest.partition("/")
    return scheme.replace("http", "hxxp") + "://" + host.replace(".", "[.]") + sep + tail


def defang_host(host):
    if host.replace(".", "").isdigit():
        head, _, last = host.rpartition(".")
        return head + "[.]" + last
    return host.replace(".", "[.]")


class Attachment:
    def __init__(self, name, data, ctype, style="plain", wrapper=None, cte="base64"):
        self.name, self.data, self.ctype, self.style, self.wrapper, self.cte = name, data, ctype, style, wrapper, cte


class Mail:
    """One message before it is written: enough to write it as MIME or to quote it inline."""

    def __init__(self):
        self.received = []
        self.return_path = None
        self.from_ = None          # (display name, address)
        self.to, self.cc = [], []
        self.reply_to = None
        self.subject = ""
        self.date = None
        self.message_id = None
        self.mailer = None
        self.extra_headers = []
        self.text = ""             # the plain-text body (always kept: inline forwards quote it)
        self.html = None
        self.html_only = False
        self.attachments = []
        self.charset = "utf-8"
        self.cte = "base64"
        self.header_style = ("utf-8", "B")
        self.broken = set()
        self.crlf = False
        self.header_vids = []


class Case:
    """The state of one generated message: its victim, its attacker and the truth as it is written."""

    def __init__(self, pool, rng, index):
        self.pool, self.rng, self.index = pool, rng, index
        (self.org_ja, self.org_en, self.domain, self.ad, self.zone, self.csirt,
         self.projects) = rng.choice(ORGS[pool])
        people = rng.sample(PEOPLE[pool], 5)
        self.recipient, self.colleague, self.forwarder, self.relay_person, self.cc_person = people
        self.locals = {}
        self.departments = rng.sample(DEPARTMENTS[pool], 3)
        self.hub_address, self.hub_name, self.hub_mx = rng.choice(HUBS[pool])
        self.lang = "ja" if rng.random() < 0.78 else "en"
        self.victim = []
        self.truth = {k: [] for k in ("urls", "domains", "ips", "addresses", "hashes", "cves")}
        self.attachments, self.zip_members = [], []
        self.benign = set()
        self.sink = None
        self.egress_ip = self.egress()
        self.private_ips = {}
        self.mx_host = rng.choice(["mx01.", "mx2.", "mail-gw.", "smtp-in1.", "mx."]) + self.domain
        self.outbound_host = rng.choice(["gw01.", "smtp-out.", "mail.", "relay1."]) + self.domain

    # -- truth bookkeeping

    def vid(self, value):
        if self.sink is not None:
            self.sink.append(value)  # a header that may not survive the next forward: decided later
            return value
        if value and value not in self.victim:
            self.victim.append(value)
        return value

    def add(self, field, value):
        if value and value not in self.truth[field]:
            self.truth[field].append(value)
        return value

    def add_url(self, url):
        self.add("urls", url)
        host = urllib.parse.urlsplit(url).hostname or ""
        if host.replace(".", "").isdigit():
            self.add("ips", host)
        else:
            self.add("domains", host.lower())
        return url

    # -- victim values

    def victim_kind(self, value):
        """What a victim identifier is (informative: the scorer reports recall and leaks per kind)."""
        if "@" in value:
            return "address"
        if "\\" in value:
            return "account"
        if re.fullmatch(r"[0-9.]+", value):
            return "ip"
        if value in (self.domain, self.zone):
            return "domain"
        if value.endswith("." + self.domain) or value.endswith("." + self.zone):
            return "host"
        if value == self.csirt:
            return "team"
        if value in self.projects:
            return "project"
        if value in [d for pair in DEPARTMENTS[self.pool] for d in pair]:
            return "department"
        if value.startswith("〒"):
            return "postal"
        if value.startswith("内線") or re.fullmatch(r"[0-9()（）+\-]+", value):
            return "phone"
        tight = norm(value)
        if norm(self.org_ja) in tight or norm(self.org_en) in tight:
            return "organisation"
        return "person"

    def private_ip(self, key):
        if key not in self.private_ips:
            r = self.rng
            kind = r.random()
            low = self.pool == "A"  # the pools use disjoint halves of each private range
            if kind < 0.45:
                ip = "10.%d.%d.%d" % (r.randrange(0, 128) if low else r.randrange(128, 256), r.randrange(0, 255),
                                      r.randrange(2, 254))
            elif kind < 0.75:
                ip = "172.%d.%d.%d" % (r.randrange(16, 24) if low else r.randrange(24, 32), r.randrange(0, 255),
                                       r.randrange(2, 254))
            else:
                ip = "192.168.%d.%d" % (r.randrange(0, 128) if low else r.randrange(128, 255), r.randrange(2, 254))
            self.private_ips[key] = ip
        return self.vid(self.private_ips[key])

    def egress(self):
        net = self.rng.choice(EGRESS_NETS[self.pool])
        r = self.rng
        if "{}" in net:
            net = net.format(r.randrange(1, 255), r.randrange(0, 255))
        return "%s.%d" % (net, r.randrange(2, 254))

    def internal_host(self, kind):
        r = self.rng
        names = {"pc": ["PC-%s-%03d" % (r.choice(["KEIRI", "SOUMU", "EIGYO", "IT", "DEV"]), r.randrange(1, 400)),
                        "NB%05d" % r.randrange(10000, 99999), "desktop-%s%02d" % (r.choice(["ac", "hr", "pm"]), r.randrange(1, 99))],
                 "server": ["fs%02d" % r.randrange(1, 20), "proxy%02d" % r.randrange(1, 9), "dc%02d" % r.randrange(1, 6),
                            "wsus01", "ap-srv%02d" % r.randrange(1, 30)],
                 "mail": ["exch%02d" % r.randrange(1, 6), "mbx%02d" % r.randrange(1, 6), "EXCH-MB%02d" % r.randrange(1, 4),
                          "mailhub%d" % r.randrange(1, 4)]}[kind]
        self.vid(self.zone)
        return self.vid("%s.%s" % (r.choice(names), self.zone))

    def local_part(self, person):
        if person not in self.locals:
            fam, giv = person[4].lower(), person[5].lower()
            self.locals[person] = self.rng.choice(["%s-%s" % (giv[0], fam), "%s.%s" % (fam, giv), "%s_%s" % (giv, fam),
                                                   fam, "%s%s" % (fam, giv[0]), "%s.%s" % (giv, fam)])
        return self.locals[person]

    def address(self, person, domain=None):
        self.vid(self.domain)
        return self.vid("%s@%s" % (self.local_part(person), domain or self.domain))

    def name(self, person, form=None):
        fam, giv, fkana, gkana, frm, grom = person
        form = form or self.rng.choice(["kanji", "kanji", "kanji_tight", "kana", "katakana", "romaji_fg", "romaji_gf",
                                        "romaji_upper"])
        text = {"kanji": "%s %s" % (fam, giv), "kanji_tight": fam + giv, "kana": "%s %s" % (fkana, gkana),
                "katakana": katakana("%s %s" % (fkana, gkana)), "romaji_fg": "%s %s" % (frm, grom),
                "romaji_gf": "%s %s" % (grom, frm), "romaji_upper": "%s %s" % (frm.upper(), grom)}[form]
        return self.vid(text)

    def org(self, lang=None):
        lang = lang or self.lang
        r = self.rng
        if lang == "ja":
            core = self.org_ja
            text = r.choice([core + "株式会社", "株式会社" + core, core + "(株)", "（株）" + core, "㈱" + core,
                             core + "㈱", core])
        else:
            core = self.org_en
            if r.random() < 0.2:
                core = core.upper()
            text = r.choice([core + " Co., Ltd.", core + " Inc.", core + " Corporation", core])
        self.vid(core)
        return self.vid(text)

    def department(self, i=0, lang=None):
        ja, en = self.departments[i]
        return self.vid(ja if (lang or self.lang) == "ja" else en)

    def phone(self):
        r = self.rng
        area = r.choice(AREA_CODES[self.pool])
        rest = 10 - len(area)
        local = "%0*d" % (rest, r.randrange(10 ** (rest - 1), 10 ** rest))
        mid, last = local[:rest - 4], local[rest - 4:]
        return r.choice(["%s-%s-%s" % (area, mid, last), "+81-%s-%s-%s" % (area[1:], mid, last),
                         "（%s）%s-%s" % (area, mid, last), "%s(%s)%s" % (area, mid, last)])

    def free_dial(self):
        r = self.rng
        return "%s-%03d-%03d" % (FREE_DIAL[self.pool], r.randrange(100, 999), r.randrange(100, 999))

    def say(self, key, lang, **values):
        """One of the pool's phrasings; a value is produced (and so labelled) only if the phrase uses it."""
        phrase = self.rng.choice(PHRASES[self.pool][key][lang])
        return phrase.format(**{k: (v() if "{%s}" % k in phrase else "") for k, v in values.items()})

    def postal(self):
        r = self.rng
        return self.vid(r.choice(POSTAL[self.pool]).format(a=r.randrange(1, 9), b=r.randrange(1, 30), c=r.randrange(1, 20)))

    def project(self, lang=None):
        return self.vid(self.projects[0] if (lang or self.lang) == "ja" else self.projects[1])

    def windows_user(self, person):
        return self.vid("%s\\%s" % (self.ad, self.local_part(person).replace(".", "-")))

    # -- attacker values

    def attacker_ip(self):
        r = self.rng
        return "%d.%d.%d.%d" % (r.choice(ATTACKER_OCTETS[self.pool]), r.randrange(1, 255), r.randrange(0, 255),
                                r.randrange(2, 254))

    def attacker_domain(self, lookalike_ok=True):
        r = self.rng
        if lookalike_ok and r.random() < 0.12:
            base = self.domain.split(".")[0]
            return r.choice([base.replace("-", "") + "." + r.choice(ATTACKER_TLDS[self.pool]),
                             base + "-jp." + r.choice(ATTACKER_TLDS[self.pool]),
                             base[:-1] + ".co",
                             base.replace("o", "0", 1) + "." + r.choice(ATTACKER_TLDS[self.pool])])
        word = r.choice(ATTACKER_WORDS[self.pool])
        if r.random() < 0.3:
            word += str(r.randrange(1, 99))
        domain = "%s.%s" % (word, r.choice(ATTACKER_TLDS[self.pool]))
        if r.random() < 0.15:
            domain = r.choice(["mail.", "www.", "cdn.", "login."]) + domain
        return domain

    def idn_domain(self):
        return "%s.%s" % (self.rng.choice(IDN_LABELS[self.pool]), self.rng.choice(ATTACKER_TLDS[self.pool]))

    def token(self, n=10):
        return "".join(self.rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(n))

    def fill(self, template):
        return template.format(n=self.rng.randrange(2, 9999), k=self.rng.randrange(2, 40), yyyy=self.rng.randrange(2022, 2027),
                               token=self.token(), org=self.org_ja, org_en=self.org_en,
                               org_en_tight=self.org_en.replace(" ", ""))


# ---------------------------------------------------------------------------------------------
# The attack e-mail


def attack_url(case, recipient):
    """One link of the attack, and whether it carries a victim identifier."""
    r = case.rng
    kind = r.random()
    path = case.fill(r.choice(URL_PATHS[case.pool]))
    scheme = r.choice(["https", "https", "http"])
    if kind < 0.12:
        host = case.attacker_ip()
        if r.random() < 0.3:
            host += ":%d" % r.choice([8080, 8443, 443])
    elif kind < 0.22:
        host = case.idn_domain()
    else:
        host = case.attacker_domain()
    url = "%s://%s%s" % (scheme, host, path)
    marker = r.random()
    if marker < 0.12:
        url += "?email=" + recipient
    elif marker < 0.2:
        url += "?id=" + base64.b64encode(recipient.encode()).decode().rstrip("=")
    elif marker < 0.27:
        url += "?u=" + urllib.parse.quote(recipient, safe="")
    elif marker < 0.4:
        url += "?ref=" + case.token(6)
    return case.add_url(url)


def attachment_for_attack(case, taken):
    r = case.rng
    kind = r.choices(["zip", "iso", "doc", "xlsm", "lnk"], [5, 2, 2, 2, 1])[0]
    for _ in range(10):
        if kind == "lnk":
            name = r.choice(MEMBER_NAMES[case.pool][:3]).split("/")[-1]
            if not name.endswith(".lnk"):
                name += ".lnk"
        else:
            name = case.fill(r.choice(ATTACHMENT_NAMES[case.pool][kind]))
        if name not in taken:
            break
    else:
        return None, None
    if case.org_ja in name:
        case.vid(case.org_ja)
    if case.org_en.replace(" ", "") in name:
        case.vid(case.org_en.replace(" ", ""))
    password = None
    if kind == "zip":
        data, password = attack_zip(case)
        ctype = r.choice(["application/zip", "application/x-zip-compressed", "application/octet-stream"])
    else:
        magic = {"iso": b"\x00" * 16 + b"\x01CD001\x01", "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                 "xlsm": b"PK\x03\x04\x14\x00\x06\x00", "lnk": b"L\x00\x00\x00\x01\x14\x02\x00"}[kind]
        data = magic + r.randbytes(r.randrange(200, 2500))
        ctype = {"iso": r.choice(["application/x-iso9660-image", "application/octet-stream"]),
                 "doc": "application/msword", "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
                 "lnk": "application/octet-stream"}[kind]
    return Attachment(name, data, ctype, style=r.choice(["rfc2231", "rfc2047-jis", "rfc2231-cont", "raw",
                                                          "rfc2047-utf8", "rfc2231-sjis"])), password


def member_bytes(case, name):
    r = case.rng
    head = b"L\x00\x00\x00" if name.endswith(".lnk") else b"MZ\x90\x00" if name.endswith((".exe", ".dll", ".scr")) \
        else b"\xd0\xcf\x11\xe0" if name.endswith((".doc", ".docm")) else b""
    if name.endswith((".txt", ".js", ".vbs", ".hta")):
        return ("var x = '%s';\r\n" % case.token(30)).encode() * r.randrange(3, 30)
    return head + r.randbytes(r.randrange(300, 3000))


def attack_zip(case):
    """An attack archive: members (CP932 or UTF-8 names), sometimes a nested zip, sometimes encrypted."""
    r = case.rng
    names = r.sample(MEMBER_NAMES[case.pool], r.randrange(1, 4))
    cp932 = r.random() < 0.4
    encrypted = r.random() < 0.18
    members = [(n, member_bytes(case, n), r.random() < 0.7) for n in names]
    # One password per mail: the body names it once for every encrypted archive attached.
    password = (getattr(case, "attack_password", None) or r.choice(ZIP_PASSWORDS[case.pool])) if encrypted else None
    if password:
        case.attack_password = password
    if not encrypted and r.random() < 0.25:
        inner_names = r.sample([n for n in MEMBER_NAMES[case.pool] if n not in names], r.randrange(1, 3))
        inner_members = [(n, member_bytes(case, n), True) for n in inner_names]
        inner = make_zip(inner_members, r, cp932_names=r.random() < 0.5)
        inner_name = r.choice(["内部資料.zip", "data.zip", "part2.zip"]) if case.pool == "A" else \
            r.choice(["添付資料.zip", "files.zip", "archive2.zip"])
        members.append((inner_name, inner, False))
        for n, d, _ in inner_members:
            case.zip_members.append({"name": n, "sha256": hashlib.sha256(d).hexdigest()})
            for h in hashes_of(d).values():
                case.add("hashes", h)
    # An encrypted archive's password is always written in the attack's body (attack_body), so its
    # members can be opened and hashed like the others.
    for n, d, _ in members:
        case.zip_members.append({"name": n, "sha256": hashlib.sha256(d).hexdigest()})
        for h in hashes_of(d).values():
            case.add("hashes", h)
    return make_zip(members, r, password=password, cp932_names=cp932), password


def received_attack(case, mail, recipient):
    """The Received chain as the attack sat in the victim's mailbox: internal relays, the victim's MX,
    the attacker's server; returns the truth hops (entry IP and public IPs below it)."""
    r = case.rng
    when = mail.date.astimezone(JST)
    t = lambda s: rfc5322_date(when + dt.timedelta(seconds=s), r, zone_comment=False)  # noqa: E731
    entry_ip = case.attacker_ip()
    sender_host = r.choice(["mail.", "smtp.", "mx.", "server1.", "vps"]) + case.attacker_domain(lookalike_ok=False)
    hops = [entry_ip]
    lines = []
    mx = case.vid(case.mx_host)
    mx_ip = case.private_ip("mx")
    mailbox = case.internal_host("mail")
    for_clause = " for <%s>" % recipient if r.random() < 0.5 else ""
    if r.random() < 0.6:
        lines.append("from %s (%s) by %s (%s) with Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.%d.%d; %s"
                     % (mailbox, case.private_ip("mailbox"), case.internal_host("mail"), case.private_ip("mailbox2"),
                        r.randrange(1000, 1500), r.randrange(1, 40), t(4)))
    lines.append("from %s (%s [%s])\n\tby %s (Postfix) with ESMTP id %s%s;\n\t%s"
                 % (mx, mx, mx_ip, mailbox, case.token(10).upper(), for_clause, t(3)))
    style = r.random()
    if style < 0.5:
        lines.append("from %s (%s [%s])\n\tby %s (Postfix) with ESMTPS id %s\n\tfor <%s>; %s"
                     % (sender_host, sender_host, entry_ip, mx, case.token(11), recipient, t(2)))
    elif style < 0.75:
        lines.append("from [%s] (port=%d helo=%s)\n\tby %s with esmtpsa (TLS1.3) (Exim 4.96)\n\t(envelope-from <%s>)\n\tid 1p%s; %s"
                     % (entry_ip, r.randrange(1024, 65000), sender_host, mx, mail.return_path or mail.from_[1],
                        case.token(14), t(2)))
    else:
        lines.append("from unknown (HELO %s) (%s)\n  by %s with SMTP; %s" % (sender_host, entry_ip, mx, t(2)))
    lower = r.random()
    if lower < 0.3:
        client_ip = case.attacker_ip()
        hops.append(client_ip)
        lines.append("from [%s] (unknown [%s])\n\tby %s (Postfix) with ESMTPSA id %s; %s"
                     % (r.choice(["192.168.0.%d" % r.randrange(2, 250), "10.0.2.15"]), client_ip, sender_host,
                        case.token(9), t(0)))
    elif lower < 0.45:
        client_ip = case.attacker_ip()
        hops.append(client_ip)
        lines.append("from User ([%s]) by %s with Microsoft SMTPSVC(10.0.14393.4169);\n\t %s"
                     % (client_ip, sender_host, t(0)))
    elif lower < 0.55:
        lines.append("from localhost (localhost [127.0.0.1])\n\tby %s (Postfix) with ESMTP id %s; %s"
                     % (sender_host, case.token(9), t(0)))
    for ip in hops:
        case.add("ips", ip)
    return lines, hops


def attack_body(case, mail, recipient_person, recipient, urls, password, contact):
    """Paragraphs of the attack; returns (text, html)."""
    r = case.rng
    ja = mail.lang == "ja"
    text, htm = [], []

    def para(s, raw_html=None):
        text.append(s)
        htm.append(raw_html if raw_html is not None else "<p>%s</p>" % ncr(case, html.escape(s)).replace("\n", "<br>"))

    if r.random() < 0.7:
        who = case.name(recipient_person, "kanji" if ja else r.choice(["romaji_fg", "romaji_gf"]))
        if ja:
            para("%s\n%s %s 様" % (case.org("ja"), case.department(0, "ja"), who))
        else:
            para("Dear %s," % who)
    para(r.choice(["いつもお世話になっております。", "突然のご連絡失礼いたします。", "平素より格別のご高配を賜り厚く御礼申し上げます。"])
         if ja else r.choice(["I hope this message finds you well.", "Please find the details below.",
                              "We are contacting you regarding your account."]))
    para(r.choice(["標記の件につきまして、資料をお送りいたします。ご確認のほどよろしくお願いいたします。",
                   "添付のファイルをご確認の上、期日までにご回答いただけますと幸いです。",
                   "下記リンクよりログインし、内容をご確認ください。",
                   "先日ご相談した件について、詳細を以下にまとめました。"])
         if ja else r.choice(["Kindly review the attached document and confirm by Friday.",
                              "Please sign in using the link below to avoid interruption.",
                              "The revised quotation is attached for your review."]))
    for url in urls:
        display = None
        if r.random() < 0.35:
            display = r.choice(["こちら", "資料を確認する", "ログイン"]) if ja else r.choice(["Click here", "View document"])
        if display:
            text.append("%s <%s>" % (display, url))
        else:
            text.append(url)
        href = html.escape(url)
        host = urllib.parse.urlsplit(url).hostname or ""
        if (case.ncr or r.random() < 0.5) and not host.isascii():
            hexadecimal = r.random() < 0.6
            href = href.replace(host, "".join(("&#x%X;" if hexadecimal else "&#%d;") % ord(c) if ord(c) > 127 else c
                                              for c in host))
        htm.append('<p><a href="%s">%s</a></p>' % (href, html.escape(display or url)))
    if password:
        para(r.choice(["解凍パスワード：%s", "パスワードは %s です。"]) % password if ja else "Password: %s" % password)
    elif r.random() < 0.1 and ja:
        para("パスワードは別途メールにてお送りいたします。")
    if r.random() < 0.12:
        site = case.add("domains", case.attacker_domain(lookalike_ok=False))
        para(("詳細は弊社サイト %s をご覧ください。" if ja else "More information is on %s.") % site)
    if contact:
        para(("ご不明な点は %s までお問い合わせください。" if ja else "For questions contact %s.") % contact)
    if r.random() < 0.08:
        h = hashes_of(r.randbytes(64))["sha256"]
        case.add("hashes", h)
        para(("ファイルの改ざん確認用 SHA256: %s" if ja else "Integrity check (SHA-256): %s") % h)
    sig = mail.from_[0] if mail.from_[0] and not mail.from_[0] in case.victim else "Support"
    para("--\n%s\nTEL: %s" % (sig, case.free_dial()))
    return "\n\n".join(text) + "\n", "<html><body>\n%s\n</body></html>\n" % "\n".join(htm)


def ncr(case, escaped):
    """Some Japanese characters as numeric character references (decimal or hex), as HTML mailers do."""
    if not case.ncr:
        return escaped
    r = case.rng
    return "".join(("&#%d;" % ord(c) if r.random() < 0.5 else "&#x%X;" % ord(c)) if ord(c) > 0x3000 and r.random() < 0.4
                   else c for c in escaped)


def message_id(case, domain, when):
    r = case.rng
    return r.choice(["<%s.%s@%s>" % (when.strftime("%Y%m%d%H%M%S"), case.token(8).upper(), domain),
                     "<%s$%s@%s>" % (case.token(12), case.token(6), domain),
                     "<000001d9%s$%s$%s@%s>" % (case.token(4).lower(), case.token(8).lower(), case.token(8).lower(), domain),
                     "<%s-%s-%s@%s>" % (case.token(8).lower(), case.token(4).lower(), case.token(12).lower(), domain)])


def build_attack(case, inline):
    """The attack e-mail. When a member will forward it inline, only what an inline forward shows is
    written into the truth (no Received chain, Reply-To, Return-Path or Message-ID survive)."""
    r = case.rng
    mail = Mail()
    persona, lang = r.choice(PERSONAS[case.pool])
    mail.lang = lang if r.random() < 0.85 else case.lang
    domain = case.attacker_domain()
    local = r.choice(["info", "support", "noreply", "admin", "sakuma.h", "office"] if case.pool == "A"
                     else ["contact", "help-desk", "no-reply", "postmaster2", "morishita.k", "desk"])
    kind = r.random()
    spoofed_internal = False
    if kind < 0.12:
        sender = "%s%d@%s" % (local.replace(".", ""), r.randrange(1, 999), r.choice(FREEMAIL))
    elif kind < 0.17:
        sender = "%s@%s" % (r.choice(["it-helpdesk", "soumu", "system-admin"]), case.domain)
        spoofed_internal = True
    else:
        sender = "%s@%s" % (local, domain)
    display = persona
    if r.random() < 0.12:
        display = case.name(case.colleague, r.choice(["kanji", "kanji_tight", "romaji_fg"]))
    elif r.random() < 0.08:
        display = None
    if spoofed_internal:  # still the attack's sender, and also an identifier of the victim
        case.vid(sender)
        case.vid(case.domain)
    case.add("addresses", sender)
    mail.from_ = (display, sender)
    mail.date = dt.datetime(2022, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=r.randrange(0, 4 * 365 * 86400))
    zone = r.choices([9, 0, -7, 8, 1], [6, 2, 1, 1, 1])[0]
    mail.date = mail.date.astimezone(dt.timezone(dt.timedelta(hours=zone)))
    mail.date_header = rfc5322_date(mail.date, r)
    subject_lang = mail.lang
    mail.subject = case.fill(r.choice(SUBJECTS[case.pool][subject_lang]))
    if case.org_ja in mail.subject:
        case.vid(case.org_ja)
    if case.org_en in mail.subject:
        case.vid(case.org_en)
    recipient = case.address(case.recipient)
    undisclosed = not inline and r.random() < 0.1
    if undisclosed:
        mail.to = []
        mail.extra_headers.append(("To", "undisclosed-recipients:;"))
    else:
        mail.to = [(case.name(case.recipient) if r.random() < 0.8 else None, recipient)]
        if r.random() < 0.15:  # the same lure to two people of the organisation
            mail.to.append((case.name(case.relay_person) if r.random() < 0.5 else None, case.address(case.relay_person)))
    if r.random() < 0.3:
        mail.cc = [(case.name(case.cc_person) if r.random() < 0.6 else None, case.address(case.cc_person))]
    if not inline and r.random() < 0.35:
        reply = "%s%d@%s" % (r.choice(["reply", "contact", "sales"] if case.pool == "A" else ["answer", "inquiry", "office"]),
                             r.randrange(1, 99),
                             r.choice(FREEMAIL + [case.attacker_domain(lookalike_ok=False)]))
        mail.reply_to = (None, case.add("addresses", reply))
    if not inline and r.random() < 0.5:
        bounce = r.choice([sender, "bounce-%s@%s" % (case.token(6).lower(), case.attacker_domain(lookalike_ok=False))])
        if bounce != sender or not spoofed_internal:
            mail.return_path = case.add("addresses", bounce)
    mail.message_id = message_id(case, domain if not spoofed_internal else case.attacker_domain(False), mail.date)
    if r.random() < 0.6:
        mail.mailer = r.choice(MAILERS[case.pool])
    case.hops = []
    if not inline:
        mail.received, case.hops = received_attack(case, mail, recipient)
    if undisclosed or (not inline and r.random() < 0.4):
        mail.extra_headers.append(("Delivered-To", recipient))

    case.ncr = r.random() < 0.5
    urls = [attack_url(case, recipient) for _ in range(r.choices([0, 1, 2, 3], [3, 5, 2, 1])[0])]
    contact = None
    if r.random() < 0.25:
        contact = case.add("addresses", "%s@%s" % (r.choice(["desk", "center", "secretariat"]),
                                                   case.attacker_domain(lookalike_ok=False)))
    n_att = r.choices([0, 1, 2], [2, 6, 1])[0] if urls else r.choices([1, 2], [5, 1])[0]
    password = None
    for _ in range(n_att):
        att, pw = attachment_for_attack(case, {a.name for a in mail.attachments})
        if att is None:
            continue
        password = password or pw
        mail.attachments.append(att)
        case.attachments.append({"name": att.name, "sha256": hashlib.sha256(att.data).hexdigest()})
        for h in hashes_of(att.data).values():
            case.add("hashes", h)
    mail.text, mail.html = attack_body(case, mail, case.recipient, recipient, urls, password, contact)
    if r.random() < 0.6:
        mail.html = None
    else:
        mail.html_only = r.random() < 0.4
    choose_encoding(case, mail)
    return mail


def choose_encoding(case, mail):
    r = case.rng
    if mail.lang == "ja" or not mail.text.isascii():
        mail.charset = r.choices(["iso-2022-jp", "shift_jis", "utf-8", "euc-jp"], [45, 20, 25, 10])[0]
    else:
        mail.charset = r.choice(["us-ascii", "utf-8"])
    if mail.charset == "iso-2022-jp":
        mail.cte = r.choice(["7bit", "7bit", "base64"])
    else:
        mail.cte = r.choice(["base64", "quoted-printable", "8bit"])
    mail.header_style = r.choice([("iso-2022-jp", "B"), ("iso-2022-jp", "B"), ("utf-8", "B"), ("utf-8", "Q"),
                                  ("shift_jis", "B"), ("utf-8", "raw")] if r.random() < 0.97 else [("utf-8", "raw")])
    if mail.header_style[1] == "raw" and r.random() < 0.7:
        mail.header_style = ("iso-2022-jp", "B")
    if r.random() < 0.05:
        mail.broken.add("missing-end")
    if r.random() < 0.05 and mail.cte == "base64":
        mail.broken.add("no-padding")
    if r.random() < 0.04 and mail.charset in ("shift_jis", "utf-8", "euc-jp"):
        mail.broken.add("wrong-charset")
    mail.crlf = r.random() < 0.5


# ---------------------------------------------------------------------------------------------
# Writing a Mail as MIME


def boundary(case):
    r = case.rng
    return r.choice(["----=_NextPart_000_%s" % case.token(12), "=_%s" % case.token(20),
                     "------------%s" % "".join(r.choice("0123456789ABCDEF") for _ in range(24)),
                     "000000000000%s" % case.token(16).lower()])


def text_part(case, mail, text, subtype):
    label, data = mime.encode_text(text, mail.charset)
    declared = label
    if "wrong-charset" in mail.broken:
        declared = r_choice(case, ["iso-8859-1", "us-ascii"])
    cte = mail.cte
    if cte == "7bit" and not data.isascii():
        cte = "base64"
    headers = ["Content-Type: text/%s; charset=%s" % (subtype, declared if case.rng.random() < 0.5 else '"%s"' % declared),
               "Content-Transfer-Encoding: %s" % cte]
    return headers, mime.transfer_encode(data, cte, strip_padding="no-padding" in mail.broken)


def r_choice(case, values):
    return case.rng.choice(values)


def body_parts(case, mail):
    """The text (and HTML) of a message as one MIME entity: (headers, body)."""
    if mail.html is None:
        return text_part(case, mail, mail.text, "plain")
    if mail.html_only:
        return text_part(case, mail, mail.html, "html")
    b = boundary(case)
    parts = [mime.part(*text_part(case, mail, mail.text, "plain")), mime.part(*text_part(case, mail, mail.html, "html"))]
    return ['Content-Type: multipart/alternative;\n\tboundary="%s"' % b], mime.multipart("alternative", b, parts, preamble=False)


def attachment_part(case, att):
    r = case.rng
    if att.wrapper == "rfc822":
        headers = ["Content-Type: message/rfc822"]
        if att.name:
            headers[0] += ";\n\tname=\"%s\"" % att.name if att.name.isascii() else ""
            headers.append("Content-Disposition: attachment;\n\t" + mime.filename_params(att.name, att.style))
        if att.cte == "base64":
            headers.append("Content-Transfer-Encoding: base64")
            return mime.part(headers, mime.b64_lines(att.data))
        headers.append("Content-Transfer-Encoding: %s" % ("7bit" if att.data.isascii() else "8bit"))
        data = att.data.replace(b"\r\n", b"\n")
        return mime.part(headers, data if data.endswith(b"\n") else data + b"\n")
    headers = []
    if att.ctype:
        ct = "Content-Type: %s" % att.ctype
        if r.random() < 0.7:
            ct += ";\n\t" + mime.filename_params(att.name, att.style if att.style != "rfc2231-cont" else "rfc2231", "name")
        headers.append(ct)
    headers.append("Content-Transfer-Encoding: base64")
    headers.append("Content-Disposition: attachment;\n\t" + mime.filename_params(att.name, att.style))
    return mime.part(headers, mime.b64_lines(att.data))


def render(case, mail):
    """The message as bytes (line endings as mail.crlf says)."""
    style = mail.header_style
    lines = ["Received: " + line for line in mail.received]
    if mail.return_path:
        lines.append("Return-Path: <%s>" % mail.return_path)
    for name, value in mail.extra_headers:
        if name == "Delivered-To":
            lines.append("Delivered-To: %s" % value)
    lines.append("From: " + mime.mailbox(mail.from_[0], mail.from_[1], style))
    if mail.to:
        lines.append("To: " + ",\n\t".join(mime.mailbox(n, a, style) for n, a in mail.to))
    for name, value in mail.extra_headers:
        if name == "To":
            lines.append("To: " + value)
    if mail.cc:
        lines.append("Cc: " + ",\n\t".join(mime.mailbox(n, a, style) for n, a in mail.cc))
    lines.append("Subject: " + mime.header_text(mail.subject, style))
    lines.append("Date: " + mail.date_header)
    if mail.message_id:
        lines.append("Message-ID: " + mail.message_id)
    if mail.reply_to:
        lines.append("Reply-To: " + mime.mailbox(mail.reply_to[0], mail.reply_to[1], style))
    if mail.mailer:
        lines.append("X-Mailer: " + mail.mailer)
    lines.append("MIME-Version: 1.0")
    headers, body = body_parts(case, mail)
    if mail.attachments:
        b = boundary(case)
        parts = [mime.part(headers, body)] + [attachment_part(case, a) for a in mail.attachments]
        headers = ['Content-Type: multipart/mixed;\n\tboundary="%s"' % b]
        body = mime.multipart("mixed", b, parts, missing_end="missing-end" in mail.broken)
    data = ("\n".join(lines + headers) + "\n\n").encode("utf-8") + body
    return mime.finalize(data, mail.crlf)


# ---------------------------------------------------------------------------------------------
# The victim's side: forwards


def signature(case, person, lang):
    r = case.rng
    if r.random() < 0.35:
        return signature_name_first(case, person, lang)
    lines = ["--" if r.random() < 0.5 else "━━━━━━━━━━━━━━━━━━"]
    org = case.org(lang)
    dept = case.department(r.randrange(0, 3), lang)
    team = case.vid(case.csirt) if person is case.forwarder and r.random() < 0.6 else None
    lines.append(" ".join(x for x in [org, dept, team] if x))
    if lang == "ja":
        lines.append("%s%s" % (case.name(person, r.choice(["kanji", "kanji_tight"])),
                               " (%s)" % case.name(person, r.choice(["romaji_fg", "romaji_gf", "kana"]))
                               if r.random() < 0.5 else ""))
        tel = case.vid(case.phone())
        ext = " " + case.vid("内線 %d" % (r.randrange(1000, 5500) if case.pool == "A" else r.randrange(5500, 10000))) if r.random() < 0.4 else ""
        lines.append("TEL: %s%s" % (tel, ext))
        if r.random() < 0.5:
            lines.append("FAX: %s" % case.vid(case.phone()))
        if r.random() < 0.12:
            lines.append("お客様相談窓口: %s" % case.vid(case.free_dial()))
    else:
        lines.append(case.name(person, r.choice(["romaji_fg", "romaji_gf", "romaji_upper"])))
        lines.append("Tel: %s" % case.vid(case.phone()))
    lines.append("E-mail: %s" % case.address(person))
    return "\n".join(lines)


def signature_name_first(case, person, lang):
    """The other common layout: the name first, then organisation, department, office address."""
    r = case.rng
    ja = lang == "ja"
    rule = r.choice(["-- ", "＿＿＿＿＿＿＿＿＿＿＿＿", "=================================="])
    lines = [rule, case.name(person, r.choice(["kanji", "kana", "katakana"]) if ja else r.choice(["romaji_gf", "romaji_fg"]))]
    if ja and r.random() < 0.5:
        lines[1] += " / " + case.name(person, r.choice(["romaji_upper", "romaji_gf"]))
    lines.append(case.org(lang))
    lines.append(case.department(r.randrange(0, 3), lang) + (" " + case.vid(case.csirt) if r.random() < 0.4 else ""))
    if r.random() < 0.6:
        lines.append(case.postal())
    phone = case.vid(case.phone())
    lines.append(("Tel %s" if r.random() < 0.5 else "電話：%s" if ja else "Phone: %s") % phone)
    if r.random() < 0.3:
        lines.append(("Fax %s" if not ja else "ＦＡＸ：%s") % case.vid(case.phone()))
    lines.append(("Mail: %s" if r.random() < 0.5 else "mailto:%s") % case.address(person))
    lines.append(rule)
    return "\n".join(lines)


def forward_notes(case, lang, attack):
    """What the forwarder writes about the attack: victim details and pasted indicators."""
    r = case.rng
    notes = []
    ja = lang == "ja"
    defang = r.random() < 0.5
    if r.random() < 0.5:
        host = case.internal_host(r.choice(["pc", "server"]))
        ip = case.private_ip("host")
        notes.append(r.choice(["%s (%s) で添付ファイルが開封されました。端末は隔離済みです。" % (host, ip),
                               "%s で検知、%s からの不審な通信を確認しています。" % (host, ip)])
                     if ja else "The attachment was opened on %s (%s); the host has been isolated." % (host, ip))
    if r.random() < 0.25:
        user = case.windows_user(case.recipient)
        notes.append(("%s のアカウントで実行されていました。" if ja else "It ran under the account %s.") % user)
    if r.random() < 0.3:
        proj = case.project(lang)
        notes.append(("%s に関する内容を装っています。" if ja else "The lure refers to %s.") % proj)
    if r.random() < 0.3:
        ip = case.add("ips", case.attacker_ip())
        shown = defang_host(ip) if defang else ip
        notes.append(("通信先 %s への通信をプロキシで遮断しました。" if ja else "Connections to %s were blocked at the proxy.") % shown)
    if r.random() < 0.25:
        url = "%s://%s%s" % (r.choice(["http", "https"]), case.attacker_domain(), case.fill(r.choice(URL_PATHS[case.pool])))
        case.add_url(url)
        notes.append(("ダウンロード先: %s" if ja else "Download URL: %s") % (defang_url(url) if defang else url))
    if r.random() < 0.2:
        dom = case.add("domains", case.attacker_domain(lookalike_ok=False))
        notes.append(("C2: %s" if r.random() < 0.5 else "C2 ドメイン：%s") % (defang_host(dom) if defang else dom))
    if r.random() < 0.3 and case.attachments:
        att = r.choice(case.attachments)  # its hashes are in the truth already
        notes.append("%s (%s): %s" % (r.choice(["SHA256", "SHA-256", "sha256"]), att["name"], att["sha256"]))
    if r.random() < 0.15:
        h = hashes_of(r.randbytes(100))
        kind = r.choice(["md5", "sha1", "sha256"])
        case.add("hashes", h[kind])
        notes.append(("サンドボックスで生成されたファイル %s: %s" if ja else "Dropped file %s: %s") % (kind.upper(), h[kind]))
    if r.random() < 0.2:
        cve = case.add("cves", r.choice(CVES[case.pool]))
        notes.append(("%s の悪用の可能性があります。" if ja else "It may exploit %s.") % (cve if r.random() < 0.8 else cve.lower()))
    return [n for n in notes if n], defang


def forward_text(case, person, to_hub, lang, attack, extra=None):
    r = case.rng
    ja = lang == "ja"
    lines = []
    if to_hub:
        lines.append(case.say("hub_greeting", lang, hub=lambda: case.hub_name))
        lines.append("")
        lines.append(case.say("intro", lang, org=lambda: case.org(lang),
                              name=lambda: case.name(person, "kanji" if ja else "romaji_gf")).replace("..", "."))
        lines.append(case.say("report", lang, dept=lambda: case.department(0, lang)))
        if r.random() < 0.4:
            lines.append(case.say("recipient", lang, addr=lambda: case.address(case.recipient)))
    else:
        lines.append(case.say("inner_greeting", lang, csirt=lambda: case.vid(case.csirt)))
        lines.append("")
        lines.append(case.say("inner_report", lang))
    notes, defang = forward_notes(case, lang, attack) if to_hub or r.random() < 0.3 else ([], False)
    lines += ["・" + n if ja else "- " + n for n in notes]
    if extra:
        lines += [""] + extra
    lines.append("")
    lines.append(signature(case, person, lang))
    return "\n".join(lines) + "\n", defang


PASSWORD_FORMS = [
    ("ja", "パスワード：{pw}"), ("en", "password: {pw}"), ("ja", "PW:{pw}"), ("ja", "解凍パスワードは以下の通りです。\n\n{pw}"),
    ("ja", "ZIPのパスワード → {pw}"), ("en", "The zip is protected, password:\n{pw}"),
]


def wrap_zip(case, inner_bytes, inner_mail, person, lang, encrypted):
    r = case.rng
    name = r.choice(["不審メール.eml", "suspicious.eml", "%s.eml" % case.token(6), "検体.eml", "phish.eml"])
    pw = None
    extra = []
    if encrypted:
        if r.random() < 0.35:
            pw = "infected"
            if r.random() < 0.7:
                extra.append(r.choice(["パスワードは infected です。", "PW: infected", "zip password: infected (as usual)"]))
        else:
            pw = r.choice(ZIP_PASSWORDS[case.pool]) + case.token(2)
            form = r.choice([f for l, f in PASSWORD_FORMS if l == lang] or [PASSWORD_FORMS[0][1]])
            extra.append(form.format(pw=pw))
    data = make_zip([(name, inner_bytes, r.random() < 0.8)], r, password=pw, cp932_names=r.random() < 0.4)
    zname = r.choice(["検体.zip", "suspicious_mail.zip", "report_%s.zip" % case.token(4), "不審メール.zip"])
    text, defang = forward_text(case, person, True, lang, inner_mail, extra)
    att = Attachment(zname, data, r.choice(["application/zip", "application/x-zip-compressed"]),
                     style=r.choice(["rfc2231", "rfc2047-jis"]))
    return text, [att], defang


def attach_eml(case, inner_bytes, kind):
    r = case.rng
    subject_name = r.random() < 0.5
    if kind == "msg":
        name = r.choice(["不審メール.msg", "suspicious.msg", "FW_%s.msg" % case.token(5)])
        return Attachment(name, inner_bytes, "application/vnd.ms-outlook", style=r.choice(["rfc2231", "rfc2047-jis"]))
    name = r.choice(["不審メール.eml", "suspicious.eml", "original.eml", "%s.eml" % case.token(8), "転送メール.eml"])
    style = r.choice(["rfc2231", "rfc2047-jis", "rfc2231-cont", "raw"])
    if kind == "rfc822":
        att = Attachment(name if not subject_name or r.random() < 0.5 else None, inner_bytes, "message/rfc822",
                         style=style, wrapper="rfc822", cte="base64" if r.random() < 0.1 else "7bit")
        return att
    ctype = {"octet": "application/octet-stream", "x-message": "application/x-message", "none": None}[kind]
    return Attachment(name, inner_bytes, ctype, style=style)


def inline_block(case, inner, style):
    """The header block a client writes above a forwarded message; returns (lines, date shown as UTC)."""
    lines, shown = inline_block_lines(case, inner, style)
    if inner.cc and not any(l.lower().startswith("cc:") for l in lines):
        cc = ", ".join("%s <%s>" % (n, a) if n else a for n, a in inner.cc)
        at = next(i for i, l in enumerate(lines) if l.startswith(("To:", "宛先:")))
        lines.insert(at + 1, ("CC: \t%s" if style.startswith("tb") else "Cc: %s") % cc)
    return lines, shown


def inline_block_lines(case, inner, style):
    r = case.rng
    local = inner.date.astimezone(JST)
    frm_name, frm_addr = inner.from_

    def who(name, addr, mailto=False):
        if mailto:
            return "%s [mailto:%s]" % (name or addr, addr)
        return "%s <%s>" % (name, addr) if name else addr

    to = "; ".join(who(n, a) for n, a in inner.to) or "undisclosed-recipients:;"
    cc = "; ".join(who(n, a) for n, a in inner.cc)
    twelve = "%d:%02d %s" % ((local.hour % 12) or 12, local.minute, "AM" if local.hour < 12 else "PM")
    minute_utc = utc_text(local.replace(second=0))
    full = rfc5322_date(inner.date, r, zone_comment=False)
    if style == "outlook-en":
        head = r.choice(["-----Original Message-----", "________________________________"])
        lines = [head, "From: %s" % who(frm_name, frm_addr, mailto=r.random() < 0.4),
                 "Sent: %s, %s %d, %d %s" % (WEEKDAYS_LONG[local.weekday()], MONTHS_LONG[local.month - 1], local.day,
                                             local.year, twelve),
                 "To: %s" % to] + (["Cc: %s" % cc] if cc else []) + ["Subject: %s" % inner.subject]
        return lines, minute_utc
    if style == "outlook-ja":
        lines = [r.choice(["-----Original Message-----", "-----元のメッセージ-----", "________________________________"]),
                 "差出人: %s" % who(frm_name, frm_addr),
                 "送信日時: %d年%d月%d日%s %d:%02d" % (local.year, local.month, local.day,
                                                 r.choice(["", " %s曜日" % WEEKDAYS_JA[local.weekday()],
                                                           "(%s)" % WEEKDAYS_JA[local.weekday()]]),
                                                 local.hour, local.minute),
                 "宛先: %s" % to] + (["CC: %s" % cc] if cc else []) + ["件名: %s" % inner.subject]
        return lines, minute_utc
    if style == "tenso":
        lines = ["----- 転送メッセージ -----", "From: %s" % who(frm_name, frm_addr), "To: %s" % to,
                 "Date: %d/%02d/%02d %d:%02d" % (local.year, local.month, local.day, local.hour, local.minute),
                 "Subject: %s" % inner.subject]
        return lines, minute_utc
    if style == "original":
        lines = ["-------- Original Message --------", "Subject: %s" % inner.subject, "Date: %s" % full,
                 "From: %s" % who(frm_name, frm_addr), "To: %s" % to]
        return lines, utc_text(inner.date)
    if style == "tb-en":
        lines = ["-------- Forwarded Message --------", "Subject: \t%s" % inner.subject, "Date: \t%s" % full,
                 "From: \t%s" % who(frm_name, frm_addr), "To: \t%s" % to]
        return lines, utc_text(inner.date)
    if style == "tb-ja":
        lines = ["-------- 転送メッセージ --------", "件名: \t%s" % inner.subject, "日付: \t%s" % full,
                 "差出人: \t%s" % who(frm_name, frm_addr), "宛先: \t%s" % to]
        return lines, utc_text(inner.date)
    if style == "gmail-en":
        lines = ["---------- Forwarded message ---------", "From: %s" % who(frm_name, frm_addr),
                 "Date: %s, %s %d, %d at %s" % (WEEKDAYS[local.weekday()], MONTHS[local.month - 1], local.day, local.year,
                                                twelve),
                 "Subject: %s" % inner.subject, "To: %s" % to]
        return lines, minute_utc
    if style == "apple-en":
        lines = ["Begin forwarded message:", "", "From: %s" % who(frm_name, frm_addr), "Subject: %s" % inner.subject,
                 "Date: %s %d, %d at %d:%02d:%02d JST" % (MONTHS_LONG[local.month - 1], local.day, local.year, local.hour,
                                                           local.minute, local.second),
                 "To: %s" % to]
        return lines, utc_text(local)
    if style == "apple-ja":
        lines = ["転送されたメッセージ:", "", "差出人: %s" % who(frm_name, frm_addr), "件名: %s" % inner.subject,
                 "日付: %d年%d月%d日 %d:%02d:%02d JST" % (local.year, local.month, local.day, local.hour, local.minute,
                                                      local.second),
                 "宛先: %s" % to]
        return lines, utc_text(local)
    # gmail-ja
    lines = ["---------- Forwarded message ---------", "From: %s" % who(frm_name, frm_addr),
             "Date: %d年%d月%d日(%s) %d:%02d" % (local.year, local.month, local.day, WEEKDAYS_JA[local.weekday()],
                                               local.hour, local.minute),
             "Subject: %s" % inner.subject, "To: %s" % to]
    return lines, minute_utc


INLINE_STYLES = ["outlook-en", "outlook-ja", "tenso", "original", "tb-en", "tb-ja", "gmail-en", "gmail-ja", "apple-en",
                 "apple-ja"]


def victim_message(case, person, to, subject_prefix, inner, lang, to_hub, depth):
    """A message written on the victim's side (a forward), headers only; the caller fills the body."""
    r = case.rng
    mail = Mail()
    mail.lang = lang
    if to_hub and r.random() < 0.2:
        mail.from_ = (case.vid(case.csirt), case.vid("%s@%s" % (r.choice(["csirt", "soc", "security"]), case.domain)))
        case.vid(case.domain)
    else:
        mail.from_ = (case.name(person) if r.random() < 0.85 else None, case.address(person))
    mail.to = [to]
    if to_hub and r.random() < 0.3:
        mail.cc = [(case.name(case.cc_person), case.address(case.cc_person))]
    mail.subject = subject_prefix + inner.subject
    mail.date = inner.date + dt.timedelta(minutes=r.randrange(5, 60 * 30) * depth)
    mail.date = mail.date.astimezone(JST)
    mail.date_header = rfc5322_date(mail.date, r)
    mail.message_id = "<%s@%s>" % (case.token(16), case.vid(case.domain))
    mail.mailer = r.choice(MAILERS[case.pool]) if r.random() < 0.5 else None
    when = mail.date
    case.sink = mail.header_vids = []
    inner_host = case.internal_host("pc")
    inner_ip = case.private_ip("client%d" % depth)
    received = []
    if to_hub:
        egress = case.vid(case.egress_ip)
        out_host = case.vid(case.outbound_host)
        received.append("from %s (%s [%s])\n\tby %s (Postfix) with ESMTPS id %s\n\tfor <%s>; %s"
                        % (out_host, out_host, egress, case.hub_mx, case.token(10), case.hub_address,
                           rfc5322_date(when + dt.timedelta(seconds=3), r, False)))
        received.append("from %s (%s) by %s (%s) with Microsoft SMTP Server id 15.2.%d.%d; %s"
                        % (case.internal_host("mail"), case.private_ip("fwd-mbx"), out_host, case.private_ip("out"),
                           r.randrange(1000, 1500), r.randrange(1, 40), rfc5322_date(when + dt.timedelta(seconds=2), r, False)))
    received.append("from %s ([%s]) by %s with ESMTPSA; %s"
                    % (inner_host, inner_ip, case.internal_host("mail"), rfc5322_date(when + dt.timedelta(seconds=1), r, False)))
    mail.received = received
    case.sink = None
    choose_encoding(case, mail)
    mail.broken.discard("wrong-charset")
    return mail


def prefix(case, lang):
    return case.rng.choice(["FW: ", "Fw: ", "Fwd: ", "転送: ", "【不審メール報告】", "[要確認] FW: "] if lang == "ja"
                           else ["FW: ", "Fwd: ", "[Phishing report] ", "Suspicious: "])


def wrap(case, inner, inner_bytes, kind, depth, to_hub):
    """One forward around `inner` (the attack or an earlier forward). Returns the new Mail."""
    r = case.rng
    lang = case.lang if r.random() < 0.85 else ("en" if case.lang == "ja" else "ja")
    if to_hub:
        person, to = case.forwarder, (case.hub_name if r.random() < 0.8 else None, case.hub_address)
    elif depth == 1:
        person = case.recipient
        to = (case.vid(case.csirt) if r.random() < 0.5 else None,
              case.vid("%s@%s" % (r.choice(["csirt", "security", "it-support"]), case.domain)))
    else:
        person = case.relay_person
        to = (case.name(case.forwarder), case.address(case.forwarder))
    mail = victim_message(case, person, to, prefix(case, lang), inner, lang, to_hub, depth)
    if kind.startswith("inline"):
        style = kind.split(":")[1]
        quoted = kind.endswith(":quoted")
        block, shown_date = inline_block(case, inner, style)
        if depth == 1:
            case.inline_date = shown_date
        body = inner.text
        text, defang = forward_text(case, person, to_hub, lang, inner)
        if (defang or r.random() < 0.2) and depth == 1:
            for url in sorted(case.truth["urls"], key=len, reverse=True):
                body = body.replace(url, defang_url(url))
        quoted_lines = block + [""] + body.rstrip("\n").split("\n")
        if quoted:
            quoted_lines = ["> " + l if l else ">" for l in quoted_lines]
        mail.text = text + "\n" + "\n".join(quoted_lines) + "\n"
        mail.attachments = inner.attachments  # the forward carries the forwarded message's files
        if r.random() < 0.15:
            mail.html = "<html><body><div>%s</div></body></html>\n" % html.escape(mail.text).replace("\n", "<br>\n")
            mail.html_only = r.random() < 0.5
        return mail
    if kind in ("zip", "zip-enc"):
        mail.text, mail.attachments, _ = wrap_zip(case, inner_bytes, inner, person, lang, kind == "zip-enc")
        return mail
    mail.text, _ = forward_text(case, person, to_hub, lang, inner)
    mail.attachments = [attach_eml(case, inner_bytes, kind)]
    return mail


ATTACH_KINDS = ["rfc822", "rfc822", "rfc822", "rfc822", "octet", "x-message", "none", "msg"]


def choose_layers(rng):
    def inline():
        kind = "inline:" + rng.choice(INLINE_STYLES)
        return kind + (":quoted" if rng.random() < 0.15 else "")

    p = rng.random()
    if p < 0.14:
        return []
    if p < 0.42:
        return [rng.choice(ATTACH_KINDS)]
    if p < 0.70:
        return [inline()]
    if p < 0.82:
        return [rng.choice(["zip", "zip-enc", "zip-enc"])]
    depth = rng.choice([2, 2, 3])
    layers = []
    for i in range(depth):
        outer = i == depth - 1
        choice = rng.random()
        if choice < 0.45:
            layers.append(inline())
        elif choice < 0.85 or not outer:
            layers.append(rng.choice(ATTACH_KINDS[:6]))
        else:
            layers.append(rng.choice(["zip", "zip-enc"]))
    return layers


def layer_name(layers):
    if not layers:
        return "direct"
    names = []
    for kind in layers:
        if kind.startswith("inline"):
            names.append("inline forward (%s)" % kind.split(":", 1)[1])
        elif kind.startswith("zip"):
            names.append("zip" + (" encrypted" if kind == "zip-enc" else ""))
        else:
            names.append({"rfc822": "attached message/rfc822", "octet": "attached octet-stream .eml",
                          "x-message": "attached application/x-message", "none": "attached .eml without type",
                          "msg": "attached .msg wrapper"}[kind])
    return "%s depth %d" % (" in ".join(names), len(layers))


def make_message(pool, seed, index):
    rng = random.Random("%s-%s-%d" % (seed, pool, index))
    case = Case(pool, rng, index)
    layers = choose_layers(rng)
    case.inline_date = None
    attack = build_attack(case, inline=bool(layers) and layers[0].startswith("inline"))
    current, current_bytes = attack, render(case, attack)
    for depth, kind in enumerate(layers, start=1):
        current = wrap(case, current, current_bytes, kind, depth, to_hub=depth == len(layers))
        current_bytes = render(case, current)
        # A forward's Received chain is in the corpus only when the next layer keeps its headers.
        if depth == len(layers) or not layers[depth].startswith("inline"):
            for value in current.header_vids:
                case.vid(value)
    return current_bytes, truth(case, attack, layers)


def truth(case, attack, layers):
    inline_attack = bool(layers) and layers[0].startswith("inline")
    victims = [v for v in case.victim if v]
    normalised = [norm(v) for v in victims]

    def carries_victim(value):
        # Compared as the scorer compares (NFKC, casefold, no whitespace): a look-alike domain such
        # as asagigas.top carries "Asagi Gas".
        low = norm(value)
        return any(v in low for v in normalised if len(v) >= 3) or norm(urllib.parse.unquote(value)) in normalised
    recipient = "%s@%s" % (case.local_part(case.recipient), case.domain)
    b64 = base64.b64encode(recipient.encode()).decode().rstrip("=")

    def indicator_ok(value):
        return not carries_victim(value) and b64 not in value and urllib.parse.quote(recipient, safe="") not in value

    t = case.truth
    present_benign = sorted({a.split("@")[1] for a in t["addresses"] if a.split("@")[1] in BENIGN_DOMAINS})
    indicator_values = []
    for field in ("urls", "domains", "ips", "addresses", "hashes"):
        indicator_values += [v for v in t[field] if indicator_ok(v)]
    if indicator_ok(attack.from_[1]) and attack.from_[1] not in indicator_values:
        indicator_values.insert(0, attack.from_[1])
    return {
        "attack_layer": layer_name(layers),
        "sender": attack.from_[1],
        "subject": attack.subject,
        "date": case.inline_date if inline_attack else utc_text(attack.date),
        "message_id": None if inline_attack else attack.message_id,
        "hops": [] if inline_attack else case.hops,
        "attachments": case.attachments,
        "zip_members": case.zip_members,
        "urls": t["urls"],
        "domains": t["domains"],
        "ips": t["ips"],
        "addresses": t["addresses"],
        "hashes": t["hashes"],
        "cves": t["cves"],
        "victim_identifiers": victims,
        "victim_kinds": {v: case.victim_kind(v) for v in victims},
        "indicator_values": indicator_values,
        "benign": present_benign,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--pool", choices=["A", "B"], default="A")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for i in range(1, args.count + 1):
        data, label = make_message(args.pool, args.seed, i)
        with open(os.path.join(args.out, "%03d.eml" % i), "wb") as f:
            f.write(data)
        with open(os.path.join(args.out, "%03d.truth.json" % i), "w", encoding="utf-8") as f:
            json.dump(label, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
