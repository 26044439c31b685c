"""Issue 12 item 16, through the real binary and taxii2-client: what a reader may newly see is dated
when it became visible to that reader, so a consumer polling with `added_after` its last poll gets the
releases made before it joined a trust group, before it was recorded as a client of a patron, and
before its organisation was granted read access to the feed (TAXII objects and manifest alike, with
`next` paging and the X-TAXII-Date-Added headers on the same dates), and gets each of them once."""
import json
import tempfile
import time
import uuid
from datetime import datetime, timezone

import pytest
import requests
from taxii2client.v21 import Collection, as_pages

from conftest import feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
NOW = "2026-11-01T09:00:00.000Z"
PASSWORD = "dates-password-1"
# The server reuses an organisation's rights for up to a second when another process (the CLI)
# changes them.
RIGHTS_LIFETIME = 1.2


@pytest.fixture
def world():
    """A provides; B reads the feed with its own grant and joins A's group later; C reads with its own
    grant and becomes a client of A later; D may only write the feed until it is granted reading."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-dates-") as data:
        kakehashi(data, "init")
        for name in ["電力A社", "電力B社", "Client C", "Newcomer D"]:
            kakehashi(data, "admin", "org", "add", "--name", name, "--sector", "電力", "--size", "medium")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--group", "電力SIG", "--read", "--write")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--org", "電力B社", "--read")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--org", "Client C", "--read")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--org", "Newcomer D", "--write")
        users = {}
        for key, org in [("A", "電力A社"), ("B", "電力B社"), ("C", "Client C"), ("D", "Newcomer D")]:
            email = f"soc@{key.lower()}.example.jp"
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = (email, PASSWORD)
        collection = feed_id(data, "Default")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users,
                   "collection": f"{url}/hub/collections/{collection}/"}


def indicator(marking, name):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": NOW,
            "modified": NOW, "name": name, "indicator_types": ["malicious-activity"],
            "pattern": "[domain-name:value = 'c2.example']", "pattern_type": "stix", "valid_from": NOW,
            "object_marking_refs": [marking]}


def post_and_release(world, objects, scope):
    """A posts `objects` and releases them to `scope`; returns their ids."""
    body = json.dumps({"objects": objects}, ensure_ascii=False).encode()
    posted = requests.post(world["collection"] + "objects/", data=body, auth=world["users"]["A"],
                           headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert posted.status_code == 202 and posted.json()["success_count"] == len(objects), posted.text
    released = requests.post(f"{world['url']}/api/v1/submissions/{posted.json()['id']}/release", json=scope,
                             auth=world["users"]["A"], timeout=30)
    assert released.status_code == 201, released.text
    return [o["id"] for o in objects]


def collection(world, user):
    email, password = world["users"][user]
    return Collection(world["collection"], user=email, password=password)


def clock():
    """The consumer's own clock, as it records its last poll."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def poll(world, user, added_after):
    """Every object the user gets polling from `added_after`, one object per page (taxii2-client
    follows `next`), and the manifest of the same poll."""
    objects = []
    for envelope in as_pages(collection(world, user).get_objects, per_request=1, added_after=added_after):
        objects += envelope.get("objects", [])
    manifest = []
    for envelope in as_pages(collection(world, user).get_manifest, per_request=1, added_after=added_after):
        manifest += envelope.get("objects", [])
    return objects, manifest


def check_dates(world, user, added_after, manifest):
    """Every date the reader is shown lies after its last poll, and the headers tell the same dates."""
    assert all(record["date_added"] > added_after for record in manifest), (added_after, manifest)
    response = requests.get(world["collection"] + "objects/", params={"added_after": added_after},
                            auth=world["users"][user], headers={"Accept": TAXII}, timeout=30)
    assert response.status_code == 200, response.text
    dates = sorted(record["date_added"] for record in manifest)
    assert response.headers["X-TAXII-Date-Added-First"] == dates[0]
    assert response.headers["X-TAXII-Date-Added-Last"] == dates[-1]
    return dates[-1]


def test_an_organisation_joining_a_group_gets_its_earlier_releases_after_its_last_poll(world):
    before = post_and_release(world, [indicator(AMBER, "before B joined"), indicator(AMBER, "also before")],
                              {"groups": ["電力SIG"]})
    objects, _ = poll(world, "B", None)
    assert objects == []
    last_poll = clock()
    time.sleep(0.01)

    kakehashi(world["data"], "admin", "group", "join", "--name", "電力SIG", "--org", "電力B社")
    time.sleep(RIGHTS_LIFETIME)
    after = post_and_release(world, [indicator(AMBER, "after B joined")], {"groups": ["電力SIG"]})

    objects, manifest = poll(world, "B", last_poll)
    assert sorted(o["id"] for o in objects) == sorted(before + after)
    assert sorted(r["id"] for r in manifest) == sorted(before + after)
    newest = check_dates(world, "B", last_poll, manifest)
    # In the order of those dates: what became visible at the join first, then what came after it.
    assert [r["id"] for r in manifest][-1] == after[0]
    # The next poll, from the newest date it was shown, repeats nothing.
    objects, manifest = poll(world, "B", newest)
    assert objects == [] and manifest == []


def test_a_client_added_to_a_patron_gets_the_patrons_earlier_releases_after_its_last_poll(world):
    before = post_and_release(world, [indicator(AMBER, "to the group and its members' clients")],
                              {"groups": ["電力SIG"]})
    objects, _ = poll(world, "C", None)
    assert objects == []
    last_poll = clock()
    time.sleep(0.01)

    kakehashi(world["data"], "admin", "org", "client", "--org", "電力A社", "--client", "Client C")
    time.sleep(RIGHTS_LIFETIME)

    objects, manifest = poll(world, "C", last_poll)
    assert [o["id"] for o in objects] == before
    assert [r["id"] for r in manifest] == before
    newest = check_dates(world, "C", last_poll, manifest)
    objects, manifest = poll(world, "C", newest)
    assert objects == [] and manifest == []


def test_a_read_grant_added_later_dates_the_feeds_earlier_content_from_the_grant(world):
    before = post_and_release(world, [indicator(GREEN, "to all members")], {"all_members": True})
    # D's consumer is set up now and will poll from here; it may not read the feed yet.
    set_up = clock()
    time.sleep(0.01)
    refused = requests.get(world["collection"] + "objects/", auth=world["users"]["D"],
                           headers={"Accept": TAXII}, timeout=30)
    assert refused.status_code == 403, refused.text

    kakehashi(world["data"], "admin", "grant", "--feed", "Default", "--org", "Newcomer D", "--read", "--write")
    time.sleep(RIGHTS_LIFETIME)

    objects, manifest = poll(world, "D", set_up)
    assert [o["id"] for o in objects] == before
    assert [r["id"] for r in manifest] == before
    newest = check_dates(world, "D", set_up, manifest)
    objects, manifest = poll(world, "D", newest)
    assert objects == [] and manifest == []


def test_a_reader_who_could_always_read_sees_the_stored_dates(world):
    """B reads with its own grant from the start: an all-members release is dated as stored for it."""
    kakehashi(world["data"], "admin", "group", "join", "--name", "電力SIG", "--org", "電力B社")
    time.sleep(RIGHTS_LIFETIME)
    first_poll = clock()
    time.sleep(0.01)
    ids = post_and_release(world, [indicator(GREEN, "one"), indicator(GREEN, "two")], {"all_members": True})
    objects, manifest = poll(world, "B", first_poll)
    assert [o["id"] for o in objects] == ids
    assert [r["id"] for r in manifest] == ids
    check_dates(world, "B", first_poll, manifest)
