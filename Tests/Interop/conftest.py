"""Fixtures for interoperability tests: a real `kakehashi` server process on loopback, set up through
its own CLI, driven by Python's taxii2-client and checked with stix2-validator.

Backends: by default every hub keeps its data in SQLite (hub.sqlite in its data directory). With
KAKEHASHI_TEST_BACKEND=postgres and KAKEHASHI_TEST_POSTGRES_URL (a server from
scripts/postgres-test-server), every hub a test creates with `kakehashi init` gets a fresh PostgreSQL
database on that server (`init --database …`, recorded in hub.json, so every later command and
`serve` use it); a database is dropped once its data directory is gone. Tests that are about SQLite
itself are marked `sqlite_only(reason)`; `database_rows` and `database_execute` reach either database."""
import contextlib
import csv
import datetime
import glob
import io
import json
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse

import pytest
import requests

BIN = os.environ.get("KAKEHASHI_BIN", ".build/debug/kakehashi")
BACKEND = os.environ.get("KAKEHASHI_TEST_BACKEND", "sqlite")
POSTGRES_URL = os.environ.get("KAKEHASHI_TEST_POSTGRES_URL", "")
if BACKEND not in ("sqlite", "postgres"):
    raise RuntimeError(f"KAKEHASHI_TEST_BACKEND must be sqlite or postgres, not {BACKEND}")
if BACKEND == "postgres" and not POSTGRES_URL:
    raise RuntimeError("KAKEHASHI_TEST_BACKEND=postgres needs KAKEHASHI_TEST_POSTGRES_URL (scripts/postgres-test-server)")


def sqlite_only(reason):
    """Marks a test that is about SQLite itself: skipped on the PostgreSQL pass, saying why."""
    return pytest.mark.skipif(BACKEND == "postgres", reason=f"SQLite only: {reason}")


def postgres_bin(name):
    """A PostgreSQL client program (psql, pg_dump, …): on PATH or in Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"{name} not found (Debian's postgresql-client)")
    return found


def postgres_url(database):
    """KAKEHASHI_TEST_POSTGRES_URL with another database."""
    parts = urllib.parse.urlsplit(POSTGRES_URL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + database))


def psql(database, sql, *variables):
    """Runs `sql` on `database` of the test server; `:'v1'`, `:'v2'`… in it are bound to `variables` (psql
    quotes them). Returns the result rows as lists of strings (NULL: None)."""
    command = [postgres_bin("psql"), "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", "-d", postgres_url(database)]
    for index, value in enumerate(variables, 1):
        command += ["-v", f"v{index}={value}"]
    # -c does not interpolate variables; standard input does.
    result = subprocess.run(command, input=sql, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"psql failed: {result.stderr}")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    return [[None if cell == "" else cell for cell in row] for row in rows[1:]]


_databases = {}          # data directory -> its PostgreSQL database
_database_numbers = itertools.count(1)


def _fresh_database(data):
    """A new, empty database for the hub in `data`; databases of data directories that are gone are
    dropped first (the test server is small)."""
    for gone in [d for d in _databases if not os.path.exists(d)]:
        psql("postgres", f"DROP DATABASE IF EXISTS {_databases.pop(gone)} WITH (FORCE)")
    name = f"kakehashi_{os.getpid()}_{next(_database_numbers)}"
    psql("postgres", f"CREATE DATABASE {name}")
    _databases[os.path.abspath(data)] = name
    return name


def hub_database(data):
    """The PostgreSQL database of the hub in `data` (PostgreSQL pass only)."""
    return _databases[os.path.abspath(data)]


def recorded_database_url(data):
    """The database URL hub.json in `data` records (None: SQLite, or no hub yet)."""
    try:
        with open(os.path.join(data, "hub.json")) as file:
            return json.load(file).get("database_url")
    except (OSError, ValueError):
        return None


def database_rows(data, sql, *params):
    """The rows of a query on the hub's database, SQLite or PostgreSQL, with `?` parameters. Values come
    back as SQLite gives them, or as text from PostgreSQL: compare text columns only."""
    if BACKEND == "postgres":
        numbered = iter(range(1, len(params) + 1))
        return [tuple(row) for row in psql(hub_database(data), re.sub(r"\?", lambda _: f":'v{next(numbered)}'", sql),
                                           *params)]
    import sqlite3
    with contextlib.closing(sqlite3.connect(f"file:{data}/hub.sqlite?mode=ro", uri=True, timeout=30)) as db:
        return [tuple(row) for row in db.execute(sql, params)]


def kakehashi(data, *args, stdin=None, check=True):
    if BACKEND == "postgres" and args and args[0] == "init" and not recorded_database_url(data):
        name = _databases.get(os.path.abspath(data)) or _fresh_database(data)
        args = (*args, "--database", postgres_url(name))
    result = subprocess.run([BIN, *args, "--data", data], input=stdin, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"kakehashi {' '.join(args)} failed: {result.stderr}")
    return result


@contextlib.contextmanager
def serving(data, *options):
    """`kakehashi serve` on a free loopback port for the hub in `data` (with further `options`); yields its
    URL, stops it by its pid."""
    process = subprocess.Popen([BIN, "serve", "--data", data, "--port", "0", *options], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            line = process.stdout.readline()
            if not line:
                raise AssertionError("server did not start: " + process.stderr.read())
            match = re.search(r"listening on (http://\S+)", line)
            url = match.group(1) if match else None
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def feed_id(data, name):
    """The TAXII collection id of a feed, from `kakehashi admin feed list`."""
    return re.search(name + r"\t([0-9a-f-]{36})", kakehashi(data, "admin", "feed", "list").stdout).group(1)


TAXII_MEDIA = "application/taxii+json;version=2.1"


def stix_now(offset_seconds=0.0):
    """A STIX timestamp (milliseconds, Z) `offset_seconds` from now."""
    instant = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def malicious_indicator(id_prefix, n, pattern, confidence, modified, name):
    """A malicious-activity indicator with id `indicator--{id_prefix}-0000-4000-8000-00000000000{n}`."""
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{id_prefix}-0000-4000-8000-00000000000{n}",
            "created": modified, "modified": modified, "name": name, "pattern": pattern, "pattern_type": "stix",
            "valid_from": modified, "indicator_types": ["malicious-activity"], "confidence": confidence}


def post_and_release_to(base_url, objects_url, auth, objects, groups):
    """Posts `objects` over TAXII as `auth` and releases the submission anonymised to `groups`:
    (submission id, release id)."""
    posted = requests.post(objects_url, data=json.dumps({"objects": objects}).encode(), auth=auth,
                           headers={"Accept": TAXII_MEDIA, "Content-Type": TAXII_MEDIA}, timeout=30)
    assert posted.status_code == 202 and posted.json()["success_count"] == len(objects), posted.text
    released = requests.post(f"{base_url}/api/v1/submissions/{posted.json()['id']}/release", auth=auth,
                             json={"groups": groups, "anonymize": True}, timeout=30)
    assert released.status_code == 201, released.text
    return posted.json()["id"], released.json()["id"]


class Hub:
    """A hub set up with the CLI: two organisations, a writer, a reader, one feed."""

    def __init__(self, data):
        self.data = data
        self.process = None
        self.url = None
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--size", "large")
        kakehashi(data, "admin", "org", "add", "--name", "Gas B", "--sector", "ガス", "--size", "small")
        kakehashi(data, "admin", "user", "add", "--org", "電力A社", "--email", "soc@denryoku-a.example.jp",
                  "--role", "member", "--password-stdin", stdin="writer-password-1\n")
        kakehashi(data, "admin", "user", "add", "--org", "Gas B", "--email", "soc@gas-b.example.jp",
                  "--role", "read-only", "--password-stdin", stdin="reader-password-1\n")
        out = kakehashi(data, "admin", "token", "add", "--email", "soc@gas-b.example.jp").stdout
        self.reader_token = out.strip().splitlines()[-1]
        out = kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers / C2サーバ").stdout
        self.feed_id = re.search(r"collection id ([0-9a-f-]{36})", out).group(1)
        kakehashi(data, "admin", "grant", "--feed", "C2", "--org", "電力A社", "--read", "--write")
        kakehashi(data, "admin", "grant", "--feed", "C2", "--org", "Gas B", "--read")
        self.writer = ("soc@denryoku-a.example.jp", "writer-password-1")
        self.reader = ("soc@gas-b.example.jp", "reader-password-1")

    def start(self):
        self.process = subprocess.Popen([BIN, "serve", "--data", self.data, "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                self.url = match.group(1)
                return
            if self.process.poll() is not None:
                raise AssertionError("server exited: " + self.process.stderr.read())
        raise AssertionError("server did not start")

    def kill(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    @property
    def api_root(self):
        return self.url + "/hub/"

    @property
    def collection_url(self):
        return f"{self.api_root}collections/{self.feed_id}/"


@pytest.fixture
def hub():
    with tempfile.TemporaryDirectory(prefix="kakehashi-interop-") as data:
        h = Hub(data)
        h.start()
        try:
            yield h
        finally:
            h.kill()
