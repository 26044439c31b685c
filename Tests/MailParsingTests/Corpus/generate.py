#!/usr/bin/env python3
"""Generates the MailParsing test corpus (*.eml) and expectations.json.

Deterministic: fixed dates, boundaries and a seeded random generator, so re-running it gives the
same files. Expected values (SHA-256 of attachments and zip members, sizes, names) are computed
here independently of the Swift parser.

    python3 generate.py        # writes next to this script
"""
import base64
import hashlib
import json
import os
import quopri
import random
import struct
import zlib
from email.header import Header

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECT = {}
RNG = random.Random(20240601)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def b64(data, width=76):
    text = base64.b64encode(data).decode()
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def ew(text, charset, enc="B"):
    """One RFC 2047 encoded word (whole text)."""
    raw = text.encode(charset)
    if enc == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())
    q = "".join(chr(c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else "=%02X" % c for c in raw)
    return "=?%s?Q?%s?=" % (charset, q)


def jis(text):
    """ISO-2022-JP including NEC row 13 (via EUC-JIS-2004 code points), as Outlook/Becky write it."""
    out = bytearray()
    mode = "ascii"
    for ch in text:
        if ord(ch) < 0x80:
            if mode != "ascii":
                out += b"\x1b(B"
                mode = "ascii"
            out += ch.encode()
        else:
            e = ch.encode("euc_jis_2004")
            assert len(e) == 2, ch
            if mode != "kanji":
                out += b"\x1b$B"
                mode = "kanji"
            out += bytes([e[0] & 0x7F, e[1] & 0x7F])
    if mode != "ascii":
        out += b"\x1b(B"
    return bytes(out)


def jis_word(text):
    return "=?ISO-2022-JP?B?%s?=" % base64.b64encode(jis(text)).decode()


def make_zip(entries):
    """A zip from (name_bytes, data, utf8_flag, encrypted_flag, deflate) tuples."""
    local = bytearray()
    central = bytearray()
    for name, data, utf8, encrypted, deflate in entries:
        crc = zlib.crc32(data) & 0xFFFFFFFF
        if deflate:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
            method = 8
        else:
            payload = data
            method = 0
        if encrypted:
            payload = bytes(RNG.randrange(256) for _ in range(12)) + payload
        flags = (0x800 if utf8 else 0) | (1 if encrypted else 0)
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x5821, crc, len(payload), len(data), len(name), 0)
        local += name + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x5821, crc, len(payload),
                               len(data), len(name), 0, 0, 0, 0, 0, offset)
        central += name
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return bytes(local + central + eocd)


def fake_exe(size):
    return b"MZ\x90\x00" + bytes(RNG.randrange(256) for _ in range(size - 4))


def write(name, data, expect):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    EXPECT[name] = expect


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


# ---------------------------------------------------------------------------------------------
# 01 ISO-2022-JP ministry lure with a zip and a Received chain.
exe = fake_exe(4096)
lnk = b"L\x00\x00\x00" + bytes(RNG.randrange(256) for _ in range(1020))
zip01 = make_zip([("対策資料/新型ウイルス対策.exe".encode(), exe, True, False, True),
                  (b"readme.txt", b"Please run the tool.\n" * 20, False, False, True)])
body01 = "関係者各位\n\n厚生労働省健康局です。\n【至急】新型ウイルス対策について、添付資料をご確認ください。\n詳細: hxxp://mhlw-go[.]example[.]com/covid/info.php?id=3\n"
mail01 = b"".join([
    b"Return-Path: <kenkou@mhlw-go.example.com>\n",
    b"Received: from mx01.denryoku-a.example.jp (mx01.denryoku-a.example.jp [10.20.0.5])\n\tby mbox.denryoku-a.example.jp (Postfix) with ESMTP id 4AB12\n\tfor <tanaka@denryoku-a.example.jp>; Mon, 1 Jun 2020 10:00:05 +0900 (JST)\n",
    b"Received: from mail.mhlw-go.example.com (unknown [203.0.113.45])\n\tby mx01.denryoku-a.example.jp (Postfix) with ESMTP id 99F1;\n\tMon, 1 Jun 2020 10:00:03 +0900 (JST)\n",
    b"Received: from [192.168.1.23] (unknown [192.168.1.23])\n\tby mail.mhlw-go.example.com (Postfix) with ESMTPSA id 11A;\n\tMon, 1 Jun 2020 01:00:01 +0000\n",
    b"From: " + jis_word("厚生労働省 健康局").encode() + b" <kenkou@mhlw-go.example.com>\n",
    b"To: " + jis_word("田中 太郎").encode() + b" <tanaka@denryoku-a.example.jp>\n",
    b"Subject: " + jis_word("【至急】新型ウイルス対策について").encode() + b"\n",
    b"Date: Mon, 1 Jun 2020 10:00:00 +0900\n",
    b"Message-ID: <20200601100000.1234@mhlw-go.example.com>\n",
    b"X-Mailer: Microsoft Outlook 16.0\n",
    b"MIME-Version: 1.0\n",
    b"Content-Type: multipart/mixed; boundary=\"----=_Part_01\"\n\n",
    b"------=_Part_01\nContent-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n",
    jis(body01), b"\n",
    b"------=_Part_01\nContent-Type: application/zip; name=\"" + jis_word("対策資料.zip").encode() + b"\"\n",
    b"Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"" + jis_word("対策資料.zip").encode() + b"\"\n\n",
    b64(zip01).encode(), b"\n------=_Part_01--\n",
])
write("01_iso2022jp_ministry.eml", mail01, {
    "subject": "【至急】新型ウイルス対策について",
    "from": {"address": "kenkou@mhlw-go.example.com", "displayName": "厚生労働省 健康局"},
    "to": [{"address": "tanaka@denryoku-a.example.jp", "displayName": "田中 太郎"}],
    "mailer": "Microsoft Outlook 16.0",
    "messageID": "<20200601100000.1234@mhlw-go.example.com>",
    "received": 3,
    "firstExternalIP": "203.0.113.45",
    "textContains": ["厚生労働省健康局です", "添付資料をご確認ください"],
    "links": ["http://mhlw-go.example.com/covid/info.php?id=3"],
    "attachments": [{"filename": "対策資料.zip", "size": len(zip01), "sha256": sha256(zip01), "members": [
        {"name": "対策資料/新型ウイルス対策.exe", "size": len(exe), "sha256": sha256(exe), "encrypted": False},
        {"name": "readme.txt", "size": 420, "sha256": sha256(b"Please run the tool.\n" * 20), "encrypted": False}]}],
    "warnings": [],
    "victim": ["tanaka@denryoku-a.example.jp", "田中 太郎", "mx01.denryoku-a.example.jp", "10.20.0.5", "mbox.denryoku-a.example.jp"],
    "notVictim": ["kenkou@mhlw-go.example.com", "203.0.113.45"],
})

# 02 Shift_JIS body, subject in Shift_JIS B words.
body02 = "いつもお世話になっております。\n請求書を送付いたします。\nhttps://invoice.example.net/dl?f=123\n"
write("02_shift_jis.eml", b"".join([
    b"From: " + ew("経理部 佐藤", "shift_jis").encode() + b" <sato@keiri-example.com>\n",
    b"To: victim@gas-b.example.jp\nSubject: " + ew("請求書の送付", "shift_jis").encode() + b"\n",
    b"Date: Tue, 02 Jun 2020 09:15:00 +0900\nMIME-Version: 1.0\n",
    b"Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n",
    body02.encode("shift_jis"),
]), {"subject": "請求書の送付", "from": {"address": "sato@keiri-example.com", "displayName": "経理部 佐藤"},
     "textContains": ["請求書を送付いたします"], "links": ["https://invoice.example.net/dl?f=123"], "warnings": []})

# 03 CP932 with NEC special characters, and the same in an ISO-2022-JP subject.
body03 = "①会議資料 ②議事録\n㈱電力Ａ 御中\n№123 ～ ∑\n"
write("03_cp932_nec.eml", b"".join([
    b"From: attacker@example.org\nTo: victim@denryoku-a.example.jp\n",
    b"Subject: " + jis_word("①会議資料（㈱電力Ａ）").encode() + b"\n",
    b"Date: Wed, 3 Jun 2020 11:00:00 +0900\nMIME-Version: 1.0\n",
    b"Content-Type: text/plain; charset=\"shift_jis\"\nContent-Transfer-Encoding: base64\n\n",
    b64(body03.encode("cp932")).encode(), b"\n",
]), {"subject": "①会議資料（㈱電力Ａ）", "textContains": ["①会議資料 ②議事録", "㈱電力Ａ 御中", "№123 ～ ∑"], "warnings": []})

# 04 EUC-JP.
body04 = "原子力規制委員会からのお知らせです。\nログインしてください: https://nra-go.example.com/login\n"
write("04_euc_jp.eml", b"".join([
    b"From: " + ew("原子力規制委員会", "euc-jp").encode() + b" <info@nra-go.example.com>\n",
    b"To: user@denryoku-c.example.jp\nSubject: " + ew("重要なお知らせ", "euc-jp", "Q").encode() + b"\n",
    b"Date: Thu, 4 Jun 2020 08:00:00 +0900\nMIME-Version: 1.0\n",
    b"Content-Type: text/plain; charset=EUC-JP\nContent-Transfer-Encoding: 8bit\n\n",
    body04.encode("euc_jp"),
]), {"subject": "重要なお知らせ", "from": {"address": "info@nra-go.example.com", "displayName": "原子力規制委員会"},
     "textContains": ["原子力規制委員会からのお知らせです"], "links": ["https://nra-go.example.com/login"], "warnings": []})

# 05 UTF-8 base64, text + HTML alternative.
text05 = "Dear customer,\nYour mailbox is full. Visit https://mail-quota.example.com/upgrade now.\nメールボックスが一杯です。\n"
html05 = "<html><body><p>Your mailbox is <b>full</b>.</p><p><a href=\"https://mail-quota.example.com/upgrade?u=1&amp;lang=ja\">アップグレード</a></p></body></html>"
write("05_utf8_base64.eml", "".join([
    "From: \"IT Helpdesk\" <helpdesk@mail-quota.example.com>\nTo: staff@chemical-d.example.jp\n",
    "Subject: =?UTF-8?B?" + base64.b64encode("メールボックス容量の警告".encode()).decode() + "?=\n",
    "Date: Fri, 5 Jun 2020 12:00:00 +0000\nMIME-Version: 1.0\n",
    "Content-Type: multipart/alternative; boundary=alt05\n\n--alt05\n",
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n", b64(text05.encode()), "\n--alt05\n",
    "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n", b64(html05.encode()), "\n--alt05--\n",
]), {"subject": "メールボックス容量の警告", "from": {"address": "helpdesk@mail-quota.example.com", "displayName": "IT Helpdesk"},
     "textContains": ["メールボックスが一杯です"], "htmlContains": ["アップグレード"],
     "links": ["https://mail-quota.example.com/upgrade", "https://mail-quota.example.com/upgrade?u=1&lang=ja"], "warnings": []})

# 06 UTF-8 quoted-printable with soft breaks; Q-encoded subject.
text06 = ("日本語のテキストです。これは長い行で、quoted-printable のソフト改行で折り返されます。" * 3) + "\nhttps://qp.example.org/path/to/a/very/long/url/that/gets/folded/by/the/encoder/index.html\n"
write("06_utf8_qp.eml", "".join([
    "From: qp@example.org\nTo: a@example.jp\nSubject: " + ew("QP テスト", "utf-8", "Q") + "\n",
    "Date: Sat, 6 Jun 2020 12:00:00 +0900\nMIME-Version: 1.0\n",
    "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n",
    quopri.encodestring(text06.encode()).decode(),
]), {"subject": "QP テスト", "textContains": [text06.strip().split("\n")[0]],
     "links": ["https://qp.example.org/path/to/a/very/long/url/that/gets/folded/by/the/encoder/index.html"], "warnings": []})

# 07 Forwarded attack: a member's SOC forwards the attack as message/rfc822 to the hub.
exe07 = fake_exe(8192)
lnk07 = lnk
zip07 = make_zip([("請求書.lnk".encode(), lnk07, True, False, True), (b"invoice.exe", exe07, False, False, True)])
inner07 = b"".join([
    b"Return-Path: <billing@shipping-example.com>\n",
    b"Delivered-To: suzuki@denryoku-a.example.jp\n",
    b"Received: from gw2.denryoku-a.example.jp (gw2.denryoku-a.example.jp [172.16.4.2])\n\tby mail.denryoku-a.example.jp with ESMTP id X1; Mon, 8 Jun 2020 09:00:10 +0900\n",
    b"Received: from smtp.shipping-example.com (smtp.shipping-example.com [198.51.100.77])\n\tby gw2.denryoku-a.example.jp with ESMTPS id X0\n\tfor <suzuki@denryoku-a.example.jp>; Mon, 8 Jun 2020 09:00:08 +0900\n",
    b"From: " + ew("配送センター", "utf-8").encode() + b" <billing@shipping-example.com>\n",
    b"To: " + ew("鈴木 一郎", "utf-8").encode() + b" <suzuki@denryoku-a.example.jp>\n",
    b"Cc: jigyou@denryoku-a.example.jp\n",
    b"Subject: " + ew("不在通知のお知らせ", "utf-8").encode() + b"\n",
    b"Date: Mon, 8 Jun 2020 09:00:00 +0900\nMessage-ID: <attack07@shipping-example.com>\nMIME-Version: 1.0\n",
    b"Content-Type: multipart/mixed; boundary=\"inner07\"\n\n--inner07\n",
    b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n",
    "お荷物をお届けにあがりましたが不在のため持ち帰りました。\n再配達: hxxps://redelivery[.]shipping-example[.]com/r?id=77\n".encode(),
    b"--inner07\nContent-Type: application/x-zip-compressed; name=\"fuzai.zip\"\n",
    b"Content-Disposition: attachment; filename=\"fuzai.zip\"\nContent-Transfer-Encoding: base64\n\n",
    b64(zip07).encode(), b"\n--inner07--\n",
])
wrapper07 = b"".join([
    b"Received: from pc-soc01.soc.denryoku-a.example.jp ([10.9.8.7])\n\tby relay.denryoku-a.example.jp; Mon, 8 Jun 2020 10:00:00 +0900\n",
    b"From: " + ew("電力A SOC 山田", "utf-8").encode() + b" <soc@denryoku-a.example.jp>\n",
    b"To: report@hub.example.jp\nSubject: " + ew("FW: 不審メールの報告", "utf-8").encode() + b"\n",
    b"Date: Mon, 8 Jun 2020 10:00:00 +0900\nMIME-Version: 1.0\n",
    b"Content-Type: multipart/mixed; boundary=\"wrap07\"\n\n--wrap07\n",
    b"Content-Type: text/plain; charset=utf-8\n\n", "不審メールを受信しましたので報告します。\n".encode(),
    b"--wrap07\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"suspicious.eml\"\n\n",
    inner07, b"\n--wrap07--\n",
])
write("07_forwarded_attack.eml", wrapper07, {
    "subject": "FW: 不審メールの報告",
    "from": {"address": "soc@denryoku-a.example.jp", "displayName": "電力A SOC 山田"},
    "attachedMessages": 1, "attachments": [],
    "attack": {"subject": "不在通知のお知らせ", "from": {"address": "billing@shipping-example.com", "displayName": "配送センター"},
               "firstExternalIP": "198.51.100.77",
               "links": ["https://redelivery.shipping-example.com/r?id=77"],
               "attachments": [{"filename": "fuzai.zip", "size": len(zip07), "sha256": sha256(zip07), "members": [
                   {"name": "請求書.lnk", "size": len(lnk07), "sha256": sha256(lnk07), "encrypted": False},
                   {"name": "invoice.exe", "size": len(exe07), "sha256": sha256(exe07), "encrypted": False}]}]},
    "victim": ["soc@denryoku-a.example.jp", "電力A SOC 山田", "report@hub.example.jp", "suzuki@denryoku-a.example.jp",
               "鈴木 一郎", "jigyou@denryoku-a.example.jp", "gw2.denryoku-a.example.jp", "172.16.4.2",
               "mail.denryoku-a.example.jp", "10.9.8.7"],
    "notVictim": ["billing@shipping-example.com", "198.51.100.77", "smtp.shipping-example.com"],
    "warnings": [],
})

# 08 HTML only: hrefs with entities, defanged text URLs, image src, mailto.
html08 = """<!DOCTYPE html><html><head><style>p {color:red}</style><script>var x = "http://script.example.com/";</script></head>
<body><p>アカウントが停止されました。</p>
<a href="https://login.example-bank.com/verify?user=1&amp;token=abc">こちらから確認</a>
<img src="http://track.example.net/pixel.gif?id=9" width=1>
<p>Backup: hxxp://backup[.]example[.]org/index.html and fxp://files(.)example(.)org/x.zip</p>
<p>Contact: support[at]example-bank[.]com or <a href='mailto:help@example-bank.com?subject=x'>mail</a></p>
<a href=http://unquoted.example.com/a>u</a> &lt;tag&gt; &#x65E5;&#26412;
</body></html>"""
write("08_html_only.eml", "".join([
    "From: security@example-bank.com\nTo: a@example.jp\nSubject: Account suspended\n",
    "Date: Tue, 9 Jun 2020 12:00:00 +0000\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n", html08,
]), {"subject": "Account suspended", "htmlContains": ["アカウントが停止されました"],
     "bodyTextContains": ["アカウントが停止されました", "<tag> 日本"], "bodyTextNotContains": ["script.example.com", "color:red"],
     "links": ["https://login.example-bank.com/verify?user=1&token=abc", "http://track.example.net/pixel.gif?id=9",
               "http://unquoted.example.com/a", "http://backup.example.org/index.html", "ftp://files.example.org/x.zip"],
     "bodyAddresses": ["help@example-bank.com", "support@example-bank.com"], "warnings": []})

# 09 RFC 2231 continuations with a Japanese UTF-8 filename, and charset'lang' in one piece.
pdf09 = b"%PDF-1.4\n" + bytes(RNG.randrange(256) for _ in range(3000))
name09 = "【重要】人事異動のお知らせ（2020年度）.pdf.exe"
quoted = "".join("%%%02X" % c for c in name09.encode())
pieces = [quoted[i:i + 60] for i in range(0, len(quoted), 60)]
disp = "attachment;\n" + ";\n".join(" filename*%d*=%s%s" % (i, "UTF-8''" if i == 0 else "", p) for i, p in enumerate(pieces))
doc09 = b"PK" + bytes(10)
name09b = "報告書.doc"
write("09_rfc2231_filename.eml", "".join([
    "From: jinji@example.co.jp\nTo: b@example.jp\nSubject: =?utf-8?B?" + base64.b64encode("人事異動".encode()).decode() + "?=\n",
    "Date: Wed, 10 Jun 2020 12:00:00 +0900\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b09\"\n\n",
    "--b09\nContent-Type: text/plain\n\nsee attached\n",
    "--b09\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\nContent-Disposition: ", disp, "\n\n",
    b64(pdf09), "\n--b09\nContent-Type: application/msword\nContent-Transfer-Encoding: base64\n",
    "Content-Disposition: attachment; filename*=iso-2022-jp'ja'", "".join("%%%02X" % c for c in jis(name09b)), "\n\n",
    b64(doc09), "\n--b09--\n",
]), {"subject": "人事異動", "attachments": [
    {"filename": name09, "size": len(pdf09), "sha256": sha256(pdf09)},
    {"filename": name09b, "size": len(doc09), "sha256": sha256(doc09)}], "warnings": []})

# 10 Received chain with IPv6 (public documentation prefix counts as public).
write("10_received_ipv6.eml", "".join([
    "Received: from mx.gas-b.example.jp (mx.gas-b.example.jp [IPv6:fd12:3456:789a::25])\n\tby store.gas-b.example.jp with LMTP; Thu, 11 Jun 2020 10:00:02 +0900\n",
    "Received: from out.evil.example ([IPv6:2001:db8:85a3::8a2e:370:7334])\n\tby mx.gas-b.example.jp with ESMTPS id Z; Thu, 11 Jun 2020 10:00:01 +0900\n",
    "Received: from localhost ([IPv6:::1]) by out.evil.example with ESMTP; Thu, 11 Jun 2020 01:00:00 +0000\n",
    "Received: from client (fe80::1%eth0) by localhost; Thu, 11 Jun 2020 01:00:00 +0000\n",
    "From: x@evil.example\nTo: y@gas-b.example.jp\nSubject: ipv6\nDate: Thu, 11 Jun 2020 10:00:00 +0900\n\nbody\n",
]), {"subject": "ipv6", "received": 4, "firstExternalIP": "2001:db8:85a3::8a2e:370:7334",
     "victim": ["fd12:3456:789a::25", "mx.gas-b.example.jp", "store.gas-b.example.jp", "y@gas-b.example.jp"],
     "notVictim": ["2001:db8:85a3::8a2e:370:7334"], "warnings": []})

# 11 Missing final boundary (truncated mail): the last attachment is recovered up to the end.
data11 = bytes(RNG.randrange(256) for _ in range(999))
write("11_missing_final_boundary.eml", "".join([
    "From: a@example.org\nTo: b@example.jp\nSubject: truncated\nDate: Fri, 12 Jun 2020 12:00:00 +0900\nMIME-Version: 1.0\n",
    "Content-Type: multipart/mixed; boundary=\"b11\"\n\n--b11\nContent-Type: text/plain\n\nhello\n",
    "--b11\nContent-Type: application/octet-stream; name=\"data.bin\"\nContent-Transfer-Encoding: base64\n\n", b64(data11), "\n",
]), {"subject": "truncated", "textContains": ["hello"],
     "attachments": [{"filename": "data.bin", "size": len(data11), "sha256": sha256(data11)}], "warnings": ["missing closing boundary"]})

# 12 Bad base64: garbage characters and missing padding.
data12 = bytes(RNG.randrange(256) for _ in range(1001))  # 1001 bytes: base64 ends with "=="
enc12 = base64.b64encode(data12).decode().rstrip("=")
enc12 = enc12[:100] + "*!" + enc12[100:200] + " \t" + enc12[200:]
write("12_bad_base64.eml", "".join([
    "From: a@example.org\nTo: b@example.jp\nSubject: bad base64\nDate: Sat, 13 Jun 2020 12:00:00 +0900\nMIME-Version: 1.0\n",
    "Content-Type: multipart/mixed; boundary=b12\n\n--b12\nContent-Type: text/plain\n\nx\n--b12\n",
    "Content-Type: application/octet-stream; name=broken.bin\nContent-Transfer-Encoding: base64\n\n",
    "\n".join(enc12[i:i + 76] for i in range(0, len(enc12), 76)), "\n--b12--\n",
]), {"attachments": [{"filename": "broken.bin", "size": len(data12), "sha256": sha256(data12)}],
     "warnings": ["bad base64", "unpadded"]})

# 13 NUL bytes in header and body.
write("13_nul_bytes.eml", b"From: a@example.org\nTo: b@example.jp\nSubject: nul\x00 bytes\nDate: Sun, 14 Jun 2020 12:00:00 +0900\n\nhello\x00world\n",
      {"subject": "nul bytes", "textContains": ["helloworld"], "warnings": ["NUL byte"]})

# 14 Raw UTF-8 in headers.
write("14_8bit_header_utf8.eml", "From: 総務部 <soumu@example.co.jp>\nTo: 山本 <yamamoto@denryoku-a.example.jp>\nSubject: 【重要】パスワード変更のお願い\nDate: Mon, 15 Jun 2020 12:00:00 +0900\nContent-Type: text/plain; charset=utf-8\n\n本文\n",
      {"subject": "【重要】パスワード変更のお願い", "from": {"address": "soumu@example.co.jp", "displayName": "総務部"},
       "to": [{"address": "yamamoto@denryoku-a.example.jp", "displayName": "山本"}], "textContains": ["本文"], "warnings": ["8-bit"]})

# 15 Raw Shift_JIS in headers (no charset declared anywhere).
write("15_8bit_header_sjis.eml", b"From: " + "人事部".encode("cp932") + b" <jinji@example.co.jp>\nSubject: " + "給与明細のご案内".encode("cp932") +
      b"\nDate: Tue, 16 Jun 2020 12:00:00 +0900\n\n" + "明細はこちら".encode("cp932") + b"\n",
      {"subject": "給与明細のご案内", "from": {"address": "jinji@example.co.jp", "displayName": "人事部"},
       "textContains": ["明細はこちら"], "warnings": ["8-bit"]})

# 16 A long line (1 MB in the corpus; the 10 MB case is built in memory by a test).
long16 = "A" * (1 << 20)
write("16_long_line.eml", "From: a@example.org\nTo: b@example.jp\nSubject: long\nDate: Wed, 17 Jun 2020 12:00:00 +0900\n\nstart " + long16 + " http://end.example.com/x\n",
      {"subject": "long", "links": ["http://end.example.com/x"], "warnings": []})

# 17 1000 levels of nested multiparts.
depth = 1000
head17 = "From: a@example.org\nTo: b@example.jp\nSubject: deep\nDate: Thu, 18 Jun 2020 12:00:00 +0900\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"d0\"\n\n"
parts17 = [head17]
for i in range(depth):
    parts17.append("--d%d\nContent-Type: multipart/mixed; boundary=\"d%d\"\n\n" % (i, i + 1))
parts17.append("--d%d\nContent-Type: text/plain\n\ninnermost\n--d%d--\n" % (depth, depth))
for i in reversed(range(depth)):
    parts17.append("--d%d--\n" % i)
write("17_deep_nesting.eml", "".join(parts17), {"subject": "deep", "warnings": ["nesting deeper"]})

# 18 Empty file, 19 binary garbage: refused.
write("18_empty.eml", b"", {"error": True})
write("19_binary_garbage.eml", bytes(RNG.randrange(256) for _ in range(20000)), {"error": True})

# 20 mbox "From " line.
write("20_mbox_from_line.eml", "From attacker@example.org Mon Jun 22 10:00:00 2020\nFrom: attacker@example.org\nTo: v@example.jp\nSubject: mbox\nDate: Mon, 22 Jun 2020 10:00:00 +0900\n\nbody text\n",
      {"subject": "mbox", "from": {"address": "attacker@example.org"}, "textContains": ["body text"], "warnings": []})

# 21 Header without body (no blank line, no body).
write("21_header_only.eml", "From: a@example.org\nTo: b@example.jp\nSubject: only headers\nDate: Tue, 23 Jun 2020 10:00:00 +0900\n",
      {"subject": "only headers", "attachments": [], "warnings": []})

# 22 Several charsets in one subject; a UTF-8 character split across two encoded words; folding.
s22 = "緊急連絡".encode()
w1 = "=?UTF-8?B?" + base64.b64encode(s22[:4]).decode() + "?="
w2 = "=?UTF-8?B?" + base64.b64encode(s22[4:]).decode() + "?="
write("22_mixed_encoded_words.eml", "".join([
    "From: =?UTF-8?Q?=E5=B1=B1=E7=94=B0?= =?ISO-2022-JP?B?", base64.b64encode(jis("太郎")).decode(), "?= <yamada@example.jp>\n",
    "To: \"=?UTF-8?B?", base64.b64encode("営業部".encode()).decode(), "?=\" <eigyo@example.jp>, undisclosed-recipients:;\n",
    "Subject: [", "EXT", "] ", w1, "\n ", w2, " ", jis_word("（重要）"), " =?windows-1252?Q?caf=E9?= end\n",
    "Date: Wed, 24 Jun 2020 10:00:00 +0900\n\nx\n",
]), {"subject": "[EXT] 緊急連絡（重要）café end", "from": {"address": "yamada@example.jp", "displayName": "山田太郎"},
     "to": [{"address": "eigyo@example.jp", "displayName": "営業部"}], "warnings": []})

# 23-26 Other charsets.
for number, name, charset, text in [(23, "gb2312", "gb2312", "关于疫情防控的紧急通知"), (24, "big5", "big5", "緊急通知：請查看附件"),
                                    (25, "euc_kr", "euc-kr", "긴급 공지사항입니다"), (26, "windows1252", "windows-1252", "Café “quoted” – naïve")]:
    write("%d_%s.eml" % (number, name), b"".join([
        b"From: a@example.org\nTo: b@example.jp\nSubject: " + ew(text, charset).encode() + b"\n",
        b"Date: Thu, 25 Jun 2020 10:00:00 +0900\nMIME-Version: 1.0\n",
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\nContent-Transfer-Encoding: 8bit\n\n", text.encode(charset), b"\n",
    ]), {"subject": text, "textContains": [text], "warnings": []})

# 27 Zip with an encrypted member and CP932 names without the UTF-8 flag.
secret = fake_exe(2048)
plain27 = b"not encrypted\n" * 10
zip27 = make_zip([("見積書.exe".encode("cp932"), secret, False, True, True), ("説明.txt".encode("cp932"), plain27, False, False, False)])
write("27_encrypted_zip.eml", "".join([
    "From: a@example.org\nTo: b@example.jp\nSubject: password zip\nDate: Fri, 26 Jun 2020 10:00:00 +0900\nMIME-Version: 1.0\n",
    "Content-Type: multipart/mixed; boundary=b27\n\n--b27\nContent-Type: text/plain; charset=utf-8\n\nパスワードは別送します\n--b27\n",
    "Content-Type: application/zip; name=mitsumori.zip\nContent-Transfer-Encoding: base64\n\n", b64(zip27), "\n--b27--\n",
]), {"attachments": [{"filename": "mitsumori.zip", "size": len(zip27), "sha256": sha256(zip27), "members": [
    {"name": "見積書.exe", "size": len(secret), "encrypted": True},
    {"name": "説明.txt", "size": len(plain27), "sha256": sha256(plain27), "encrypted": False}]}], "warnings": ["encrypted"]})

# 28 Wrong charset: declared ISO-2022-JP, actually Shift_JIS.
write("28_wrong_charset.eml", b"From: a@example.org\nTo: b@example.jp\nSubject: wrong charset\nDate: Sat, 27 Jun 2020 10:00:00 +0900\nContent-Type: text/plain; charset=iso-2022-jp\n\n" + "添付ファイルを開いてください".encode("cp932") + b"\n",
      {"textContains": ["添付ファイルを開いてください"], "warnings": ["cp932"]})

# 29 Unknown charset label with UTF-8 content.
write("29_unknown_charset.eml", "From: a@example.org\nTo: b@example.jp\nSubject: unknown charset\nDate: Sun, 28 Jun 2020 10:00:00 +0900\nContent-Type: text/plain; charset=x-klingon\n\nこんにちは\n",
      {"textContains": ["こんにちは"], "warnings": ["unknown charset"]})

# 30 uuencoded attachment in a plain body.
import binascii
uu = bytes(RNG.randrange(256) for _ in range(500))
uulines = "".join(binascii.b2a_uu(uu[i:i + 45]).decode() for i in range(0, len(uu), 45))
write("30_uuencode.eml", "From: a@example.org\nTo: b@example.jp\nSubject: uu\nDate: Mon, 29 Jun 2020 10:00:00 +0900\n\nsee file\nbegin 644 tool.exe\n" + uulines + "`\nend\n",
      {"textContains": ["see file"], "attachments": [{"filename": "tool.exe", "size": len(uu), "sha256": sha256(uu)}], "warnings": []})

# 31 Quoted-printable with bad escapes kept literally.
write("31_qp_bad_escapes.eml", "From: a@example.org\nTo: b@example.jp\nSubject: qp\nDate: Tue, 30 Jun 2020 10:00:00 +0900\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n100% =ZZ sure =E3=81=82 soft=\nbreak\n",
      {"textContains": ["100% =ZZ sure あ softbreak"], "warnings": ["quoted-printable"]})

# 32 Double forward: wrapper → forwarded report → attack (first attached message is the report).
write("32_nested_forward.eml", b"".join([
    b"From: ciso@denryoku-a.example.jp\nTo: report@hub.example.jp\nSubject: FW: FW: attack\nDate: Wed, 1 Jul 2020 10:00:00 +0900\nMIME-Version: 1.0\n",
    b"Content-Type: message/rfc822\n\n", wrapper07,
]), {"attachedMessages": 1, "warnings": []})

# 33 CRLF line endings throughout.
write("33_crlf.eml", crlf("".join([
    "From: \"Sales\" <sales@example.org>\nTo: b@example.jp\nSubject: crlf\nDate: Thu, 2 Jul 2020 10:00:00 +0900\nMIME-Version: 1.0\n",
    "Content-Type: multipart/mixed; boundary=\"b33\"\n\n--b33\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n",
    "line one=\nline two\nhttps://crlf.example.com/a\n--b33\nContent-Type: application/octet-stream; name=\"a.bin\"\nContent-Transfer-Encoding: base64\n\n",
    b64(b"0123456789" * 30), "\n--b33--\n"])),
    {"subject": "crlf", "textContains": ["line oneline two"], "links": ["https://crlf.example.com/a"],
     "attachments": [{"filename": "a.bin", "size": 300, "sha256": sha256(b"0123456789" * 30)}], "warnings": []})

# 34 multipart without boundary parameter.
write("34_no_boundary_param.eml", "From: a@example.org\nTo: b@example.jp\nSubject: no boundary\nDate: Fri, 3 Jul 2020 10:00:00 +0900\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\n--zzz\nContent-Type: text/plain\n\nrecovered text\n--zzz--\n",
      {"textContains": ["recovered text"], "warnings": ["boundary guessed"]})

# 35 Exchange-style Received headers (IPs in parentheses without brackets).
write("35_exchange_received.eml", "".join([
    "Received: from EXMB01.corp.denryoku-e.local (10.1.1.11) by EXMB02.corp.denryoku-e.local (10.1.1.12)\n with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2176.2;\n Mon, 6 Jul 2020 10:00:02 +0900\n",
    "Received: from edge.denryoku-e.example.jp (192.0.2.200) by EXMB01.corp.denryoku-e.local (10.1.1.11)\n with Microsoft SMTP Server id 15.1.2176.2; Mon, 6 Jul 2020 10:00:01 +0900\n",
    "From: a@example.org\nTo: b@denryoku-e.example.jp\nSubject: exchange\nDate: Mon, 6 Jul 2020 10:00:00 +0900\n\nx\n",
]), {"received": 2, "firstExternalIP": "192.0.2.200", "victim": ["EXMB01.corp.denryoku-e.local", "10.1.1.11", "10.1.1.12"], "warnings": []})

# 36 Inline image and an attachment without a file name; display name with a comma, comment name.
png = b"\x89PNG\r\n\x1a\n" + bytes(64)
write("36_misc_addresses.eml", "".join([
    "From: Tanaka, Taro <taro@example.org>\nTo: jiro@example.jp (Jiro Suzuki), \"Sato, Hanako\" <hanako@example.jp>\n",
    "Reply-To: <reply@evil.example>\nCc: undisclosed-recipients:;\nSubject: addresses\nDate: 7 Jul 20 10:00 JST\nMIME-Version: 1.0\n",
    "Content-Type: multipart/related; boundary=b36\n\n--b36\nContent-Type: text/html; charset=us-ascii\n\n<p>hi<img src=\"cid:img1\"></p>\n",
    "--b36\nContent-Type: image/png\nContent-ID: <img1>\nContent-Transfer-Encoding: base64\n\n", b64(png), "\n--b36--\n",
]), {"from": {"address": "taro@example.org", "displayName": "Tanaka, Taro"},
     "to": [{"address": "jiro@example.jp", "displayName": "Jiro Suzuki"}, {"address": "hanako@example.jp", "displayName": "Sato, Hanako"}],
     "attachments": [{"size": len(png), "sha256": sha256(png)}], "links": [], "warnings": []})

# =============================================================================================
# Forwards (issue 11): every way members forward an attack. Expectations: "selection" (a part of
# ForwardedAttack.attackSelection), "layers" (how many victim-side layers), "ownTextContains"
# ([layer, text] pairs), "attack" (the innermost message), "attackDate" (epoch seconds),
# "victim"/"notVictim". A separate random stream so the files above stay byte-identical.
FRNG = random.Random(20261207)


def fexe(size):
    return b"MZ\x90\x00" + bytes(FRNG.randrange(256) for _ in range(size - 4))


CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = 0xEDB88320 ^ (_c >> 1) if _c & 1 else _c >> 1
    CRC_TABLE.append(_c)


class ZipCryptoWriter:
    """Traditional PKWARE encryption, written independently of the Swift reader."""

    def __init__(self, password):
        self.keys = [0x12345678, 0x23456789, 0x34567890]
        for b in password.encode():
            self.update(b)

    def update(self, b):
        k = self.keys
        k[0] = CRC_TABLE[(k[0] ^ b) & 0xFF] ^ (k[0] >> 8)
        k[1] = ((k[1] + (k[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k[2] = CRC_TABLE[(k[2] ^ (k[1] >> 24)) & 0xFF] ^ (k[2] >> 8)

    def encrypt(self, data):
        out = bytearray()
        for b in data:
            t = (self.keys[2] | 2) & 0xFFFF
            out.append(b ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            self.update(b)
        return bytes(out)


def make_zip2(entries):
    """A zip from (name_bytes, data, utf8_flag, password_or_None, deflate) tuples; real ZipCrypto."""
    local = bytearray()
    central = bytearray()
    for name, data, utf8, password, deflate in entries:
        crc = zlib.crc32(data) & 0xFFFFFFFF
        if deflate:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
            method = 8
        else:
            payload = data
            method = 0
        if password is not None:
            header = bytes(FRNG.randrange(256) for _ in range(11)) + bytes([crc >> 24])
            payload = ZipCryptoWriter(password).encrypt(header + payload)
        flags = (0x800 if utf8 else 0) | (1 if password is not None else 0)
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0x5000, 0x5821, crc, len(payload), len(data), len(name), 0)
        local += name + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0x5000, 0x5821, crc, len(payload),
                               len(data), len(name), 0, 0, 0, 0, 0, offset)
        central += name
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return bytes(local + central + eocd)


# The attack every forward below carries: a fake invoice from a shipping lookalike to 鈴木.
f_exe = fexe(3000)
f_zip = make_zip2([("請求書.exe".encode(), f_exe, True, None, True)])
F_FROM = ("配送センター", "billing@shipping-lookalike.example.com")
F_SUBJECT = "【重要】ご請求書の送付について"
F_BODY = "鈴木様\n\nいつもお世話になっております。\n請求書を添付いたしますのでご確認ください。\n詳細: hxxps://invoice-check[.]example[.]net/d?id=42\n"
F_LINK = "https://invoice-check.example.net/d?id=42"
F_DATE = 1715563260  # 2024-05-13 10:21 +0900
ATTACK_EXPECT = {"subject": F_SUBJECT, "from": {"address": F_FROM[1], "displayName": F_FROM[0]},
                 "links": [F_LINK],
                 "attachments": [{"filename": "invoice.zip", "size": len(f_zip), "sha256": sha256(f_zip), "members": [
                     {"name": "請求書.exe", "size": len(f_exe), "sha256": sha256(f_exe), "encrypted": False}]}]}
VICTIM = "suzuki@denryoku-a.example.jp"
SIGNATURE = "--\n電力A株式会社 情報システム部\n鈴木 一郎\nTEL: 03-1234-5678\n"


def attack_eml(charset="iso-2022-jp", encoding="7bit"):
    """The attack as the victim received it (Received, Message-ID, a zip)."""
    if charset == "iso-2022-jp":
        body = jis(F_BODY)
        subject = jis_word(F_SUBJECT)
        name = jis_word(F_FROM[0])
    else:
        body = F_BODY.encode(charset)
        subject = ew(F_SUBJECT, charset)
        name = ew(F_FROM[0], charset)
    if encoding == "base64":
        body = b64(body).encode() + b"\n"
    return b"".join([
        b"Received: from mx1.denryoku-a.example.jp (mx1.denryoku-a.example.jp [10.8.1.5])\n\tby mbox.denryoku-a.example.jp; Mon, 13 May 2024 10:21:05 +0900\n",
        b"Received: from smtp.shipping-lookalike.example.com (smtp.shipping-lookalike.example.com [198.51.100.23])\n\tby mx1.denryoku-a.example.jp with ESMTP id Q1\n\tfor <" + VICTIM.encode() + b">; Mon, 13 May 2024 10:21:03 +0900\n",
        b"From: " + name.encode() + b" <" + F_FROM[1].encode() + b">\n",
        b"To: " + jis_word("鈴木 一郎").encode() + b" <" + VICTIM.encode() + b">\n",
        b"Subject: " + subject.encode() + b"\nDate: Mon, 13 May 2024 10:21:00 +0900\nMessage-ID: <inv42@shipping-lookalike.example.com>\n",
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"atk\"\n\n--atk\n",
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\nContent-Transfer-Encoding: " + encoding.encode() + b"\n\n", body, b"\n",
        b"--atk\nContent-Type: application/zip; name=\"invoice.zip\"\nContent-Disposition: attachment; filename=\"invoice.zip\"\n",
        b"Content-Transfer-Encoding: base64\n\n", b64(f_zip).encode(), b"\n--atk--\n",
    ])


def report(subject, text, parts, sender=("電力A 鈴木 一郎", VICTIM), to="soc@denryoku-a.example.jp", charset="utf-8"):
    """The member's forward: a text part, then the given (headers, payload) parts."""
    out = [
        b"Received: from pc-suzuki.corp.denryoku-a.example.jp ([10.9.8.7])\n\tby relay.denryoku-a.example.jp; Tue, 14 May 2024 09:00:00 +0900\n",
        b"From: " + ew(sender[0], "utf-8").encode() + b" <" + sender[1].encode() + b">\n",
        b"To: " + to.encode() + b"\nSubject: " + ew(subject, "utf-8").encode() + b"\nDate: Tue, 14 May 2024 09:00:00 +0900\n",
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"fwd\"\n\n--fwd\n",
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\nContent-Transfer-Encoding: base64\n\n",
        b64(text.encode(charset)).encode(), b"\n",
    ]
    for headers, payload in parts:
        out += [b"--fwd\n", headers.encode(), b"\n", payload, b"\n"]
    out.append(b"--fwd--\n")
    return b"".join(out)


COMMON_VICTIM = [VICTIM, "鈴木 一郎", "soc@denryoku-a.example.jp", "10.9.8.7", "mx1.denryoku-a.example.jp", "10.8.1.5"]
NOT_VICTIM = [F_FROM[1], "198.51.100.23", "smtp.shipping-lookalike.example.com"]
OWN = "不審なメールを受信しましたので転送します。\n\n" + SIGNATURE

# 37 attached as application/octet-stream with a .eml name.
write("37_fwd_octet_stream_eml.eml", report("FW: 不審メール", OWN, [
    ("Content-Type: application/octet-stream; name=\"suspicious.eml\"\nContent-Disposition: attachment; filename=\"suspicious.eml\"\nContent-Transfer-Encoding: base64\n", b64(attack_eml()).encode())]),
    {"attack": dict(ATTACK_EXPECT, messageID="<inv42@shipping-lookalike.example.com>", firstExternalIP="198.51.100.23"),
     "selection": "attached .eml (application/octet-stream \"suspicious.eml\"), depth 1", "layers": 1,
     "ownTextContains": [[0, "TEL: 03-1234-5678"]], "attackDate": F_DATE, "victim": COMMON_VICTIM, "notVictim": NOT_VICTIM})

# 38 attached as application/x-message without a name; the attack in Shift_JIS, base64.
write("38_fwd_x_message.eml", report("FW: 不審メール", OWN, [
    ("Content-Type: application/x-message\nContent-Transfer-Encoding: base64\n", b64(attack_eml("shift_jis", "base64")).encode())]),
    {"attack": ATTACK_EXPECT, "selection": "attached message (application/x-message), depth 1", "layers": 1,
     "victim": COMMON_VICTIM, "notVictim": NOT_VICTIM})

# 39 an odd type, no name: the content opens with RFC 822 headers.
write("39_fwd_headers_sniffed.eml", report("FW: 不審メール", OWN, [
    ("Content-Type: application/unknown\nContent-Transfer-Encoding: base64\n", b64(attack_eml("utf-8", "8bit")).encode())]),
    {"attack": ATTACK_EXPECT, "selection": "attached message (application/unknown), depth 1", "layers": 1,
     "victim": COMMON_VICTIM, "notVictim": NOT_VICTIM})

# 40 a .msg-like wrapper: a binary container (OLE signature) carrying the message's transport
# headers as UTF-16LE, as Outlook's .msg does.
msg_headers = ("Received: from smtp.shipping-lookalike.example.com (smtp.shipping-lookalike.example.com [198.51.100.23])\r\n"
               "\tby mx1.denryoku-a.example.jp with ESMTP id Q1; Mon, 13 May 2024 10:21:03 +0900\r\n"
               "From: billing@shipping-lookalike.example.com\r\nTo: " + VICTIM + "\r\nSubject: Invoice 42\r\n"
               "Date: Mon, 13 May 2024 10:21:00 +0900\r\nMessage-ID: <inv42@shipping-lookalike.example.com>\r\n\r\n")
msg40 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(FRNG.randrange(256) for _ in range(504)) + msg_headers.encode("utf-16-le") + b"\x00\x00" + bytes(64)
write("40_fwd_outlook_msg.eml", report("FW: 不審メール", OWN, [
    ("Content-Type: application/vnd.ms-outlook; name=\"Invoice 42.msg\"\nContent-Disposition: attachment; filename=\"Invoice 42.msg\"\nContent-Transfer-Encoding: base64\n", b64(msg40).encode())]),
    {"attack": {"subject": "Invoice 42", "from": {"address": F_FROM[1]}, "firstExternalIP": "198.51.100.23"},
     "selection": "attached .msg (application/vnd.ms-outlook \"Invoice 42.msg\"), depth 1", "layers": 1,
     "victim": [VICTIM, "soc@denryoku-a.example.jp"], "notVictim": NOT_VICTIM})


def zip_part(data, name="invoice.zip"):
    return ("Content-Type: application/zip; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\nContent-Transfer-Encoding: base64\n" % (name, name), b64(data).encode())


INLINE_ATTACK = dict(ATTACK_EXPECT)

# 41 Outlook (English): -----Original Message----- and From/Sent/To/Cc/Subject; QP body.
text41 = ("Please check the mail below.\n\n" + SIGNATURE + "\n-----Original Message-----\n"
          "From: " + F_FROM[0] + " [mailto:" + F_FROM[1] + "]\nSent: Monday, May 13, 2024 10:21 AM\n"
          "To: 鈴木 一郎 <" + VICTIM + ">\nCc: 経理課 <keiri@denryoku-a.example.jp>\nSubject: " + F_SUBJECT + "\n\n" + F_BODY)
mail41 = b"".join([
    b"From: " + ew("鈴木 一郎", "utf-8").encode() + b" <" + VICTIM.encode() + b">\nTo: soc@denryoku-a.example.jp\n",
    b"Subject: FW: " + ew(F_SUBJECT, "utf-8").encode() + b"\nDate: Tue, 14 May 2024 09:00:00 +0900\nX-Mailer: Microsoft Outlook 16.0\n",
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"o41\"\n\n--o41\n",
    b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n",
    quopri.encodestring(text41.encode()), b"\n--o41\n", zip_part(f_zip)[0].encode(), b"\n", zip_part(f_zip)[1], b"\n--o41--\n",
])
write("41_inline_outlook.eml", mail41, {
    "attack": dict(INLINE_ATTACK, to=[{"address": VICTIM, "displayName": "鈴木 一郎"}]),
    "selection": "inline forward (Outlook), depth 1", "layers": 1, "attackDate": F_DATE, "attackUnknownIDs": True,
    "ownTextContains": [[0, "TEL: 03-1234-5678"], [0, "Please check the mail below."]],
    "ownTextNotContains": [[0, F_SUBJECT]],
    "victim": [VICTIM, "鈴木 一郎", "soc@denryoku-a.example.jp", "keiri@denryoku-a.example.jp", "経理課"],
    "notVictim": [F_FROM[1], F_FROM[0]]})

# 42 Outlook (Japanese) without a marker: a rule, then 差出人/送信日時/宛先/CC/件名; ISO-2022-JP.
text42 = ("SOC御中\n\n下記の不審メールを報告します。\n\n" + SIGNATURE + "\n________________________________\n"
          "差出人: " + F_FROM[0] + " <" + F_FROM[1] + ">\n送信日時: 2024年5月13日(月) 10:21\n"
          "宛先: 鈴木 一郎 <" + VICTIM + ">\nCC: 田中 花子 <tanaka@denryoku-a.example.jp>\n件名: " + F_SUBJECT + "\n\n" + F_BODY)
mail42 = b"".join([
    b"From: " + jis_word("鈴木 一郎").encode() + b" <" + VICTIM.encode() + b">\nTo: soc@denryoku-a.example.jp\n",
    b"Subject: " + jis_word("転送: " + F_SUBJECT).encode() + b"\nDate: Tue, 14 May 2024 09:00:00 +0900\n",
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"o42\"\n\n--o42\n",
    b"Content-Type: text/plain; charset=iso-2022-jp\nContent-Transfer-Encoding: 7bit\n\n", jis(text42),
    b"\n--o42\n", zip_part(f_zip)[0].encode(), b"\n", zip_part(f_zip)[1], b"\n--o42--\n",
])
write("42_inline_outlook_japanese.eml", mail42, {
    "attack": INLINE_ATTACK, "selection": "inline forward (Outlook, Japanese), depth 1", "layers": 1,
    "attackDate": F_DATE, "attackUnknownIDs": True, "ownTextContains": [[0, "鈴木 一郎"], [0, "03-1234-5678"]],
    "victim": [VICTIM, "鈴木 一郎", "soc@denryoku-a.example.jp", "tanaka@denryoku-a.example.jp", "田中 花子"],
    "notVictim": [F_FROM[1]]})

# 43 Thunderbird (English): Forwarded Message with tab-aligned Subject/Date/From/To; base64 UTF-8.
text43 = ("FYI, phishing.\n\n" + SIGNATURE + "\n\n-------- Forwarded Message --------\nSubject: \t" + F_SUBJECT +
          "\nDate: \tMon, 13 May 2024 10:21:00 +0900\nFrom: \t" + F_FROM[0] + " <" + F_FROM[1] + ">\nTo: \t" + VICTIM + "\n\n\n" + F_BODY)
write("43_inline_thunderbird.eml", report("Fwd: " + F_SUBJECT, text43, [zip_part(f_zip)]), {
    "attack": INLINE_ATTACK, "selection": "inline forward (Thunderbird), depth 1", "layers": 1, "attackDate": F_DATE,
    "attackUnknownIDs": True, "ownTextContains": [[0, "FYI, phishing."], [0, "TEL: 03-1234-5678"]],
    "victim": [VICTIM, "電力A 鈴木 一郎", "soc@denryoku-a.example.jp", "10.9.8.7"], "notVictim": [F_FROM[1]]})

# 44 Thunderbird (Japanese): 転送メッセージ with 件名/日付/差出人/宛先/返信先; Shift_JIS.
text44 = ("報告します。\n" + SIGNATURE + "\n-------- 転送メッセージ --------\n件名: \t" + F_SUBJECT +
          "\n日付: \tMon, 13 May 2024 10:21:00 +0900\n差出人: \t" + F_FROM[0] + " <" + F_FROM[1] + ">\n返信先: \treply@lookalike-reply.example.org\n宛先: \t鈴木 一郎 <" + VICTIM + ">\n\n" + F_BODY)
write("44_inline_thunderbird_japanese.eml", report("Fwd: " + F_SUBJECT, text44, [zip_part(f_zip)], charset="shift_jis"), {
    "attack": INLINE_ATTACK, "selection": "inline forward (Thunderbird), depth 1", "layers": 1, "attackDate": F_DATE,
    "ownTextContains": [[0, "報告します。"]],
    "victim": COMMON_VICTIM[:4], "notVictim": [F_FROM[1], "reply@lookalike-reply.example.org"]})

# 45 Gmail: ---------- Forwarded message --------- with "Mon, 13 May 2024 at 10:21"; text + HTML.
text45 = ("Forwarding a suspicious mail.\n" + SIGNATURE + "\n---------- Forwarded message ---------\nFrom: " + F_FROM[0] + " <" + F_FROM[1] +
          ">\nDate: Mon, 13 May 2024 at 10:21\nSubject: " + F_SUBJECT + "\nTo: 鈴木 一郎 <" + VICTIM + ">\nCc: <jigyou@denryoku-a.example.jp>\n\n\n" + F_BODY)
html45 = "<div dir=\"ltr\">Forwarding a suspicious mail.<br>" + SIGNATURE.replace("\n", "<br>") + "<div class=\"gmail_quote\"><div class=\"gmail_attr\">---------- Forwarded message ---------<br>From: <strong>" + F_FROM[0] + "</strong> <span>&lt;" + F_FROM[1] + "&gt;</span><br>Date: Mon, 13 May 2024 at 10:21<br>Subject: " + F_SUBJECT + "<br>To: 鈴木 一郎 &lt;" + VICTIM + "&gt;<br></div><br>" + F_BODY.replace("\n", "<br>") + "</div></div>"
mail45 = b"".join([
    b"From: " + ew("鈴木 一郎", "utf-8").encode() + b" <suzuki.ichiro@gmail.com>\nTo: soc@denryoku-a.example.jp\n",
    b"Subject: Fwd: " + ew(F_SUBJECT, "utf-8").encode() + b"\nDate: Tue, 14 May 2024 09:00:00 +0900\n",
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"g45\"\n\n--g45\nContent-Type: multipart/alternative; boundary=\"a45\"\n\n--a45\n",
    b"Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n", b64(text45.encode()).encode(),
    b"\n--a45\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n", quopri.encodestring(html45.encode()),
    b"\n--a45--\n--g45\n", zip_part(f_zip)[0].encode(), b"\n", zip_part(f_zip)[1], b"\n--g45--\n",
])
write("45_inline_gmail.eml", mail45, {
    "attack": INLINE_ATTACK, "selection": "inline forward (Gmail), depth 1", "layers": 1, "attackDate": F_DATE,
    "attackUnknownIDs": True, "ownTextContains": [[0, "Forwarding a suspicious mail."]],
    "victim": ["suzuki.ichiro@gmail.com", "soc@denryoku-a.example.jp", VICTIM, "jigyou@denryoku-a.example.jp"],
    "notVictim": [F_FROM[1]]})

# 46 Japanese client: ----- 転送メッセージ ----- around an "-------- Original Message --------" the
# forwarder's colleague wrote: a forward of a forward (depth 2), ISO-2022-JP.
text46 = ("情報システム部 御中\n部下から届いた不審メールを転送します。\n--\n電力A 総務部 山本 次郎\n\n----- 転送メッセージ -----\n"
          "差出人: 鈴木 一郎 <" + VICTIM + ">\n宛先: 山本 次郎 <yamamoto@denryoku-a.example.jp>\n送信日時: 2024/05/13 11:02\n件名: FW: " + F_SUBJECT + "\n\n"
          "山本さん\n変なメールが来ました。\n" + SIGNATURE + "\n-------- Original Message --------\n"
          "Subject: " + F_SUBJECT + "\nDate: 2024/05/13 10:21\nFrom: " + F_FROM[0] + " <" + F_FROM[1] + ">\nTo: " + VICTIM + "\n\n" + F_BODY)
mail46 = b"".join([
    b"From: " + jis_word("山本 次郎").encode() + b" <yamamoto@denryoku-a.example.jp>\nTo: soc@denryoku-a.example.jp\n",
    b"Subject: " + jis_word("Fw: FW: " + F_SUBJECT).encode() + b"\nDate: Tue, 14 May 2024 09:00:00 +0900\n",
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"j46\"\n\n--j46\n",
    b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n", jis(text46),
    b"\n--j46\n", zip_part(f_zip)[0].encode(), b"\n", zip_part(f_zip)[1], b"\n--j46--\n",
])
write("46_inline_japanese_client_nested.eml", mail46, {
    "attack": INLINE_ATTACK, "selection": "inline forward (Original Message), depth 2", "layers": 2, "attackDate": F_DATE,
    "ownTextContains": [[0, "山本 次郎"], [1, "TEL: 03-1234-5678"], [1, "変なメールが来ました"]],
    "ownTextNotContains": [[1, F_SUBJECT]],
    "victim": ["yamamoto@denryoku-a.example.jp", "山本 次郎", VICTIM, "鈴木 一郎", "soc@denryoku-a.example.jp"],
    "notVictim": [F_FROM[1]]})

# 47 Quoted '>' forwards, forward of forward of forward (depth 3): the SOC gets an Outlook forward
# whose quoted text holds a '>'-quoted Gmail-less forward, holding a '>>' quoted original.
text47 = ("SOC各位\n三重に転送されたものです。\n--\n電力A CSIRT 佐藤\n\n-----Original Message-----\nFrom: 山本 次郎 <yamamoto@denryoku-a.example.jp>\n"
          "Sent: Monday, May 13, 2024 1:05 PM\nTo: 佐藤 <sato@denryoku-a.example.jp>\nSubject: FW: FW: " + F_SUBJECT + "\n\n"
          "佐藤さん、下記ご確認ください。山本\n\n> From: 鈴木 一郎 <" + VICTIM + ">\n> Date: 2024年5月13日 11:02\n> To: 山本 次郎 <yamamoto@denryoku-a.example.jp>\n> Subject: FW: " + F_SUBJECT + "\n>\n"
          "> 山本さん、不審です。鈴木 内線 1234\n>\n>> From: " + F_FROM[0] + " <" + F_FROM[1] + ">\n>> Date: 2024年5月13日(月) 10:21\n>> To: " + VICTIM + "\n>> Subject: " + F_SUBJECT + "\n>>\n"
          + "".join(">> " + line + "\n" for line in F_BODY.split("\n")))
write("47_inline_quoted_depth3.eml", report("FW: FW: FW: " + F_SUBJECT, text47, [zip_part(f_zip)], sender=("電力A CSIRT 佐藤", "sato@denryoku-a.example.jp")), {
    "attack": INLINE_ATTACK, "selection": "depth 3", "layers": 3, "attackDate": F_DATE,
    "ownTextContains": [[0, "電力A CSIRT 佐藤"], [1, "佐藤さん、下記ご確認ください。山本"], [2, "内線 1234"]],
    "victim": ["sato@denryoku-a.example.jp", "yamamoto@denryoku-a.example.jp", VICTIM, "soc@denryoku-a.example.jp", "山本 次郎", "鈴木 一郎"],
    "notVictim": [F_FROM[1]]})

# 48 attached message/rfc822 whose body is an inline Outlook forward: depth 2 across both kinds.
inner48 = mail41
write("48_attached_then_inline.eml", b"".join([
    b"From: soc@denryoku-a.example.jp\nTo: report@hub.example.jp\nSubject: FW: report\nDate: Tue, 14 May 2024 10:00:00 +0900\n",
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"w48\"\n\n--w48\nContent-Type: text/plain; charset=utf-8\n\n",
    "ハブへ報告します。電力A SOC\n".encode(), b"--w48\nContent-Type: message/rfc822\n\n", inner48, b"\n--w48--\n"]), {
    "attack": INLINE_ATTACK, "selection": "inline forward (Outlook), depth 2", "layers": 2,
    "ownTextContains": [[0, "電力A SOC"], [1, "Please check the mail below."]],
    "victim": ["soc@denryoku-a.example.jp", "report@hub.example.jp", VICTIM, "keiri@denryoku-a.example.jp"],
    "notVictim": [F_FROM[1]]})

# 49 the attack .eml in a plain zip.
zip49 = make_zip2([(b"suspicious.eml", attack_eml(), False, None, True)])
write("49_eml_in_zip.eml", report("不審メール(zip)", OWN, [zip_part(zip49, "mail.zip")]), {
    "attack": dict(ATTACK_EXPECT, messageID="<inv42@shipping-lookalike.example.com>"),
    "selection": ".eml in zip, depth 1", "layers": 1, "victim": COMMON_VICTIM, "notVictim": NOT_VICTIM})

# 50 PPAP: the .eml in a ZipCrypto zip, the password in the forward's text (「パスワード：」).
zip50 = make_zip2([("不審メール.eml".encode("cp932"), attack_eml("utf-8", "base64"), False, "Xk29-pq7", True)])
write("50_ppap_password_in_text.eml", report("不審メール(暗号化zip)", "不審メールを暗号化zipで送ります。\nパスワード：Xk29-pq7\n\n" + SIGNATURE,
                                             [zip_part(zip50, "report.zip")]), {
    "attack": ATTACK_EXPECT, "selection": ".eml in encrypted zip (password from the forward's text), depth 1", "layers": 1,
    "ownTextContains": [[0, "パスワード：Xk29-pq7"]], "victim": COMMON_VICTIM, "notVictim": NOT_VICTIM,
    "attachments": [{"filename": "report.zip", "size": len(zip50), "sha256": sha256(zip50), "members": [
        {"name": "不審メール.eml", "size": len(attack_eml("utf-8", "base64")), "sha256": sha256(attack_eml("utf-8", "base64")), "encrypted": True}]}]})

# 51 PPAP, password on the line after its label, English label; plus the field's `infected`.
zip51 = make_zip2([(b"fwd/attack.eml", attack_eml(), False, "s3cr3t!", False)])
write("51_ppap_password_next_line.eml", report("suspicious (zip)", "Encrypted as usual.\nPassword:\n  s3cr3t!\n\n" + SIGNATURE,
                                               [zip_part(zip51, "report.zip")]), {
    "attack": ATTACK_EXPECT, "selection": ".eml in encrypted zip (password from the forward's text), depth 1", "layers": 1,
    "victim": COMMON_VICTIM, "notVictim": NOT_VICTIM})

# 52 an encrypted zip that is not an e-mail, password `infected` (a sample forwarded the usual way):
# the members are hashed; and a nested zip with a CP932 name (no UTF-8 flag), opened and hashed.
sample52 = fexe(1500)
dll52 = fexe(800)
inner52 = make_zip2([("ｼｽﾃﾑ/更新.dll".encode("cp932"), dll52, False, None, True)])
zip52 = make_zip2([(b"sample.exe", sample52, False, "infected", True), ("同梱.zip".encode("cp932"), inner52, False, "infected", False)])
write("52_infected_zip_not_mail.eml", "".join([
    "From: analyst@denryoku-a.example.jp\nTo: report@hub.example.jp\nSubject: sample\nDate: Tue, 14 May 2024 09:00:00 +0900\nMIME-Version: 1.0\n",
    "Content-Type: multipart/mixed; boundary=b52\n\n--b52\nContent-Type: text/plain; charset=utf-8\n\n検体を送ります。\n--b52\n",
    "Content-Type: application/zip; name=sample.zip\nContent-Transfer-Encoding: base64\n\n", b64(zip52), "\n--b52--\n"]), {
    "selection": "the message itself", "layers": 0,
    "attachments": [{"filename": "sample.zip", "size": len(zip52), "sha256": sha256(zip52), "members": [
        {"name": "sample.exe", "size": len(sample52), "sha256": sha256(sample52), "encrypted": True},
        {"name": "同梱.zip", "size": len(inner52), "sha256": sha256(inner52), "encrypted": True},
        {"name": "同梱.zip/ｼｽﾃﾑ/更新.dll", "size": len(dll52), "sha256": sha256(dll52), "encrypted": False}]}],
    "warnings": []})

# 53 reply-chain lure: the attacker quotes a made-up earlier exchange ("> 先日の件", an Outlook
# Original Message from the victim to the attacker). Not a forward: the attack is the message.
text53 = ("鈴木様\n\n先日の件、修正版の請求書をお送りします。\nhttps://invoice-check.example.net/d?id=43\n\n" +
          "-----Original Message-----\nFrom: 鈴木 一郎 <" + VICTIM + ">\nSent: Friday, May 10, 2024 3:00 PM\nTo: " + F_FROM[0] + " <" + F_FROM[1] + ">\nSubject: 請求書について\n\n"
          "> 先日の件\n> よろしくお願いします。\n")
write("53_reply_chain_lure.eml", "".join([
    "Received: from smtp.shipping-lookalike.example.com (smtp.shipping-lookalike.example.com [198.51.100.23])\n\tby mx1.denryoku-a.example.jp with ESMTP id Q2\n\tfor <" + VICTIM + ">; Mon, 13 May 2024 10:21:03 +0900\n",
    "From: " + ew(F_FROM[0], "utf-8") + " <" + F_FROM[1] + ">\nTo: " + ew("鈴木 一郎", "utf-8") + " <" + VICTIM + ">\n",
    "Subject: RE: " + ew("請求書について", "utf-8") + "\nDate: Mon, 13 May 2024 10:21:00 +0900\nMessage-ID: <lure53@shipping-lookalike.example.com>\n",
    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n", text53]), {
    "selection": "the message itself (its quoted header block is correspondence it quotes, not a forward)", "layers": 0,
    "subject": "RE: 請求書について", "victim": [VICTIM, "鈴木 一郎", "mx1.denryoku-a.example.jp"],
    "notVictim": [F_FROM[1], "198.51.100.23"]})

# 54 lure with a From:/Subject: block in the attacker's own body (a fake "memo"), no marker.
text54 = ("各位\n\n下記の通知をご確認ください。\n\nFrom: 総務部\nSubject: 年末調整の書類提出について\n\n書類はこちら: https://nenmatsu-docs.example.net/form\n")
write("54_from_line_lure.eml", "".join([
    "From: " + ew("総務部", "utf-8") + " <soumu@denryoku-a-example.net>\nTo: staff@denryoku-a.example.jp\n",
    "Subject: " + ew("年末調整の書類提出について", "utf-8") + "\nDate: Mon, 13 May 2024 10:21:00 +0900\n",
    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n", text54]), {
    "selection": "the message itself", "layers": 0, "subject": "年末調整の書類提出について",
    "victim": ["staff@denryoku-a.example.jp"], "notVictim": ["soumu@denryoku-a-example.net"]})

# 55 character references: an IDN URL written with numeric references in a plain body and an
# HTML attribute, and named ones in text.
text55 = "ログイン: https://&#x30ED;&#x30B0;&#x30A4;&#x30F3;.example.jp/auth?id=1 &amp; 確認\n"
html55 = "<p><a href=\"https://&#12525;&#12464;&#12452;&#12531;.example.jp/html\">こちら</a> https://&#x4F8B;&#x3048;.&#x30C6;&#x30B9;&#x30C8;/t</p>"
write("55_character_references.eml", "".join([
    "From: a@example.org\nTo: b@example.jp\nSubject: idn\nDate: Mon, 13 May 2024 10:21:00 +0900\nMIME-Version: 1.0\n",
    "Content-Type: multipart/alternative; boundary=b55\n\n--b55\nContent-Type: text/plain; charset=utf-8\n\n", text55,
    "--b55\nContent-Type: text/html; charset=utf-8\n\n", html55, "\n--b55--\n"]), {
    "links": ["https://ログイン.example.jp/auth?id=1", "https://ログイン.example.jp/html", "https://例え.テスト/t"],
    "warnings": []})


def make_cfb(root_streams, storages):
    """An OLE compound file ([MS-CFB] v3, 512-byte sectors, mini stream below 4096 bytes), as
    Outlook's .msg is one: root_streams {name: bytes}, storages [(name, {name: bytes})]."""
    SECTOR, MINI, CUTOFF = 512, 64, 4096
    END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    entries = [dict(name="Root Entry", type=5, data=None, children=[])]

    def add(parent, name, kind, data=None):
        entries.append(dict(name=name, type=kind, data=data, children=[]))
        entries[parent]["children"].append(len(entries) - 1)
        return len(entries) - 1
    for name, data in root_streams.items():
        add(0, name, 2, data)
    for storage, streams in storages:
        index = add(0, storage, 1)
        for name, data in streams.items():
            add(index, name, 2, data)
    sectors, fat, mini, minifat = [], [], bytearray(), []

    def regular(data):
        count = (len(data) + SECTOR - 1) // SECTOR
        start = len(sectors)
        for i in range(count):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(start + i + 1 if i < count - 1 else END)
        return start if count else END
    for entry in entries:
        data = entry["data"]
        if data is None:
            continue
        if len(data) < CUTOFF:
            count = (len(data) + MINI - 1) // MINI
            start = len(minifat)
            for i in range(count):
                mini.extend(data[i * MINI:(i + 1) * MINI].ljust(MINI, b"\0"))
                minifat.append(start + i + 1 if i < count - 1 else END)
            entry["start"] = start
        else:
            entry["start"] = regular(data)
        entry["size"] = len(data)
    entries[0]["start"] = regular(bytes(mini))
    entries[0]["size"] = len(mini)
    minifat_bytes = b"".join(struct.pack("<I", x) for x in minifat)
    minifat_start = regular(minifat_bytes)
    for entry in entries:
        children = entry["children"]
        entry["child"] = children[0] if children else FREE
        for i, child in enumerate(children):
            entries[child]["right"] = children[i + 1] if i + 1 < len(children) else FREE
    directory = bytearray()
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        directory += name.ljust(64, b"\0") + struct.pack("<HBB", len(name), entry["type"], 1)
        directory += struct.pack("<III", FREE, entry.get("right", FREE), entry["child"]) + bytes(16 + 4 + 16)
        directory += struct.pack("<III", entry.get("start", 0), entry.get("size", 0), 0)
    directory_start = regular(bytes(directory))
    count = 1
    while (len(sectors) + count) * 4 > count * SECTOR:
        count += 1
    fat_start = len(sectors)
    fat.extend([FATSECT] * count)
    fat.extend([FREE] * (count * SECTOR // 4 - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", x) for x in fat)
    for i in range(count):
        sectors.append(fat_bytes[i * SECTOR:(i + 1) * SECTOR])
    difat = [fat_start + i for i in range(count)] + [FREE] * (109 - count)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, count, directory_start, 0, CUTOFF, minifat_start, (len(minifat_bytes) + SECTOR - 1) // SECTOR, END, 0)
    header += b"".join(struct.pack("<I", x) for x in difat)
    assert len(header) == 512
    return header + b"".join(sectors)


# 56 a real Outlook .msg item (compound file): UTF-16 transport headers over 4 KB (regular sectors),
# the plain body and the zip attachment in the mini stream.
transport56 = "".join([
    "Received: from smtp.shipping-lookalike.example.com (smtp.shipping-lookalike.example.com [198.51.100.23])\r\n\tby mx1.denryoku-a.example.jp with ESMTP id Q1\r\n\tfor <" + VICTIM + ">; Mon, 13 May 2024 10:21:03 +0900\r\n",
    "From: " + jis_word(F_FROM[0]) + " <" + F_FROM[1] + ">\r\nTo: " + VICTIM + "\r\nSubject: " + jis_word(F_SUBJECT) + "\r\n",
    "Date: Mon, 13 May 2024 10:21:00 +0900\r\nMessage-ID: <inv42@shipping-lookalike.example.com>\r\nMIME-Version: 1.0\r\n",
    "Content-Type: multipart/mixed;\r\n\tboundary=\"original-boundary\"\r\n",
    "".join("X-Filter-Trace-%02d: %s\r\n" % (i, "scanned by gateway 10.8.1.5 verdict=pass " * 1) for i in range(60)),
    "\r\n"])
assert len(transport56.encode("utf-16-le")) > 4096
msg56 = make_cfb({
    "__substg1.0_007D001F": transport56.encode("utf-16-le"),
    "__substg1.0_0037001F": F_SUBJECT.encode("utf-16-le"),
    "__substg1.0_1000001F": F_BODY.encode("utf-16-le"),
    "__properties_version1.0": bytes(32),
}, [("__attach_version1.0_#00000000", {
    "__substg1.0_37010102": f_zip,
    "__substg1.0_3707001F": "invoice.zip".encode("utf-16-le"),
    "__substg1.0_370E001F": "application/zip".encode("utf-16-le"),
})])
write("56_fwd_outlook_msg_item.eml", report("FW: 不審メール", OWN, [
    ("Content-Type: application/vnd.ms-outlook; name=\"suspicious.msg\"\nContent-Disposition: attachment; filename=\"suspicious.msg\"\nContent-Transfer-Encoding: base64\n", b64(msg56).encode())]),
    {"attack": dict(ATTACK_EXPECT, messageID="<inv42@shipping-lookalike.example.com>", firstExternalIP="198.51.100.23",
                    textContains=["請求書を添付いたします"]),
     "selection": "attached .msg (application/vnd.ms-outlook \"suspicious.msg\"), depth 1", "layers": 1, "attackDate": F_DATE,
     "victim": [VICTIM, "soc@denryoku-a.example.jp"], "notVictim": NOT_VICTIM})

with open(os.path.join(HERE, "expectations.json"), "w", encoding="utf-8") as f:
    json.dump(EXPECT, f, ensure_ascii=False, indent=1, sort_keys=True)
print("wrote %d mails" % len(EXPECT))
