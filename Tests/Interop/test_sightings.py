"""Issue 14, sightings and feedback, through the real binary (SQLite, or PostgreSQL with
KAKEHASHI_TEST_BACKEND=postgres): sightings from two members (a STIX sighting posted with taxii2-client,
and POST /api/v1/sightings) show as counts to a third, names only with consent; a member sighting an
indicator it may not read learns nothing (by id and by value, the same answer as for one that does not
exist); read-only users, clients and requests without credentials cannot report; bad input is a 400 with
nothing stored; k false-positive reports take the value out of the corroborated feed and onto the
analysts' review queue until it is cleared."""
import json
import tempfile
import uuid

import pytest
import requests
from taxii2client.v21 import Collection

from conftest import database_rows, feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
NOW = "2026-11-01T09:00:00.000Z"
PASSWORD = "sightings-pw-1"
VALUE = "45.77.30.7"
KEY = f"ipv4-addr:{VALUE}"
HELD = "203.0.113.251"
MISSING_ID = "indicator--00000000-0000-4000-8000-000000000000"

# Key, organisation, sector. Oil G is the only member of its sector.
ORGANISATIONS = [
    ("A", "電力A社", "電力"), ("B", "電力B社", "電力"), ("E", "電力E社", "電力"), ("F", "電力F社", "電力"),
    ("C", "Gas C", "ガス"), ("D", "Chem D", "化学"), ("G", "Oil G", "石油"),
]


@pytest.fixture(scope="module")
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-sightings-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        users = {}
        for key, name, sector in ORGANISATIONS:
            kakehashi(data, "admin", "org", "add", "--name", name, "--sector", sector, "--size", "large")
            kakehashi(data, "admin", "grant", "--feed", "Default", "--org", name, "--read", "--write")
            email = f"soc-{key.lower()}@example.jp"
            kakehashi(data, "admin", "user", "add", "--org", name, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = (email, PASSWORD)
        kakehashi(data, "admin", "user", "add", "--org", "電力B社", "--email", "viewer-b@example.jp",
                  "--role", "read-only", "--password-stdin", stdin=PASSWORD + "\n")
        users["B-read-only"] = ("viewer-b@example.jp", PASSWORD)
        kakehashi(data, "admin", "org", "add", "--name", "Client K", "--sector", "製造", "--size", "small")
        kakehashi(data, "admin", "org", "client", "--org", "電力B社", "--client", "Client K")
        kakehashi(data, "admin", "user", "add", "--org", "Client K", "--email", "it-k@example.jp", "--role", "member",
                  "--password-stdin", stdin=PASSWORD + "\n")
        users["K"] = ("it-k@example.jp", PASSWORD)
        default = feed_id(data, "Default")
        with serving(data) as url:
            w = {"data": data, "url": url, "users": users, "default": f"{url}/hub/collections/{default}/"}
            # A, C and D report the value: corroborated, readable by every member.
            for member in "ACD":
                post_objects(w, member, [indicator(VALUE)])
            # A's own indicator of a value nobody else has: held, only A and hub staff read it.
            w["held"] = post_objects(w, "A", [indicator(HELD)])["successes"][0]["id"]
            w["corroborated"] = corroborated_id(w)
            yield w


def indicator(value):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": NOW,
            "modified": NOW, "pattern": f"[ipv4-addr:value = '{value}']", "pattern_type": "stix",
            "valid_from": NOW, "object_marking_refs": [GREEN]}


def sighting(ref, kind="seen", named=False):
    return {"type": "sighting", "spec_version": "2.1", "id": f"sighting--{uuid.uuid4()}", "created": NOW,
            "modified": NOW, "sighting_of_ref": ref, "count": 4, "first_seen": "2026-11-02T00:00:00Z",
            "last_seen": "2026-11-03T00:00:00Z", "x_kakehashi_sighting_kind": kind,
            "x_kakehashi_consent_to_be_named": named}


def post_objects(w, member, objects):
    response = requests.post(w["default"] + "objects/", data=json.dumps({"objects": objects}).encode(),
                             auth=w["users"][member], headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert response.status_code == 202, response.text
    return response.json()


def corroborated_feed_objects(w, member="B"):
    corroborated = feed_id(w["data"], "CORROBORATED")
    response = requests.get(f"{w['url']}/hub/collections/{corroborated}/objects/", auth=w["users"][member],
                            headers={"Accept": TAXII}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json().get("objects", [])


def live(objects):
    """The corroborated indicators of VALUE still in force (no valid_until: the hub's withdrawal sets one)."""
    return [o for o in objects if VALUE in o["pattern"] and "valid_until" not in o]


def corroborated_id(w):
    ids = [o["id"] for o in corroborated_feed_objects(w) if VALUE in o["pattern"]]
    assert len(ids) == 1
    return ids[0]


def report(w, member, body, auth=True):
    return requests.post(f"{w['url']}/api/v1/sightings", json=body,
                         auth=w["users"][member] if auth else None, timeout=30)


def counts(w, member, indicator_id):
    return requests.get(f"{w['url']}/api/v1/indicators/{indicator_id}/sightings", auth=w["users"][member], timeout=30)


def stored_sightings(w):
    return int(database_rows(w["data"], "SELECT count(*) FROM sighting")[0][0])


def kind(summary, name):
    return next((k for k in summary["kinds"] if k["kind"] == name), None)


def test_two_members_sightings_show_as_counts_to_a_third(world):
    # E posts a STIX sighting with taxii2-client; G reports by value through the JSON API.
    collection = Collection(world["default"], user=world["users"]["E"][0], password=PASSWORD)
    status = collection.add_objects({"objects": [sighting(world["corroborated"])]})
    assert status.success_count == 1 and status.failure_count == 0
    response = report(world, "G", {"value": VALUE, "kind": "seen", "count": 2, "first_seen": "2026-11-01T00:00:00Z",
                                   "last_seen": "2026-11-04T00:00:00Z"})
    assert response.status_code == 201, response.text
    assert response.json()["indicator"] == world["corroborated"]
    response = counts(world, "B", world["corroborated"])
    assert response.status_code == 200, response.text
    seen = kind(response.json(), "seen")
    assert (seen["organizations"], seen["sectors"], seen["count"]) == (2, 2, 6)
    assert seen["text"] == "seen by 2 organisations in 2 sectors"
    assert seen["first_seen"] == "2026-11-01T00:00:00Z" and seen["last_seen"] == "2026-11-04T00:00:00Z"
    assert seen["named"] == []
    # Counts never name an organisation, its id or its sector without consent (Oil G is alone in 石油).
    names = [name for _, name, _ in ORGANISATIONS] + ["石油", "電力", "soc-"]
    assert not any(name in response.text for name in names), response.text
    # The CLI shows the same to the operator and to a member.
    listed = json.loads(kakehashi(world["data"], "sightings", "list", world["corroborated"], "--json").stdout)
    assert kind(listed, "seen")["organizations"] == 2
    as_member = json.loads(kakehashi(world["data"], "sightings", "list", world["corroborated"], "--as",
                                     world["users"]["B"][0]).stdout)
    assert kind(as_member, "seen")["organizations"] == 2 and as_member.get("review") is None


def test_named_only_with_consent(world):
    response = report(world, "C", {"indicator": world["corroborated"], "kind": "seen", "consent_to_be_named": True})
    assert response.status_code == 201, response.text
    seen = kind(counts(world, "B", world["corroborated"]).json(), "seen")
    assert seen["named"] == ["Gas C"]
    assert seen["organizations"] >= 3


def test_a_member_learns_nothing_of_an_indicator_it_cannot_read(world):
    before = stored_sightings(world)
    answers = [report(world, "B", body) for body in (
        {"indicator": MISSING_ID}, {"indicator": world["held"]}, {"value": HELD}, {"value": "198.18.9.9"})]
    assert [a.status_code for a in answers] == [404] * 4
    # The same answer (the error body's member order is the encoder's, not the request's: compare parsed).
    assert all(a.json() == answers[0].json() for a in answers), [a.text for a in answers]
    assert counts(world, "B", world["held"]).json() == counts(world, "B", MISSING_ID).json()
    assert counts(world, "B", world["held"]).status_code == 404
    # As a STIX sighting: the same refusal for a held and a nonexistent indicator, nothing recorded.
    status = post_objects(world, "B", [sighting(world["held"]), sighting(MISSING_ID)])
    assert status["success_count"] == 0 and status["failure_count"] == 2
    assert status["failures"][0]["message"] == status["failures"][1]["message"]
    assert stored_sightings(world) == before


def test_read_only_client_and_anonymous_cannot_report(world):
    before = stored_sightings(world)
    body = {"indicator": world["corroborated"], "kind": "seen"}
    assert report(world, "B-read-only", body).status_code == 403
    assert report(world, "K", body).status_code == 403
    assert report(world, "B", body, auth=False).status_code == 401
    assert requests.post(f"{world['url']}/api/v1/sightings", json=body, timeout=30,
                         headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert stored_sightings(world) == before
    # The read-only user still sees the counts of what it may read.
    assert counts(world, "B-read-only", world["corroborated"]).status_code == 200


@pytest.mark.parametrize("body", [
    {"kind": "maybe"}, {"count": 0}, {"count": "3"}, {"first_seen": "yesterday"},
    {"first_seen": "2026-11-03T00:00:00Z", "last_seen": "2026-11-01T00:00:00Z"},
    {"last_seen": "2099-01-01T00:00:00Z"}, {"colour": "red"}, {"value": VALUE},
])
def test_bad_input_is_a_clear_400_and_stores_nothing(world, body):
    before = stored_sightings(world)
    response = report(world, "E", {"indicator": world["corroborated"], **body})
    assert response.status_code == 400, response.text
    assert response.json().get("description") or response.json().get("title"), response.text
    assert stored_sightings(world) == before


def test_k_false_positives_take_the_value_out_of_the_corroborated_feed(world):
    assert any(VALUE in o["pattern"] for o in corroborated_feed_objects(world))
    # k = 3 (the corroboration k): E twice is one organisation.
    for member in ("E", "E", "F"):
        assert report(world, member, {"value": VALUE, "kind": "false-positive"}).status_code == 201
    assert json.loads(kakehashi(world["data"], "sightings", "review", "--json").stdout) == []
    kakehashi(world["data"], "sightings", "add", "--as", world["users"]["G"][0], "--value", VALUE,
              "--kind", "false-positive")
    review = json.loads(kakehashi(world["data"], "sightings", "review", "--json").stdout)
    assert [r["value"] for r in review] == [KEY] and review[0]["organizations"] == 3
    assert sorted(review[0]["reporters"]) == ["Oil G", "電力E社", "電力F社"]
    # B, which had received the indicator, now reads only its last version, expired (valid_until),
    # so its TAXII client and devices drop the value.
    assert not live(corroborated_feed_objects(world))
    assert [o for o in corroborated_feed_objects(world) if VALUE in o["pattern"] and "valid_until" in o]
    # Members may not see the review queue; another report does not release the value again.
    assert requests.get(f"{world['url']}/api/v1/sightings/review", auth=world["users"]["B"], timeout=30).status_code == 403
    post_objects(world, "B", [indicator(VALUE)])
    assert not live(corroborated_feed_objects(world))
    # The analyst clears it: released again.
    kakehashi(world["data"], "sightings", "clear", KEY)
    assert json.loads(kakehashi(world["data"], "sightings", "review", "--json").stdout) == []
    assert live(corroborated_feed_objects(world))
    assert kakehashi(world["data"], "audit", "verify").returncode == 0
