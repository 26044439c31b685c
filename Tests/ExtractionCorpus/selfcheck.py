#!/usr/bin/env python3
# Tests/ExtractionCorpus/selfcheck.py
# Owns checking the corpus against itself: every labelled value must really be in its message.
# Decodes each NNN.eml with Python's email package (a separate reader from the generator's writer),
# descends into attached messages, .eml/.msg files and zips (trying every token of the text and
# `infected` as password), and reports truth values it cannot find. A label that is not in the
# message would punish a correct extractor, so the generator is only trusted when this prints 0.
#
#   python3 selfcheck.py DIR
import base64
import email
import email.policy
import hashlib
import html
import io
import json
import os
import re
import sys
import unicodedata
import urllib.parse
import zipfile

CHARSETS = ["utf-8", "cp932", "euc_jp", "iso2022_jp"]


def norm(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def decode_bytes(data, declared):
    for cs in ([declared] if declared else []) + CHARSETS:
        try:
            text = data.decode(cs)
            if declared and cs == declared and declared in ("iso-8859-1", "us-ascii", "ascii", "latin-1"):
                continue  # a wrong declaration (the corpus writes some): try the real ones
            return text
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


class Reader:
    def __init__(self):
        self.texts, self.files, self.members = [], [], []

    def message(self, data):
        self.entity(email.message_from_bytes(data, policy=email.policy.default))

    def headers(self, msg):
        for key, value in msg.items():
            try:
                self.texts.append("%s: %s" % (key, str(value)))
            except Exception:  # noqa: BLE001
                self.texts.append("%s: %s" % (key, value))

    def entity(self, part, top=True):
        if top:
            self.headers(part)
        ctype = part.get_content_type()
        name = part.get_filename()
        if ctype == "message/rfc822":
            if part.get("Content-Transfer-Encoding", "").lower() == "base64":
                raw = part.get_payload(0).as_bytes() if part.is_multipart() else part.get_payload().encode()
                raw = raw.split(b"\n\n", 1)[-1] if raw.startswith(b"MIME") or b"\n\n" in raw[:200] else raw
                inner = email.message_from_bytes(base64.b64decode(re.sub(rb"[^A-Za-z0-9+/=]", b"", raw) + b"=="),
                                                 policy=email.policy.default)
            else:
                inner = part.get_payload()
                inner = inner[0] if isinstance(inner, list) else email.message_from_bytes(part.get_payload(decode=True) or b"")
            if name:
                self.files.append((name, inner.as_bytes()))
            self.entity(inner)
            return
        if part.is_multipart():
            for sub in part.get_payload():
                self.entity(sub, top=False)
            return
        payload = part.get_payload(decode=True) or b""
        if name:
            self.files.append((name, payload))
            if name.lower().endswith((".eml", ".msg")):
                self.message(payload)
            elif payload[:2] == b"PK":
                self.archive(payload, top=True)
            return
        if part.get_content_maintype() == "text":
            text = decode_bytes(payload, part.get_content_charset())
            self.texts.append(html.unescape(text) if ctype == "text/html" else text)
            if ctype == "text/html":
                self.texts.append(text)

    def archive(self, data, top):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            return
        tokens = set(re.findall(r"[!-~]+", "\n".join(self.texts))) | {"infected"}
        for token in list(tokens):
            tokens |= set(re.split(r"[：:→ <>]", token))
        for info in zf.infolist():
            name = info.filename
            if not info.flag_bits & 0x800:
                name = name.encode("cp437").decode("cp932", "replace")
            content = None
            if info.flag_bits & 1:
                for pw in tokens:
                    try:
                        content = zf.read(info, pwd=pw.encode())
                        break
                    except Exception:  # noqa: BLE001
                        continue
            else:
                content = zf.read(info)
            self.members.append((name, content, bool(info.flag_bits & 1)))
            if content is None:
                continue
            if name.lower().endswith(".eml"):
                self.message(content)
            elif content[:2] == b"PK":
                self.archive(content, top=False)


def check(path_eml, truth):
    reader = Reader()
    with open(path_eml, "rb") as f:
        reader.message(f.read())
    hay = norm("\n".join(reader.texts + [n for n, _ in reader.files] + [n for n, _, _ in reader.members]))
    hay_refanged = hay.replace("[.]", ".").replace("hxxp", "http").replace("[:]", ":")
    hashes = set()
    for _, data in reader.files:
        for algo in ("md5", "sha1", "sha256"):
            hashes.add(hashlib.new(algo, data).hexdigest())
    for _, data, _ in reader.members:
        if data is not None:
            for algo in ("md5", "sha1", "sha256"):
                hashes.add(hashlib.new(algo, data).hexdigest())
    file_names = {norm(n) for n, _ in reader.files}
    member_names = {norm(n) for n, _, _ in reader.members}
    missing = []

    def need(field, value, ok):
        if not ok:
            missing.append("%s: %s" % (field, value))

    for v in truth["victim_identifiers"]:
        need("victim", v, norm(v) in hay or urllib.parse.quote(v, safe="").casefold() in hay)
    for field in ("urls", "domains", "ips", "addresses", "cves"):
        for v in truth[field]:
            need(field, v, norm(v) in hay_refanged)
    need("sender", truth["sender"], norm(truth["sender"]) in hay)
    need("subject", truth["subject"], norm(truth["subject"]) in hay)
    if truth["message_id"]:
        need("message_id", truth["message_id"], norm(truth["message_id"]) in hay)
    for ip in truth["hops"]:
        need("hops", ip, ip in hay)
    for a in truth["attachments"]:
        need("attachments", a["name"], norm(a["name"]) in file_names and a["sha256"] in hashes)
    for m in truth["zip_members"]:
        need("zip_members", m["name"], norm(m["name"]) in member_names and (m["sha256"] is None or m["sha256"] in hashes))
    for h in truth["hashes"]:
        need("hashes", h, h in hashes or h in hay)
    return missing


def main():
    folder = sys.argv[1]
    total = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".truth.json"):
            continue
        stem = name[:-len(".truth.json")]
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            truth = json.load(f)
        try:
            missing = check(os.path.join(folder, stem + ".eml"), truth)
        except Exception as error:  # noqa: BLE001
            missing = ["unreadable: %r" % error]
        if missing:
            total += len(missing)
            print("%s (%s): %s" % (stem, truth["attack_layer"], "; ".join(missing[:6])))
    print("labelled values not found in their message: %d" % total)
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
