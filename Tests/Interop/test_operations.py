"""Operations through the real binary (issue 13): health and readiness probes, metrics for hub staff
only, and an online backup taken while a client writes, verified and restored into a working hub."""
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import threading

import requests
import taxii2client.v21 as taxii

from conftest import BIN, kakehashi, serving, sqlite_only
from test_taxii_interop import Bearer, stix_objects

TAXII = {"Content-Type": "application/taxii+json;version=2.1", "Accept": "application/taxii+json;version=2.1"}


def add_staff(hub):
    kakehashi(hub.data, "admin", "user", "add", "--org", "Kakehashi Hub", "--email", "ops@hub.example.jp",
              "--role", "hub-admin", "--password-stdin", stdin="staff-password-1\n")
    return ("ops@hub.example.jp", "staff-password-1")


def test_probes_answer_without_credentials_and_reveal_nothing(hub):
    for path, body in [("/healthz", "ok\n"), ("/readyz", "ready\n")]:
        response = requests.get(hub.url + path, timeout=10)
        assert response.status_code == 200, path
        assert response.text == body
        assert "version" not in json.dumps(dict(response.headers)).lower()


def test_metrics_for_staff_only_by_route_template(hub):
    staff = add_staff(hub)
    objects = stix_objects(5)
    posted = requests.post(hub.collection_url + "objects/", data=json.dumps({"objects": objects}), headers=TAXII,
                           auth=hub.writer, timeout=30)
    assert posted.status_code == 202
    assert requests.get(hub.collection_url + "objects/", headers=TAXII, auth=hub.writer, timeout=30).status_code == 200

    anonymous = requests.get(hub.url + "/metrics", timeout=10)
    assert anonymous.status_code == 401 and "kakehashi_" not in anonymous.text
    for auth in [hub.writer, hub.reader, Bearer(hub.reader_token)]:  # a member, a read-only user
        response = requests.get(hub.url + "/metrics", auth=auth, timeout=10)
        assert response.status_code == 403, response.text
        assert "kakehashi_" not in response.text

    response = requests.get(hub.url + "/metrics", auth=staff, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.text
    for name in ["kakehashi_http_requests_total", "kakehashi_http_request_duration_seconds_bucket",
                 "kakehashi_db_read_duration_seconds_bucket", "kakehashi_db_write_duration_seconds_bucket",
                 "kakehashi_db_write_queue_depth", "kakehashi_delivery_ledger_pending_records"]:
        assert name in text, name
    assert re.search(r'kakehashi_http_requests_total\{[^}]*route="/\{api_root\}/collections/\{collection\}/objects"'
                     r'|kakehashi_http_requests_total\{[^}]*route="/hub/collections/\{collection\}/objects"', text)
    assert hub.feed_id not in text and "soc@" not in text


@sqlite_only("`kakehashi backup` is SQLite's online backup; a hub on PostgreSQL is backed up with pg_dump "
             "(test_postgres_cli.py: test_pg_dump_and_pg_restore_make_a_working_hub)")
def test_backup_while_writing_is_complete_verifies_and_restores(hub):
    acknowledged_before = []
    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()
    started_backup = threading.Event()

    def poster(worker):
        session = requests.Session()
        batch = 0
        while not stop.is_set() and batch < 300:
            objects = stix_objects(10, start=100_000 * (worker + 1) + batch * 10)
            response = session.post(hub.collection_url + "objects/", data=json.dumps({"objects": objects}),
                                    headers=TAXII, auth=hub.writer, timeout=30)
            assert response.status_code == 202, response.text
            ids = [s["id"] for s in response.json()["successes"]]
            with lock:
                acknowledged.extend(ids)
                if not started_backup.is_set():
                    acknowledged_before.extend(ids)
            batch += 1

    threads = [threading.Thread(target=poster, args=(w,)) for w in range(2)]
    for t in threads:
        t.start()
    with tempfile.TemporaryDirectory(prefix="kakehashi-backup-") as scratch:
        try:
            while True:
                stop.wait(0.1)
                with lock:
                    if len(acknowledged) >= 300:
                        started_backup.set()
                        break
            copy = os.path.join(scratch, "hub-backup.sqlite")
            result = kakehashi(hub.data, "backup", "--to", copy)
            with lock:
                during = len(acknowledged) - len(acknowledged_before)
        finally:
            stop.wait(0.5)
            stop.set()
            for t in threads:
                t.join(timeout=60)
        assert "integrity ok" in result.stdout and "audit trail intact" in result.stdout, result.stdout
        assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
        copied = int(re.search(r"(\d+) object versions", result.stdout).group(1))
        assert copied >= len(acknowledged_before) >= 300
        print(f"backup: {copied} object versions copied; {during} acknowledged while it ran; "
              f"{len(acknowledged)} in all")

        # A second backup onto the same file is refused and leaves it as it was.
        before = open(copy, "rb").read()
        again = kakehashi(hub.data, "backup", "--to", copy, check=False)
        assert again.returncode != 0 and "exists" in again.stderr
        assert open(copy, "rb").read() == before

        # Restore: the copy as hub.sqlite beside the data directory's key files (not its audit.head,
        # which records a newer head than the copy's).
        restored = os.path.join(scratch, "restored")
        os.mkdir(restored, 0o700)
        for name in os.listdir(hub.data):
            if name.startswith("hub.sqlite") or name == "audit.head":
                continue
            source = os.path.join(hub.data, name)
            (shutil.copytree if os.path.isdir(source) else shutil.copy2)(source, os.path.join(restored, name))
        shutil.copy2(copy, os.path.join(restored, "hub.sqlite"))
        verify = kakehashi(restored, "audit", "verify")
        assert "audit trail intact" in verify.stdout

        with serving(restored) as url:
            assert requests.get(url + "/readyz", timeout=10).status_code == 200
            collection = taxii.Collection(f"{url}/hub/collections/{hub.feed_id}/", user=hub.writer[0],
                                          password=hub.writer[1])
            stored = set()
            for envelope in taxii.as_pages(collection.get_objects, per_request=1000):
                stored.update(o["id"] for o in envelope.get("objects", []))
        missing = set(acknowledged_before) - stored
        assert not missing, f"{len(missing)} objects acknowledged before the backup are missing from it"
        assert len(stored) == copied
