"""Issue 16, expired indicators reach TAXII consumers, and a small member's reduced feed over TAXII, through
the real binary (SQLite, or PostgreSQL with KAKEHASHI_TEST_BACKEND=postgres). A member's indicators released
anonymised to a SIG are the hub's copies (created_by_ref the hub): when one's freshness runs out
(`kakehashi freshness sweep --as-of T`, as the server's periodic sweep does at T), a SIG member polling with
taxii2-client and added_after gets a new version of it — same id, later modified, valid_until the instant it
expired (or revoked: true after a false-positive report) — which stix2-validator accepts; the export at T
drops the value; sweeping again adds nothing; an organisation that reads the feed but not the SIG's copies
gets no version of it. A small member's TAXII reads (objects, manifest, object by id, versions, every page)
leave out what its reduced feed leaves out of its exports, while a large member's include it."""
import datetime
import json
import tempfile
import time

import pytest
import requests
from taxii2client.v21 import Collection

from conftest import feed_id, kakehashi, malicious_indicator, post_and_release_to, serving, stix_now

TAXII = "application/taxii+json;version=2.1"
ADDRESS = "91.215.85.23"
DOMAIN = "c2-sweep-kakehashi.net"
DOUBTFUL = "doubtful-sweep-kakehashi.net"
PASSWORD = "sweep-password-1"
SIG = [("電力A社", "soc@denryoku-a.example.jp"), ("電力B社", "soc@denryoku-b.example.jp"),
       ("小規模S社", "it@small-s.example.jp"), ("大手L社", "soc@large-l.example.jp")]
OUTSIDE = ("ガスC社", "soc@gas-c.example.jp")


def stamp(offset_seconds=0.0):
    return stix_now(offset_seconds)


def parse(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def last_added(reader):
    """The latest date_added the reader's manifest shows (what a consumer keeps for its next added_after)."""
    return max((m["date_added"] for m in reader.get_manifest()["objects"]), key=parse)


def indicator(n, pattern, confidence, modified):
    return malicious_indicator("5e000000", n, pattern, confidence, modified, f"sweep {n}")


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-sweep-") as data:
        kakehashi(data, "init")
        for org, _ in SIG + [OUTSIDE]:
            kakehashi(data, "admin", "org", "add", "--name", org, "--sector", "電力" if org != OUTSIDE[0] else "ガス")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", *[a for org, _ in SIG for a in ("--org", org)])
        kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers", "--severity", "urgent")
        kakehashi(data, "admin", "feed", "add", "--name", "Notes", "--title", "Background", "--severity", "info")
        for feed in ["C2", "Notes"]:
            kakehashi(data, "admin", "grant", "--feed", feed, "--group", "電力SIG", "--read", "--write")
        # Reads the feed, is not in the SIG: the SIG's copies are not for it.
        kakehashi(data, "admin", "grant", "--feed", "C2", "--org", OUTSIDE[0], "--read")
        kakehashi(data, "admin", "org", "set-tier", "小規模S社", "small")
        kakehashi(data, "admin", "org", "set-tier", "大手L社", "large")
        kakehashi(data, "admin", "tier-limits", "small", "--burst", "0")
        users = {}
        for org, email in SIG + [OUTSIDE]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[org] = (email, PASSWORD)
        collections = {name: feed_id(data, name) for name in ["C2", "Notes"]}
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users, "collections": collections}


def post_and_release(w, objects, feed="C2"):
    url = f"{w['url']}/hub/collections/{w['collections'][feed]}/objects/"
    return post_and_release_to(w["url"], url, w["users"]["電力A社"], objects, ["電力SIG"])


def collection(w, org, feed="C2"):
    email, password = w["users"][org]
    return Collection(f"{w['url']}/hub/collections/{w['collections'][feed]}/", user=email, password=password)


def taxii_get(w, org, path, feed="C2", **params):
    return requests.get(f"{w['url']}/hub/collections/{w['collections'][feed]}/{path}", params=params,
                        auth=w["users"][org], headers={"Accept": TAXII}, timeout=30)


def holding(objects, value):
    return [o for o in objects if o["type"] == "indicator" and value in o["pattern"]]


def sweep(w, *args):
    return json.loads(kakehashi(w["data"], "freshness", "sweep", *args).stdout)


def validate(objects):
    from stix2validator import ValidationOptions, validate_string
    for obj in objects:
        result = validate_string(json.dumps(obj), ValidationOptions(version="2.1"))
        assert result.is_valid, [str(e) for e in result.errors][:10]


def test_an_expired_released_indicator_reaches_taxii_consumers_as_a_new_version(world):
    now = stamp()
    # Confidence 80: the address (30-day decay, speed 2) expires after 30 d × (1 − 30/80)² ≈ 11.7 days;
    # the domain (90 days, linear) after 56 days.
    post_and_release(world, [indicator(1, f"[ipv4-addr:value = '{ADDRESS}']", 80, now),
                             indicator(2, f"[domain-name:value = '{DOMAIN}']", 80, now)])
    reader = collection(world, "電力B社")
    first = reader.get_objects()["objects"]
    [copy] = holding(first, ADDRESS)
    assert copy["created_by_ref"] != "" and copy["id"] != "indicator--5e000000-0000-4000-8000-000000000001"
    polled_until = last_added(reader)
    outsider_before = collection(world, OUTSIDE[0]).get_objects().get("objects", [])
    assert not holding(outsider_before, ADDRESS)

    # Nothing has expired yet: the sweep adds nothing.
    assert sweep(world) == {"examined": 2, "expired": 0, "revoked": 0, "skipped": 0}
    assert not reader.get_objects(added_after=polled_until).get("objects")

    later = stamp(13 * 86_400)
    report = sweep(world, "--as-of", later)
    assert report["expired"] == 1 and report["revoked"] == 0, report
    polled = reader.get_objects(added_after=polled_until)["objects"]
    assert [o["id"] for o in polled] == [copy["id"]]
    new = polled[0]
    assert parse(new["modified"]) > parse(copy["modified"])
    assert "valid_until" in new and parse(copy["valid_from"]) < parse(new["valid_until"]) <= parse(later)
    # About 11.7 days after the version: the instant freshness fell under the threshold.
    assert abs((parse(new["valid_until"]) - parse(now)).total_seconds() - 30 * 86_400 * (50 / 80) ** 2) < 5
    assert new["pattern"] == copy["pattern"] and new["created_by_ref"] == copy["created_by_ref"]
    validate([new])
    versions = taxii_get(world, "電力B社", f"objects/{copy['id']}/versions/").json()["versions"]
    assert len(versions) == 2 and parse(versions[-1]) == parse(new["modified"]), versions

    # The export at that instant no longer holds the address; the domain stays.
    exported = kakehashi(world["data"], "export", "--feed", "C2", "--format", "csv",
                         "--as", world["users"]["電力B社"][0], "--as-of", later).stdout
    assert ADDRESS not in exported and DOMAIN in exported

    # Again: nothing more, at that instant or later.
    assert sweep(world, "--as-of", later)["expired"] == 0
    assert sweep(world, "--as-of", stamp(20 * 86_400))["expired"] == 0
    assert len(reader.get_objects(added_after=polled_until)["objects"]) == 1

    # The organisation outside the SIG gets no version of the copy: not listed, not by id, no versions.
    outsider = collection(world, OUTSIDE[0]).get_objects().get("objects", [])
    assert not [o for o in outsider if o["id"] == copy["id"]]
    assert taxii_get(world, OUTSIDE[0], f"objects/{copy['id']}/").status_code == 404
    assert taxii_get(world, OUTSIDE[0], f"objects/{copy['id']}/versions/").status_code == 404

    # A false-positive report withdraws the domain: its next version is revoked.
    reported = requests.post(f"{world['url']}/api/v1/sightings", json={"value": DOMAIN, "kind": "false-positive"},
                             auth=world["users"]["大手L社"], timeout=30)
    assert reported.status_code in (200, 201), reported.text
    before = last_added(reader)
    assert sweep(world)["revoked"] == 1
    [withdrawn] = holding(reader.get_objects(added_after=before)["objects"], DOMAIN)
    assert withdrawn["revoked"] is True and DOMAIN in withdrawn["pattern"]
    validate([withdrawn])
    assert sweep(world) == {"examined": 2, "expired": 0, "revoked": 0, "skipped": 0}
    bad = kakehashi(world["data"], "freshness", "sweep", "--as-of", "next week", check=False)
    assert bad.returncode != 0 and "RFC 3339" in bad.stderr


def test_a_small_members_taxii_reads_carry_its_reduced_feed(world):
    now = stamp()
    # The doubtful one first: a small member's first page of one must look past it.
    post_and_release(world, [indicator(3, f"[domain-name:value = '{DOUBTFUL}']", 50, now),
                             indicator(2, f"[domain-name:value = '{DOMAIN}']", 80, now)])
    post_and_release(world, [indicator(4, "[domain-name:value = 'background-sweep-kakehashi.net']", 95, now)], feed="Notes")

    large = collection(world, "大手L社").get_objects()["objects"]
    [doubtful] = holding(large, DOUBTFUL)
    assert holding(large, DOMAIN)
    small = collection(world, "小規模S社").get_objects()["objects"]
    assert holding(small, DOMAIN) and not holding(small, DOUBTFUL)
    manifest = collection(world, "小規模S社").get_manifest()["objects"]
    assert doubtful["id"] not in {m["id"] for m in manifest} and len(manifest) == len(small)

    # By id and its versions: absent for the small member, there for the large one.
    assert taxii_get(world, "小規模S社", f"objects/{doubtful['id']}/").status_code == 404
    assert taxii_get(world, "小規模S社", f"objects/{doubtful['id']}/versions/").status_code == 404
    assert taxii_get(world, "大手L社", f"objects/{doubtful['id']}/").json()["objects"][0]["id"] == doubtful["id"]

    # Pages of one: every page's next resumes past what was left out, and together they are the whole.
    seen, params = [], {"limit": "1"}
    for _ in range(20):
        page = taxii_get(world, "小規模S社", "objects/", **params).json()
        seen += page.get("objects", [])
        if not page["more"]:
            break
        params = {"limit": "1", "next": page["next"]}
    assert sorted(o["id"] for o in seen) == sorted(o["id"] for o in small)
    manifest_pages, params = [], {"limit": "1"}
    for _ in range(20):
        page = taxii_get(world, "小規模S社", "manifest/", **params).json()
        manifest_pages += page.get("objects", [])
        if not page["more"]:
            break
        params = {"limit": "1", "next": page["next"]}
    assert sorted(m["id"] for m in manifest_pages) == sorted(o["id"] for o in small)

    # An info feed carries no indicators on the reduced feed.
    assert not holding(collection(world, "小規模S社", "Notes").get_objects().get("objects", []), "background-sweep")
    assert holding(collection(world, "大手L社", "Notes").get_objects()["objects"], "background-sweep")
    # The same bar as its export.
    exported = requests.get(f"{world['url']}/api/v1/feeds/C2/export", params={"format": "plain", "type": "domain"},
                            auth=world["users"]["小規模S社"], timeout=30).text
    assert DOMAIN in exported and DOUBTFUL not in exported


def test_a_revoked_release_reaches_the_members_that_received_it_as_revoked_versions(world):
    now = stamp()
    submission_id, release_id = post_and_release(world, [indicator(1, f"[ipv4-addr:value = '{ADDRESS}']", 90, now)])
    reader = collection(world, "電力B社")
    [copy] = holding(reader.get_objects()["objects"], ADDRESS)
    polled_until = last_added(reader)
    # Reads are recorded in the background: wait until the provider's recipients report shows B.
    for _ in range(50):
        listed = requests.get(f"{world['url']}/api/v1/submissions/{submission_id}/recipients",
                              auth=world["users"]["電力A社"], timeout=30).json()["recipients"]
        if [r["organization"] for r in listed] == ["電力B社"]:
            break
        time.sleep(0.1)
    assert [r["organization"] for r in listed] == ["電力B社"]
    revoked = requests.post(f"{world['url']}/api/v1/releases/{release_id}/revoke", auth=world["users"]["電力A社"],
                            timeout=30)
    assert revoked.status_code == 200, revoked.text

    # B polls as a TAXII client does: the copy's last version, revoked, valid STIX, same pattern.
    [notice] = reader.get_objects(added_after=polled_until)["objects"]
    assert notice["id"] == copy["id"] and notice["revoked"] is True and notice["pattern"] == copy["pattern"]
    assert parse(notice["modified"]) > parse(copy["modified"])
    validate([notice])
    # B's blocklist no longer holds the value.
    exported = requests.get(f"{world['url']}/api/v1/feeds/C2/export", params={"format": "plain", "type": "ipv4"},
                            auth=world["users"]["電力B社"], timeout=30)
    assert exported.status_code == 200 and ADDRESS not in exported.text
    # L, in the SIG but never polled, and the outsider: nothing of it, by list, id or versions.
    for org in ["大手L社", OUTSIDE[0]]:
        assert not [o for o in collection(world, org).get_objects().get("objects", []) if o["id"] == copy["id"]]
        assert taxii_get(world, org, f"objects/{copy['id']}/").status_code == 404
        assert taxii_get(world, org, f"objects/{copy['id']}/versions/").status_code == 404
    # The sweep leaves a revoked copy alone.
    assert sweep(world, "--as-of", stamp(40 * 86_400))["revoked"] == 0


def test_a_provider_revoking_its_original_revokes_the_anonymised_copy_for_its_readers(world):
    now = stamp()
    original = indicator(3, f"[ipv4-addr:value = '{ADDRESS}']", 90, now)
    post_and_release(world, [original])
    reader = collection(world, "電力B社")
    [copy] = holding(reader.get_objects()["objects"], ADDRESS)
    polled_until = last_added(reader)
    # Another member posting a revocation under A's original id revokes nothing of A's.
    revocation = dict(original, modified=stamp(1), revoked=True)
    url = f"{world['url']}/hub/collections/{world['collections']['C2']}/objects/"
    forged = requests.post(url, data=json.dumps({"objects": [revocation]}).encode(), auth=world["users"]["大手L社"],
                           headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert forged.status_code == 202, forged.text
    assert not [o for o in reader.get_objects(added_after=polled_until).get("objects", []) if o["id"] == copy["id"]]
    # A revokes its indicator, as STIX asks: a later version with revoked: true.
    posted = requests.post(url, data=json.dumps({"objects": [revocation]}).encode(), auth=world["users"]["電力A社"],
                           headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert posted.status_code == 202 and posted.json()["success_count"] == 1, posted.text
    [notice] = reader.get_objects(added_after=polled_until)["objects"]
    assert notice["id"] == copy["id"] and notice["revoked"] is True and notice["pattern"] == copy["pattern"]
    assert notice["created_by_ref"] == copy["created_by_ref"]
    validate([notice])
    # Everyone who could read the copy reads its revocation; the outsider still reads nothing of it.
    assert [o["revoked"] for o in collection(world, "大手L社").get_objects()["objects"] if o["id"] == copy["id"]] == [True]
    assert taxii_get(world, OUTSIDE[0], f"objects/{copy['id']}/").status_code == 404
    exported = requests.get(f"{world['url']}/api/v1/feeds/C2/export", params={"format": "plain", "type": "ipv4"},
                            auth=world["users"]["電力B社"], timeout=30)
    assert exported.status_code == 200 and ADDRESS not in exported.text
