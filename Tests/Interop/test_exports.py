"""Issue 16's exports through the real binary, each checked by the tool that consumes it: a member's C2
indicators released to a SIG reach another SIG member's Suricata rules (`suricata -T`, no `E:` line),
IP reputation file, RPZ zone (`named-checkzone -k fail -i local` and a real `named` on 127.0.0.1 answering
NXDOMAIN), Zeek intel file (a strict checker written from the Zeek documentation), MISP feed and event
(pymisp loads every event; its feed_meta_generator rebuilds the same manifest and hashes), EDL / FortiGate
plain lists (the vendors' documented rules), CSV and STIX (stix2-validator); a third organisation that
reads the feed but is not in the SIG gets none of them; `If-None-Match` gets 304; a revoked release
leaves every export on the next poll. Runs on SQLite and on PostgreSQL (KAKEHASHI_TEST_BACKEND)."""
import csv
import datetime
import gzip
import io
import ipaddress
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from conftest import feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
C2_VALUES = {
    "ipv4": "91.215.85.17", "cidr": "194.26.29.0/24", "ipv6": "2a03:b0c0:3:d0::1a2b", "domain": "c2-evil-kakehashi.net",
    "url": "http://c2-evil-kakehashi.net/gate.php?id=7", "md5": "7b3682df0eda2fbf016e1e6acb53757a",
    "sha1": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
}
WARNING_LISTED = "google.com"


# Dated now: an address indicator is fresh for 30 days by default (freshness, test_feed_flow.py).
NOW = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def indicator(n, pattern, name):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--c2000000-0000-4000-8000-00000000000{n}",
            "created": NOW, "modified": NOW, "name": name,
            "pattern": pattern, "pattern_type": "stix", "valid_from": NOW,
            "indicator_types": ["malicious-activity"], "confidence": 80}


def c2_bundle():
    v = C2_VALUES
    return [
        indicator(1, f"[ipv4-addr:value = '{v['ipv4']}'] OR [ipv4-addr:value = '{v['cidr']}'] OR [ipv6-addr:value = '{v['ipv6']}']", "C2 addresses"),
        indicator(2, f"[domain-name:value = '{v['domain']}'] OR [url:value = '{v['url']}']", "C2 domain"),
        indicator(3, f"[file:hashes.MD5 = '{v['md5']}' OR file:hashes.'SHA-1' = '{v['sha1']}' OR file:hashes.'SHA-256' = '{v['sha256']}']", "Loader"),
        indicator(4, f"[domain-name:value = '{WARNING_LISTED}']", "Noise"),
    ]


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-exports-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力")
        kakehashi(data, "admin", "org", "add", "--name", "電力B社", "--sector", "電力")
        kakehashi(data, "admin", "org", "add", "--name", "ガスC社", "--sector", "ガス")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
        kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers")
        kakehashi(data, "admin", "feed", "add", "--name", "Other", "--title", "Other")
        kakehashi(data, "admin", "grant", "--feed", "C2", "--group", "電力SIG", "--read", "--write")
        kakehashi(data, "admin", "grant", "--feed", "C2", "--org", "ガスC社", "--read")
        users, tokens = {}, {}
        for org, email in [("電力A社", "soc@denryoku-a.example.jp"), ("電力B社", "soc@denryoku-b.example.jp"),
                           ("ガスC社", "soc@gas-c.example.jp")]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", "member",
                      "--password-stdin", stdin="exports-password\n")
            users[org] = (email, "exports-password")
            tokens[org] = kakehashi(data, "admin", "token", "add", "--email", email).stdout.strip().splitlines()[-1]
        collection = feed_id(data, "C2")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users, "tokens": tokens,
                   "objects": f"{url}/hub/collections/{collection}/objects/"}


def export(world, org, fmt, token=True, **params):
    headers = {"Authorization": f"Bearer {world['tokens'][org]}"} if token else {}
    headers.update(params.pop("headers", {}))
    return requests.get(f"{world['url']}/api/v1/feeds/{params.pop('feed', 'C2')}/export", params={"format": fmt, **params},
                        headers=headers, timeout=60)


def body(world, org, fmt, **params):
    response = export(world, org, fmt, **params)
    assert response.status_code == 200, response.text
    return response


# MARK: - consumers

def missing(tool):
    """True (with a warning) when a consumer is not installed here; scripts/test installs them all."""
    if shutil.which(tool):
        return False
    import warnings
    warnings.warn(f"{tool} is not installed: its check of the export is SKIPPED")
    return True


def suricata_check(rules_dir, rules_file, extra=()):
    """`suricata -T` on the rules; any `E:` line (or a non-zero exit) fails."""
    if missing("suricata"):
        return ""
    log = Path(rules_dir) / "log"
    log.mkdir(exist_ok=True)
    result = subprocess.run(["suricata", "-T", "-c", "/etc/suricata/suricata.yaml", "-S", str(rules_file),
                             "-l", str(log), "--set", f"default-rule-path={rules_dir}", *extra],
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if re.search(r"\bE:|<Error>", line)]
    assert result.returncode == 0 and not errors, output[-4000:]
    return output


def check_zone(path, zone="rpz.kakehashi"):
    if missing("named-checkzone"):
        return
    result = subprocess.run(["named-checkzone", "-k", "fail", "-i", "local", zone, str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dns_rcode(port, name):
    query = struct.pack(">HHHHHH", 0x4b48, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        query += bytes([len(label)]) + label.encode()
    query += b"\x00" + struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(query, ("127.0.0.1", port))
        answer, _ = s.recvfrom(4096)
    return answer[3] & 0x0F


def named_answers(zone_file, names):
    """A real `named` on 127.0.0.1 (a free port, stopped by its pid) with the zone as its response policy:
    the rcode for each name."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-named-") as work:
        port = free_port()
        shutil.copy(zone_file, Path(work) / "rpz.zone")
        (Path(work) / "named.conf").write_text(f"""
options {{
    directory "{work}";
    pid-file "{work}/named.pid";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion yes;
    allow-query {{ 127.0.0.1; }};
    allow-recursion {{ 127.0.0.1; }};
    dnssec-validation no;
    response-policy {{ zone "rpz.kakehashi"; }} qname-wait-recurse no break-dnssec yes;
}};
zone "rpz.kakehashi" {{ type primary; file "{work}/rpz.zone"; allow-query {{ none; }}; }};
""")
        process = subprocess.Popen(["named", "-g", "-c", f"{work}/named.conf", "-n", "1"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.time() + 30
            answers = None
            while time.time() < deadline:
                try:
                    answers = {name: dns_rcode(port, name) for name in names}
                    break
                except OSError:
                    time.sleep(0.2)
            assert answers is not None, "named did not answer"
            return answers
        finally:
            process.terminate()
            process.wait(timeout=30)


ZEEK_TYPES = {"Intel::ADDR", "Intel::SUBNET", "Intel::URL", "Intel::SOFTWARE", "Intel::EMAIL", "Intel::DOMAIN",
              "Intel::USER_NAME", "Intel::CERT_HASH", "Intel::PUBKEY_HASH", "Intel::FILE_HASH", "Intel::FILE_NAME"}


def zeek_intel_check(text):
    """The Intel framework's input format (Zeek docs, "Intelligence Framework" and the input framework's
    ASCII reader): a `#fields` header naming `indicator` and `indicator_type` and `meta.source`, fields
    separated by exactly one TAB, the same number of fields on every line, `-` for an unset field, no
    empty field, types from Intel::Type, Intel::URL without its scheme, addresses and subnets as Zeek
    parses them. Returns the (indicator, type) pairs."""
    lines = text.split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    header = lines[0]
    assert header.startswith("#fields\t"), header
    fields = header.split("\t")[1:]
    assert {"indicator", "indicator_type", "meta.source"} <= set(fields)
    assert "" not in fields and len(set(fields)) == len(fields)
    pairs = []
    for line in lines[1:-1]:
        if line.startswith("#"):
            continue
        values = line.split("\t")
        assert len(values) == len(fields), f"fields: {line!r}"
        assert all(value != "" and value == value.strip() and "\r" not in value for value in values), f"empty or padded: {line!r}"
        row = dict(zip(fields, values))
        kind, indicator = row["indicator_type"], row["indicator"]
        assert kind in ZEEK_TYPES, kind
        assert row["meta.source"] != "-"
        if kind == "Intel::URL":
            assert "://" not in indicator, f"Intel::URL with scheme: {indicator}"
        if kind == "Intel::ADDR":
            ipaddress.ip_address(indicator)
        if kind == "Intel::SUBNET":
            ipaddress.ip_network(indicator, strict=True)
        if kind == "Intel::FILE_HASH":
            assert re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}", indicator)
        pairs.append((indicator, kind))
    return pairs


def edl_check(text, kind, limit=150_000):
    """Palo Alto EDL (PAN-OS 10+/11 "External Dynamic List" formatting guidelines) and FortiGate external
    threat feeds: one entry a line, no scheme on URLs, at most `limit` entries, IP lists of addresses,
    ranges or CIDR networks, domain lists of names with an optional leading `*.`, hash lists of MD5/SHA-1/SHA-256."""
    lines = text.splitlines()
    assert len(lines) <= limit
    for line in lines:
        assert line == line.strip() and line and not line.startswith("#"), repr(line)
        if kind in ("ipv4", "ipv6", "cidr"):
            ipaddress.ip_network(line, strict=True)
        elif kind == "domain":
            assert re.fullmatch(r"(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}", line), line
        elif kind == "url":
            assert "://" not in line and " " not in line and len(line) <= 2047, line
            host = re.split(r"[/:?]", line, 1)[0]
            assert re.fullmatch(r"(\*\.)?[a-z0-9_.-]+", host), line
        else:
            assert re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}", line), line
    return lines


def post_and_release(world):
    posted = requests.post(world["objects"], data=json.dumps({"objects": c2_bundle()}).encode(),
                           auth=world["users"]["電力A社"], headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert posted.status_code == 202 and posted.json()["success_count"] == 4, posted.text
    released = requests.post(f"{world['url']}/api/v1/submissions/{posted.json()['id']}/release",
                             auth=world["users"]["電力A社"], json={"groups": ["電力SIG"], "anonymize": True}, timeout=30)
    assert released.status_code == 201, released.text
    return released.json()["id"]


def all_formats_text(world, org):
    texts = {}
    for fmt in ["suricata", "suricata-iprep", "rpz", "zeek", "misp-event", "csv", "stix"]:
        texts[fmt] = body(world, org, fmt).text
    for kind in C2_VALUES:
        texts[f"plain-{kind}"] = body(world, org, "plain", type=kind).text
    return texts


def test_released_indicators_reach_another_members_devices_and_leave_on_revocation(world):
    # Before any release: B's exports are empty but valid.
    assert "c2-evil-kakehashi" not in body(world, "電力B社", "rpz").text
    release = post_and_release(world)
    time.sleep(0.6)   # an export is at most half a second behind the store

    with tempfile.TemporaryDirectory(prefix="kakehashi-consumers-") as work:
        work = Path(work)
        # Suricata rules with their hash lists (named in X-Kakehashi-Export-Files, fetched with ?file=).
        rules = body(world, "電力B社", "suricata")
        names = rules.headers["X-Kakehashi-Export-Files"].split(",")
        assert len(names) == 4, names
        (work / names[0]).write_text(rules.text)
        for name in names[1:]:
            (work / name).write_text(body(world, "電力B社", "suricata", file=name).text)
        for kind in ["ipv4", "cidr", "domain"]:
            assert C2_VALUES[kind] in rules.text, kind
        assert "c2-evil-kakehashi.net" in rules.text and "/gate.php?id=7" in rules.text
        assert C2_VALUES["md5"] in (work / names[1]).read_text()
        assert WARNING_LISTED not in rules.text
        suricata_check(work, work / names[0])

        # Suricata IP reputation with its category file, loaded by a rule that uses it.
        iprep = body(world, "電力B社", "suricata-iprep")
        list_name, categories_name = iprep.headers["X-Kakehashi-Export-Files"].split(",")
        (work / list_name).write_text(iprep.text)
        categories = body(world, "電力B社", "suricata-iprep", file=categories_name).text
        (work / categories_name).write_text(categories)
        category = categories.split(",")[1]
        assert f"{C2_VALUES['ipv4']},1," in iprep.text and f"{C2_VALUES['cidr']},1," in iprep.text
        (work / "iprep.rules").write_text(f'alert ip any any -> any any (msg:"iprep"; iprep:dst,{category},>,0; sid:1; rev:1;)\n')
        suricata_check(work, work / "iprep.rules", ["--set", f"reputation-categories-file={work / categories_name}",
                                                     "--set", f"default-reputation-path={work}",
                                                     "--set", f"reputation-files.0={list_name}"])

        # RPZ: named-checkzone, then a real named answering NXDOMAIN for the listed name and below it.
        zone = work / "kakehashi.rpz"
        zone.write_text(body(world, "電力B社", "rpz").text)
        check_zone(zone)
        if not missing("named"):
            answers = named_answers(zone, ["c2-evil-kakehashi.net", "www.c2-evil-kakehashi.net"])
            assert answers["c2-evil-kakehashi.net"] == 3 and answers["www.c2-evil-kakehashi.net"] == 3, answers

        # Zeek intel.
        pairs = zeek_intel_check(body(world, "電力B社", "zeek").text)
        assert ("c2-evil-kakehashi.net/gate.php?id=7", "Intel::URL") in pairs
        assert (C2_VALUES["cidr"], "Intel::SUBNET") in pairs and (C2_VALUES["ipv6"], "Intel::ADDR") in pairs

        # MISP feed (through the CLI as B: `--as`), loaded by pymisp and rebuilt by its feed generator.
        from pymisp import MISPEvent
        from pymisp.tools import feed_meta_generator
        feed_dir = work / "misp"
        kakehashi(world["data"], "export", "--feed", "C2", "--format", "misp-feed", "--as", "soc@denryoku-b.example.jp",
                  "-o", str(feed_dir))
        events = [p for p in feed_dir.glob("*.json") if p.name != "manifest.json"]
        assert len(events) == 1
        values = set()
        for path in events:
            event = MISPEvent()
            event.load_file(str(path))
            values |= {a.value for a in event.attributes}
            assert event.Orgc.name == "Kakehashi" and "電力A社" not in path.read_text()
        assert {C2_VALUES["domain"], C2_VALUES["sha256"]} <= values and WARNING_LISTED not in values
        ours = json.loads((feed_dir / "manifest.json").read_text()), sorted((feed_dir / "hashes.csv").read_text().splitlines())
        rebuilt = work / "misp-rebuilt"
        shutil.copytree(feed_dir, rebuilt)
        feed_meta_generator(rebuilt)
        assert json.loads((rebuilt / "manifest.json").read_text()) == ours[0]
        assert sorted((rebuilt / "hashes.csv").read_text().splitlines()) == ours[1]
        single = MISPEvent()
        single.load(body(world, "電力B社", "misp-event").text)
        assert C2_VALUES["url"] in {a.value for a in single.attributes}

    # EDL / FortiGate plain lists per type, and the size cap keeping the strongest with the cut reported.
    for kind, value in C2_VALUES.items():
        lines = edl_check(body(world, "電力B社", "plain", type=kind).text, kind)
        expected = value.split("://", 1)[-1]
        assert expected in lines, (kind, lines)
    assert "*.c2-evil-kakehashi.net" in body(world, "電力B社", "plain", type="domain").text
    capped = body(world, "電力B社", "plain", type="domain", limit="1")
    assert capped.headers.get("X-Kakehashi-Export-Cut") is None   # one domain: nothing to cut
    rows = list(csv.DictReader(io.StringIO(body(world, "電力B社", "csv").text)))
    assert {row["value"] for row in rows} >= set(C2_VALUES.values())

    # STIX: stix2-validator accepts the bundle.
    from stix2validator import validate_string
    stix = body(world, "電力B社", "stix")
    assert validate_string(stix.text).is_valid and "c2-evil-kakehashi.net" in stix.text

    # C reads the feed but is not in the SIG: nothing of A's in any format.
    for fmt, text in all_formats_text(world, "ガスC社").items():
        for value in C2_VALUES.values():
            assert value.split("://", 1)[-1] not in text, (fmt, value)

    # Conditional requests: 304 with the same ETag; gzip when asked.
    first = body(world, "電力B社", "rpz", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and first.headers["Last-Modified"].endswith("GMT")
    etag = first.headers["ETag"]
    again = export(world, "電力B社", "rpz", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and not again.content

    # The provider revokes its release: on the next poll it is gone from every export, the ETag moves.
    revoked = requests.post(f"{world['url']}/api/v1/releases/{release}/revoke", auth=world["users"]["電力A社"], timeout=30)
    assert revoked.status_code == 200, revoked.text
    time.sleep(0.6)
    after = export(world, "電力B社", "rpz", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    for fmt, text in all_formats_text(world, "電力B社").items():
        if fmt == "stix":
            # The STIX bundle is not a blocklist: B, which received the anonymised copies, gets their
            # last versions, revoked, so that a bundle importer drops them too.
            objects = json.loads(text)["objects"]
            assert objects and all(o.get("revoked") is True for o in objects), objects
            continue
        for value in C2_VALUES.values():
            assert value.split("://", 1)[-1] not in text, (fmt, value)


def test_export_refuses_whoever_may_not_read(world):
    post_and_release(world)
    # No credentials; a wrong token.
    assert export(world, "電力B社", "rpz", token=False).status_code == 401
    bad = requests.get(f"{world['url']}/api/v1/feeds/C2/export", params={"format": "rpz"},
                       headers={"Authorization": "Bearer not-a-token"}, timeout=30)
    assert bad.status_code == 401
    # A feed B has no right to and one that does not exist: the same 404.
    hidden, missing = export(world, "電力B社", "rpz", feed="Other"), export(world, "電力B社", "rpz", feed="Nope")
    assert hidden.status_code == missing.status_code == 404 and hidden.json()["description"] == missing.json()["description"].replace("Nope", "Other")
    # Bad input: a clear 400.
    for params, said in [({"format": "pdf"}, "Unknown format"), ({"format": "plain"}, "one value type"),
                         ({"format": "rpz", "type": "mac"}, "unknown type"), ({"format": "rpz", "age": "soon"}, "age"),
                         ({"format": "rpz", "min_confidence": "101"}, "min_confidence"), ({"format": "rpz", "tlp": "blue"}, "TLP")]:
        fmt = params.pop("format")
        response = export(world, "電力B社", fmt, **params)
        assert response.status_code == 400 and said in response.text, (fmt, params, response.text)
    # The CLI refuses a user who may not read, and an unknown format; nothing is written.
    with tempfile.TemporaryDirectory() as out:
        refused = kakehashi(world["data"], "export", "--feed", "Other", "--format", "rpz", "--as", "soc@denryoku-b.example.jp",
                            "-o", f"{out}/x.rpz", check=False)
        assert refused.returncode != 0 and "may not read" in refused.stderr and not os.listdir(out)
        unknown = kakehashi(world["data"], "export", "--feed", "C2", "--format", "pdf", check=False)
        assert unknown.returncode != 0 and "unknown format" in unknown.stderr


def test_exports_are_recorded_as_reads(world):
    release = post_and_release(world)
    time.sleep(0.6)
    body(world, "電力B社", "zeek")
    time.sleep(0.5)
    recipients = requests.get(f"{world['url']}/api/v1/submissions", auth=world["users"]["電力A社"], timeout=30)
    submission = [s for s in recipients.json()["submissions"]][0]["id"]
    listed = requests.get(f"{world['url']}/api/v1/submissions/{submission}/recipients", auth=world["users"]["電力A社"],
                          timeout=30).json()["recipients"]
    assert [r["organization"] for r in listed] == ["電力B社"]
    assert {o["path"] for o in listed[0]["objects"]} == {"export/zeek"}
    assert release


def test_cli_stix_export_keeps_its_behaviour(world):
    post_and_release(world)
    with tempfile.TemporaryDirectory() as out:
        kakehashi(world["data"], "export", "--feed", "C2", "-o", f"{out}/c2.json")
        bundle = json.loads(Path(f"{out}/c2.json").read_text())
        assert bundle["type"] == "bundle" and len(bundle["objects"]) >= 4
        from stix2validator import validate_string
        assert validate_string(Path(f"{out}/c2.json").read_text()).is_valid
        plain = kakehashi(world["data"], "export", "--feed", "C2", "--format", "plain", "--type", "ipv4")
        assert C2_VALUES["ipv4"] in plain.stdout.splitlines()


def etag_of(world, org, fmt, previous=None):
    """The export's answer to a poll with `previous` as If-None-Match: (status, ETag, text)."""
    response = export(world, org, fmt, headers={"If-None-Match": previous} if previous else {})
    assert response.status_code in (200, 304), response.text
    return response.status_code, response.headers["ETag"], response.text


def post_as_a(world, objects, release=True):
    posted = requests.post(world["objects"], data=json.dumps({"objects": objects}).encode(),
                           auth=world["users"]["電力A社"], headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert posted.status_code == 202 and posted.json()["success_count"] == len(objects), posted.text
    if release:
        released = requests.post(f"{world['url']}/api/v1/submissions/{posted.json()['id']}/release",
                                 auth=world["users"]["電力A社"], json={"groups": ["電力SIG"], "anonymize": True}, timeout=30)
        assert released.status_code == 201, released.text
    time.sleep(0.6)   # the exporter's change stamp is trusted for half a second


def test_polls_answered_from_memory_see_a_new_indicator_a_removed_right_and_a_revoked_token_at_once(world):
    """A 304 comes from memory (the token's account, the reader's rights and the document's ETag are
    cached), yet on the same instance the very next poll, with no wait, sees a new indicator the
    reader may read (200, a new ETag), a right removed with the CLI beside the server (404) and a
    token revoked through the API (401); an organisation that may not read the new indicator keeps
    its 304."""
    post_and_release(world)
    time.sleep(0.6)
    b_status, b_etag, _ = etag_of(world, "電力B社", "rpz")
    c_status, c_etag, _ = etag_of(world, "ガスC社", "rpz")
    assert b_status == c_status == 200
    for _ in range(3):
        assert etag_of(world, "電力B社", "rpz", b_etag)[0] == 304
        assert etag_of(world, "ガスC社", "rpz", c_etag)[0] == 304

    fresh = "at-once-c2-kakehashi.net"
    posted = requests.post(world["objects"], data=json.dumps({"objects": [indicator(8, f"[domain-name:value = '{fresh}']", "At once")]}).encode(),
                           auth=world["users"]["電力A社"], headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert posted.status_code == 202, posted.text
    released = requests.post(f"{world['url']}/api/v1/submissions/{posted.json()['id']}/release",
                             auth=world["users"]["電力A社"], json={"groups": ["電力SIG"], "anonymize": True}, timeout=30)
    assert released.status_code == 201, released.text
    status, etag, text = etag_of(world, "電力B社", "rpz", b_etag)
    assert status == 200 and etag != b_etag and fresh in text
    assert etag_of(world, "電力B社", "rpz", etag)[0] == 304
    status, _, text = etag_of(world, "ガスC社", "rpz", c_etag)
    assert status == 304 and fresh not in text

    # C's right to read the feed removed by the operator's CLI: the next poll is refused, no content.
    kakehashi(world["data"], "admin", "grant", "--feed", "C2", "--org", "ガスC社")
    refused = export(world, "ガスC社", "rpz", headers={"If-None-Match": c_etag})
    assert refused.status_code == 404 and "ETag" not in refused.headers and C2_VALUES["domain"] not in refused.text

    # B revokes its own token through the API: the next poll with it is refused.
    tokens = requests.get(f"{world['url']}/api/v1/tokens", auth=world["users"]["電力B社"], timeout=30)
    assert tokens.status_code == 200, tokens.text
    (token_id,) = [t["id"] for t in tokens.json()["tokens"] if t.get("revoked_at") is None]
    revoked = requests.post(f"{world['url']}/api/v1/tokens/{token_id}/revoke", auth=world["users"]["電力B社"], timeout=30)
    assert revoked.status_code == 200, revoked.text
    refused = export(world, "電力B社", "rpz", headers={"If-None-Match": etag})
    assert refused.status_code == 401 and "ETag" not in refused.headers and fresh not in refused.text


def test_etag_moves_only_with_what_the_reader_may_read_and_when_an_indicator_expires(world):
    post_and_release(world)
    time.sleep(0.6)
    formats = ["rpz", "suricata", "zeek"]
    b = {fmt: etag_of(world, "電力B社", fmt) for fmt in formats}
    c = {fmt: etag_of(world, "ガスC社", fmt) for fmt in formats}
    assert all(status == 200 for status, _, _ in list(b.values()) + list(c.values()))

    # A new indicator only A's organisation may read (not released): B and C get 304, never the value.
    hidden = "hidden-c2-kakehashi.net"
    hidden_indicator = indicator(5, f"[domain-name:value = '{hidden}']", "Unreleased")
    post_as_a(world, [hidden_indicator], release=False)
    for org, before in [("電力B社", b), ("ガスC社", c)]:
        for fmt in formats:
            status, etag, _ = etag_of(world, org, fmt, before[fmt][1])
            assert status == 304 and etag == before[fmt][1], (org, fmt)
            assert hidden not in body(world, org, fmt).text, (org, fmt)

    # A new indicator released to the SIG: B's ETag moves and B gets it; C (not in the SIG) still 304.
    fresh = "new-c2-kakehashi.net"
    fresh_indicator = indicator(6, f"[domain-name:value = '{fresh}']", "Released")
    post_as_a(world, [fresh_indicator])
    for fmt in formats:
        status, etag, text = etag_of(world, "電力B社", fmt, b[fmt][1])
        assert status == 200 and etag != b[fmt][1] and fresh in text and hidden not in text, fmt
        b[fmt] = (status, etag, text)
        status, etag, _ = etag_of(world, "ガスC社", fmt, c[fmt][1])
        assert status == 304 and etag == c[fmt][1], fmt
        assert fresh not in body(world, "ガスC社", fmt).text
    # Asked again with the new ETag: 304 (the patched document is the cached one).
    for fmt in formats:
        assert etag_of(world, "電力B社", fmt, b[fmt][1])[0] == 304, fmt

    # An indicator valid for a few seconds: in B's exports, then gone with a new ETag once it expires,
    # with no other change in the store (time alone moves the document).
    soon = "short-lived-c2-kakehashi.net"
    until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    short = indicator(7, f"[domain-name:value = '{soon}']", "Short-lived")
    short["valid_until"] = until
    post_as_a(world, [short])
    for fmt in formats:
        status, etag, text = etag_of(world, "電力B社", fmt, b[fmt][1])
        assert status == 200 and soon in text and fresh in text, fmt
        b[fmt] = (status, etag, text)
        assert etag_of(world, "電力B社", fmt, etag)[0] == 304, fmt
    time.sleep(5)
    for fmt in formats:
        status, etag, text = etag_of(world, "電力B社", fmt, b[fmt][1])
        assert status == 200 and etag != b[fmt][1] and soon not in text and fresh in text, fmt
