"""Issue 12, items 11 and 13, through the real binary: wrong passwords are throttled per account and
per address (429 with Retry-After, the same for unknown accounts), and tokens, users and organisations
can be revoked, disabled, re-enabled and removed from the CLI and the JSON API, taking effect at once on
TAXII and /api/v1 while the server runs.

Requests come from chosen loopback addresses (127.0.0.2, 127.0.0.3, ...: all of 127/8 is the loopback
on Linux), so that each test's client has an address of its own for the per-address count.

The last test measures (prints, asserts nothing) a good user's latency while 12 clients send wrong
passwords; run it with -s to see the figures, against any binary."""
import base64
import http.client
import json
import re
import statistics
import tempfile
import threading
import time
import uuid
from urllib.parse import urlparse

import pytest

from conftest import feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
PASSWORD = "accounts-password-1"


@pytest.fixture
def world():
    """Organisation A (an admin, a member, a read-only user), organisation B (an admin), a hub admin,
    one feed everybody reads; each user has a token."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-accounts-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--size", "large")
        kakehashi(data, "admin", "org", "add", "--name", "Gas B", "--sector", "ガス", "--size", "small")
        kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers")
        users, tokens = {}, {}
        for key, org, email, role in [("A-admin", "電力A社", "admin@denryoku-a.example.jp", "org-admin"),
                                      ("A", "電力A社", "soc@denryoku-a.example.jp", "member"),
                                      ("A-reader", "電力A社", "viewer@denryoku-a.example.jp", "read-only"),
                                      ("B-admin", "Gas B", "admin@gas-b.example.jp", "org-admin"),
                                      ("hub", "Kakehashi Hub", "ops@hub.example.jp", "hub-admin")]:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", role,
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = email
            out = kakehashi(data, "admin", "token", "add", "--email", email, "--label", "taxii").stdout
            tokens[key] = out.strip().splitlines()[-1]
        for org in ["電力A社", "Gas B"]:
            kakehashi(data, "admin", "grant", "--feed", "C2", "--org", org, "--read", "--write")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users, "tokens": tokens, "collection": feed_id(data, "C2")}


def call(world, method, path, *, basic=None, token=None, source="127.0.0.1", body=None):
    """One request from the loopback address `source`; returns (status, headers, parsed body)."""
    parsed = urlparse(world["url"])
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60, source_address=(source, 0))
    headers = {"Accept": TAXII if path.startswith("/hub/") else "application/json"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, (json.loads(raw) if raw else None)
    finally:
        connection.close()


def taxii_status(world, **credentials):
    return call(world, "GET", f"/hub/collections/{world['collection']}/objects/", **credentials)[0]


def api_status(world, **credentials):
    return call(world, "GET", "/api/v1/submissions", **credentials)[0]


def user_id(world, key):
    """A user's id, from `kakehashi admin user list` (email, role, organisation, state, id)."""
    for line in kakehashi(world["data"], "admin", "user", "list").stdout.splitlines():
        fields = line.split("\t")
        if fields[0] == world["users"][key]:
            return fields[4]
    raise AssertionError(f"no user {key}")


def org_id(world, name):
    match = re.search(re.escape(name) + r"\t.*?\t([0-9a-f-]{36})", kakehashi(world["data"], "admin", "org", "list").stdout)
    return match.group(1)


# MARK: - 11. Throttling


def test_wrong_passwords_get_429_after_a_few_with_retry_after(world):
    email = world["users"]["A"]
    statuses = []
    for _ in range(6):
        status, headers, body = call(world, "GET", "/hub/collections/", basic=(email, "wrong-password-1"),
                                     source="127.0.0.2")
        statuses.append(status)
    assert statuses == [401] * 5 + [429]
    assert int(headers["retry-after"]) >= 1
    assert "Too many failed sign-ins" in body["description"] and body["http_status"] == "429"
    # Refused before any check: even the right password from that address waits.
    status, headers, _ = call(world, "GET", "/hub/collections/", basic=(email, PASSWORD), source="127.0.0.2")
    assert status == 429 and int(headers["retry-after"]) >= 1
    # The JSON API is behind the same throttle.
    assert call(world, "GET", "/api/v1/submissions", basic=(email, "wrong-password-1"), source="127.0.0.2")[0] == 429
    # A token is never throttled: it cannot be guessed.
    assert call(world, "GET", "/hub/collections/", token=world["tokens"]["A"], source="127.0.0.2")[0] == 200


def test_unknown_and_known_accounts_answer_the_same(world):
    def answers(email, source):
        seen = []
        for _ in range(7):
            status, headers, body = call(world, "GET", "/hub/collections/", basic=(email, "wrong-password-1"),
                                         source=source)
            seen.append((status, headers.get("retry-after"), json.dumps(body, sort_keys=True)))
        return seen

    known = answers(world["users"]["A-reader"], "127.0.0.3")
    unknown = answers("nobody@denryoku-a.example.jp", "127.0.0.4")
    assert known == unknown
    assert [status for status, _, _ in known] == [401] * 5 + [429, 429]


def test_the_right_password_from_a_known_address_still_works(world):
    """The rule: an account blocked by someone's guesses still admits its right password from an address it
    signed in from before (or one proven in the last minutes); from a new address it waits out the
    back-off (else guessing from many addresses would go unchecked). An address's own failures block it."""
    owner, guesser = world["users"]["A"], "127.0.0.5"
    assert taxii_status(world, basic=(owner, PASSWORD), source="127.0.0.6") == 200
    for _ in range(5):
        call(world, "GET", "/hub/collections/", basic=(owner, "wrong-password-1"), source=guesser)
    assert call(world, "GET", "/hub/collections/", basic=(owner, "wrong-password-2"), source=guesser)[0] == 429
    assert taxii_status(world, basic=(owner, PASSWORD), source="127.0.0.6") == 200
    assert api_status(world, basic=(owner, PASSWORD), source="127.0.0.6") == 200
    # Another user of the same organisation, never signed in: the guesses at A cost it nothing.
    assert taxii_status(world, basic=(world["users"]["A-reader"], PASSWORD), source="127.0.0.7") == 200
    # A user whose password has not been proven lately, at an address it never used, waits while guessed at.
    admin = world["users"]["A-admin"]
    for _ in range(5):
        call(world, "GET", "/hub/collections/", basic=(admin, "wrong-password-1"), source="127.0.0.8")
    status, headers, _ = call(world, "GET", "/hub/collections/", basic=(admin, PASSWORD), source="127.0.0.9")
    assert status == 429 and int(headers["retry-after"]) >= 1


# MARK: - 13. Revoking, disabling, removing


def test_a_token_revoked_by_the_cli_stops_at_once_on_taxii_and_the_api(world):
    token = world["tokens"]["A"]
    assert taxii_status(world, token=token) == 200 and api_status(world, token=token) == 200
    listing = kakehashi(world["data"], "admin", "token", "list", "--email", world["users"]["A"]).stdout
    token_id = listing.split("\t")[0]
    assert "active" in listing and token not in listing
    kakehashi(world["data"], "admin", "token", "revoke", "--id", token_id)
    assert taxii_status(world, token=token) == 401
    assert api_status(world, token=token) == 401
    assert taxii_status(world, basic=(world["users"]["A"], token)) == 401    # the token as a Basic password
    assert "revoked" in kakehashi(world["data"], "admin", "token", "list", "--email", world["users"]["A"]).stdout
    # The password still works; a second revocation is a clear error.
    assert taxii_status(world, basic=(world["users"]["A"], PASSWORD)) == 200
    again = kakehashi(world["data"], "admin", "token", "revoke", "--id", token_id, check=False)
    assert again.returncode != 0 and "already revoked" in again.stderr
    # By label too.
    reader = world["tokens"]["A-reader"]
    assert taxii_status(world, token=reader) == 200
    kakehashi(world["data"], "admin", "token", "revoke", "--email", world["users"]["A-reader"], "--label", "taxii")
    assert taxii_status(world, token=reader) == 401 and api_status(world, token=reader) == 401


def test_a_disabled_user_stops_at_once_and_works_again_when_re_enabled(world):
    email, token = world["users"]["A"], world["tokens"]["A"]
    assert taxii_status(world, basic=(email, PASSWORD)) == 200 and api_status(world, token=token) == 200
    kakehashi(world["data"], "admin", "user", "disable", "--email", email)
    for credentials in [{"basic": (email, PASSWORD)}, {"token": token}]:
        assert taxii_status(world, **credentials) == 401
        assert api_status(world, **credentials) == 401
    refused = kakehashi(world["data"], "submit", "text", "--as", email, "--feed", "C2", "/dev/null", check=False)
    assert refused.returncode != 0 and "disabled" in refused.stderr
    kakehashi(world["data"], "admin", "user", "enable", "--email", email)
    for credentials in [{"basic": (email, PASSWORD)}, {"token": token}]:
        assert taxii_status(world, **credentials) == 200
        assert api_status(world, **credentials) == 200


def test_a_disabled_organisation_stops_at_once_and_works_again_when_re_enabled(world):
    users = [("A", world["users"]["A"]), ("A-reader", world["users"]["A-reader"])]
    for key, email in users:
        assert taxii_status(world, basic=(email, PASSWORD)) == 200
    kakehashi(world["data"], "admin", "org", "disable", "--name", "電力A社")
    assert "disabled" in kakehashi(world["data"], "admin", "org", "list").stdout
    for key, email in users:
        for credentials in [{"basic": (email, PASSWORD)}, {"token": world["tokens"][key]}]:
            assert taxii_status(world, **credentials) == 401
            assert api_status(world, **credentials) == 401
    assert taxii_status(world, token=world["tokens"]["B-admin"]) == 200    # another organisation
    kakehashi(world["data"], "admin", "org", "enable", "--name", "電力A社")
    for key, email in users:
        assert taxii_status(world, basic=(email, PASSWORD)) == 200
        assert api_status(world, token=world["tokens"][key]) == 200


def test_a_removed_user_is_gone(world):
    email, token = world["users"]["A"], world["tokens"]["A"]
    assert taxii_status(world, basic=(email, PASSWORD)) == 200
    kakehashi(world["data"], "admin", "user", "remove", "--email", email)
    assert taxii_status(world, basic=(email, PASSWORD)) == 401 and taxii_status(world, token=token) == 401
    assert api_status(world, token=token) == 401
    assert email not in kakehashi(world["data"], "admin", "user", "list").stdout
    missing = kakehashi(world["data"], "admin", "user", "remove", "--email", email, check=False)
    assert missing.returncode != 0 and "no user" in missing.stderr
    # The address can be given to someone new.
    kakehashi(world["data"], "admin", "user", "add", "--org", "電力A社", "--email", email, "--role", "member",
              "--password-stdin", stdin="another-password-1\n")
    assert taxii_status(world, basic=(email, "another-password-1")) == 200


def test_the_api_administers_accounts_within_its_rules(world):
    tokens = world["tokens"]
    member, reader = user_id(world, "A"), user_id(world, "A-reader")
    # Read-only users and members may administer nobody, and learn nothing about other organisations.
    for key in ["A-reader", "A"]:
        assert call(world, "POST", f"/api/v1/users/{member if key == 'A-reader' else reader}/disable",
                    token=tokens[key])[0] == 403
        assert call(world, "GET", "/api/v1/users", token=tokens[key])[0] == 403
        assert call(world, "POST", f"/api/v1/organizations/{org_id(world, 'Gas B')}/disable", token=tokens[key])[0] == 404
    assert call(world, "POST", f"/api/v1/users/{member}/disable", token=tokens["B-admin"])[0] == 404
    assert call(world, "DELETE", f"/api/v1/users/{member}", token=tokens["B-admin"])[0] == 404
    listing = call(world, "GET", "/api/v1/tokens?email=" + world["users"]["A"], token=tokens["A-reader"])
    assert listing[0] == 403
    assert taxii_status(world, token=tokens["A"]) == 200    # nothing changed

    # The organisation's admin disables and re-enables its member: at once on both paths.
    status, _, body = call(world, "POST", f"/api/v1/users/{member}/disable", token=tokens["A-admin"])
    assert status == 200 and body["disabled_at"]
    assert taxii_status(world, token=tokens["A"]) == 401 and api_status(world, basic=(world["users"]["A"], PASSWORD)) == 401
    assert call(world, "POST", f"/api/v1/users/{member}/enable", token=tokens["A-admin"])[0] == 200
    assert taxii_status(world, token=tokens["A"]) == 200
    users = call(world, "GET", "/api/v1/users", token=tokens["A-admin"])[2]["users"]
    assert sorted(u["email"] for u in users) == sorted(world["users"][k] for k in ["A-admin", "A", "A-reader"])
    assert all("password" not in json.dumps(u) for u in users)

    # A user revokes its own token (and sees it, never its secret).
    status, _, body = call(world, "GET", "/api/v1/tokens", token=tokens["A-reader"])
    assert status == 200 and len(body["tokens"]) == 1 and tokens["A-reader"] not in json.dumps(body)
    own = body["tokens"][0]["id"]
    assert call(world, "POST", f"/api/v1/tokens/{own}/revoke", token=tokens["B-admin"])[0] == 404
    assert call(world, "POST", f"/api/v1/tokens/{own}/revoke", token=tokens["A-reader"])[0] == 200
    assert taxii_status(world, token=tokens["A-reader"]) == 401

    # Only a hub admin disables an organisation; it stops at once.
    gas_b = org_id(world, "Gas B")
    assert call(world, "POST", f"/api/v1/organizations/{gas_b}/disable", token=tokens["A-admin"])[0] == 404
    assert call(world, "POST", f"/api/v1/organizations/{gas_b}/disable", token=tokens["hub"])[0] == 200
    assert taxii_status(world, token=tokens["B-admin"]) == 401 and api_status(world, token=tokens["B-admin"]) == 401
    assert call(world, "POST", f"/api/v1/organizations/{gas_b}/enable", token=tokens["hub"])[0] == 200
    assert taxii_status(world, token=tokens["B-admin"]) == 200

    # The organisation's admin removes its member; the admin cannot remove itself.
    assert call(world, "DELETE", f"/api/v1/users/{user_id(world, 'A-admin')}", token=tokens["A-admin"])[0] == 403
    assert call(world, "DELETE", f"/api/v1/users/{member}", token=tokens["A-admin"])[0] == 204
    assert taxii_status(world, token=tokens["A"]) == 401
    assert call(world, "POST", f"/api/v1/users/{member}/enable", token=tokens["A-admin"])[0] == 404


# MARK: - Measurement: a good user's latency while 12 clients send wrong passwords


def test_good_user_latency_under_wrong_password_storm_is_printed(world):
    """Prints p50/p95/max of a good user's requests (a token, and Basic with a password already proven)
    while 12 clients send wrong passwords: first each client from one address of its own (the throttle
    answers them after a few), then every request from a fresh address and for a fresh account (the
    throttle never triggers: only where bcrypt runs protects the good user). Asserts nothing."""
    good_token, good_basic = world["tokens"]["A"], (world["users"]["A"], PASSWORD)
    assert taxii_status(world, basic=good_basic) == 200    # proven once

    def probe(seconds):
        latencies = {"token": [], "basic": []}
        deadline = time.time() + seconds
        while time.time() < deadline:
            for kind, credentials in [("token", {"token": good_token}), ("basic", {"basic": good_basic})]:
                began = time.perf_counter()
                assert taxii_status(world, **credentials) == 200
                latencies[kind].append((time.perf_counter() - began) * 1000)
            time.sleep(0.05)
        return latencies

    def storm(fresh_addresses, stop, counter):
        def client(index):
            n = 0
            while not stop.is_set():
                n += 1
                source = f"127.1.{index}.{n % 250 + 1}" if fresh_addresses else f"127.0.1.{index + 1}"
                email = f"nobody-{index}-{n}@example.jp" if fresh_addresses else world["users"]["A-admin"]
                try:
                    call(world, "GET", "/hub/collections/", basic=(email, f"wrong-{uuid.uuid4()}"), source=source)
                    counter.append(1)
                except OSError:
                    pass
        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(12)]
        for thread in threads:
            thread.start()
        return threads

    def summary(values):
        values = sorted(values)
        return (f"p50 {statistics.median(values):7.1f} ms  p95 {values[int(len(values) * 0.95) - 1]:7.1f} ms  "
                f"max {values[-1]:7.1f} ms  (n={len(values)})")

    report = [f"binary under test: {__import__('conftest').BIN}"]
    quiet = probe(3)
    report.append(f"quiet                      token {summary(quiet['token'])}   basic {summary(quiet['basic'])}")
    for label, fresh in [("12 clients, own addresses", False), ("12 clients, fresh addr+acct", True)]:
        stop, counter = threading.Event(), []
        threads = storm(fresh, stop, counter)
        time.sleep(1)
        loaded = probe(8)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        report.append(f"{label:29s}token {summary(loaded['token'])}   basic {summary(loaded['basic'])}   "
                      f"bad logins answered: {len(counter)}")
    print("\n" + "\n".join(report))
