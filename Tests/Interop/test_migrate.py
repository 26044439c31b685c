"""`kakehashi migrate` through the real binary (issue 13, "Moving between them"): the demo hub copied
from SQLite to a fresh PostgreSQL database and back to a fresh data directory answers TAXII exactly
as before (collections, object pages followed by their `next` cursors, manifest, versions; with a
password and with a token), keeps every object's JSON byte for byte and its audit chain; a target
that holds a hub is refused and left as it was; a source whose audit chain was edited is reported
and nothing is copied; the password never comes from the command line.

Uses the PostgreSQL server named by KAKEHASHI_TEST_POSTGRES_URL, or starts a private one with
scripts/postgres-test-server (stopped by its pid)."""
import contextlib
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from conftest import BIN, serving

TAXII = "application/taxii+json;version=2.1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEY_FILES = ["audit.key", "audit.head", "anonymization.key", "vault.key", "hub.json"]


def run(*args, env=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def server_url():
    """A PostgreSQL server the tests may create databases on."""
    url = os.environ.get("KAKEHASHI_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    started = subprocess.run([os.path.join(ROOT, "scripts", "postgres-test-server")], capture_output=True, text=True,
                             timeout=300)
    if started.returncode != 0:
        pytest.skip("no PostgreSQL server: " + started.stderr.strip())
    values = dict(re.findall(r"^(KAKEHASHI_TEST_POSTGRES_\w+)='?([^'\n]*)'?$", started.stdout, re.M))
    try:
        yield values["KAKEHASHI_TEST_POSTGRES_URL"]
    finally:
        subprocess.run(["kill", "-INT", values["KAKEHASHI_TEST_POSTGRES_PID"]], check=False)
        shutil.rmtree(values["KAKEHASHI_TEST_POSTGRES_DIR"], ignore_errors=True)


PSQL = shutil.which("psql") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))), "psql")


def psql(server, sql, database=None):
    parts = urlsplit(server)
    result = subprocess.run([PSQL, "-X", "-q", "-t", "-A", "-h", parts.hostname, "-p", str(parts.port),
                             "-U", parts.username, "-d", database or parts.path.lstrip("/"), "-c", sql],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def fresh_database(server):
    """A new, empty database on the server; its postgres:// URL."""
    name = "kakehashi_migrate_" + uuid.uuid4().hex
    psql(server, f"CREATE DATABASE {name}")
    parts = urlsplit(server)
    return f"postgres://{parts.username}@{parts.hostname}:{parts.port}/{name}?sslmode=disable"


def keys_only(data, into):
    """A fresh data directory with the hub's keys and settings, without its database (nor a database
    named in its hub.json)."""
    os.makedirs(into, mode=0o700)
    for name in KEY_FILES:
        if os.path.exists(os.path.join(data, name)):
            shutil.copy2(os.path.join(data, name), os.path.join(into, name))
    with open(os.path.join(into, "hub.json")) as f:
        settings = json.load(f)
    settings.pop("database_url", None)
    settings.pop("database_password_file", None)
    with open(os.path.join(into, "hub.json"), "w") as f:
        json.dump(settings, f, sort_keys=True)
    if os.path.isdir(os.path.join(data, "samples")):
        shutil.copytree(os.path.join(data, "samples"), os.path.join(into, "samples"))
    return into


def objects_json(data):
    """Every stored object version: position, date added, version, JSON bytes."""
    with contextlib.closing(sqlite3.connect(os.path.join(data, "hub.sqlite"))) as db:
        return db.execute("SELECT position, date_added_us, version, json FROM object_version ORDER BY position").fetchall()


def content_digest(data):
    """A digest of everything the hub file holds (its SQL dump: the file's own bytes change when a
    reader's close checkpoints the log into it)."""
    with contextlib.closing(sqlite3.connect(os.path.join(data, "hub.sqlite"))) as db:
        return hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()


def taxii_answers(url, user, token):
    """The TAXII answers a client gets: collections, every object page (limit 7, following `next`),
    the manifest and versions, with a password and with a token."""
    answers = {}
    for name, auth in [("password", user), ("token", None)]:
        headers = {"Accept": TAXII}
        if auth is None:
            headers["Authorization"] = "Bearer " + token

        def get(path, **params):
            response = requests.get(url + "/hub/" + path, params=params, auth=auth, headers=headers, timeout=60)
            assert response.status_code == 200, (path, response.status_code, response.text)
            return response.json()

        collections = get("collections/")
        answers[name, "collections"] = collections
        for collection in collections.get("collections", []):
            if not collection.get("can_read"):
                continue
            cid = collection["id"]
            pages, params = [], {"limit": 7}
            while len(pages) < 40:
                page = get(f"collections/{cid}/objects/", **params)
                pages.append(page)
                if not page.get("more"):
                    break
                params = {"limit": 7, "next": page["next"]}
            answers[name, cid, "objects"] = pages
            answers[name, cid, "manifest"] = get(f"collections/{cid}/manifest/", limit=50)
            ids = [o["id"] for page in pages for o in page.get("objects", [])][:5]
            for oid in ids:
                answers[name, cid, oid] = get(f"collections/{cid}/objects/{oid}/versions/")
    return answers


@pytest.fixture(scope="module")
def demo():
    """The demo hub (a few hundred objects, accounts with passwords and tokens, held hand-overs),
    loaded without serving; its TAXII answers recorded by serving it once."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-migrate-") as root:
        data = os.path.join(root, "demo")
        loaded = run("demo", "--data", data, "--no-serve", "--objects", "400")
        assert loaded.returncode == 0, loaded.stderr
        password = re.search(r"password for every demo user: (\S+)", loaded.stdout).group(1)
        email, token = re.search(r"(soc@\S+)\s+\(org-admin\)\s+token: (\S+)", loaded.stdout).groups()
        with serving(data) as url:
            answers = taxii_answers(url, (email, password), token)
        assert any(key[-1] == "objects" and len(pages) > 1 for key, pages in answers.items()), "paging was exercised"
        yield {"root": root, "data": data, "user": (email, password), "token": token, "answers": answers}


def test_round_trip_keeps_objects_taxii_answers_and_audit(demo, server_url):
    data, root = demo["data"], demo["root"]
    before_objects = objects_json(data)
    before_file = content_digest(data)
    verified = run("audit", "verify", "--data", data)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    target = fresh_database(server_url)
    out = run("migrate", "--from", data, "--to", target)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "the copy equals its source" in out.stdout
    # Each table printed with its rows and hash on both sides.
    lines = {line.split()[0]: line.split() for line in out.stdout.splitlines() if line.endswith(" same")}
    assert int(lines["object_version"][1]) == len(before_objects) == int(lines["object_version"][2])
    assert int(lines["audit_entry"][1]) > 0 and lines["audit_entry"][3] == lines["audit_entry"][4]
    assert "DIFFERENT" not in out.stdout
    assert "audit verify on the target: intact" in out.stdout
    # The source database was only read; the directory's hub.json now names the copy.
    assert content_digest(data) == before_file
    with open(os.path.join(data, "hub.json")) as f:
        assert json.load(f)["database_url"] == target
    assert int(psql(server_url, "SELECT count(*) FROM object_version", urlsplit(target).path.lstrip("/"))) == len(before_objects)

    # Back, into a fresh data directory holding the hub's keys.
    # As the PostgreSQL hub's own directory would: its hub.json names the database.
    back = keys_only(data, os.path.join(root, "back"))
    with open(os.path.join(back, "hub.json")) as f:
        settings = json.load(f)
    with open(os.path.join(back, "hub.json"), "w") as f:
        json.dump({**settings, "database_url": target}, f, sort_keys=True)
    out = run("migrate", "--from", target, "--to", back)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "the copy equals its source" in out.stdout
    with open(os.path.join(back, "hub.json")) as f:
        assert json.load(f) == settings, "the database_url is removed, the other settings kept"
    assert objects_json(back) == before_objects, "every object's JSON, position, date added and version kept"
    assert not os.path.exists(os.path.join(back, "hub.sqlite.migrating"))
    verified_back = run("audit", "verify", "--data", back)
    assert verified_back.returncode == 0, verified_back.stdout + verified_back.stderr
    # The same entries, head and recorded head as the original.
    assert verified_back.stdout == verified.stdout

    with serving(back) as url:
        assert taxii_answers(url, demo["user"], demo["token"]) == demo["answers"]


def test_serve_from_postgres_answers_alike(demo, server_url):
    help_text = run("serve", "--help").stdout
    if "--database" not in help_text:
        pytest.skip("`kakehashi serve` has no --database option yet: serving from PostgreSQL is checked at the Swift level "
                    "(HubCopyTests) until it lands")
    data, root = demo["data"], demo["root"]
    # Migrated, the data directory itself serves the copy with a plain `serve --data DIR`: hub.json
    # names the database (without hub.sqlite, which the copy keeps, it could be nothing else).
    moved = os.path.join(root, "moved")
    shutil.copytree(data, moved)
    target = fresh_database(server_url)
    # A password file given to migrate is recorded by its path (the test server trusts loopback, so
    # its content is not checked here; test_postgres_cli checks a recorded file against a password).
    secret = os.path.join(root, "moved-pgpass")
    with open(secret, "w") as f:
        f.write("Pw-migrate-" + uuid.uuid4().hex + "\n")
    out = run("migrate", "--from", moved, "--to", target, "--password-file", secret)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "now names the PostgreSQL database" in out.stdout
    with open(os.path.join(moved, "hub.json")) as f:
        recorded = json.load(f)
    assert recorded["database_url"] == target and recorded["database_password_file"] == secret
    with open(secret) as f:
        assert f.read().strip() not in json.dumps(recorded)
    os.remove(os.path.join(moved, "hub.sqlite"))
    for name in glob.glob(os.path.join(moved, "hub.sqlite-*")):
        os.remove(name)
    verified = run("audit", "verify", "--data", moved)
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout + verified.stderr
    with serving(moved) as url:
        assert taxii_answers(url, demo["user"], demo["token"]) == demo["answers"]

    target = fresh_database(server_url)
    out = run("migrate", "--from", data, "--to", target)
    assert out.returncode == 0, out.stdout + out.stderr
    # A data directory for the PostgreSQL hub: the keys, and the database named in hub.json (as
    # `kakehashi init --database` records it), without hub.sqlite.
    keys = keys_only(data, os.path.join(root, "pg-keys"))
    with open(os.path.join(keys, "hub.json")) as f:
        settings = json.load(f)
    settings["database_url"] = target
    with open(os.path.join(keys, "hub.json"), "w") as f:
        json.dump(settings, f, sort_keys=True)
    with serving(keys) as url:
        assert taxii_answers(url, demo["user"], demo["token"]) == demo["answers"]
    # And back from it: the copy's directory forgets the PostgreSQL database.
    back = keys_only(keys, os.path.join(root, "pg-back"))
    out = run("migrate", "--from", target, "--to", back)
    assert out.returncode == 0, out.stdout + out.stderr
    with open(os.path.join(back, "hub.json")) as f:
        assert "database_url" not in json.load(f)
    with serving(back) as url:
        assert taxii_answers(url, demo["user"], demo["token"]) == demo["answers"]


def test_non_empty_targets_are_refused_and_left_as_they_were(demo, server_url):
    data, root = demo["data"], demo["root"]
    target = fresh_database(server_url)
    assert run("migrate", "--from", data, "--to", target).returncode == 0
    database = urlsplit(target).path.lstrip("/")
    count = psql(server_url, "SELECT count(*) FROM object_version", database)
    audit = psql(server_url, "SELECT count(*), max(hash) FROM audit_entry", database)

    again = run("migrate", "--from", data, "--to", target)
    assert again.returncode != 0
    assert "the target is not empty" in again.stderr + again.stdout
    assert psql(server_url, "SELECT count(*) FROM object_version", database) == count
    assert psql(server_url, "SELECT count(*), max(hash) FROM audit_entry", database) == audit

    # A data directory that holds a hub: refused, its file untouched.
    before = content_digest(data)
    back = run("migrate", "--from", target, "--to", data)
    assert back.returncode != 0
    assert "the target is not empty" in back.stderr + back.stdout
    assert content_digest(data) == before
    assert not os.path.exists(os.path.join(data, "hub.sqlite.migrating"))


def test_tampered_source_audit_chain_is_reported_and_nothing_copied(demo, server_url):
    root = demo["root"]
    tampered = os.path.join(root, "tampered")
    shutil.copytree(demo["data"], tampered)
    with contextlib.closing(sqlite3.connect(os.path.join(tampered, "hub.sqlite"))) as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_entry SET subject = 'someone-else' WHERE sequence = 2")
        db.commit()
    target = fresh_database(server_url)
    out = run("migrate", "--from", tampered, "--to", target)
    assert out.returncode != 0
    assert "TAMPERED" in out.stdout and "audit trail" in out.stderr
    database = urlsplit(target).path.lstrip("/")
    tables = psql(server_url, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'object_version'", database)
    if tables != "0":
        assert psql(server_url, "SELECT count(*) FROM object_version", database) == "0"


def test_password_never_from_the_command_line(demo, server_url):
    parts = urlsplit(server_url)
    with_password = f"postgres://{parts.username}:s3cret-on-the-line@{parts.hostname}:{parts.port}/postgres"
    out = run("migrate", "--from", demo["data"], "--to", with_password)
    assert out.returncode != 0
    assert "PGPASSWORD" in out.stderr
    assert "s3cret-on-the-line" not in out.stdout + out.stderr
