"""Kakehashi against the real Python TAXII 2.1 client and the OASIS STIX 2.1 validator."""
import json
import signal
import threading
import uuid

import requests
import stix2validator
import taxii2client.v21 as taxii
from requests.auth import AuthBase


class Bearer(AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def stix_objects(n, start=0):
    """Indicators, malware, relationships and an SCO, with Japanese text and custom properties."""
    objects = []
    for i in range(start, start + n):
        ind = f"indicator--{uuid.UUID(int=i + 1, version=4)}"
        mal = f"malware--{uuid.UUID(int=10_000 + i, version=4)}"
        objects.append({
            "type": "indicator", "spec_version": "2.1", "id": ind,
            "created": "2026-01-05T09:00:00.000Z", "modified": "2026-01-05T09:00:00.000Z",
            "name": f"C2サーバ {i}", "description": "標的型攻撃メールの添付ファイルが通信した先",
            "indicator_types": ["malicious-activity"],
            "pattern": f"[ipv4-addr:value = '198.51.100.{i % 250}'] OR [domain-name:value = 'c2-{i}.example']",
            "pattern_type": "stix", "valid_from": "2026-01-05T09:00:00Z",
            "x_kakehashi_confidence_note": "高",
        })
        objects.append({
            "type": "malware", "spec_version": "2.1", "id": mal,
            "created": "2026-01-05T09:00:00.000Z", "modified": "2026-01-05T09:00:00.000Z",
            "name": f"PlugX variant {i}", "is_family": False, "malware_types": ["remote-access-trojan"],
        })
        objects.append({
            "type": "relationship", "spec_version": "2.1",
            "id": f"relationship--{uuid.UUID(int=20_000 + i, version=4)}",
            "created": "2026-01-05T09:00:00.000Z", "modified": "2026-01-05T09:00:00.000Z",
            "relationship_type": "indicates", "source_ref": ind, "target_ref": mal,
        })
    return objects


def test_discovery_collections_and_round_trip(hub):
    server = taxii.Server(hub.url + "/taxii2/", user=hub.writer[0], password=hub.writer[1])
    assert server.title.startswith("Kakehashi")
    assert [r.url for r in server.api_roots] == [hub.api_root]
    root = server.api_roots[0]
    assert "application/taxii+json;version=2.1" in root.versions
    collections = root.collections
    assert [c.id for c in collections] == [hub.feed_id]
    collection = collections[0]
    assert collection.can_read and collection.can_write

    objects = stix_objects(40)
    status = collection.add_objects({"objects": objects})
    assert status.status == "complete"
    assert status.success_count == len(objects) and status.failure_count == 0

    # Held: another organisation sees nothing until the provider releases the submission.
    reader = taxii.Collection(hub.collection_url, auth=Bearer(hub.reader_token))
    assert reader.get_objects().get("objects", []) == []
    release = requests.post(f"{hub.url}/api/v1/submissions/{status.id}/release", json={"all_members": True},
                            auth=hub.writer, timeout=30)
    assert release.status_code == 201, release.text

    # Read back as another organisation, with a Bearer token, page by page.
    assert reader.can_read and not reader.can_write
    received = []
    for envelope in taxii.as_pages(reader.get_objects, per_request=25):
        received.extend(envelope.get("objects", []))
    assert len(received) == len(objects)
    by_id = {o["id"]: o for o in received}
    for original in objects:
        assert by_id[original["id"]] == original  # equal as JSON values, custom and Japanese text intact

    # Every object that comes back is valid STIX 2.1 to the OASIS validator.
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": received}
    results = stix2validator.validate_string(json.dumps(bundle), stix2validator.ValidationOptions(version="2.1"))
    assert results.is_valid, [str(e) for r in results.object_results for e in r.errors][:5]

    # Filters, manifest, single object, versions.
    only_malware = reader.get_objects(type="malware")
    assert {o["type"] for o in only_malware["objects"]} == {"malware"} and len(only_malware["objects"]) == 40
    manifest = []
    for page in taxii.as_pages(reader.get_manifest, per_request=50):
        manifest.extend(page.get("objects", []))
    assert len(manifest) == len(objects)
    first_id = objects[0]["id"]
    single = reader.get_object(first_id)
    assert single["objects"] == [objects[0]]
    versions = reader.object_versions(first_id)
    assert versions["versions"] == ["2026-01-05T09:00:00.000Z"]


def test_new_versions_and_delete(hub):
    writer = taxii.Collection(hub.collection_url, user=hub.writer[0], password=hub.writer[1])
    base = stix_objects(1)[0]
    newer = dict(base, modified="2026-02-01T00:00:00.000Z", name="更新された指標")
    writer.add_objects({"objects": [base]})
    writer.add_objects({"objects": [newer]})
    assert writer.get_object(base["id"])["objects"] == [newer]
    assert len(writer.get_object(base["id"], version="all")["objects"]) == 2
    assert writer.object_versions(base["id"])["versions"] == [base["modified"], newer["modified"]]
    writer.delete_object(base["id"], version=newer["modified"])
    assert writer.get_object(base["id"])["objects"] == [base]


def test_bad_objects_fail_alone_and_reader_cannot_write(hub):
    writer = taxii.Collection(hub.collection_url, user=hub.writer[0], password=hub.writer[1])
    good = stix_objects(2)
    bad = dict(good[0], id="indicator--not-a-uuid")
    status = writer.add_objects({"objects": good + [bad]})
    assert status.success_count == len(good) and status.failure_count == 1
    assert "id" in status.failures[0]["message"]

    response = requests.post(hub.collection_url + "objects/", data=json.dumps({"objects": good}),
                             headers={"Content-Type": "application/taxii+json;version=2.1",
                                      "Accept": "application/taxii+json;version=2.1"},
                             auth=Bearer(hub.reader_token), timeout=30)
    assert response.status_code == 403
    assert response.json()["http_status"] == "403"
    anonymous = requests.get(hub.collection_url + "objects/", timeout=30)
    assert anonymous.status_code == 401 and "objects" not in anonymous.json()


def test_kill_9_loses_nothing_acknowledged(hub):
    """Clients post while the server is killed with SIGKILL; every object whose status said success
    is there after a restart."""
    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()

    def poster(worker):
        batch = 0
        session = requests.Session()
        while not stop.is_set() and batch < 400:
            objects = stix_objects(20, start=1_000_000 * (worker + 1) + batch * 20)
            try:
                response = session.post(hub.collection_url + "objects/", data=json.dumps({"objects": objects}),
                                        headers={"Content-Type": "application/taxii+json;version=2.1",
                                                 "Accept": "application/taxii+json;version=2.1"},
                                        auth=hub.writer, timeout=10)
            except requests.RequestException:
                return
            if response.status_code == 202:
                body = response.json()
                with lock:
                    acknowledged.extend(s["id"] for s in body["successes"])
            batch += 1

    threads = [threading.Thread(target=poster, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    waited = 0.0
    while waited < 120:
        stop.wait(0.2)
        waited += 0.2
        with lock:
            if len(acknowledged) >= 600:
                break
    hub.kill(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) >= 600

    hub.start()
    provider = taxii.Collection(hub.collection_url, user=hub.writer[0], password=hub.writer[1])
    stored = set()
    for envelope in taxii.as_pages(provider.get_objects, per_request=1000):
        stored.update(o["id"] for o in envelope.get("objects", []))
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged objects lost"


def test_openapi_document_is_valid(hub):
    from openapi_spec_validator import validate

    response = requests.get(hub.url + "/api/v1/openapi.json", timeout=30)
    assert response.status_code == 200
    document = response.json()
    validate(document)
    for path in ["/api/v1/submissions/{id}/release", "/api/v1/submissions/{id}/recipients",
                 "/api/v1/releases/{id}/revoke", "/api/v1/proposals/{id}/approve", "/api/v1/standing-consent",
                 "/api/v1/feeds/{name}/export"]:
        assert path in document["paths"], path


def test_openapi_error_format_is_what_the_api_sends(hub):
    """The documented error media type is the one an /api/v1 error actually carries."""
    document = requests.get(hub.url + "/api/v1/openapi.json", timeout=30).json()
    documented = set(document["components"]["responses"]["Error"]["content"])
    response = requests.get(hub.url + "/api/v1/submissions", timeout=30)
    assert response.status_code == 401
    assert response.headers["Content-Type"] in documented, (response.headers["Content-Type"], documented)
