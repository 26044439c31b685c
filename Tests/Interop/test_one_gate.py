"""Issue 12 ("One gate for every read"), through the real binary: granular TLP:RED markings on list
items, TLP marking definitions under ids of their own, revocation by read-only users, the modes of
the files the hub writes, duplicate keys in /api/v1 bodies, numbers consumers cannot read, feed names
unenumerable through /api/v1, links from the configured public URL (never the Host header) and bcrypt
sign-in without NUL prefixes or silent truncation."""
import json
import os
import stat
import subprocess
import tempfile
import uuid

import pytest
import requests
import taxii2client.v21 as taxii

from conftest import BACKEND, feed_id, hub_database, kakehashi, postgres_bin, postgres_url, serving

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
    assert any(p.name == "hub.json" for p in written)
    assert any(p.name == "hub.sqlite" for p in written) or BACKEND == "postgres"
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


# MARK: - 7. Feed names cannot be enumerated through /api/v1


def api_feed_answers(world, feed):
    """What /api/v1 answers on every path that takes a feed name, asked by B about `feed`."""
    auth = world["users"]["B"]
    url = world["url"]
    return {
        "submit": requests.post(f"{url}/api/v1/submissions", params={"feed": feed}, auth=auth, timeout=30,
                                data=json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                                                 "objects": [indicator()]}),
                                headers={"Content-Type": "application/json"}),
        "upload": requests.post(f"{url}/api/v1/submissions/upload", params={"feed": feed, "kind": "text"},
                                files={"file": ("note.txt", b"c2 at 198.51.100.7", "text/plain")},
                                auth=auth, timeout=30),
        "observations": requests.get(f"{url}/api/v1/observations", params={"feed": feed}, auth=auth, timeout=30),
    }


def test_a_feed_one_may_not_read_answers_as_one_that_does_not_exist(world):
    kakehashi(world["data"], "admin", "feed", "add", "--name", "Secret", "--title", "Secret")
    kakehashi(world["data"], "admin", "grant", "--feed", "Secret", "--org", "電力A社", "--read", "--write")
    hidden = api_feed_answers(world, "Secret")
    missing = api_feed_answers(world, "NoSuchFeed")
    # TAXII's answer for the same two cases: the shape /api/v1 must give.
    taxii_hidden = requests.get(f"{world['url']}/hub/collections/{feed_id(world['data'], 'Secret')}/",
                                auth=world["users"]["B"], headers={"Accept": TAXII}, timeout=30)
    taxii_missing = requests.get(f"{world['url']}/hub/collections/{uuid.uuid4()}/",
                                 auth=world["users"]["B"], headers={"Accept": TAXII}, timeout=30)
    assert taxii_hidden.status_code == taxii_missing.status_code == 404
    for path in hidden:
        assert hidden[path].status_code == missing[path].status_code == 404, (path, hidden[path].text)
        assert hidden[path].headers["Content-Type"] == taxii_missing.headers["Content-Type"]
        assert set(hidden[path].json()) == set(taxii_missing.json()) == {"title", "description", "http_status"}
        assert hidden[path].json()["title"] == missing[path].json()["title"] == taxii_missing.json()["title"]
        assert hidden[path].json()["description"].replace("Secret", "NoSuchFeed") == missing[path].json()["description"]
    # The owner still reaches it, and nothing B sent was stored.
    mine = requests.get(f"{world['url']}/api/v1/observations", params={"feed": "Secret"}, auth=world["users"]["A"],
                        timeout=30)
    assert mine.status_code == 200, mine.text
    listed = requests.get(f"{world['url']}/api/v1/submissions", auth=world["users"]["B"], timeout=30)
    assert listed.json()["submissions"] == []


# MARK: - 8. Links from the configured public URL, never from the Host header


def discovery(url, host):
    response = requests.get(f"{url}/taxii2/", auth=("soc@denryoku-a.example.jp", "gate-password-1"),
                            headers={"Accept": TAXII, "Host": host}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_discovery_links_default_to_the_listener_whatever_the_host_header(world):
    found = discovery(world["url"], "evil.example")
    assert found["default"] == world["url"] + "/hub/" and found["api_roots"] == [world["url"] + "/hub/"]
    assert world["url"].startswith("http://127.0.0.1:")


def test_links_served_and_stored_come_from_the_public_url(world):
    with serving(world["data"], "--public-url", "https://hub.example.jp/") as url:
        found = discovery(url, "evil.example")
        assert found["default"] == "https://hub.example.jp/hub/"
        assert found["api_roots"] == ["https://hub.example.jp/hub/"]
        content = b"MZ" + b"\x00" * 62 + b"sample body " * 50
        sample = requests.post(f"{url}/api/v1/submissions/upload", params={"feed": "Default", "kind": "sample"},
                               files={"file": ("invoice.zip", content, "application/octet-stream")},
                               auth=world["users"]["A"], headers={"Host": "evil.example"}, timeout=60)
        assert sample.status_code == 201, sample.text
        stored = requests.get(f"{url}/hub/collections/{world['collection']}/objects/", auth=world["users"]["A"],
                              headers={"Accept": TAXII, "Host": "evil.example"}, timeout=30)
        assert stored.status_code == 200, stored.text
        artifacts = [o for o in stored.json()["objects"] if o["type"] == "artifact"]
        assert [a["url"].rsplit("/", 1)[0] for a in artifacts] == ["https://hub.example.jp/api/v1/samples"]
        for response in (sample, stored):
            assert "evil.example" not in response.text
    if BACKEND == "postgres":
        # Everything the database holds, bytea as text (escape format keeps printable ASCII).
        dump = subprocess.run([postgres_bin("pg_dump"), "--data-only", "-d", postgres_url(hub_database(world["data"]))],
                              capture_output=True, timeout=120, env=dict(os.environ, PGOPTIONS="-c bytea_output=escape"))
        assert dump.returncode == 0, dump.stderr
        assert b"https://hub.example.jp/api/v1/samples" in dump.stdout   # the stored link is in the dump
        assert b"evil.example" not in dump.stdout
        return
    stored_files = [name for name in os.listdir(world["data"]) if name.startswith("hub.sqlite")]
    assert "hub.sqlite" in stored_files
    for name in stored_files:              # the database and its WAL
        with open(os.path.join(world["data"], name), "rb") as database:
            assert b"evil.example" not in database.read(), name


def test_a_public_url_that_is_not_a_base_url_is_refused(world):
    refused = kakehashi(world["data"], "serve", "--port", "0", "--public-url", "hub.example.jp/x", check=False)
    assert refused.returncode != 0 and "--public-url" in refused.stderr


# MARK: - 12. bcrypt sign-in: no NUL prefixes, no silent truncation


def signs_in(world, email, password):
    response = requests.get(f"{world['url']}/hub/collections/", auth=(email, password),
                            headers={"Accept": TAXII}, timeout=30)
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


def test_a_password_with_nul_is_never_taken_for_its_prefix(world):
    email, password = world["users"]["A"]
    assert signs_in(world, email, password)
    assert not signs_in(world, email, password + "\0junk")
    assert not signs_in(world, email, password + "\0")


def test_a_long_password_counts_beyond_bcrypts_72_bytes(world):
    long_password = "L" * 72 + "-the-part-bcrypt-would-drop-0123"
    assert len(long_password.encode()) == 104 and len(long_password) > 100
    kakehashi(world["data"], "admin", "user", "add", "--org", "電力B社", "--email", "long@denryoku-b.example.jp",
              "--role", "member", "--password-stdin", stdin=long_password + "\n")
    other = long_password[:72] + "-something-else-entirely-9876543"
    assert other[:72] == long_password[:72] and other != long_password and len(other) == len(long_password)
    assert signs_in(world, "long@denryoku-b.example.jp", long_password)
    assert not signs_in(world, "long@denryoku-b.example.jp", other)
    assert not signs_in(world, "long@denryoku-b.example.jp", long_password[:72])
