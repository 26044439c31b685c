"""Issue 12 ("One gate for every read"), through the real binary: granular TLP:RED markings on list
items, TLP marking definitions under ids of their own, revocation by read-only users, the modes of
the files the hub writes, duplicate keys in /api/v1 bodies and numbers consumers cannot read."""
import json
import os
import stat
import tempfile
import uuid

import pytest
import requests
import taxii2client.v21 as taxii

from conftest import feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
NOW = "2026-11-01T09:00:00.000Z"


@pytest.fixture
def world():
    """Organisations A (a member and a read-only user) and B in one trust group sharing a feed."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-gate-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--size", "large")
        kakehashi(data, "admin", "org", "add", "--name", "電力B社", "--sector", "電力", "--size", "medium")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--group", "電力SIG", "--read", "--write")
        users = {}
        for key, org, email, role in [("A", "電力A社", "soc@denryoku-a.example.jp", "member"),
                                      ("A-reader", "電力A社", "viewer@denryoku-a.example.jp", "read-only"),
                                      ("B", "電力B社", "soc@denryoku-b.example.jp", "member")]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", role,
                      "--password-stdin", stdin="gate-password-1\n")
            users[key] = (email, "gate-password-1")
        collection = feed_id(data, "Default")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users, "collection": collection,
                   "objects": f"{url}/hub/collections/{collection}/objects/"}


def post(world, objects, user="A"):
    body = json.dumps({"objects": objects}, ensure_ascii=False).encode()
    return requests.post(world["objects"], data=body, auth=world["users"][user],
                         headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)


def seen_by(world, user):
    response = requests.get(world["objects"], auth=world["users"][user], headers={"Accept": TAXII}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json().get("objects", [])


def release(world, submission, body=None):
    return requests.post(f"{world['url']}/api/v1/submissions/{submission}/release",
                         json=body or {"groups": ["電力SIG"]}, auth=world["users"]["A"], timeout=30)


def indicator(**extra):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": NOW,
            "modified": NOW, "name": "C2", "indicator_types": ["malicious-activity"],
            "pattern": "[domain-name:value = 'c2.example']", "pattern_type": "stix", "valid_from": NOW,
            "object_marking_refs": [GREEN], **extra}


# MARK: - 1. Granular TLP:RED markings on list items


def test_granular_red_list_items_remove_exactly_the_selected_items(world):
    marked = indicator(
        labels=["red-zero", "red-one", "green-two", "green-three"],
        external_references=[
            {"source_name": "internal", "description": "RED ticket", "external_id": "T-1"},
            {"source_name": "vendor", "description": "RED note", "url": "https://vendor.example/r"},
            {"source_name": "public", "url": "https://public.example/r"}],
        granular_markings=[
            {"marking_ref": RED, "selectors": ["labels.[0]", "labels.[1]", "external_references.[0]",
                                               "external_references.[1].description"]},
            {"marking_ref": GREEN, "selectors": ["labels.[2]", "labels.[3]", "external_references.[2]"]}])
    posted = post(world, [marked])
    assert posted.status_code == 202 and posted.json()["success_count"] == 1, posted.text
    assert release(world, posted.json()["id"]).status_code == 201

    [received] = seen_by(world, "B")
    assert received["labels"] == ["green-two", "green-three"]
    assert received["external_references"] == [
        {"source_name": "vendor", "url": "https://vendor.example/r"},
        {"source_name": "public", "url": "https://public.example/r"}]
    assert "RED" not in json.dumps(received)
    # The markings left still select the same parts, at their new positions.
    assert received["granular_markings"] == [
        {"marking_ref": GREEN, "selectors": ["labels.[0]", "labels.[1]", "external_references.[1]"]}]


# MARK: - 2. TLP marking definitions under ids of their own


CUSTOM_TLP_DEFINITIONS = {
    "tlp1-definition": lambda id: {"type": "marking-definition", "spec_version": "2.1", "id": id, "created": NOW,
                                   "definition_type": "tlp", "name": "TLP:RED", "definition": {"tlp": "red"}},
    "tlp2-extension": lambda id: {"type": "marking-definition", "spec_version": "2.1", "id": id, "created": NOW,
                                  "name": "TLP:RED", "extensions": {TLP2_EXTENSION: {
                                      "extension_type": "property-extension", "tlp_2_0": "red"}}},
}


@pytest.mark.parametrize("form", sorted(CUSTOM_TLP_DEFINITIONS))
def test_red_by_a_custom_tlp_definition_never_reaches_another_member(world, form):
    custom = f"marking-definition--{uuid.uuid4()}"
    red_object = indicator(object_marking_refs=[custom], name="RED by its own definition")
    # The definition after the object it marks: the envelope is refused whatever the order.
    posted = post(world, [red_object, CUSTOM_TLP_DEFINITIONS[form](custom)])
    assert posted.status_code == 400, posted.text
    assert custom in posted.json()["description"] and "red" in posted.json()["description"]
    listed = requests.get(f"{world['url']}/api/v1/submissions", auth=world["users"]["A"], timeout=30)
    assert listed.status_code == 200 and "RED by its own definition" not in listed.text

    # Nothing was stored, so no release of A's can ever carry it to B.
    assert seen_by(world, "A") == []
    assert seen_by(world, "B") == []


# MARK: - 3. Read-only users and revocation


def test_read_only_user_cannot_revoke_its_organisations_release(world):
    posted = post(world, [indicator()])
    assert posted.status_code == 202, posted.text
    released = release(world, posted.json()["id"])
    assert released.status_code == 201, released.text
    assert len(seen_by(world, "B")) == 1

    refused = requests.post(f"{world['url']}/api/v1/releases/{released.json()['id']}/revoke",
                            auth=world["users"]["A-reader"], timeout=30)
    assert refused.status_code == 403, refused.text
    assert refused.json()["http_status"] == "403" or refused.json()["http_status"] == 403
    assert "read-only" in refused.json()["description"]
    view = requests.get(f"{world['url']}/api/v1/submissions/{posted.json()['id']}", auth=world["users"]["A"], timeout=30)
    assert [r.get("revoked_at") for r in view.json()["releases"]] == [None]
    assert len(seen_by(world, "B")) == 1


# MARK: - 4. Modes of the files the hub writes


def test_files_the_hub_writes_are_private_whatever_the_directory(tmp_path):
    data = tmp_path / "hub"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    previous = os.umask(0o022)
    try:
        kakehashi(str(data), "init")
        kakehashi(str(data), "admin", "feed", "add", "--name", "Default", "--title", "Default")
        exported = tmp_path / "export.json"
        kakehashi(str(data), "export", "--feed", "Default", "-o", str(exported))
    finally:
        os.umask(previous)
    written = [p for p in data.rglob("*")] + [exported]
    assert any(p.name == "hub.sqlite" for p in written) and any(p.name == "hub.json" for p in written)
    loose = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode)) for p in written
             if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert loose == {}, f"readable by others: {loose}"


# MARK: - 5. Duplicate keys in /api/v1 bodies


def test_duplicate_keys_in_an_api_body_are_refused(world):
    posted = post(world, [indicator()])
    assert posted.status_code == 202, posted.text
    body = '{"groups": ["電力SIG"], "anonymize": true, "anonymize": false}'.encode()
    refused = requests.post(f"{world['url']}/api/v1/submissions/{posted.json()['id']}/release", data=body,
                            auth=world["users"]["A"], headers={"Content-Type": "application/json"}, timeout=30)
    assert refused.status_code == 400, refused.text
    assert "duplicate" in refused.json()["description"] and "anonymize" in refused.json()["description"]
    assert seen_by(world, "B") == []


# MARK: - 6. Numbers consumers cannot read


def test_a_number_beyond_what_consumers_read_fails_alone_and_the_page_stays_readable(world):
    huge = indicator(name="huge")
    plain = indicator(name="plain", x_count=12345)
    text = json.dumps({"objects": [huge, plain]}).replace('"name": "huge"', '"name": "huge", "x_big": 1' + "0" * 4999 + "1")
    collection = taxii.Collection(world["objects"].rsplit("objects/", 1)[0], user=world["users"]["A"][0],
                                  password=world["users"]["A"][1])
    status = collection.add_objects(text)
    assert status.success_count == 1 and status.failure_count == 1
    assert status.failures[0]["id"] == huge["id"] and "x_big" in status.failures[0]["message"]
    page = collection.get_objects()            # json.loads of the whole page
    assert [o["name"] for o in page["objects"]] == ["plain"]


def test_an_analysts_processed_bundle_with_a_custom_tlp_definition_is_refused(world):
    kakehashi(world["data"], "admin", "user", "add", "--org", "Kakehashi Hub", "--email", "analyst@hub.example.jp",
              "--role", "hub-analyst", "--password-stdin", stdin="analyst-password-1\n")
    posted = post(world, [indicator()])
    assert posted.status_code == 202, posted.text
    custom = f"marking-definition--{uuid.uuid4()}"
    processed = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [
        indicator(object_marking_refs=[custom]), CUSTOM_TLP_DEFINITIONS["tlp1-definition"](custom)]}
    proposed = requests.post(f"{world['url']}/api/v1/submissions/{posted.json()['id']}/proposals",
                             json={"groups": ["電力SIG"], "processed_bundle": processed},
                             auth=("analyst@hub.example.jp", "analyst-password-1"), timeout=30)
    assert proposed.status_code == 422, proposed.text
    assert "TLP level \"red\" under an id of its own" in proposed.json()["description"]
