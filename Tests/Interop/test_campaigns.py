"""Issue 14, campaigns, through the real binary (SQLite, or PostgreSQL with KAKEHASHI_TEST_BACKEND=postgres):
attack e-mails of one campaign submitted by three organisations in two sectors (two by `kakehashi submit`,
one through the JSON API of the running server) are clustered on arrival into one candidate; members and
non-analysts cannot list candidates (CLI and API); the analyst confirms and releases it to a trust group;
a fourth organisation reads the anonymised campaign and its indicators with taxii2-client, valid for
stix2-validator, with no victim organisation name, recipient address or file name of a victim in it
(the victims' names are in the subjects, bodies and attachment names); an organisation outside the
group reads nothing; a later report joins the confirmed campaign, is flagged to the analysts and
reaches the group as a new version of the campaign."""
import base64
import json
import os
import tempfile
import time

import pytest
import requests
from taxii2client.v21 import Collection

from conftest import TAXII_MEDIA as TAXII, feed_id, kakehashi, serving

PASSWORD = "campaign-pw-1"
ANALYST = ("analyst@hub.example", PASSWORD)
# Key, organisation, sector, the member's mailbox (also the attack's recipient).
ORGANISATIONS = [
    ("A", "電力A社", "電力", "soc@denryoku-a.example.jp"),
    ("B", "電力B社", "電力", "soc@denryoku-b.example.jp"),
    ("C", "Gas C", "ガス", "soc@gas-c.example.jp"),
    ("D", "Chem D", "化学", "soc@chem-d.example.jp"),
    ("E", "Oil E", "石油", "soc@oil-e.example.jp"),
]
PAYLOAD = b"MZ\x90\x00campaign-payload-tsuru-" + b"x" * 400


def attack_email(victim, recipient):
    attachment = base64.b64encode(PAYLOAD).decode()
    text = f"""From: "Suzuki Ichiro" <billing@invoice-center-jp.xyz>
To: "{victim} 担当者" <{recipient}>
Subject: 【重要】{victim}様 請求書の送付について
Message-ID: <20261101.{abs(hash(recipient)) % 10**8}@invoice-center-jp.xyz>
X-Mailer: RareMailer 7.1
Date: Sun, 01 Nov 2026 09:00:00 +0900
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

{victim} ご担当者様 ({recipient})
請求書をお送りします。こちらからご確認ください: https://login-check-portal.xyz/invoice/view
--b1
Content-Type: application/octet-stream; name="invoice_{victim}.zip"
Content-Disposition: attachment; filename="invoice_{victim}.zip"
Content-Transfer-Encoding: base64

{attachment}
--b1--
"""
    return text.replace("\n", "\r\n").encode()


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-campaigns-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        kakehashi(data, "admin", "feed", "add", "--name", "CAMPAIGNS", "--title", "Campaigns")
        users = {}
        for key, name, sector, email in ORGANISATIONS:
            kakehashi(data, "admin", "org", "add", "--name", name, "--sector", sector, "--size", "large")
            kakehashi(data, "admin", "grant", "--feed", "Default", "--org", name, "--read", "--write")
            kakehashi(data, "admin", "user", "add", "--org", name, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = (email, PASSWORD)
        kakehashi(data, "admin", "org", "identifier", "add", "--org", "電力A社", "--kind", "domain",
                  "--value", "denryoku-a.example.jp")
        kakehashi(data, "admin", "user", "add", "--org", "Chem D", "--email", "viewer@chem-d.example.jp",
                  "--role", "read-only", "--password-stdin", stdin=PASSWORD + "\n")
        users["D-viewer"] = ("viewer@chem-d.example.jp", PASSWORD)
        kakehashi(data, "admin", "user", "add", "--org", "Kakehashi Hub", "--email", ANALYST[0], "--role",
                  "hub-analyst", "--password-stdin", stdin=PASSWORD + "\n")
        kakehashi(data, "admin", "group", "add", "--name", "ISAC", "--org", "電力A社", "--org", "電力B社",
                  "--org", "Gas C", "--org", "Chem D")
        kakehashi(data, "admin", "grant", "--feed", "CAMPAIGNS", "--group", "ISAC", "--read")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users}


def submit_cli(world, key, victim):
    email = world["users"][key][0]
    with tempfile.NamedTemporaryFile("wb", suffix=".eml", delete=False) as handle:
        handle.write(attack_email(victim, email))
    try:
        return kakehashi(world["data"], "submit", "email", handle.name, "--as", email, "--feed", "Default").stdout.strip()
    finally:
        os.unlink(handle.name)


def submit_api(world, key, victim):
    email = world["users"][key][0]
    response = requests.post(f"{world['url']}/api/v1/submissions/upload", params={"feed": "Default", "kind": "email"},
                             data=attack_email(victim, email), auth=world["users"][key],
                             headers={"Content-Type": "application/octet-stream"}, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def campaigns(world, *options, actor=ANALYST[0]):
    return json.loads(kakehashi(world["data"], "campaigns", "list", "--json", "--as", actor, *options).stdout)


def read_campaign_feed(world, key):
    collection = feed_id(world["data"], "CAMPAIGNS")
    reader = Collection(f"{world['url']}/hub/collections/{collection}/", user=world["users"][key][0],
                        password=world["users"][key][1])
    return reader, reader.get_objects().get("objects", [])


def test_one_campaign_from_three_organisations_is_confirmed_released_and_read_by_a_fourth(world):
    s1 = submit_cli(world, "A", "電力A社")
    s2 = submit_cli(world, "B", "電力B社")
    s3 = submit_api(world, "C", "Gas C")

    # One candidate holding exactly the three submissions, with the attachment as evidence.
    listed = campaigns(world, "--candidates")
    assert len(listed) == 1, listed
    candidate = listed[0]
    assert candidate["status"] == "candidate"
    assert sorted(candidate["submissions"]) == sorted([s1, s2, s3])
    assert any(e["kind"] == "attachment-hash" for e in candidate["evidence"]), candidate["evidence"]
    assert campaigns(world) == []  # nothing confirmed yet

    # Members, their read-only users and anonymous callers never see candidates (CLI and API).
    for key in ["A", "D", "D-viewer"]:
        result = kakehashi(world["data"], "campaigns", "list", "--candidates", "--json", "--as", world["users"][key][0],
                           check=False)
        assert result.returncode != 0 and "only hub analysts" in result.stderr
        assert s1 not in result.stdout
        response = requests.get(f"{world['url']}/api/v1/campaigns", params={"candidates": "true"},
                                auth=world["users"][key], timeout=30)
        assert response.status_code == 403, response.text
        assert s1 not in response.text and "電力" not in response.text
        response = requests.post(f"{world['url']}/api/v1/campaigns/{candidate['id']}/confirm", json={},
                                 auth=world["users"][key], timeout=30)
        assert response.status_code == 403, response.text
    assert requests.get(f"{world['url']}/api/v1/campaigns", timeout=30).status_code == 401
    response = requests.get(f"{world['url']}/api/v1/campaigns", params={"candidates": "true"}, auth=ANALYST, timeout=30)
    assert response.status_code == 200 and [c["id"] for c in response.json()["campaigns"]] == [candidate["id"]]

    # The analyst confirms and releases it to the trust group.
    confirmed = json.loads(kakehashi(world["data"], "campaigns", "confirm", candidate["id"], "--name", "Operation Tsuru",
                                     "--as", ANALYST[0]).stdout)
    assert confirmed["status"] == "confirmed" and confirmed["id"].startswith("campaign--")
    assert [c["id"] for c in campaigns(world)] == [confirmed["id"]]
    released = json.loads(kakehashi(world["data"], "campaigns", "release", confirmed["id"], "--feed", "CAMPAIGNS",
                                    "--to-group", "ISAC", "--as", ANALYST[0]).stdout)
    stix_id = released["released"]["stix_id"]

    # D, which reported nothing, reads the anonymised campaign and its indicators by TAXII.
    reader, objects = read_campaign_feed(world, "D")
    by_type = {}
    for obj in objects:
        by_type.setdefault(obj["type"], []).append(obj)
    campaign = by_type["campaign"][0]
    assert campaign["id"] == stix_id and campaign["name"] == "Operation Tsuru"
    assert "first_seen" in campaign and "last_seen" in campaign and campaign["x_kakehashi_waves"]
    indicators = by_type.get("indicator", [])
    assert any("SHA-256" in i["pattern"] for i in indicators), indicators
    relationships = by_type.get("relationship", [])
    assert any(r["relationship_type"] == "indicates" and r["target_ref"] == stix_id for r in relationships)
    targets = [r for r in relationships if r["relationship_type"] == "targets" and r["source_ref"] == stix_id]
    sectors = {i["name"] for i in by_type.get("identity", []) if i.get("identity_class") == "class"}
    assert sectors == {"電力", "ガス"} and len(targets) == 2
    from stix2validator import ValidationOptions, validate_string
    bundle = {"type": "bundle", "id": "bundle--6b0e5f3a-2f4f-4a0e-9f4e-5b7c2f1d9a10", "objects": objects}
    result = validate_string(json.dumps(bundle), ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    text = json.dumps(objects, ensure_ascii=False)
    for _, name, _, email in ORGANISATIONS:
        assert name not in text and email not in text
    for secret in ["denryoku-a", "denryoku-b", "gas-c.example", "担当者", "invoice_"]:
        assert secret not in text, secret
    # An organisation outside the group has no such collection, by TAXII or the raw objects URL.
    collection = feed_id(world["data"], "CAMPAIGNS")
    with pytest.raises(requests.exceptions.HTTPError) as refused:
        read_campaign_feed(world, "E")
    assert refused.value.response.status_code == 404
    response = requests.get(f"{world['url']}/hub/collections/{collection}/objects/", auth=world["users"]["E"],
                            headers={"Accept": "application/taxii+json;version=2.1"}, timeout=30)
    assert response.status_code == 404 and "campaign" not in response.text

    # A later report joins the confirmed campaign: flagged to the analysts, a new version to the group.
    s4 = submit_api(world, "E", "Oil E")
    after = [c for c in campaigns(world) if c["id"] == confirmed["id"]][0]
    assert s4 in after["submissions"] and after["updates"] == [s4]
    assert after["released"]["versions"] == 2
    versions = reader.object_versions(stix_id)["versions"]
    assert len(versions) == 2
    _, objects = read_campaign_feed(world, "D")
    text = json.dumps(objects, ensure_ascii=False)
    assert "Oil E" not in text and "oil-e" not in text

    # Re-clustering keeps the confirmed campaign and its four reports; the audit trail has the analyst's actions.
    reclustered = json.loads(kakehashi(world["data"], "campaigns", "recluster", "--as", ANALYST[0]).stdout)
    kept = [c for c in reclustered if c["id"] == confirmed["id"]][0]
    assert sorted(kept["submissions"]) == sorted([s1, s2, s3, s4])
    audit = kakehashi(world["data"], "audit", "list", "--action", "campaign").stdout
    for change in ["confirm", "release", "update", "recluster"]:
        assert change in audit, change


def test_analyst_refusals_change_nothing(world):
    s1 = submit_cli(world, "A", "電力A社")
    s2 = submit_cli(world, "B", "電力B社")
    candidate = campaigns(world, "--candidates")[0]
    # A campaign name carrying a member's name cannot be released.
    confirmed = json.loads(kakehashi(world["data"], "campaigns", "confirm", candidate["id"], "--name",
                                     "Attack on 電力A社", "--as", ANALYST[0]).stdout)
    result = kakehashi(world["data"], "campaigns", "release", confirmed["id"], "--feed", "CAMPAIGNS", "--to-group", "ISAC",
                       "--as", ANALYST[0], check=False)
    assert result.returncode != 0 and "rename" in result.stderr
    _, objects = read_campaign_feed(world, "D")
    assert objects == []
    # Bad input: clear errors, nothing changed.
    for args in [["split", confirmed["id"], "--submissions", "no-such-submission"], ["merge", confirmed["id"]],
                 ["confirm", "campaign--does-not-exist"], ["reject", "candidate-nothing"]]:
        result = kakehashi(world["data"], "campaigns", *args, "--as", ANALYST[0], check=False)
        assert result.returncode != 0, args
    assert [c["submissions"] for c in campaigns(world)] == [sorted([s1, s2])]
    # Rejected: it does not form again on re-clustering.
    kakehashi(world["data"], "campaigns", "confirm", confirmed["id"], "--name", "Tsuru", "--as", ANALYST[0])
    rejected = json.loads(kakehashi(world["data"], "campaigns", "reject", confirmed["id"], "--as", ANALYST[0]).stdout)
    assert rejected["status"] == "rejected"
    kakehashi(world["data"], "campaigns", "recluster", "--as", ANALYST[0])
    assert campaigns(world, "--candidates") == []


def test_samples_with_tlsh_as_stix_writes_it_are_placed_and_the_server_lives_on(world):
    """A sample uploaded twice (two organisations) and a STIX file object carrying TLSH as 70 digits
    without the T1 prefix (the hub's own sample submissions and many feeds write it so) are placed in
    campaign clustering; placing them once aborted the server (TLSH pieces read out of range)."""
    sample = b"MZ" + bytes(62) + b"campaign sample body " * 300
    for key in ["A", "B"]:
        response = requests.post(f"{world['url']}/api/v1/submissions/upload", params={"feed": "Default", "kind": "sample"},
                                 data=sample, auth=world["users"][key],
                                 headers={"Content-Type": "application/octet-stream"}, timeout=60)
        assert response.status_code == 201, response.text
    file_object = {"type": "file", "spec_version": "2.1", "id": "file--4d7a2b1c-0000-4000-8000-000000000070",
                   "name": "invoice.exe", "hashes": {"SHA-256": "ab" * 32, "TLSH": "0A" * 35}}
    posted = requests.post(f"{world['url']}/hub/collections/{feed_id(world['data'], 'Default')}/objects/",
                           data=json.dumps({"objects": [file_object]}).encode(), auth=world["users"]["C"],
                           headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=60)
    assert posted.status_code == 202, posted.text
    time.sleep(1)   # placement follows the acknowledgement
    assert requests.get(f"{world['url']}/healthz", timeout=10).status_code == 200
    listed = campaigns(world)
    assert isinstance(listed, (list, dict))
    assert requests.get(f"{world['url']}/healthz", timeout=10).status_code == 200
