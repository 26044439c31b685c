"""Issue 11 through the real binary (`kakehashi extract email`): each way a member hands over an attack
e-mail, the attack is the message taken (and the warnings say which and why), the victim side's
people, organisation and systems are victim identifiers, and none of them reaches the anonymised
preview, while the attacker's indicators stay in it. Values here are our own and appear nowhere in
the extraction corpus (Tests/ExtractionCorpus), so these cases are not what the corpus was tuned on."""
import base64
import hashlib
import json
import os
import random
import subprocess
import sys
from email.header import Header

import pytest

from conftest import BIN

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ExtractionCorpus"))
from zipcrypt import make_zip  # noqa: E402  (the corpus' ZipCrypto writer)

ORG = "南十字電機株式会社"
DOMAIN = "minamijuji-denki.co.jp"
FORWARDER = ("桐生 正人", "m-kiryu@" + DOMAIN)
VICTIM = ("宮下 沙織", "s-miyashita@" + DOMAIN)
HUB = ("情報共有センター 受付", "intake@isac-hub.example")
ATTACKER = ("納品管理センター", "notice@delivery-portal.click")
SIGNATURE = (f"--\n{ORG} 経営企画部\n桐生 正人 (きりゅう まさと) / Masato Kiryu\n"
             "TEL: 045-321-7788 / FAX: 045-321-7789\n")
VICTIM_VALUES = [ORG, "南十字電機", "経営企画部", "桐生 正人", "Masato Kiryu", "045-321-7788", VICTIM[1], FORWARDER[1],
                 "宮下 沙織", DOMAIN]


def mailbox(name, address, charset="utf-8"):
    return Header(name, charset).encode() + f" <{address}>"


def attack_message(subject="【重要】納品書の再送について", extra_body="", attachment=None, to=VICTIM):
    """The attacker's message as the victim received it (ISO-2022-JP text, a public sending hop)."""
    boundary = "atk-7781"
    body = (f"{to[0]} 様\n\nいつもお世話になっております。納品書を再送いたします。\n"
            "hxxps://delivery-portal[.]click/doc/view?id=7781\n" + extra_body)
    lines = [
        "Received: from mx2." + DOMAIN + " (mx2." + DOMAIN + " [10.44.1.9]) by mbox." + DOMAIN + "; Tue, 3 Nov 2026 10:02:11 +0900",
        "Received: from mail.delivery-portal.click (mail.delivery-portal.click [185.220.77.14]) by mx2." + DOMAIN
        + " with ESMTP for <" + to[1] + ">; Tue, 3 Nov 2026 10:02:09 +0900",
        "From: " + mailbox(*ATTACKER, charset="iso-2022-jp"),
        "To: " + mailbox(*to, charset="iso-2022-jp"),
        "Subject: " + Header(subject, "iso-2022-jp").encode(),
        "Date: Tue, 3 Nov 2026 10:02:00 +0900",
        "Message-ID: <20261103100200.7781@delivery-portal.click>",
        "MIME-Version: 1.0",
    ]
    text = body.encode("iso-2022-jp")
    if attachment is None:
        lines += ["Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit", ""]
        return ("\r\n".join(lines) + "\r\n").encode() + text.replace(b"\n", b"\r\n")
    name, data = attachment
    lines += [f'Content-Type: multipart/mixed; boundary="{boundary}"', "", f"--{boundary}",
              "Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit", ""]
    head = ("\r\n".join(lines) + "\r\n").encode() + text.replace(b"\n", b"\r\n")
    encoded_name = "".join("%%%02X" % b for b in name.encode())
    part = (f"\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; filename*=UTF-8''{encoded_name}\r\n\r\n").encode()
    return head + part + base64.encodebytes(data).replace(b"\n", b"\r\n") + f"--{boundary}--\r\n".encode()


def forward(own_text, parts, subject="FW: 不審メール", sender=FORWARDER):
    """The member's forward to the hub: its own words, then the given (content-type, headers, bytes) parts."""
    boundary = "fwd-2201"
    lines = [
        "Received: from gw." + DOMAIN + " (gw." + DOMAIN + " [198.18.40.7]) by mx.isac-hub.example; Tue, 3 Nov 2026 11:00:02 +0900",
        "From: " + mailbox(*sender), "To: " + mailbox(*HUB), "Subject: " + Header(subject, "utf-8").encode(),
        "Date: Tue, 3 Nov 2026 11:00:00 +0900", "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"', "", f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "",
    ]
    out = ("\r\n".join(lines) + "\r\n").encode() + base64.encodebytes(own_text.encode()).replace(b"\n", b"\r\n")
    for headers, data in parts:
        out += f"\r\n--{boundary}\r\n{headers}\r\n\r\n".encode() + data
    return out + f"\r\n--{boundary}--\r\n".encode()


def extract(tmp_path, data):
    path = tmp_path / "handed-over.eml"
    path.write_bytes(data)
    result = subprocess.run([BIN, "extract", "email", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def objects(bundle, kind):
    return [o for o in bundle["objects"] if o["type"] == kind]


def sender_of(output):
    message = objects(output["bundle"], "email-message")[0]
    addresses = {o["id"]: o["value"] for o in objects(output["bundle"], "email-addr")}
    return addresses.get(message.get("from_ref")), message.get("subject")


def assert_no_victim_in_preview(output, values=VICTIM_VALUES):
    preview = json.dumps(output["anonymized_preview"], ensure_ascii=False)
    assert output["anonymized_preview"]["objects"], "the preview must share the attacker's side"
    for value in values:
        assert value not in preview, f"{value} reached the anonymised preview"
    assert "delivery-portal.click" in preview, "the attacker's indicators stay"


def selection(output):
    lines = [w for w in output["warnings"] if w.startswith("attack message:")]
    assert len(lines) == 1, output["warnings"]
    return lines[0]


@pytest.mark.parametrize("headers", [
    'Content-Type: application/octet-stream; name="original.eml"\r\nContent-Disposition: attachment; filename="original.eml"',
    'Content-Type: application/x-message\r\nContent-Disposition: attachment; filename="fw.eml"',
    'Content-Disposition: attachment; filename="suspicious.eml"',
])
def test_attack_attached_without_message_type(tmp_path, headers):
    output = extract(tmp_path, forward("不審メールを転送します。\n\n" + SIGNATURE, [(headers, attack_message())]))
    assert sender_of(output) == (ATTACKER[1], "【重要】納品書の再送について")
    assert "depth 1" in selection(output)
    found = set(output["victim_identifiers"])
    for value in [FORWARDER[1], VICTIM[1], "桐生 正人", "Masato Kiryu", ORG, "経営企画部", "045-321-7788", "10.44.1.9"]:
        assert value in found, (value, found)
    assert HUB[1] not in found and HUB[0] not in found, "the hub's own intake is not the victim"
    assert_no_victim_in_preview(output)


def quoted_outlook_ja(inner_from, inner_to, subject, body):
    return (f"-----Original Message-----\n差出人: {inner_from[0]} <{inner_from[1]}>\n送信日時: 2026年11月3日 10:02\n"
            f"宛先: {inner_to[0]} <{inner_to[1]}>\n件名: {subject}\n\n{body}")


def test_inline_forward_of_a_forward(tmp_path):
    attack_body = "宮下 様\n\n納品書を再送いたします。\nhxxps://delivery-portal[.]click/doc/view?id=7781\n"
    inner = quoted_outlook_ja(ATTACKER, VICTIM, "【重要】納品書の再送について", attack_body)
    middle = (f"---------- Forwarded message ---------\nFrom: {VICTIM[0]} <{VICTIM[1]}>\n"
              f"Date: 2026年11月3日(火) 10:15\nSubject: FW: 【重要】納品書の再送について\nTo: {FORWARDER[0]} <{FORWARDER[1]}>\n\n"
              f"桐生さん\n\n怪しいメールが来ました。PC-MIYASHITA07 (10.44.8.21) で受信しています。\n\n{inner}")
    text = "情報共有センター ご担当者様\n\n経営企画部の桐生です。社内から報告のあった不審メールを共有します。\n\n" + SIGNATURE + "\n" + middle
    data = forward(text, [], subject="FW: FW: 【重要】納品書の再送について")
    output = extract(tmp_path, data)
    assert sender_of(output) == (ATTACKER[1], "【重要】納品書の再送について")
    assert "inline" in selection(output) and "depth 2" in selection(output)
    found = set(output["victim_identifiers"])
    for value in [VICTIM[1], FORWARDER[1], "PC-MIYASHITA07", "10.44.8.21", "桐生 正人", ORG]:
        assert value in found, (value, found)
    assert_no_victim_in_preview(output, VICTIM_VALUES + ["PC-MIYASHITA07", "10.44.8.21"])


@pytest.mark.parametrize("password, words", [("Hk7#pQ2m", "パスワード：Hk7#pQ2m"), ("infected", "zip のパスワードは infected です")])
def test_attack_in_encrypted_zip(tmp_path, password, words):
    archive = make_zip([("不審メール.eml", attack_message(), True)], random.Random(5), password=password, cp932_names=True)
    headers = 'Content-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="sample.zip"'
    data = forward(f"不審メールを zip で送ります。\n{words}\n\n" + SIGNATURE, [(headers, base64.encodebytes(archive))])
    output = extract(tmp_path, data)
    assert sender_of(output) == (ATTACKER[1], "【重要】納品書の再送について")
    assert "zip" in selection(output)
    assert_no_victim_in_preview(output)


def test_victim_inside_true_indicators_is_redacted(tmp_path):
    archive_bytes = b"MZ" + bytes(range(200))
    address = base64.b64encode(VICTIM[1].encode()).decode().rstrip("=")
    body = f"ログイン: https://delivery-portal.click/sso?u={address}\n"
    attack = attack_message(subject="お見積りの件（南十字電機様）", extra_body=body,
                            attachment=("RFQ_MinamijujiDenki.iso", archive_bytes))
    headers = 'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="fw.eml"'
    output = extract(tmp_path, forward("転送します。\n\n" + SIGNATURE, [(headers, attack)]))
    found = set(output["victim_identifiers"])
    assert "南十字電機" in found and "MinamijujiDenki" in found, found
    preview = json.dumps(output["anonymized_preview"], ensure_ascii=False)
    for value in ["南十字電機", "MinamijujiDenki", address, VICTIM[1]]:
        assert value not in preview, value
    # The indicators themselves survive, with the identifier cut out of them.
    assert "お見積りの件" in preview and "RFQ_" in preview and "delivery-portal.click/sso" in preview
    assert hashlib.sha256(archive_bytes).hexdigest() in preview


def test_body_indicators(tmp_path):
    idn = "".join(f"&#{ord(c)};" for c in "ログイン確認") + ".com"
    html = (f'<p>{VICTIM[0]} 様</p><p>確認: https://{idn}/portal と http://185.220.77.15/dl/a.iso</p>'
            "<p>MD5 0cc175b9c0f1b6a831c399e269772661 / CVE-2026-21345</p>").encode()
    attack = attack_message().replace(b"Content-Type: text/plain; charset=ISO-2022-JP",
                                      b"Content-Type: text/html; charset=us-ascii", 1)
    attack = attack.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" + html
    output = extract(tmp_path, attack)
    bundle = output["bundle"]
    assert "https://ログイン確認.com/portal" in {o["value"] for o in objects(bundle, "url")}
    assert "185.220.77.15" in {o["value"] for o in objects(bundle, "ipv4-addr")}
    assert "CVE-2026-21345" in {o["name"] for o in objects(bundle, "vulnerability")}
    hashes = [h for o in objects(bundle, "file") for h in o.get("hashes", {}).values()]
    assert "0cc175b9c0f1b6a831c399e269772661" in hashes
    assert "the message itself" in selection(output)


@pytest.mark.parametrize("attribution", [
    "On Tue, 3 Nov 2026 at 10:02, {name} <{addr}> wrote:",
    "2026年11月3日(火) 10:02 {name} <{addr}>:",
])
def test_reply_style_quoted_forward(tmp_path, attribution):
    quoted = "\n".join("> " + line for line in
                       ["宮下 様", "", "納品書を再送いたします。", "hxxps://delivery-portal[.]click/doc/view?id=7781"])
    text = ("不審メールを共有します。\n\n" + attribution.format(name=ATTACKER[0], addr=ATTACKER[1]) + "\n" + quoted
            + "\n\n" + SIGNATURE)
    output = extract(tmp_path, forward(text, [], subject="RE: FW: 【重要】納品書の再送について"))
    assert sender_of(output) == (ATTACKER[1], "【重要】納品書の再送について")
    assert "quoted reply" in selection(output)
    found = set(output["victim_identifiers"])
    for value in [FORWARDER[1], "桐生 正人", ORG, "045-321-7788"]:   # the signature below the quote is the forwarder's
        assert value in found, (value, found)
    assert_no_victim_in_preview(output, [ORG, "桐生 正人", FORWARDER[1], "045-321-7788", DOMAIN])
