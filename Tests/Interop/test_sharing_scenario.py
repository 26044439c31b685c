"""Issue 3's end-to-end scenario, through the real binary: three organisations in two sectors, a SIG,
a feed; A posts TLP:AMBER and TLP:RED objects naming A and its staff; B and C see nothing; A releases
anonymised to the SIG; B sees the objects with no trace of A, C still sees nothing; A asks who
received what; the audit trail verifies, and a tampered one does not."""
import json
import os
import re
import sqlite3
import tempfile
import uuid

import pytest
import requests

from conftest import BACKEND, feed_id, hub_database, kakehashi, psql, serving

TAXII = "application/taxii+json;version=2.1"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
PAP_GREEN = "marking-definition--c43594d1-4b11-4c59-93ab-1c9b14d53ce9"


def objects_of_a():
    identity = f"identity--{uuid.uuid4()}"
    now = "2026-11-01T09:00:00.000Z"
    return identity, [
        {"type": "identity", "spec_version": "2.1", "id": identity, "created": now, "modified": now,
         "name": "電力A社", "identity_class": "organization", "sectors": ["utilities"],
         "object_marking_refs": [AMBER]},
        {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": now,
         "modified": now, "created_by_ref": identity, "name": "標的型攻撃メールの送信元",
         "description": "電力A社の経理部 (keiri@denryoku-a.example.jp) が受信した。Denryoku A の mail01.denryoku-a.example.jp を経由。",
         "indicator_types": ["malicious-activity"],
         "pattern": "[email-addr:value = 'attacker@evil-sender.example']", "pattern_type": "stix",
         "valid_from": now, "object_marking_refs": [AMBER]},
        {"type": "marking-definition", "spec_version": "2.1", "id": PAP_GREEN, "created": "2022-10-01T00:00:00.000Z",
         "name": "PAP:GREEN", "extensions": {"extension-definition--f8d78575-edfd-406e-8e84-6162a8450f5b":
                                              {"extension_type": "property-extension", "pap": "green"}}},
        {"type": "malware", "spec_version": "2.1", "id": f"malware--{uuid.uuid4()}", "created": now,
         "modified": now, "created_by_ref": identity, "name": "PlugX", "is_family": True,
         "description": "電力A社で検知", "object_marking_refs": [AMBER, PAP_GREEN]},
        {"type": "email-addr", "spec_version": "2.1", "id": f"email-addr--{uuid.uuid4()}",
         "value": "keiri@denryoku-a.example.jp", "display_name": "経理部 山田", "object_marking_refs": [AMBER]},
        {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": now,
         "modified": now, "created_by_ref": identity, "name": "C2 (RED)", "indicator_types": ["malicious-activity"],
         "pattern": "[domain-name:value = 'c2-red.example']", "pattern_type": "stix", "valid_from": now,
         "object_marking_refs": [RED]},
    ]


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-scenario-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--size", "large",
                  "--domain", "denryoku-a.example.jp", "--alias", "Denryoku A")
        kakehashi(data, "admin", "org", "add", "--name", "電力B社", "--sector", "電力", "--size", "medium")
        kakehashi(data, "admin", "org", "add", "--name", "ガスC社", "--sector", "ガス", "--size", "small")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--group", "電力SIG", "--read", "--write")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--org", "ガスC社", "--read")
        users = {}
        for org, email in [("電力A社", "soc@denryoku-a.example.jp"), ("電力B社", "soc@denryoku-b.example.jp"),
                           ("ガスC社", "soc@gas-c.example.jp")]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", "member",
                      "--password-stdin", stdin="scenario-password\n")
            users[org] = (email, "scenario-password")
        collection = feed_id(data, "Default")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users, "objects": f"{url}/hub/collections/{collection}/objects/"}


def get_objects(world, org):
    response = requests.get(world["objects"], auth=world["users"][org], headers={"Accept": TAXII}, timeout=30)
    assert response.status_code == 200, response.text
    return response.text, response.json().get("objects", [])


def test_held_anonymised_release_recipients_and_audit(world):
    identity, objects = objects_of_a()
    posted = requests.post(world["objects"], data=json.dumps({"objects": objects}, ensure_ascii=False).encode(),
                           auth=world["users"]["電力A社"],
                           headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert posted.status_code == 202 and posted.json()["success_count"] == len(objects), posted.text
    submission = posted.json()["id"]

    # TLP and PAP are recorded and shown to the provider.
    view = requests.get(f"{world['url']}/api/v1/submissions/{submission}", auth=world["users"]["電力A社"], timeout=30)
    assert view.status_code == 200 and view.json()["state"] == "held"
    markings = {o["id"].split("--")[0]: (o.get("tlp"), o.get("pap")) for o in view.json()["objects"]}
    assert markings["malware"] == ("amber", "green")
    assert ("red", None) in markings.values()

    # Held: B and C see nothing; A sees its own.
    assert get_objects(world, "電力B社")[1] == []
    assert get_objects(world, "ガスC社")[1] == []
    assert len(get_objects(world, "電力A社")[1]) == len(objects)

    # B cannot release A's submission; A releases anonymised to the SIG.
    denied = requests.post(f"{world['url']}/api/v1/submissions/{submission}/release", json={"groups": ["電力SIG"]},
                           auth=world["users"]["電力B社"], timeout=30)
    assert denied.status_code == 404
    release = requests.post(f"{world['url']}/api/v1/submissions/{submission}/release",
                            json={"groups": ["電力SIG"], "anonymize": True}, auth=world["users"]["電力A社"], timeout=30)
    assert release.status_code == 201, release.text

    text, received = get_objects(world, "電力B社")
    types = sorted(o["type"] for o in received)
    # No identity of A, no victim address, no RED object (the PAP marking definition is shared, unmarked).
    assert types == ["indicator", "malware", "marking-definition"], types
    for trace in ["電力A社", "denryoku-a", "Denryoku A", "keiri", "山田", identity]:
        assert trace not in text, f"{trace!r} leaked to B"
    assert all(o.get("created_by_ref") != identity for o in received)
    original_ids = {o["id"] for o in objects if o["type"] != "marking-definition"}
    assert not original_ids & {o["id"] for o in received}, "released ids must not link back to the originals"
    assert "attacker@evil-sender.example" in text          # the technical content is shared
    assert get_objects(world, "ガスC社")[1] == []

    # A asks who received what.
    recipients = requests.get(f"{world['url']}/api/v1/submissions/{submission}/recipients",
                              auth=world["users"]["電力A社"], timeout=30)
    assert recipients.status_code == 200, recipients.text
    listed = recipients.json()["recipients"]
    assert [r["organization"] for r in listed] == ["電力B社"]
    assert len(listed[0]["objects"]) == 3 and all(o["received_at"] for o in listed[0]["objects"])
    assert requests.get(f"{world['url']}/api/v1/submissions/{submission}/recipients",
                        auth=world["users"]["ガスC社"], timeout=30).status_code == 404

    # Revocation: B, which received the copies, now reads only their last versions, `revoked: true`
    # (so its TAXII client drops them), and still no trace of A; the audit still says B had them.
    release_id = release.json()["id"]
    revoked = requests.post(f"{world['url']}/api/v1/releases/{release_id}/revoke", auth=world["users"]["電力A社"], timeout=30)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    text, after = get_objects(world, "電力B社")
    assert sorted(o["type"] for o in after) == ["indicator", "malware"], after
    assert all(o.get("revoked") is True for o in after)
    assert {o["id"] for o in after} <= {o["id"] for o in received}
    for trace in ["電力A社", "denryoku-a", "Denryoku A", "keiri", "山田", identity]:
        assert trace not in text, f"{trace!r} leaked to B"
    assert get_objects(world, "ガスC社")[1] == []
    again = requests.get(f"{world['url']}/api/v1/submissions/{submission}/recipients",
                         auth=world["users"]["電力A社"], timeout=30).json()["recipients"]
    assert [r["organization"] for r in again] == ["電力B社"]

    # The audit trail verifies; an edited entry is detected.
    verified = kakehashi(world["data"], "audit", "verify")
    assert "intact" in verified.stdout
    if BACKEND == "postgres":
        # The same on PostgreSQL: the append-only trigger refuses, an operator with rights disables it.
        database = hub_database(world["data"])
        with pytest.raises(AssertionError, match="append-only|audit"):
            psql(database, "UPDATE audit_entry SET subject = 'forged' WHERE sequence = 2")
        psql(database, "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only;"
                       "UPDATE audit_entry SET subject = 'forged' WHERE sequence = 2")
    else:
        database = sqlite3.connect(os.path.join(world["data"], "hub.sqlite"))
        with pytest.raises(sqlite3.DatabaseError):
            database.execute("UPDATE audit_entry SET subject = 'forged' WHERE sequence = 2")
        database.execute("DROP TRIGGER audit_entry_no_update")
        database.execute("UPDATE audit_entry SET subject = 'forged' WHERE sequence = 2")
        database.commit()
        database.close()
    tampered = kakehashi(world["data"], "audit", "verify", check=False)
    assert tampered.returncode != 0 and "entry 2 was altered" in tampered.stdout

    # Deleting the newest entries leaves a consistent chain; the head recorded outside the database
    # (audit.head, sealed with audit.key) reports it.
    deletion = "DELETE FROM audit_entry WHERE sequence >= (SELECT MAX(sequence) - 1 FROM audit_entry)"
    if BACKEND == "postgres":
        psql(hub_database(world["data"]), deletion)   # the trigger is still disabled
    else:
        database = sqlite3.connect(os.path.join(world["data"], "hub.sqlite"))
        database.execute("DROP TRIGGER audit_entry_no_delete")
        database.execute(deletion)
        database.commit()
        database.close()
    truncated = kakehashi(world["data"], "audit", "verify", check=False)
    assert truncated.returncode != 0 and "were deleted" in truncated.stdout
