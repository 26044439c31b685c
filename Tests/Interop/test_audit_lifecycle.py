"""Issue 12 item 9, through the real binary: manifest and versions reads are audited and recorded as
deliveries like object reads, and a SIGTERM sent right after reads (within the delivery ledger's
interval) loses none of their records: the server finishes, the ledger flushes, the audit head file
is written, the database is checkpointed and closed, and the process exits 0."""
import json
import os
import re
import signal
import subprocess
import tempfile
import uuid

import pytest
import requests

from conftest import BACKEND, BIN, feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
NOW = "2026-11-01T09:00:00.000Z"


def start(data):
    process = subprocess.Popen([BIN, "serve", "--data", data, "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        process.kill()
        raise AssertionError("server did not start: " + process.stderr.read())
    return process, match.group(1)


def indicator(name):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": NOW,
            "modified": NOW, "name": name, "indicator_types": ["malicious-activity"],
            "pattern": "[domain-name:value = 'c2.example']", "pattern_type": "stix", "valid_from": NOW,
            "object_marking_refs": [GREEN]}


@pytest.fixture
def hub():
    """電力A社 provides, 電力B社 reads: one trust group, one feed."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-audit-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--size", "large")
        kakehashi(data, "admin", "org", "add", "--name", "電力B社", "--sector", "電力", "--size", "medium")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--group", "電力SIG", "--read", "--write")
        users = {}
        for key, org, email in [("A", "電力A社", "soc@denryoku-a.example.jp"),
                                ("B", "電力B社", "soc@denryoku-b.example.jp")]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", "member",
                      "--password-stdin", stdin="audit-password-1\n")
            users[key] = (email, "audit-password-1")
        yield {"data": data, "users": users, "collection": feed_id(data, "Default")}


def read_records(data):
    lines = kakehashi(data, "audit", "list", "--action", "read").stdout.splitlines()
    return [json.loads(line) for line in lines]


def test_manifest_and_versions_reads_are_audited_and_survive_sigterm(hub):
    data, users = hub["data"], hub["users"]
    process, url = start(data)
    try:
        collection = f"{url}/hub/collections/{hub['collection']}/"
        objects = [indicator("C2 one"), indicator("C2 two")]
        posted = requests.post(collection + "objects/", data=json.dumps({"objects": objects}),
                               auth=users["A"], headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
        assert posted.status_code == 202, posted.text
        submission = posted.json()["id"]
        released = requests.post(f"{url}/api/v1/submissions/{submission}/release", json={"groups": ["電力SIG"]},
                                 auth=users["A"], timeout=30)
        assert released.status_code == 201, released.text

        # 電力B社 reads the manifest, one object's versions, then the objects; SIGTERM follows at once,
        # well within the ledger's 20 ms interval.
        with requests.Session() as b:
            b.auth, b.headers["Accept"] = users["B"], TAXII
            manifest = b.get(collection + "manifest/", timeout=30)
            versions = b.get(f"{collection}objects/{objects[0]['id']}/versions/", timeout=30)
            read = b.get(collection + "objects/", timeout=30)
            process.send_signal(signal.SIGTERM)
        assert manifest.status_code == 200 and len(manifest.json()["objects"]) == 2, manifest.text
        assert versions.status_code == 200 and versions.json()["versions"], versions.text
        assert read.status_code == 200 and len(read.json()["objects"]) == 2, read.text
        assert process.wait(timeout=30) == 0, process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # The database was checkpointed and closed: nothing is left in the write-ahead log (SQLite).
    if BACKEND == "sqlite":
        wal = os.path.join(data, "hub.sqlite-wal")
        assert not os.path.exists(wal) or os.path.getsize(wal) == 0

    # Every read is in the audit trail, with what it revealed.
    b_org = {record["actor_organization_id"] for record in read_records(data)
             if record["details"]["path"] == "taxii"}
    assert len(b_org) == 1
    by_path = {}
    for record in read_records(data):
        by_path.setdefault(record["details"]["path"], []).append(record)
    for path, expected in [("taxii", objects), ("taxii/manifest", objects), ("taxii/versions", objects[:1])]:
        assert path in by_path, f"no read recorded through {path}: {sorted(by_path)}"
        listed = ",".join(record["details"]["objects"] for record in by_path[path])
        for stix in expected:
            assert stix["id"] in listed, (path, listed)
        assert all(record["actor_organization_id"] in b_org for record in by_path[path])
        assert all(record["subject"] == hub["collection"] for record in by_path[path])

    # The chain verifies, and the head file written at shutdown names the last entry.
    verified = kakehashi(data, "audit", "verify").stdout
    match = re.search(r"intact: (\d+) entries, .*recorded head: entry (\d+)", verified)
    assert match and match.group(1) == match.group(2), verified

    # The provider's "who received what I gave" lists 電力B社 through the manifest and versions too.
    with serving(data) as url:
        recipients = requests.get(f"{url}/api/v1/submissions/{submission}/recipients", auth=users["A"], timeout=30)
    assert recipients.status_code == 200, recipients.text
    [recipient] = recipients.json()["recipients"]
    assert recipient["organization"] == "電力B社"
    received = {(item["path"], item["id"]) for item in recipient["objects"]}
    for path, expected in [("taxii", objects), ("taxii/manifest", objects), ("taxii/versions", objects[:1])]:
        for stix in expected:
            assert (path, stix["id"]) in received, (path, sorted(received))
