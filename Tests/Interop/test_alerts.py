"""Issue 16's alerts through the real binary: an SMTP sink (aiosmtpd) and a webhook receiver that checks
the HMAC-SHA256 signature, both on 127.0.0.1. An urgent feed's new indicator, released to a SIG, raises an
e-mail (RFC 2047 subject, Japanese and English text) and a signed webhook to the subscribed SIG member only:
an organisation that reads the feed but not the release, a member subscribed to another feed, a read-only
user of another organisation and an organisation without the feed get nothing. A webhook failing three
times then succeeding gets its retries (one delivery id); one that always fails becomes a dead letter the
administrator sees (a member is refused) and can retry. Digests carry what non-urgent feeds brought, and
only what the recipient may still read when they go out. A watched value inside another organisation's
held submission raises nothing. Sent alerts are recorded as reads. SQLite and PostgreSQL
(KAKEHASHI_TEST_BACKEND)."""
import base64
import email
import email.header
import email.policy
import hashlib
import hmac
import json
import os
import socket
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import kakehashi, serving

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

TAXII = "application/taxii+json;version=2.1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailSink:
    """Every message the relay accepted: (envelope recipients, parsed message)."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message, envelope.original_content or envelope.content))
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [m for rcpts, m, _ in self.messages if address in rcpts]


class Webhooks:
    """A receiver that checks each POST's signature with the secret of its path and answers as told."""

    def __init__(self):
        self.secrets, self.failures, self.received, self.bad = {}, {}, [], []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                path = self.path
                stamp = self.headers.get("X-Kakehashi-Timestamp", "")
                signature = self.headers.get("X-Kakehashi-Signature", "")
                secret = sink.secrets.get(path, "")
                expected = "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                with sink.lock:
                    fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 300
                    if not (secret and hmac.compare_digest(expected, signature) and fresh):
                        sink.bad.append(path)
                        self.send_response(401)
                        self.end_headers()
                        return
                    sink.received.append((path, dict(self.headers), json.loads(body)))
                    left = sink.failures.get(path, 0)
                    if left:
                        sink.failures[path] = left - 1 if left > 0 else left
                        self.send_response(500)
                    else:
                        self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path):
        with self.lock:
            return [r for r in self.received if r[0] == path]


def wait_for(condition, seconds=30, what="condition"):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def indicator(uuid_tail, pattern, name):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--a1e70000-0000-4000-8000-{uuid_tail:012d}",
            "created": "2026-12-01T09:00:00.000Z", "modified": "2026-12-01T09:00:00.000Z", "name": name,
            "pattern": pattern, "pattern_type": "stix", "valid_from": "2026-12-01T09:00:00Z",
            "indicator_types": ["malicious-activity"]}


USERS = {
    "A": ("soc@denryoku-a.example.jp", "電力A社", "member"),      # provider
    "B": ("soc@denryoku-b.example.jp", "電力B社", "member"),      # SIG member: the one recipient
    "B2": ("it@denryoku-b.example.jp", "電力B社", "member"),      # same organisation, subscribed to another feed
    "C": ("soc@gas-c.example.jp", "ガスC社", "member"),           # reads C2, not in the SIG
    "CR": ("ro@gas-c.example.jp", "ガスC社", "read-only"),         # read-only user of another organisation
    "D": ("soc@water-d.example.jp", "水道D社", "member"),         # no access to C2 at all
    "ADMIN": ("admin@hub.example.jp", "Kakehashi Hub", "hub-admin"),
}
PASSWORD = "alerts-password-1"


@pytest.fixture
def world():
    sink = MailSink()
    smtp_port = free_port()
    controller = aiosmtpd_controller.Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    hooks = Webhooks()
    try:
        with tempfile.TemporaryDirectory(prefix="kakehashi-alerts-") as data:
            kakehashi(data, "init")
            for org, sector in [("電力A社", "電力"), ("電力B社", "電力"), ("ガスC社", "ガス"), ("水道D社", "水道")]:
                kakehashi(data, "admin", "org", "add", "--name", org, "--sector", sector)
            kakehashi(data, "admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
            kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers", "--severity", "urgent")
            kakehashi(data, "admin", "feed", "add", "--name", "Phishing", "--title", "Phishing", "--severity", "normal")
            for feed in ["C2", "Phishing"]:
                kakehashi(data, "admin", "grant", "--feed", feed, "--group", "電力SIG", "--read", "--write")
                kakehashi(data, "admin", "grant", "--feed", feed, "--org", "ガスC社", "--read")
            for email_address, org, role in USERS.values():
                kakehashi(data, "admin", "user", "add", "--org", org, "--email", email_address, "--role", role,
                          "--password-stdin", stdin=PASSWORD + "\n")
            with open(os.path.join(data, "alerts.json"), "w") as f:
                json.dump({"smtp": {"host": "127.0.0.1", "port": smtp_port, "from": "kakehashi@hub.example.jp"},
                           "webhook": {"max_attempts": 4, "retry_base_seconds": 0.2, "timeout_seconds": 5,
                                       "allow_internal_addresses": True},
                           "poll_seconds": 0.2}, f)
            with serving(data) as url:
                yield {"data": data, "url": url, "sink": sink, "hooks": hooks}
    finally:
        controller.stop()
        hooks.server.shutdown()


def auth(who):
    return (USERS[who][0], PASSWORD)


def subscribe(world, who, path=None, **fields):
    body = dict(fields)
    if path:
        body["webhook_url"] = world["hooks"].url + path
    answer = requests.post(f"{world['url']}/api/v1/alerts/subscriptions", json=body, auth=auth(who), timeout=30)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    if path:
        assert len(created["webhook_secret"]) == 64
        world["hooks"].secrets[path] = created["webhook_secret"]
    return created


def post(world, feed, objects, who="A"):
    collections = requests.get(f"{world['url']}/hub/collections/", auth=auth(who), headers={"Accept": TAXII}, timeout=30)
    collection = next(c["id"] for c in collections.json()["collections"] if c["title"].startswith(
        "C2" if feed == "C2" else "Phishing"))
    posted = requests.post(f"{world['url']}/hub/collections/{collection}/objects/", data=json.dumps({"objects": objects}),
                           auth=auth(who), headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert posted.status_code == 202 and posted.json()["success_count"] == len(objects), posted.text
    return posted.json()["id"]


def release(world, submission, who="A"):
    released = requests.post(f"{world['url']}/api/v1/submissions/{submission}/release", json={"groups": ["電力SIG"]},
                             auth=auth(who), timeout=30)
    assert released.status_code == 201, released.text
    return released.json()["id"]


def deliveries(world, who, **params):
    answer = requests.get(f"{world['url']}/api/v1/alerts/deliveries", params=params, auth=auth(who), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["deliveries"]


def test_urgent_indicator_alerts_the_subscribed_member_only(world):
    sink, hooks = world["sink"], world["hooks"]
    b = subscribe(world, "B", "/b", feed="C2")
    subscribe(world, "B2", "/b2", feed="Phishing")                        # another feed
    subscribe(world, "C", "/c", feed="C2")                                # reads C2, not the SIG release
    subscribe(world, "CR", "/cr", feed="C2")                              # read-only user of another organisation
    d = requests.post(f"{world['url']}/api/v1/alerts/subscriptions", json={"feed": "C2"}, auth=auth("D"), timeout=30)
    assert d.status_code == 404                                           # a feed D cannot read does not exist for it
    subscribe(world, "D", "/d", minimum_severity="urgent")                # every urgent feed D may read: none has it
    # The CLI subscribes too (e-mail only), and lists without the secret.
    cli = json.loads(kakehashi(world["data"], "alerts", "subscribe", "--as", USERS["C"][0], "--feed", "C2").stdout)
    assert cli["email"] is True and "webhook_secret" not in cli
    listed = requests.get(f"{world['url']}/api/v1/alerts/subscriptions", auth=auth("B"), timeout=30).json()
    assert [s["id"] for s in listed["subscriptions"]] == [b["id"]] and "webhook_secret" not in listed["subscriptions"][0]

    submission = post(world, "C2", [indicator(1, "[ipv4-addr:value = '203.0.113.45'] OR [domain-name:value = 'c2.kakehashi-alerts.example']",
                                              "C2サーバ (Emotet)")])
    time.sleep(1.0)
    assert not sink.messages and not hooks.received                       # held: nobody is told
    started = time.monotonic()
    release(world, submission)

    mail = wait_for(lambda: sink.to(USERS["B"][0]), what="B's e-mail")
    hook = wait_for(lambda: hooks.at("/b"), what="B's webhook")
    print(f"release to e-mail and webhook: {time.monotonic() - started:.2f} s (poll_seconds 0.2)")
    message = mail[0]
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert "緊急" in subject and "urgent" in subject and "C2" in subject
    raw = next(r for rcpts, _, r in sink.messages if USERS["B"][0] in rcpts)
    assert b"\r\nSubject: =?UTF-8?B?" in raw.replace(b"\n", b"\r\n").replace(b"\r\r", b"\r")  # RFC 2047 on the wire
    text = message.get_content()
    assert "203.0.113.45" in text and "c2.kakehashi-alerts.example" in text and "C2サーバ (Emotet)" in text
    assert "新しい指標" in text and "New indicators" in text
    body = hook[0][2]
    assert body["type"] == "kakehashi-alert" and body["cadence"] == "immediate" and body["subscription"] == b["id"]
    assert [i["id"] for i in body["indicators"]] == ["indicator--a1e70000-0000-4000-8000-000000000001"]
    assert {"kind": "ipv4-addr", "value": "203.0.113.45"} in body["indicators"][0]["values"]
    assert body["objects"][0]["pattern"].startswith("[ipv4-addr:value")
    assert hook[0][1]["X-Kakehashi-Delivery"] == body["id"]

    # Give the others every chance: several poll intervals later, still nothing for them.
    time.sleep(1.5)
    assert {r for rcpts, _, _ in sink.messages for r in rcpts} == {USERS["B"][0]}
    assert {path for path, _, _ in hooks.received} == {"/b"} and not hooks.bad
    assert len(sink.to(USERS["B"][0])) == 1 and len(hooks.at("/b")) == 1  # sent once
    for who in ["C", "CR", "D", "B2"]:
        assert deliveries(world, who) == []
    mine = deliveries(world, "B")
    assert {(x["channel"], x["status"]) for x in mine} == {("email", "sent"), ("webhook", "sent")}

    # Each alert is recorded as a read: the provider's recipients report names B through the alert paths.
    time.sleep(0.5)
    report = requests.get(f"{world['url']}/api/v1/submissions/{submission}/recipients", auth=auth("A"), timeout=30)
    recipients = report.json()["recipients"]
    assert [r["organization"] for r in recipients] == ["電力B社"]
    assert {o["path"] for o in recipients[0]["objects"]} == {"alert/email", "alert/webhook"}


def test_webhook_retries_then_succeeds_and_permanent_failure_is_a_dead_letter(world):
    hooks = world["hooks"]
    hooks.failures["/flaky"] = 3
    hooks.failures["/down"] = -1                                          # always 500
    subscribe(world, "B", "/flaky", feed="C2", email=False)
    down = subscribe(world, "B2", "/down", feed="C2", email=False)
    release(world, post(world, "C2", [indicator(2, "[ipv4-addr:value = '198.51.100.77']", "C2")]))

    attempts = wait_for(lambda: len(hooks.at("/flaky")) >= 4 and hooks.at("/flaky"), what="four attempts at /flaky")
    time.sleep(1.0)
    assert len(hooks.at("/flaky")) == 4                                  # three failures, one success, no more
    assert len({a[1]["X-Kakehashi-Delivery"] for a in attempts}) == 1    # the same alert each time
    sent = deliveries(world, "B")
    assert [(x["status"], x["attempts"]) for x in sent] == [("sent", 4)]

    wait_for(lambda: len(hooks.at("/down")) >= 4, what="four attempts at /down")
    dead = wait_for(lambda: requests.get(f"{world['url']}/api/v1/alerts/dead-letters", auth=auth("ADMIN"),
                                         timeout=30).json()["dead_letters"], what="a dead letter")
    assert [(x["subscription"], x["status"], x["attempts"]) for x in dead] == [(down["id"], "dead", 4)]
    assert "500" in dead[0]["last_error"] and "secret" not in dead[0]["last_error"]
    for who in ["B", "B2", "C"]:                                          # members do not see the dead letters
        refused = requests.get(f"{world['url']}/api/v1/alerts/dead-letters", auth=auth(who), timeout=30)
        assert refused.status_code == 403
        assert requests.post(f"{world['url']}/api/v1/alerts/dead-letters/{dead[0]['id']}/retry", auth=auth(who),
                             timeout=30).status_code == 403
    assert requests.get(f"{world['url']}/api/v1/alerts/deliveries", params={"all": "true"}, auth=auth("B"),
                        timeout=30).status_code == 403
    cli = json.loads(kakehashi(world["data"], "alerts", "dead-letters").stdout)
    assert [x["id"] for x in cli] == [dead[0]["id"]]

    # The receiver is fixed; the administrator retries the dead letter and it arrives.
    hooks.failures["/down"] = 0
    retried = requests.post(f"{world['url']}/api/v1/alerts/dead-letters/{dead[0]['id']}/retry", auth=auth("ADMIN"), timeout=30)
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    wait_for(lambda: len(hooks.at("/down")) >= 5, what="the retried delivery")
    wait_for(lambda: deliveries(world, "B2")[0]["status"] == "sent", what="the retried delivery marked sent")
    assert json.loads(kakehashi(world["data"], "alerts", "dead-letters").stdout) == []


def test_digest_carries_only_what_the_recipient_may_still_read(world):
    sink, hooks = world["sink"], world["hooks"]
    subscribe(world, "B", "/digest", feed="Phishing", digest="daily")
    first = post(world, "Phishing", [indicator(3, "[url:value = 'http://login.kakehashi-phish.example/ms']", "Phishing 1"),
                                      indicator(4, "[domain-name:value = 'paypal-kakehashi.example']", "Phishing 2")])
    release(world, first)
    second = post(world, "Phishing", [indicator(5, "[domain-name:value = 'revoked-kakehashi.example']", "Phishing 3")])
    revocable = release(world, second)
    wait_for(lambda: len(deliveries(world, "B")) == 6, what="six pending digest deliveries")
    time.sleep(0.5)
    assert not sink.messages and not hooks.received                       # a normal feed waits for the digest
    assert {x["cadence"] for x in deliveries(world, "B")} == {"daily"}
    # The provider revokes the second release before the digest goes out.
    assert requests.post(f"{world['url']}/api/v1/releases/{revocable}/revoke", auth=auth("A"), timeout=30).status_code == 200
    assert json.loads(kakehashi(world["data"], "alerts", "send-digests", "--cadence", "daily").stdout) == {"due": 6}

    mail = wait_for(lambda: sink.to(USERS["B"][0]), what="the digest e-mail")[0]
    hook = wait_for(lambda: hooks.at("/digest"), what="the digest webhook")[0][2]
    subject = str(email.header.make_header(email.header.decode_header(mail["Subject"])))
    assert "daily digest" in subject and "日次ダイジェスト" in subject and "2" in subject
    text = mail.get_content()
    assert "login.kakehashi-phish.example" in text and "paypal-kakehashi.example" in text
    assert "revoked-kakehashi.example" not in text
    assert hook["cadence"] == "daily"
    assert sorted(i["name"] for i in hook["indicators"]) == ["Phishing 1", "Phishing 2"]
    time.sleep(0.5)
    statuses = sorted((x["object"].split("@")[0][-1], x["status"]) for x in deliveries(world, "B"))
    assert statuses == [("3", "sent"), ("3", "sent"), ("4", "sent"), ("4", "sent"), ("5", "withheld"), ("5", "withheld")]
    assert len(sink.messages) == 1 and len(hooks.received) == 1


def test_watched_value_in_another_organisations_held_submission_raises_nothing(world):
    sink, hooks = world["sink"], world["hooks"]
    subscribe(world, "B", "/watch", minimum_severity="normal", watch=["secret-held-kakehashi.example"])
    subscribe(world, "C", "/watch-c", feed="C2", watch=["secret-held-kakehashi.example", "198.51.100.200"])
    # A's submission holding the watched value is never released: nobody is told, whatever they watch.
    post(world, "C2", [indicator(6, "[domain-name:value = 'www.secret-held-kakehashi.example'] OR [ipv4-addr:value = '198.51.100.200']",
                                 "held")])
    # A released one that does not carry a watched value: not alerted to a watcher either.
    release(world, post(world, "C2", [indicator(7, "[domain-name:value = 'other-kakehashi.example']", "released")]))
    time.sleep(2.0)
    assert not hooks.at("/watch") and not hooks.at("/watch-c") and not sink.messages
    assert deliveries(world, "B") == [] and deliveries(world, "C") == []
    # Once released to the SIG, the watched sub-domain reaches B (and still not C, outside the SIG).
    release(world, post(world, "C2", [indicator(8, "[domain-name:value = 'mail.secret-held-kakehashi.example']", "now shared")]))
    hook = wait_for(lambda: hooks.at("/watch"), what="B's watched-value webhook")[0][2]
    assert [i["name"] for i in hook["indicators"]] == ["now shared"]
    time.sleep(1.0)
    assert not hooks.at("/watch-c") and not hooks.bad


def test_bad_subscriptions_are_refused_and_store_nothing(world):
    for body, status in [({"feed": "C2", "minimum_severity": "apocalyptic"}, 400),
                         ({"feed": "C2", "digest": "hourly"}, 400),
                         ({"feed": "C2", "webhook_url": "ftp://example.com/x"}, 400),
                         ({"feed": "C2", "webhook_url": "http://hooks.example.com/x"}, 400),   # http only to loopback
                         ({"feed": "C2", "watch": ["not a value at all"]}, 400),
                         ({"feed": "C2", "email": False}, 400),
                         ({"feed": "C2", "campaign": "no-such-campaign"}, 404),
                         ({"feed": "NoSuchFeed"}, 404)]:
        answer = requests.post(f"{world['url']}/api/v1/alerts/subscriptions", json=body, auth=auth("B"), timeout=30)
        assert answer.status_code == status, (body, answer.text)
    assert requests.post(f"{world['url']}/api/v1/alerts/subscriptions", data="{", auth=auth("B"),
                         timeout=30).status_code == 400
    assert requests.get(f"{world['url']}/api/v1/alerts/subscriptions", timeout=30).status_code == 401
    assert requests.get(f"{world['url']}/api/v1/alerts/subscriptions", auth=auth("B"), timeout=30).json() == {"subscriptions": []}
    # Another user cannot remove B's subscription (it does not exist for them); B can.
    created = subscribe(world, "B", feed="C2")
    for who in ["B2", "C"]:
        assert requests.delete(f"{world['url']}/api/v1/alerts/subscriptions/{created['id']}", auth=auth(who),
                               timeout=30).status_code == 404
    assert requests.delete(f"{world['url']}/api/v1/alerts/subscriptions/{created['id']}", auth=auth("B"),
                           timeout=30).status_code == 204
    assert requests.get(f"{world['url']}/api/v1/alerts/subscriptions", auth=auth("B"), timeout=30).json() == {"subscriptions": []}
