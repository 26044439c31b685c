"""Several `kakehashi serve` instances on one PostgreSQL database, as README "Operations" deploys them:
two server processes on one data directory (its keys, hub.json and samples/ shared; the data in the
database hub.json names). A write through one is read through the other at once; a `next` cursor
issued by one pages on the other; writes on both while a reader pages through both, with one instance
killed (SIGKILL) and started again over and over, lose nothing acknowledged and show every stored
version to the reader exactly once; rights changed through one instance (or the CLI) reach the other
within a second.

PostgreSQL pass only (KAKEHASHI_TEST_BACKEND=postgres, as scripts/test runs it)."""
import collections
import datetime
import os
import random
import re
import signal
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
import requests

from conftest import BACKEND, BIN, Hub, database_rows, kakehashi, recorded_database_url

pytestmark = pytest.mark.skipif(
    BACKEND != "postgres",
    reason="several instances share one PostgreSQL database: runs on scripts/test's PostgreSQL pass "
           "(KAKEHASHI_TEST_BACKEND=postgres with KAKEHASHI_TEST_POSTGRES_URL)")

TAXII = "application/taxii+json;version=2.1"
CREATED = "2026-01-05T09:00:00.000Z"


class Instance:
    """One `kakehashi serve` process on the shared data directory, on a free loopback port; its output
    goes to a log file (a pipe nobody drains would stall a busy server)."""

    def __init__(self, data, name):
        self.data, self.name = data, name
        self.process = None
        self.url = None
        self.starts = 0

    def start(self):
        self.starts += 1
        self.log_path = os.path.join(os.path.dirname(self.data), f"{self.name}-{self.starts}.log")
        with open(self.log_path, "w") as output:
            self.process = subprocess.Popen([BIN, "serve", "--data", self.data, "--port", "0"],
                                            stdout=output, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(self.log_path) as log_file:
                match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log_file.read())
            if match:
                self.url = match.group(1)
                return
            if self.process.poll() is not None:
                raise AssertionError(f"instance {self.name} exited: " + open(self.log_path).read()[-2000:])
            time.sleep(0.02)
        raise AssertionError(f"instance {self.name} did not start")

    def stop(self, sig=signal.SIGTERM):
        self.url = None
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)

    def collection(self, feed):
        url = self.url
        if url is None:
            raise requests.ConnectionError(f"instance {self.name} is down")
        return f"{url}/hub/collections/{feed}/"


@pytest.fixture
def pair():
    """A hub (conftest.Hub: its database on the test server) served by two instances on its one data
    directory; the writer organisation's member has a token."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-multi-") as scratch:
        data = os.path.join(scratch, "hub")
        os.mkdir(data, 0o700)
        hub = Hub(data)
        out = kakehashi(data, "admin", "token", "add", "--email", hub.writer[0], "--label", "multi").stdout
        hub.writer_token = out.strip().splitlines()[-1]
        instances = [Instance(data, "one"), Instance(data, "two")]
        try:
            for instance in instances:
                instance.start()
            yield hub, instances
        finally:
            for instance in instances:
                instance.stop()


def headers(token):
    return {"Authorization": f"Bearer {token}", "Accept": TAXII, "Content-Type": TAXII}


def indicator(stix_id, modified, n):
    return {"type": "indicator", "spec_version": "2.1", "id": stix_id, "created": CREATED, "modified": modified,
            "name": f"C2 {n}", "indicator_types": ["malicious-activity"],
            "pattern": f"[domain-name:value = 'c2-{n}.example']", "pattern_type": "stix",
            "valid_from": "2026-01-05T09:00:00Z"}


def malware(n):
    return {"type": "malware", "spec_version": "2.1", "id": f"malware--{uuid.uuid4()}", "created": CREATED,
            "modified": CREATED, "name": f"PlugX variant {n}", "is_family": False}


def microseconds(text):
    """A STIX timestamp (…Z) as microseconds since 1970, as the database keeps versions."""
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return round(moment.timestamp() * 1_000_000)


def timestamp(seconds):
    moment = datetime.datetime(2026, 1, 6, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def post(session, instance, feed, token, objects, timeout=120):
    response = session.post(instance.collection(feed) + "objects/", json={"objects": objects},
                            headers=headers(token), timeout=timeout)
    assert response.status_code == 202, response.text
    return response.json()


def get_page(session, instance, feed, token, **parameters):
    response = session.get(instance.collection(feed) + "objects/", params=parameters, headers=headers(token),
                           timeout=120)
    assert response.status_code == 200, response.text
    return response.json(), response.headers


def test_a_write_through_one_instance_is_read_through_the_other_at_once(pair):
    hub, (one, two) = pair
    session = requests.Session()
    for writer, reader in [(one, two), (two, one)]:
        objects = [indicator(f"indicator--{uuid.uuid4()}", CREATED, n) for n in range(5)]
        status = post(session, writer, hub.feed_id, hub.writer_token, objects)
        assert status["status"] == "complete" and status["success_count"] == 5
        # At once: the very next request, on the other instance.
        for obj in objects:
            envelope, _ = get_page(session, reader, hub.feed_id, hub.writer_token, **{"match[id]": obj["id"]})
            assert [o["id"] for o in envelope["objects"]] == [obj["id"]]
        response = session.get(f"{reader.url}/hub/status/{status['id']}/", headers=headers(hub.writer_token),
                               timeout=30)
        assert response.status_code == 200 and response.json()["success_count"] == 5


def test_a_next_cursor_from_one_instance_pages_on_the_other(pair):
    hub, instances = pair
    session = requests.Session()
    objects = [indicator(f"indicator--{uuid.uuid4()}", CREATED, n) for n in range(60)]
    assert post(session, instances[0], hub.feed_id, hub.writer_token, objects)["success_count"] == 60
    seen, cursor, turn = [], None, 0
    while True:
        parameters = {"limit": 7}
        if cursor:
            parameters["next"] = cursor
        envelope, _ = get_page(session, instances[turn % 2], hub.feed_id, hub.writer_token, **parameters)
        seen += [o["id"] for o in envelope.get("objects", [])]
        turn += 1
        if not envelope.get("more"):
            break
        cursor = envelope["next"]
        # Writes on the other instance while the listing goes on come after it, none repeated.
        if turn == 3:
            extra = [indicator(f"indicator--{uuid.uuid4()}", CREATED, 100 + n) for n in range(4)]
            post(session, instances[1], hub.feed_id, hub.writer_token, extra)
            objects += extra
    assert turn >= 9
    assert seen == [o["id"] for o in objects]


def test_a_second_data_directory_gets_the_first_ones_keys_not_new_ones(pair, tmp_path):
    """`init` of a new data directory on a database that already holds a hub would give it a new audit
    key (entries the other instances cannot verify), anonymisation key and hub identity: refused, and
    nothing is left behind; a copy of the first directory serves the same hub."""
    hub, (one, _) = pair
    url = recorded_database_url(hub.data)
    second = str(tmp_path / "second")
    refused = subprocess.run([BIN, "init", "--data", second, "--database", url], capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode != 0 and "already holds a hub" in refused.stderr and "audit.key" in refused.stderr, \
        refused.stderr
    assert not os.path.exists(second)
    os.mkdir(second, 0o700)
    kept = subprocess.run([BIN, "init", "--data", second, "--database", url], capture_output=True, text=True,
                          timeout=120)
    assert kept.returncode != 0 and sorted(os.listdir(second)) == []
    # The documented way: a copy of the directory's keys and hub.json (samples/ shared).
    copy = str(tmp_path / "copy")
    os.mkdir(copy, 0o700)
    for name in ("audit.key", "anonymization.key", "vault.key", "hub.json"):
        subprocess.run(["cp", "-a", os.path.join(hub.data, name), copy], check=True)
    third = Instance(copy, "three")
    third.start()
    try:
        objects = [indicator(f"indicator--{uuid.uuid4()}", CREATED, n) for n in range(3)]
        session = requests.Session()
        assert post(session, third, hub.feed_id, hub.writer_token, objects)["success_count"] == 3
        envelope, _ = get_page(session, one, hub.feed_id, hub.writer_token, **{"match[id]": objects[0]["id"]})
        assert [o["id"] for o in envelope["objects"]] == [objects[0]["id"]]
    finally:
        third.stop()
    assert "intact" in kakehashi(copy, "audit", "verify").stdout
    assert "intact" in kakehashi(hub.data, "audit", "verify").stdout


# MARK: - The correctness run

TOTAL_OBJECTS = int(os.environ.get("KAKEHASHI_MULTI_OBJECTS", "100000"))
RESTARTS = int(os.environ.get("KAKEHASHI_MULTI_RESTARTS", "20"))
ENVELOPE = 250           # objects per POST: new malware, and versions of shared indicators
SHARED_IDS = 400         # indicator ids every writer posts versions of (same id+version raced across instances)
SHARED_PER_ENVELOPE = 10
SHARED_VERSIONS = 40     # modified timestamps a shared id can have
# What a client sees of a request whose instance was killed while it was being answered.
CUT_OFF = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


class Run:
    """What the writers, the reader and the restarts did, shared between their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = set()          # (id, modified) of every object in an acknowledged POST
        self.acknowledged_objects = 0      # objects in acknowledged POSTs (a retried one counts once)
        self.posts = 0
        self.failed_posts = 0              # POSTs that got no answer (their instance was killed)
        self.retried_already_stored = 0    # objects a retry found stored by the killed instance
        self.already_stored = 0            # objects answered "already in the collection" (raced versions)
        self.in_flight = [0, 0]            # POSTs in flight per instance
        self.kills_mid_write = 0
        self.stop_writing = threading.Event()
        self.errors = []


def writer(run, instances, slot, feed, token, seed):
    """Posts envelopes to instance `slot`; a POST without an answer (the instance was killed) is sent
    again, whole, to the other instance, as a client behind a load balancer would."""
    rng = random.Random(seed)
    session = requests.Session()
    shared = [f"indicator--{uuid.UUID(int=i + 1, version=4)}" for i in range(SHARED_IDS)]
    n = 0
    try:
        while not run.stop_writing.is_set():
            objects, keys = [], set()
            for _ in range(ENVELOPE - SHARED_PER_ENVELOPE):
                n += 1
                objects.append(malware(n))
            while len(objects) < ENVELOPE:
                stix_id, modified = rng.choice(shared), timestamp(rng.randrange(SHARED_VERSIONS))
                if (stix_id, modified) not in keys:
                    keys.add((stix_id, modified))
                    objects.append(indicator(stix_id, modified, n))
            rng.shuffle(objects)
            target, attempts = slot, 0
            while True:
                attempts += 1
                instance = instances[target]
                if instance.url is None:           # down: the other one
                    target = 1 - target
                    time.sleep(0.01)
                    continue
                sent_to = target
                with run.lock:
                    run.in_flight[sent_to] += 1
                try:
                    status = post(session, instance, feed, token, objects)
                except CUT_OFF:
                    with run.lock:
                        run.failed_posts += 1
                    target = 1 - target
                    session = requests.Session()
                    continue
                finally:
                    with run.lock:
                        run.in_flight[sent_to] -= 1
                break
            assert status["status"] == "complete", status
            assert status["success_count"] == len(objects) and status["failure_count"] == 0, status
            again = sum("already in the collection" in (s.get("message") or "") for s in status["successes"])
            with run.lock:
                run.posts += 1
                run.acknowledged_objects += len(objects)
                run.acknowledged.update((o["id"], o["modified"]) for o in objects)
                run.already_stored += again
                if attempts > 1:
                    run.retried_already_stored += again
                if run.acknowledged_objects >= TOTAL_OBJECTS:
                    run.stop_writing.set()
    except BaseException as error:      # reported by the test
        run.errors.append(f"writer {slot}: {error!r}")
        run.stop_writing.set()


class Reader:
    """Pages the collection with one cursor chain, each request to the other instance than the last
    (or to the one that is up); once a chain ends (more false), polls again with added_after the last
    date it got."""

    def __init__(self, run, instances, feed, token):
        self.run, self.instances, self.feed, self.token = run, instances, feed, token
        self.seen = []                   # (id, modified) in the order served
        self.cursor, self.added_after = None, None
        self.turn = 0
        self.requests = 0
        self.retries = 0
        self.switches = 0                # requests that went to another instance than the one before
        self.previous = None
        self.session = requests.Session()

    def poll(self):
        """One request; returns whether the chain has more."""
        while True:
            self.turn += 1
            target = self.turn % 2
            instance = self.instances[target]
            if instance.url is None:
                target, instance = 1 - target, self.instances[1 - target]
            parameters = {"match[version]": "all", "limit": 1000}
            if self.cursor:
                parameters["next"] = self.cursor
            elif self.added_after:
                parameters["added_after"] = self.added_after
            try:
                envelope, response_headers = get_page(self.session, instance, self.feed, self.token, **parameters)
            except CUT_OFF:
                self.retries += 1
                self.session = requests.Session()
                time.sleep(0.01)
                continue
            break
        self.requests += 1
        if self.previous is not None and self.previous != target:
            self.switches += 1
        self.previous = target
        self.seen += [(o["id"], o["modified"]) for o in envelope.get("objects", [])]
        if envelope.get("objects"):
            self.added_after = response_headers["X-TAXII-Date-Added-Last"]
        if envelope.get("more"):
            self.cursor = envelope["next"]
            return True
        self.cursor = None
        return False

    def follow(self):
        try:
            while not self.run.stop_writing.is_set():
                if not self.poll():
                    time.sleep(0.05)
        except BaseException as error:
            self.run.errors.append(f"reader: {error!r}")
            self.run.stop_writing.set()

    def drain(self):
        """After the writers stopped: pages to the end of what is stored."""
        while self.poll():
            pass
        self.poll()   # a last added_after poll: nothing more


def watch_audit_head(run, data, samples):
    """Reads the data directory's audit.head (which both instances record into) every few
    milliseconds: it must always be readable and its sequence never go back."""
    path = os.path.join(data, "audit.head")
    last = 0
    while not run.stop_writing.is_set():
        try:
            with open(path) as file:
                text = file.read()
        except FileNotFoundError:
            text = None
        if text is not None:
            samples.append(text)
            parts = text.split()
            if len(parts) != 3 or not parts[0].isdigit():
                run.errors.append(f"audit.head unreadable: {text!r}")
            elif int(parts[0]) < last:
                run.errors.append(f"audit.head went back from {last} to {parts[0]}")
            else:
                last = int(parts[0])
        time.sleep(0.005)


def full_listing(data):
    """Every stored version of the hub's objects, (id, version in microseconds), from the database."""
    return [(stix_id, int(version)) for stix_id, version in database_rows(
        data, "SELECT stix_id, version_us FROM object_version WHERE release_id = ''")]


def test_writes_on_both_instances_with_restarts_lose_and_repeat_nothing(pair):
    hub, instances = pair
    run = Run()
    started = time.time()
    writers = [threading.Thread(target=writer, args=(run, instances, slot, hub.feed_id, hub.writer_token, index))
               for index, slot in enumerate([0, 0, 1, 1])]
    reader = Reader(run, instances, hub.feed_id, hub.writer_token)
    reader_thread = threading.Thread(target=reader.follow)
    head_samples = []
    head_watch = threading.Thread(target=watch_audit_head, args=(run, hub.data, head_samples))
    for thread in writers + [reader_thread, head_watch]:
        thread.start()

    restarts = 0
    try:
        while restarts < RESTARTS and not run.stop_writing.is_set():
            # Spread over the run: the next restart once its share of the objects is acknowledged.
            while (run.acknowledged_objects < TOTAL_OBJECTS * (restarts + 1) / (RESTARTS + 2)
                   and not run.stop_writing.is_set()):
                time.sleep(0.02)
            if run.stop_writing.is_set():
                break
            victim = instances[restarts % 2]
            # Mid-write: while one of its POSTs is being processed (a moment into it).
            deadline = time.time() + 5
            while run.in_flight[restarts % 2] == 0 and time.time() < deadline:
                time.sleep(0.002)
            time.sleep(random.uniform(0, 0.05))
            with run.lock:
                if run.in_flight[restarts % 2] > 0:
                    run.kills_mid_write += 1
            victim.stop(signal.SIGKILL)
            victim.start()
            restarts += 1
    finally:
        for thread in writers:
            thread.join(timeout=600)
        run.stop_writing.set()
        reader_thread.join(timeout=600)
        head_watch.join(timeout=60)
    assert not run.errors, run.errors[:10]
    assert len(head_samples) > 100
    writing = time.time() - started
    reader.drain()

    listing = full_listing(hub.data)
    stored = set(listing)
    seen = collections.Counter((stix_id, microseconds(modified)) for stix_id, modified in reader.seen)
    repeated = {key: count for key, count in seen.items() if count > 1}
    lost_by_reader = stored - set(seen)
    lost_acknowledged = {(stix_id, microseconds(modified)) for stix_id, modified in run.acknowledged} - stored
    duration = time.time() - started
    print(f"\nmulti-instance run: {run.acknowledged_objects} objects acknowledged in {run.posts} POSTs "
          f"({len(run.acknowledged)} distinct id+version), {len(stored)} stored, "
          f"{len(listing)} in the full listing; {restarts} restarts (SIGKILL, "
          f"{run.kills_mid_write} with a POST in flight), {run.failed_posts} POSTs cut off and sent again "
          f"({run.retried_already_stored} of their objects found already stored); {run.already_stored} objects "
          f"answered 'already in the collection'; reader: "
          f"{reader.requests} pages ({reader.switches} switching instance, {reader.retries} retried), "
          f"{len(reader.seen)} versions seen, {len(repeated)} repeated, {len(lost_by_reader)} missed; "
          f"acknowledged but not stored: {len(lost_acknowledged)}; "
          f"writing {writing:.1f} s, duration {duration:.1f} s")

    assert restarts == RESTARTS
    assert run.acknowledged_objects >= TOTAL_OBJECTS
    assert not lost_acknowledged, sorted(lost_acknowledged)[:10]
    assert len(listing) == len(stored), "an id+version is listed twice"
    assert not repeated, list(repeated.items())[:10]
    assert not lost_by_reader, sorted(lost_by_reader)[:10]
    # Version uniqueness in the database itself, and positions that follow the order versions were
    # added in (date_added grows with position).
    assert database_rows(hub.data, """
        SELECT stix_id, version_us, count(*) FROM object_version WHERE release_id = ''
        GROUP BY feed_key, stix_id, provider_org_id, version_us HAVING count(*) > 1""") == []
    assert database_rows(hub.data, """
        SELECT count(*) FROM (SELECT date_added_us, lag(date_added_us) OVER (ORDER BY position) AS before
                              FROM object_version) AS o
        WHERE date_added_us <= before""") == [("0",)]
    for instance in instances:
        instance.stop()
    verified = kakehashi(hub.data, "audit", "verify")
    assert "intact" in verified.stdout, verified.stdout


# MARK: - Rights

def refused_within(check, seconds=1.0):
    """Polls `check` (true once refused) until it holds; returns the delay, or fails past `seconds`."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        elapsed = time.monotonic() - started
        assert elapsed < seconds, f"still accepted after {elapsed:.2f} s"
        time.sleep(0.01)


def test_rights_changed_through_one_instance_take_effect_on_the_other_within_a_second(pair):
    hub, (one, two) = pair
    data = hub.data
    kakehashi(data, "admin", "user", "add", "--org", "Kakehashi Hub", "--email", "ops@hub.example.jp",
              "--role", "hub-admin", "--password-stdin", stdin="hub-admin-password-1\n")
    admin_token = kakehashi(data, "admin", "token", "add", "--email", "ops@hub.example.jp").stdout.strip().splitlines()[-1]
    reader_email = hub.reader[0]
    session = requests.Session()

    def status_on(instance, token):
        return session.get(instance.collection(hub.feed_id) + "objects/", headers=headers(token), timeout=30).status_code

    # Each token warm on instance two (its principal cached) before the change on instance one.
    delays = {}
    # A token revoked through instance one's API.
    token = kakehashi(data, "admin", "token", "add", "--email", reader_email, "--label", "revoke").stdout.strip().splitlines()[-1]
    assert status_on(two, token) == 200
    tokens = session.get(f"{one.url}/api/v1/tokens", params={"email": reader_email},
                         headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    assert tokens.status_code == 200, tokens.text
    token_id = next(t["id"] for t in tokens.json()["tokens"] if t["label"] == "revoke")
    revoked = session.post(f"{one.url}/api/v1/tokens/{token_id}/revoke",
                           headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    assert revoked.status_code == 200, revoked.text
    delays["token revoked (API, instance one)"] = refused_within(lambda: status_on(two, token) == 401)

    # A grant removed with the CLI: the reader's organisation may no longer read the collection.
    assert status_on(two, hub.reader_token) == 200
    kakehashi(data, "admin", "grant", "--feed", "C2", "--org", "Gas B")
    delays["grant removed (CLI)"] = refused_within(lambda: status_on(two, hub.reader_token) in (403, 404))
    kakehashi(data, "admin", "grant", "--feed", "C2", "--org", "Gas B", "--read")
    delays["grant given back (CLI)"] = refused_within(lambda: status_on(two, hub.reader_token) == 200)

    # A user disabled through instance one's API.
    assert status_on(two, hub.reader_token) == 200
    users = session.get(f"{one.url}/api/v1/users", headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    assert users.status_code == 200, users.text
    user_id = next(u["id"] for u in users.json()["users"] if u["email"] == reader_email)
    disabled = session.post(f"{one.url}/api/v1/users/{user_id}/disable",
                            headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    assert disabled.status_code == 200, disabled.text
    delays["user disabled (API, instance one)"] = refused_within(lambda: status_on(two, hub.reader_token) == 401)
    # And the CLI's change the other way reaches both.
    kakehashi(data, "admin", "user", "enable", "--email", reader_email)
    for instance in (one, two):
        delays[f"user enabled (CLI), instance {instance.name}"] = refused_within(
            lambda: status_on(instance, hub.reader_token) == 200)
    print("\n" + "\n".join(f"{what}: {delay * 1000:.0f} ms" for what, delay in delays.items()))
