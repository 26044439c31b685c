"""Issue 4's end-to-end scenario, through the real binary: organisation A's SOC forwards an
ISO-2022-JP targeted-attack e-mail with a zip attachment (as message/rfc822 inside its own
message). The dry run (`kakehashi extract email`) and the upload (`POST /api/v1/submissions/upload`)
yield the attacker's observables and indicators, list A's people and relays as victim identifiers,
and preview an anonymised copy without them; the attachment sits encrypted in the vault and comes
back as a zip protected with `infected`, readable by `unzip -P infected` and Python's zipfile, for A
and, once A released the submission, for B; never for C. Bad input is refused with a clear error."""
import email.policy
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
import requests

from conftest import BIN, feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode.\r\n" + bytes(range(256)) * 8
VICTIMS = ["yamada@denryoku-a.example.jp", "山田 太郎", "soc@denryoku-a.example.jp", "mail.denryoku-a.example.jp",
           "10.1.2.3"]


def attachment_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("不在連絡票.exe", EXE)
    return buffer.getvalue()


def forwarded_attack(zip_bytes):
    """The member's forward (UTF-8) carrying the attack (ISO-2022-JP) as message/rfc822."""
    attack = MIMEMultipart()
    attack["From"] = Header("ヤマト配送センター", "iso-2022-jp").encode() + " <info@kuroneko-redelivery.top>"
    attack["To"] = Header("山田 太郎", "iso-2022-jp").encode() + " <yamada@denryoku-a.example.jp>"
    attack["Subject"] = Header("【重要】ご不在連絡票のお知らせ", "iso-2022-jp")
    attack["Date"] = "Mon, 16 Nov 2026 09:12:44 +0900"
    attack["Message-ID"] = "<20261116091244.4711@kuroneko-redelivery.top>"
    attack["X-Mailer"] = "Microsoft Outlook 16.0"
    attack["Received"] = ("from mail.denryoku-a.example.jp (mail.denryoku-a.example.jp [10.1.2.3]) by "
                          "pc-yamada.denryoku-a.example.jp; Mon, 16 Nov 2026 09:12:50 +0900")
    attack["Received"] = ("from kuroneko-redelivery.top (unknown [45.77.12.34]) by mail.denryoku-a.example.jp "
                          "with ESMTP id 4711; Mon, 16 Nov 2026 09:12:46 +0900")
    body = ("山田様\n\nお荷物をお届けにあがりましたが、ご不在でした。\n"
            "再配達のお申し込みは hxxps://kuroneko-redelivery[.]top/jp/track?id=884 から、\n"
            "または添付の不在連絡票をご確認ください。配送センター 45.77.12[.]35\n")
    attack.attach(MIMEText(body, "plain", "iso-2022-jp"))
    part = MIMEApplication(zip_bytes, "zip")
    part.add_header("Content-Disposition", "attachment", filename=("iso-2022-jp", "", "不在連絡票.zip"))
    attack.attach(part)

    wrapper = MIMEMultipart()
    wrapper["From"] = Header("電力A社 SOC", "utf-8").encode() + " <soc@denryoku-a.example.jp>"
    wrapper["To"] = "report@hub.example.jp"
    wrapper["Subject"] = Header("FW: 不審メールの報告", "utf-8")
    wrapper["Date"] = "Mon, 16 Nov 2026 10:00:00 +0900"
    wrapper.attach(MIMEText("経理部の山田が受信した不審メールを転送します。", "plain", "utf-8"))
    wrapper.attach(MIMEMessage(attack))
    return wrapper.as_bytes()


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-submissions-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--domain", "denryoku-a.example.jp")
        kakehashi(data, "admin", "org", "add", "--name", "電力B社", "--sector", "電力")
        kakehashi(data, "admin", "org", "add", "--name", "ガスC社", "--sector", "ガス")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--group", "電力SIG", "--read", "--write")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--org", "ガスC社", "--read")
        users = {}
        for org, address in [("電力A社", "soc@denryoku-a.example.jp"), ("電力B社", "soc@denryoku-b.example.jp"),
                             ("ガスC社", "soc@gas-c.example.jp")]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", address, "--role", "member",
                      "--password-stdin", stdin="submission-password\n")
            users[org] = (address, "submission-password")
        collection = feed_id(data, "Default")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users,
                   "objects": f"{url}/hub/collections/{collection}/objects/"}


def by_type(objects, kind):
    return [o for o in objects if o["type"] == kind]


def check_extraction(bundle, zip_sha256):
    objects = bundle["objects"]
    patterns = {o["pattern"] for o in by_type(objects, "indicator")}
    assert "[email-message:from_ref.value = 'info@kuroneko-redelivery.top']" in patterns
    assert f"[file:hashes.'SHA-256' = '{zip_sha256}']" in patterns
    assert f"[file:hashes.'SHA-256' = '{hashlib.sha256(EXE).hexdigest()}']" in patterns
    assert "[url:value = 'https://kuroneko-redelivery.top/jp/track?id=884']" in patterns
    assert "[ipv4-addr:value = '45.77.12.34']" in patterns      # the first external hop
    assert "[ipv4-addr:value = '45.77.12.35']" in patterns      # defanged in the body
    message = by_type(objects, "email-message")[0]
    assert message["subject"] == "【重要】ご不在連絡票のお知らせ"
    assert "to_refs" not in message
    files = {o.get("name"): o for o in by_type(objects, "file")}
    assert files["不在連絡票.zip"]["hashes"]["SHA-256"] == zip_sha256
    assert "不在連絡票.exe" in files
    assert by_type(objects, "report"), "a report ties the extraction together"
    text = json.dumps(objects, ensure_ascii=False)
    for victim in ["yamada@denryoku-a.example.jp", "10.1.2.3", "pc-yamada"]:
        assert victim not in text, f"{victim} is the victim's, not shared content"


def validate(bundle):
    """stix2-validator (the OASIS one) on a bundle."""
    from stix2validator import ValidationOptions, validate_string
    result = validate_string(json.dumps(bundle), ValidationOptions(version="2.1"))
    results = getattr(result, "object_results", None) or [result]
    assert result.is_valid, [f"{r.object_id}: {e}" for r in results for e in r.errors][:10]


def test_extract_dry_run_and_bad_input(tmp_path):
    zip_bytes = attachment_zip()
    eml = tmp_path / "forward.eml"
    eml.write_bytes(forwarded_attack(zip_bytes))
    result = subprocess.run([BIN, "extract", "email", str(eml)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert set(output) == {"bundle", "victim_identifiers", "anonymized_preview", "warnings"}
    check_extraction(output["bundle"], hashlib.sha256(zip_bytes).hexdigest())
    validate(output["bundle"])
    for victim in VICTIMS:
        assert victim in output["victim_identifiers"], output["victim_identifiers"]
    preview = json.dumps(output["anonymized_preview"], ensure_ascii=False)
    assert output["anonymized_preview"]["objects"], "the preview shares the attacker's side"
    assert "kuroneko-redelivery.top" in preview
    for victim in VICTIMS + ["denryoku-a"]:
        assert victim not in preview, victim
    validate(output["anonymized_preview"])

    # Text: indicators with warning lists applied.
    text = tmp_path / "report.txt"
    text.write_text("C2: 203.0.113.5, evil-c2[.]xyz と 8.8.8.8。CVE-2024-3400 / T1566.001\n", encoding="utf-8")
    output = json.loads(subprocess.run([BIN, "extract", "text", str(text)], capture_output=True, text=True,
                                       timeout=120, check=True).stdout)
    patterns = {o.get("pattern") for o in output["bundle"]["objects"]}
    assert "[domain-name:value = 'evil-c2.xyz']" in patterns
    assert "[ipv4-addr:value = '203.0.113.5']" not in patterns   # documentation range: dropped
    assert any("203.0.113.5" in w for w in output["warnings"])
    validate(output["bundle"])

    # What is not a message at all: a clear error and a non-zero exit.
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    result = subprocess.run([BIN, "extract", "email", str(empty)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "error" in result.stderr.lower() and result.stdout == ""


def test_upload_vault_preview_release_and_download(world, tmp_path):
    zip_bytes = attachment_zip()
    zip_sha256 = hashlib.sha256(zip_bytes).hexdigest()
    eml = forwarded_attack(zip_bytes)
    a, b, c = (world["users"][o] for o in ("電力A社", "電力B社", "ガスC社"))
    url = world["url"]

    upload = requests.post(f"{url}/api/v1/submissions/upload", params={"feed": "Default", "kind": "email", "tlp": "amber"},
                           files={"file": ("forward.eml", eml, "message/rfc822")}, auth=a, timeout=60)
    assert upload.status_code == 201, upload.text
    submission = upload.json()
    assert submission["kind"] == "email" and submission["state"] == "held"
    for victim in VICTIMS:
        assert victim in submission["victim_identifiers"]

    # Held: B and C see nothing; A sees its own objects.
    for who in (b, c):
        response = requests.get(world["objects"], auth=who, headers={"Accept": TAXII}, timeout=30)
        assert response.status_code == 200 and response.json().get("objects", []) == []
    own = requests.get(world["objects"], auth=a, headers={"Accept": TAXII}, timeout=30).json()["objects"]
    check_extraction({"objects": own}, zip_sha256)

    # The preview: the attacker's side, none of A's.
    preview = requests.get(f"{url}/api/v1/submissions/{submission['id']}/preview", auth=a, timeout=30)
    assert preview.status_code == 200, preview.text
    text = json.dumps(preview.json()["anonymized_preview"], ensure_ascii=False)
    assert "kuroneko-redelivery.top" in text and zip_sha256 in text
    for victim in VICTIMS + ["denryoku-a", "電力A社"]:
        assert victim not in text, victim
    assert requests.get(f"{url}/api/v1/submissions/{submission['id']}/preview", auth=b, timeout=30).status_code == 404

    # The vault: encrypted at rest, addressed by SHA-256.
    sealed = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(world["data"], "samples")) for f in fs]
    assert any(zip_sha256 in path for path in sealed), sealed
    for path in sealed:
        content = open(path, "rb").read()
        assert b"PK\x03\x04" not in content and "不在連絡票".encode() not in content and EXE[:64] not in content

    def download(who):
        return requests.get(f"{url}/api/v1/samples/{zip_sha256}", auth=who, timeout=60)

    assert download(b).status_code == 404 and download(c).status_code == 404
    response = download(a)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    check_infected_zip(response.content, zip_bytes, tmp_path)

    # Released anonymised to the SIG: B may download it, C still may not.
    release = requests.post(f"{url}/api/v1/submissions/{submission['id']}/release", auth=a,
                            json={"groups": ["電力SIG"], "anonymize": True}, timeout=30)
    assert release.status_code in (200, 201), release.text
    seen_by_b = requests.get(world["objects"], auth=b, headers={"Accept": TAXII}, timeout=30).text
    assert "kuroneko-redelivery.top" in seen_by_b
    for victim in VICTIMS + ["denryoku-a"]:
        assert victim not in seen_by_b
    assert download(b).status_code == 200 and download(c).status_code == 404

    # Every download is audited.
    verify = kakehashi(world["data"], "audit", "verify")
    assert "intact" in verify.stdout

    # The CLI takes the same e-mail and prints the submission id.
    path = tmp_path / "forward.eml"
    path.write_bytes(eml)
    printed = kakehashi(world["data"], "submit", "email", str(path), "--as", a[0], "--feed", "Default").stdout.strip()
    assert re.fullmatch(r"[0-9a-z-]{36}", printed.splitlines()[-1]), printed


def check_infected_zip(data, original, tmp_path):
    """The download opens with the password `infected`, in Python's zipfile and in unzip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == 1
        with pytest.raises(RuntimeError):
            archive.read(names[0])                       # encrypted: no password, no content
        assert archive.read(names[0], pwd=b"infected") == original
    if shutil.which("unzip"):
        path = tmp_path / "sample.zip"
        path.write_bytes(data)
        out = tmp_path / "out"
        subprocess.run(["unzip", "-q", "-P", "infected", str(path), "-d", str(out)], check=True, timeout=60)
        extracted = [os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs]
        assert len(extracted) == 1 and open(extracted[0], "rb").read() == original


def test_incident_report_text_csv_and_observations(world, tmp_path):
    """The other hand-overs through the API and the CLI: an incident report whose context stays with
    the provider unless a release includes it; text and CSV with warning lists; darknet
    observations aggregated per hour and source, queryable by range."""
    a, b = world["users"]["電力A社"], world["users"]["電力B社"]
    url = world["url"]

    def upload(kind, data, name, **params):
        response = requests.post(f"{url}/api/v1/submissions/upload", params={"feed": "Default", "kind": kind, **params},
                                 files={"file": (name, data)}, auth=a, timeout=60)
        assert response.status_code == 201, response.text
        return response.json()

    report = {
        "title": "PlugX による侵入 / PlugX intrusion",
        "summary": "Spear-phishing led to PlugX; C2 over HTTPS.",
        "malware": ["PlugX"], "attack_techniques": ["T1566.001", "T1071.001"], "actor": "APT10",
        "c2": ["update-check.xyz", "45.77.12.99"], "vulnerabilities": ["CVE-2023-23397"],
        "technical_timeline": [{"time": "2026-11-10T09:00:00Z", "event": "first beacon"}],
        "victim_name": "電力A社 本社経理部", "sector": "電力", "size": "large",
        "damage": "経理部の端末3台", "countermeasure_status": "隔離済み", "targeted_systems": ["FS-KEIRI01"],
    }
    submission = upload("report", json.dumps(report, ensure_ascii=False).encode(), "incident.json", tlp="amber")
    assert submission["kind"] == "report"
    release = requests.post(f"{url}/api/v1/submissions/{submission['id']}/release", auth=a,
                            json={"groups": ["電力SIG"]}, timeout=30)
    assert release.status_code in (200, 201), release.text
    seen = requests.get(world["objects"], auth=b, headers={"Accept": TAXII}, timeout=30).json()["objects"]
    types = {o["type"] for o in seen}
    assert {"incident", "malware", "attack-pattern", "vulnerability", "indicator"} <= types, types
    text = json.dumps(seen, ensure_ascii=False)
    assert "update-check.xyz" in text and "T1566.001" in text
    for context in ["経理部の端末3台", "隔離済み", "FS-KEIRI01", "本社経理部"]:
        assert context not in text, f"context {context!r} left without consent"
    assert not [o for o in seen if o.get("x_kakehashi_context")]
    # A strict form: an unknown field is refused with a clear reason, and nothing is stored.
    bad = requests.post(f"{url}/api/v1/submissions/upload", params={"feed": "Default", "kind": "report"},
                        files={"file": ("x.json", b'{"title": "t", "victim": "x"}')}, auth=a, timeout=30)
    assert bad.status_code == 422 and "victim" in bad.json()["description"]

    # Text through the API: documentation ranges and well-known domains dropped, and said so.
    text_submission = upload("text", "C2: evil-c2[.]xyz, 203.0.113.5, www.google.com, CVE-2024-3400\n".encode(), "report.txt")
    assert any("203.0.113.5" in w for w in text_submission["warnings"])
    own = requests.get(world["objects"], auth=a, headers={"Accept": TAXII}, timeout=30).text
    assert "[domain-name:value = 'evil-c2.xyz']" in own

    # CSV through the CLI, with a column mapping.
    csv_path = tmp_path / "iocs.csv"
    csv_path.write_text("value,comment\nbad-dropper.top,dropper\n45.77.12.100,C2\n", encoding="utf-8")
    printed = kakehashi(world["data"], "submit", "csv", str(csv_path), "--as", a[0], "--feed", "Default",
                        "--column", "value=auto", "--column", "comment=description").stdout.strip()
    assert re.fullmatch(r"[0-9a-z-]{36}", printed)

    # Darknet observations: per hour and source, by range.
    rows = ["time,src_ip,dst_port,protocol,count"]
    rows += [f"2026-11-20T10:{m:02d}:00Z,45.77.12.200,23,tcp,5" for m in range(0, 60, 10)]
    rows += ["2026-11-20T11:05:00Z,45.77.12.200,2323,tcp,7", "2026-11-20T10:30:00Z,45.77.12.201,445,tcp,1"]
    observations = upload("observations", "\n".join(rows).encode(), "darknet.csv")
    assert observations["kind"] == "observations"
    ranged = requests.get(f"{url}/api/v1/observations", auth=a, timeout=30,
                          params={"feed": "Default", "from": "2026-11-20T10:00:00Z", "to": "2026-11-20T11:00:00Z"})
    assert ranged.status_code == 200, ranged.text
    observed = [o for o in ranged.json()["objects"] if o["type"] == "observed-data"]
    by_count = sorted(o["number_observed"] for o in observed)
    assert by_count == [1, 30], observed                     # 10:00–11:00: two sources
    only = requests.get(f"{url}/api/v1/observations", auth=a, timeout=30,
                        params={"feed": "Default", "from": "2026-11-20T11:00:00Z", "source": "45.77.12.200"}).json()
    assert [o["number_observed"] for o in only["objects"] if o["type"] == "observed-data"] == [7]
    # Held: B sees none of it.
    hidden = requests.get(f"{url}/api/v1/observations", auth=b, timeout=30, params={"feed": "Default"}).json()
    assert hidden["objects"] == []
