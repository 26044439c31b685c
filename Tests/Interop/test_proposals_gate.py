"""Issue 12 item 4 ("a release can be approved blind"), through the real binary: a hub analyst's
proposal shows its provider exactly what would be shared (the processed bundle, the diff against the
provider's own submission, the objects exactly as the release would store them); a processed version
that lowers a marking the provider set, adds objects that are not the hub's attributed analysis, or
carries the provider's RED value under a lower marking is refused when proposed and again when
approved; a processed bundle that is not a valid STIX 2.1 bundle is a 422 with the validator's
reason; only the provider's users and hub staff see a proposal, and only the provider's writers
decide on it."""
import base64
import json
import os
import sqlite3
import tempfile
import uuid

import pytest
import requests

from conftest import BACKEND, feed_id, hub_database, kakehashi, psql, serving

TAXII = "application/taxii+json;version=2.1"
RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
CREATED = "2026-11-01T09:00:00.000Z"
LATER = "2026-11-02T09:00:00.000Z"
RED_VALUE = "198.51.100.77"
PASSWORD = "proposal-password-1"


@pytest.fixture
def world():
    """A (provider: a member and a read-only user) and B (a member and a read-only user) in 電力SIG
    sharing a feed; C, another organisation, reads it too; a hub analyst."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-proposals-") as data:
        kakehashi(data, "init")
        for org, sector in [("電力A社", "電力"), ("電力B社", "電力"), ("化学C社", "化学")]:
            kakehashi(data, "admin", "org", "add", "--name", org, "--sector", sector, "--size", "large")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--group", "電力SIG", "--read", "--write")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--org", "化学C社", "--read")
        users = {}
        for key, org, email, role in [("A", "電力A社", "soc@denryoku-a.example.jp", "member"),
                                      ("A-reader", "電力A社", "viewer@denryoku-a.example.jp", "read-only"),
                                      ("B", "電力B社", "soc@denryoku-b.example.jp", "member"),
                                      ("B-reader", "電力B社", "viewer@denryoku-b.example.jp", "read-only"),
                                      ("C", "化学C社", "soc@kagaku-c.example.jp", "member"),
                                      ("analyst", "Kakehashi Hub", "analyst@hub.example.jp", "hub-analyst")]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", role,
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = (email, PASSWORD)
        with open(os.path.join(data, "hub.json")) as file:
            hub_identity = json.load(file)["hub_identity_id"]
        collection = feed_id(data, "Default")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users, "hub": hub_identity,
                   "objects": f"{url}/hub/collections/{collection}/objects/"}


def indicator(value, marking, id=None, modified=CREATED, **extra):
    return {"type": "indicator", "spec_version": "2.1", "id": id or f"indicator--{uuid.uuid4()}",
            "created": CREATED, "modified": modified, "name": f"C2 {value}", "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '{value}']", "pattern_type": "stix", "valid_from": CREATED,
            **({"object_marking_refs": [marking]} if marking else {}), **extra}


def bundle(*objects):
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)}


def submit(world, objects):
    body = json.dumps({"objects": objects}, ensure_ascii=False).encode()
    response = requests.post(world["objects"], data=body, auth=world["users"]["A"],
                             headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert response.status_code == 202, response.text
    assert response.json()["success_count"] == len(objects), response.text
    return response.json()["id"]


def propose(world, submission, processed, scope=None):
    body = dict(scope or {"groups": ["電力SIG"]})
    if processed is not None:
        body["processed_bundle"] = processed
    return requests.post(f"{world['url']}/api/v1/submissions/{submission}/proposals", json=body,
                         auth=world["users"]["analyst"], timeout=30)


def api(world, user, path, method="GET"):
    return requests.request(method, f"{world['url']}/api/v1/{path}", auth=world["users"][user], timeout=30)


def read(world, user):
    response = requests.get(world["objects"], auth=world["users"][user], headers={"Accept": TAXII}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json().get("objects", [])


@pytest.fixture
def submitted(world):
    """A's submission: a TLP:RED indicator of its own value and a TLP:GREEN one."""
    red = indicator(RED_VALUE, RED)
    green = indicator("203.0.113.5", GREEN)
    return {"id": submit(world, [red, green]), "red": red, "green": green}


# MARK: - The attack: re-marking the provider's RED value GREEN and adding an indicator


def test_the_attack_re_marking_red_green_and_adding_an_indicator_is_refused(world, submitted):
    processed = bundle(dict(submitted["red"], object_marking_refs=[GREEN], modified=LATER), submitted["green"],
                       indicator("192.0.2.200", GREEN))
    response = propose(world, submitted["id"], processed)
    assert response.status_code == 422, response.text
    assert "never lower a marking the provider set" in response.json()["description"]
    assert api(world, "A", "proposals").json()["proposals"] == [], "a refused proposal must leave nothing"


REFUSALS = ["re-marked", "unmarked", "added-unattributed", "added-hub-red-value", "copied-into-green",
            "granular-dropped"]


def test_a_processed_version_may_never_lower_a_providers_marking(world):
    """Each way of lowering a marking, on a submission of its own (one hub for all: the CLI set-up is slow)."""
    for case in REFUSALS:
        red = indicator(RED_VALUE, RED)
        green = indicator("203.0.113.5", GREEN, description="seen from the SOC of 電力A社",
                          granular_markings=[{"marking_ref": RED, "selectors": ["description"]}])
        submission = submit(world, [red, green])
        processed = {
            "re-marked": [dict(red, object_marking_refs=[GREEN], modified=LATER), green],
            "unmarked": [{k: v for k, v in red.items() if k != "object_marking_refs"} | {"modified": LATER}, green],
            "added-unattributed": [red, green, indicator("192.0.2.200", GREEN)],
            "added-hub-red-value": [red, green, indicator(RED_VALUE, GREEN, created_by_ref=world["hub"])],
            "copied-into-green": [red, dict(green, modified=LATER, pattern=f"[ipv4-addr:value = '{RED_VALUE}']")],
            "granular-dropped": [red, {k: v for k, v in green.items() if k != "granular_markings"} | {"modified": LATER}],
        }[case]
        response = propose(world, submission, bundle(*processed))
        assert response.status_code == 422, (case, response.text)
        description = response.json()["description"]
        if case == "added-unattributed":
            assert "hub's own analysis" in description and world["hub"] in description, (case, description)
        else:
            assert "never lower a marking the provider set" in description, (case, description)
        assert api(world, "A", "proposals").json()["proposals"] == [], case
        assert api(world, "analyst", "proposals").json()["proposals"] == [], case


# MARK: - The provider sees exactly what would be shared


def test_the_provider_sees_the_diff_and_exactly_what_approval_shares(world):
    red, green, removed = indicator(RED_VALUE, RED), indicator("203.0.113.5", GREEN), indicator("203.0.113.9", GREEN)
    submission = submit(world, [red, green, removed])
    changed = dict(green, modified=LATER, name="C2 (analysed)", object_marking_refs=[AMBER])
    added = indicator("192.0.2.200", GREEN, created_by_ref=world["hub"])
    processed = bundle(red, changed, added)
    proposed = propose(world, submission, processed)
    assert proposed.status_code == 201, proposed.text

    inbox = api(world, "A", "proposals")
    assert inbox.status_code == 200, inbox.text
    [proposal] = inbox.json()["proposals"]
    assert proposal["processed_bundle"] == processed
    assert proposal["refused"] is None
    diff = proposal["diff"]
    assert [(o["id"], o["created_by_ref"], o["markings"]["tlp"]) for o in diff["added"]] == \
        [(added["id"], world["hub"], "green")]
    assert [(o["id"], o["markings"]["tlp"]) for o in diff["removed"]] == [(removed["id"], "green")]
    [change] = diff["changed"]
    assert change["id"] == changed["id"]
    assert change["properties_changed"] == ["modified", "name", "object_marking_refs"]
    assert (change["markings_before"]["tlp"], change["markings_after"]["tlp"]) == ("green", "amber")
    assert change["markings_before"]["object_marking_refs"] == [GREEN]
    assert change["markings_after"]["object_marking_refs"] == [AMBER]
    assert diff["unchanged"] == [red["id"]]
    # To a group: the RED indicator stays held, with why; the rest is shared exactly as shown.
    shared = proposal["would_share"]
    assert any(red["id"] in reason for reason in shared["withheld"]), shared
    assert shared["blocked"] is None
    assert sorted(o["id"] for o in shared["bundle"]["objects"]) == sorted([changed["id"], added["id"]])
    assert api(world, "A", f"proposals/{proposal['id']}").json() == proposal
    assert read(world, "B") == []

    approved = api(world, "A", f"proposals/{proposal['id']}/approve", "POST")
    assert approved.status_code == 201, approved.text
    received = {o["id"]: o for o in read(world, "B")}
    assert received == {o["id"]: o for o in shared["bundle"]["objects"]}
    assert RED_VALUE not in json.dumps(read(world, "B"))
    decided = api(world, "A", f"proposals/{proposal['id']}").json()
    assert decided["state"] == "approved" and decided["diff"] == diff


def test_a_proposal_of_the_originals_shows_them_unchanged(world, submitted):
    proposed = propose(world, submitted["id"], None, {"organizations": ["電力B社"]})
    assert proposed.status_code == 201, proposed.text
    [proposal] = api(world, "A", "proposals").json()["proposals"]
    assert proposal["processed_bundle"] is None
    assert proposal["diff"] == {"added": [], "removed": [], "changed": [],
                                "unchanged": [submitted["red"]["id"], submitted["green"]["id"]]}
    # Named individually, B would receive the RED indicator too: the provider sees it before approving.
    assert sorted(o["id"] for o in proposal["would_share"]["bundle"]["objects"]) == \
        sorted([submitted["red"]["id"], submitted["green"]["id"]])


# MARK: - Checked again at approval


def test_a_stored_proposal_that_lowers_a_marking_is_refused_at_approval(world, submitted):
    """A proposal stored before the rule (or behind it) is checked again when the provider approves."""
    proposed = propose(world, submitted["id"], bundle(submitted["red"], submitted["green"]))
    assert proposed.status_code == 201, proposed.text
    proposal_id = proposed.json()["id"]
    lowered = bundle(dict(submitted["red"], object_marking_refs=[GREEN], modified=LATER), submitted["green"])
    if BACKEND == "postgres":
        database = hub_database(world["data"])
        [[text]] = psql(database, "SELECT convert_from(body, 'UTF8') FROM proposal WHERE id = :'v1'", proposal_id)
        body = json.loads(text)
        body["processedBundle"] = base64.b64encode(json.dumps(lowered).encode()).decode()
        psql(database, "UPDATE proposal SET body = convert_to(:'v1', 'UTF8') WHERE id = :'v2'",
             json.dumps(body), proposal_id)
    else:
        with sqlite3.connect(os.path.join(world["data"], "hub.sqlite"), timeout=30) as db:
            body = json.loads(db.execute("SELECT body FROM proposal WHERE id = ?", (proposal_id,)).fetchone()[0])
            body["processedBundle"] = base64.b64encode(json.dumps(lowered).encode()).decode()
            db.execute("UPDATE proposal SET body = ? WHERE id = ?", (json.dumps(body).encode(), proposal_id))
    shown = api(world, "A", f"proposals/{proposal_id}").json()
    assert "never lower a marking the provider set" in (shown["refused"] or ""), shown
    approved = api(world, "A", f"proposals/{proposal_id}/approve", "POST")
    assert approved.status_code == 422, approved.text
    assert read(world, "B") == []
    assert api(world, "A", f"proposals/{proposal_id}").json()["state"] == "pending"


# MARK: - A processed bundle that is not valid STIX 2.1


INVALID = [
    ("missing-pattern", "pattern"),
    ("not-a-bundle", "bundle"),
    ("bundle-id", "bundle--"),
    ("a-string", "STIX bundle"),
    ("empty", "empty bundle"),
    ("bad-timestamp", "modified"),
]


def test_an_invalid_processed_bundle_is_422_with_the_validators_reason(world, submitted):
    green = submitted["green"]
    for case, reason in INVALID:
        processed = {
            "missing-pattern": bundle({k: v for k, v in green.items() if k != "pattern"}),
            "not-a-bundle": {"type": "report", "id": f"bundle--{uuid.uuid4()}", "objects": [green]},
            "bundle-id": {"type": "bundle", "id": "bundle-1", "objects": [green]},
            "a-string": "not a bundle",
            "empty": bundle(),
            "bad-timestamp": bundle(dict(green, modified="yesterday")),
        }[case]
        response = propose(world, submitted["id"], processed)
        assert response.status_code == 422, (case, response.text)
        assert reason in response.json()["description"], (case, response.text)
    assert api(world, "analyst", "proposals").json()["proposals"] == []


# MARK: - Who sees and decides


def test_only_the_providers_users_and_hub_staff_see_a_proposal_and_only_its_writers_decide(world, submitted):
    proposed = propose(world, submitted["id"], bundle(submitted["red"], submitted["green"]))
    assert proposed.status_code == 201, proposed.text
    proposal_id = proposed.json()["id"]
    for outsider in ["B", "B-reader", "C"]:
        assert api(world, outsider, "proposals").json()["proposals"] == [], outsider
        shown = api(world, outsider, f"proposals/{proposal_id}")
        assert shown.status_code == 404 and RED_VALUE not in shown.text, outsider
        for action in ["approve", "reject"]:
            assert api(world, outsider, f"proposals/{proposal_id}/{action}", "POST").status_code == 404, outsider
    # The provider's read-only user sees its organisation's proposal but cannot decide on it.
    shown = api(world, "A-reader", f"proposals/{proposal_id}")
    assert shown.status_code == 200 and shown.json()["processed_bundle"]["objects"][0] == submitted["red"]
    assert [p["id"] for p in api(world, "A-reader", "proposals").json()["proposals"]] == [proposal_id]
    for action in ["approve", "reject"]:
        assert api(world, "A-reader", f"proposals/{proposal_id}/{action}", "POST").status_code == 403
    # Hub staff see every proposal; only the provider decides.
    assert api(world, "analyst", f"proposals/{proposal_id}").status_code == 200
    assert api(world, "analyst", f"proposals/{proposal_id}/approve", "POST").status_code == 403
    assert read(world, "B") == []
    assert api(world, "A", f"proposals/{proposal_id}/approve", "POST").status_code == 201
    assert {o["id"] for o in read(world, "B")} == {submitted["green"]["id"]}
