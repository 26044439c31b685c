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

with open(os.path.join(HERE, "expectations.json"), "w", encoding="utf-8") as f:
    json.dump(EXPECT, f, ensure_ascii=False, indent=1, sort_keys=True)
print("wrote %d mails" % len(EXPECT))
