"""Issue 16, freshness and flow control, through the real binary (SQLite, or PostgreSQL with
KAKEHASHI_TEST_BACKEND=postgres). A feed's IP indicators decay by the feed's own settings (`kakehashi
admin feed set-decay`): an expired address leaves the Suricata, RPZ, Zeek, MISP feed, plain and CSV
exports on the next poll (a poll with the old ETag gets 200 and a new ETag, not 304) while the fresh
domain stays, and `kakehashi export --as-of` shows the same at a chosen instant; a member's
false-positive report drops a default-confidence indicator from the exports; a small member's token gets
429 with Retry-After after its burst (on the API, the exports and TAXII) while a large member's does not;
a small member receives the reduced feed (confident indicators of urgent and important feeds only);
severity and tier show in TAXII and GET /api/v1/feeds."""
import tempfile
import time

import pytest
import requests

from conftest import feed_id, kakehashi, malicious_indicator, post_and_release_to, serving, stix_now

TAXII = "application/taxii+json;version=2.1"
ADDRESS = "91.215.85.17"
DOMAIN = "c2-fresh-kakehashi.net"
DOUBTFUL = "doubtful-kakehashi.net"
PASSWORD = "flow-password-1"
MEMBERS = [("電力A社", "soc@denryoku-a.example.jp"), ("電力B社", "soc@denryoku-b.example.jp"),
           ("小規模S社", "it@small-s.example.jp"), ("大手L社", "soc@large-l.example.jp")]
SMALL_BURST = 8


def now_text(offset=0.0):
    return stix_now(offset)


def indicator(n, pattern, confidence, modified):
    return malicious_indicator("f1000000", n, pattern, confidence, modified, f"flow {n}")


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-flow-") as data:
        kakehashi(data, "init")
        for org, _ in MEMBERS:
            kakehashi(data, "admin", "org", "add", "--name", org, "--sector", "電力")
        kakehashi(data, "admin", "group", "add", "--name", "電力SIG", *[a for org, _ in MEMBERS for a in ("--org", org)])
        # An organisation with no right to any feed, tier small: sees nothing through the new paths.
        kakehashi(data, "admin", "org", "add", "--name", "部外者X社", "--sector", "ガス")
        kakehashi(data, "admin", "org", "set-tier", "部外者X社", "small")
        kakehashi(data, "admin", "user", "add", "--org", "部外者X社", "--email", "x@outsider.example.jp", "--role", "member",
                  "--password-stdin", stdin=PASSWORD + "\n")
        kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers", "--severity", "urgent")
        kakehashi(data, "admin", "feed", "add", "--name", "Notes", "--title", "Background", "--severity", "info")
        for feed in ["C2", "Notes"]:
            kakehashi(data, "admin", "grant", "--feed", feed, "--group", "電力SIG", "--read", "--write")
        # Addresses of C2 go stale 20 s after their last sign of life: at confidence 80, 20 × (1 − 30/80) = 12.5 s.
        out = kakehashi(data, "admin", "feed", "set-decay", "C2", "--class", "ip", "--lifetime", "20s", "--speed", "1",
                        "--threshold", "30").stdout
        assert "lifetime_seconds" in out, out
        kakehashi(data, "admin", "org", "set-tier", "小規模S社", "small")
        kakehashi(data, "admin", "org", "set-tier", "大手L社", "large")
        kakehashi(data, "admin", "tier-limits", "small", "--burst", str(SMALL_BURST), "--per-minute", "1")
        users, tokens = {}, {}
        for org, email in MEMBERS:
            kakehashi(data, "admin", "user", "add", "--org", org, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[org] = (email, PASSWORD)
            tokens[org] = kakehashi(data, "admin", "token", "add", "--email", email).stdout.strip().splitlines()[-1]
        collection = feed_id(data, "C2")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users, "tokens": tokens, "collection": collection,
                   "objects": f"{url}/hub/collections/{collection}/objects/"}


def export(w, org, fmt, **params):
    headers = {"Authorization": f"Bearer {w['tokens'][org]}", **params.pop("headers", {})}
    return requests.get(f"{w['url']}/api/v1/feeds/{params.pop('feed', 'C2')}/export", params={"format": fmt, **params},
                        headers=headers, timeout=60)


def every_file(w, org, fmt, **params):
    """The export's main file and every other file it names, as one text, with the main response."""
    first = export(w, org, fmt, **params)
    assert first.status_code == 200, first.text
    texts = [first.text]
    for name in first.headers["X-Kakehashi-Export-Files"].split(",")[1:]:
        other = export(w, org, fmt, file=name, **params)
        assert other.status_code == 200, other.text
        texts.append(other.text)
    return first, "\n".join(texts)


def post_and_release(w, objects, feed_collection=None):
    return post_and_release_to(w["url"], feed_collection or w["objects"], w["users"]["電力A社"], objects, ["電力SIG"])


def has_address(text):
    """The address as every format writes it (RPZ: an rpz-ip trigger, reversed)."""
    return ADDRESS in text or "32.17.85.215.91.rpz-ip" in text


FORMATS = [("suricata", {}), ("rpz", {}), ("zeek", {}), ("misp-feed", {}), ("misp-event", {}), ("csv", {}),
           ("plain", {"type": "ipv4"}), ("plain", {"type": "domain"})]


def test_an_expired_address_leaves_every_export_on_the_next_poll(world):
    modified = now_text()
    posted_at = time.time()
    post_and_release(world, [indicator(1, f"[ipv4-addr:value = '{ADDRESS}']", 80, modified),
                             indicator(2, f"[domain-name:value = '{DOMAIN}']", 80, modified)])
    time.sleep(0.6)   # an export is at most half a second behind the store
    etags = {}
    for fmt, params in FORMATS:
        response, text = every_file(world, "電力B社", fmt, **params)
        etags[(fmt, params.get("type"))] = response.headers["ETag"]
        assert response.headers["X-Kakehashi-Feed-Severity"] == "urgent"
        if params.get("type") != "domain":
            assert has_address(text), fmt
        if params.get("type") != "ipv4":
            assert DOMAIN in text, fmt
    # Nothing changed yet: 304.
    assert export(world, "電力B社", "rpz", headers={"If-None-Match": etags[("rpz", None)]}).status_code == 304

    # The operator sees the same at a chosen instant: fresh now, gone in 13 s.
    email = world["users"]["電力B社"][0]
    present = kakehashi(world["data"], "export", "--feed", "C2", "--format", "plain", "--type", "ipv4", "--as", email,
                        "--as-of", now_text()).stdout
    assert ADDRESS in present
    later = kakehashi(world["data"], "export", "--feed", "C2", "--format", "plain", "--type", "ipv4", "--as", email,
                      "--as-of", now_text(14)).stdout
    assert ADDRESS not in later
    bad = kakehashi(world["data"], "export", "--feed", "C2", "--format", "plain", "--as-of", "tomorrow", check=False)
    assert bad.returncode != 0 and "RFC 3339" in bad.stderr

    time.sleep(max(0.0, posted_at + 13.5 - time.time()))
    # The next poll with the old ETag: 200, a new ETag, the address gone, the domain still there.
    after = export(world, "電力B社", "rpz", headers={"If-None-Match": etags[("rpz", None)]})
    assert after.status_code == 200 and after.headers["ETag"] != etags[("rpz", None)], after.status_code
    for fmt, params in FORMATS:
        response, text = every_file(world, "電力B社", fmt, **params)
        assert not has_address(text), fmt
        if params.get("type") != "ipv4":
            assert DOMAIN in text, fmt
        # A list that held the address has a new ETag; the domain list is unchanged and keeps its own.
        if params.get("type") == "domain":
            assert response.headers["ETag"] == etags[(fmt, "domain")]
        else:
            assert response.headers["ETag"] != etags[(fmt, params.get("type"))], fmt


def test_a_false_positive_report_drops_an_indicator(world):
    post_and_release(world, [indicator(3, f"[domain-name:value = '{DOUBTFUL}']", 50, now_text()),
                             indicator(2, f"[domain-name:value = '{DOMAIN}']", 80, now_text())])
    time.sleep(0.6)
    before = export(world, "電力B社", "plain", type="domain")
    assert DOUBTFUL in before.text and DOMAIN in before.text
    reported = requests.post(f"{world['url']}/api/v1/sightings", json={"value": DOUBTFUL, "kind": "false-positive"},
                             auth=world["users"]["大手L社"], timeout=30)
    assert reported.status_code in (200, 201), reported.text
    time.sleep(0.6)
    after = export(world, "電力B社", "plain", type="domain", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and DOUBTFUL not in after.text and DOMAIN in after.text


def test_a_small_members_token_is_rate_limited_and_a_large_members_is_not(world):
    small = {"Authorization": f"Bearer {world['tokens']['小規模S社']}"}
    large = {"Authorization": f"Bearer {world['tokens']['大手L社']}"}
    for n in range(SMALL_BURST):
        response = requests.get(f"{world['url']}/api/v1/feeds", headers=small, timeout=30)
        assert response.status_code == 200, (n, response.text)
        assert response.headers["X-Kakehashi-Poll-Interval"] == "900"
    for url, accept in [(f"{world['url']}/api/v1/feeds", "application/json"),
                        (f"{world['url']}/api/v1/feeds/C2/export?format=rpz", "text/plain"),
                        (f"{world['url']}/api/v1/alerts/subscriptions", "application/json"),
                        (f"{world['url']}/hub/collections/{world['collection']}/objects/", TAXII)]:
        limited = requests.get(url, headers={**small, "Accept": accept}, timeout=30)
        assert limited.status_code == 429, (url, limited.status_code)
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["http_status"] == "429" or limited.json().get("title"), limited.text
    assert "application/taxii+json" in limited.headers["Content-Type"]
    # The small member's other credential (its password) has a bucket of its own; a large member's token is not limited.
    assert requests.get(f"{world['url']}/api/v1/feeds", auth=world["users"]["小規模S社"], timeout=30).status_code == 200
    for n in range(3 * SMALL_BURST):
        response = requests.get(f"{world['url']}/api/v1/feeds", headers=large, timeout=30)
        assert response.status_code == 200, (n, response.text)
    # A wrong token is refused as before, and does not count against anyone.
    assert requests.get(f"{world['url']}/api/v1/feeds", headers={"Authorization": "Bearer nope"}, timeout=30).status_code == 401


def test_a_small_member_receives_the_reduced_feed(world):
    post_and_release(world, [indicator(2, f"[domain-name:value = '{DOMAIN}']", 80, now_text()),
                             indicator(3, f"[domain-name:value = '{DOUBTFUL}']", 50, now_text())])
    notes = f"{world['url']}/hub/collections/{feed_id(world['data'], 'Notes')}/objects/"
    post_and_release(world, [indicator(4, "[domain-name:value = 'background-kakehashi.net']", 95, now_text())], notes)
    time.sleep(0.6)
    small = export(world, "小規模S社", "plain", type="domain")
    assert small.status_code == 200 and small.headers["X-Kakehashi-Reduced-Feed"] == "true"
    assert DOMAIN in small.text and DOUBTFUL not in small.text
    medium = export(world, "電力B社", "plain", type="domain")
    assert DOMAIN in medium.text and DOUBTFUL in medium.text and "X-Kakehashi-Reduced-Feed" not in medium.headers
    # An info feed is not on the reduced feed at all; the others get it whole.
    assert "background-kakehashi.net" not in export(world, "小規模S社", "plain", type="domain", feed="Notes").text
    assert "background-kakehashi.net" in export(world, "大手L社", "plain", type="domain", feed="Notes").text
    # The CLI's view of the small member is the same reduced feed.
    cli = kakehashi(world["data"], "export", "--feed", "C2", "--format", "plain", "--type", "domain",
                    "--as", world["users"]["小規模S社"][0]).stdout
    assert DOMAIN in cli and DOUBTFUL not in cli
    # GET /api/v1/feeds: tier, severity, and which feeds are reduced.
    listing = requests.get(f"{world['url']}/api/v1/feeds", auth=world["users"]["小規模S社"], timeout=30).json()
    assert listing["tier"] == "small" and listing["poll_interval_seconds"] == 900
    by_name = {feed["name"]: feed for feed in listing["feeds"]}
    assert by_name["C2"]["severity"] == "urgent" and by_name["C2"]["reduced"] is True
    assert by_name["Notes"]["severity"] == "info" and by_name["Notes"]["reduced"] is False


def test_the_new_paths_show_an_outsider_nothing(world):
    post_and_release(world, [indicator(2, f"[domain-name:value = '{DOMAIN}']", 80, now_text())])
    time.sleep(0.6)
    outsider = ("x@outsider.example.jp", PASSWORD)
    listing = requests.get(f"{world['url']}/api/v1/feeds", auth=outsider, timeout=30)
    assert listing.status_code == 200 and listing.json()["feeds"] == [] and listing.json()["tier"] == "small"
    exported = requests.get(f"{world['url']}/api/v1/feeds/C2/export", params={"format": "plain", "type": "domain"},
                            auth=outsider, timeout=30)
    assert exported.status_code == 404 and DOMAIN not in exported.text
    assert requests.get(f"{world['url']}/api/v1/feeds", timeout=30).status_code == 401
    # The provider itself is not in the small tier: its own feed list is whole.
    names = {f["name"] for f in requests.get(f"{world['url']}/api/v1/feeds", auth=world["users"]["電力A社"],
                                             timeout=30).json()["feeds"]}
    assert names == {"C2", "Notes"}


def test_severity_shows_in_taxii_and_is_set_by_the_operator(world):
    collections = requests.get(f"{world['url']}/hub/collections/", auth=world["users"]["電力B社"],
                               headers={"Accept": TAXII}, timeout=30).json()["collections"]
    assert {c["alias"]: c["x_kakehashi_severity"] for c in collections} == {"C2": "urgent", "Notes": "info"}
    assert "now important" in kakehashi(world["data"], "admin", "feed", "set-severity", "Notes", "important").stdout
    refused = kakehashi(world["data"], "admin", "feed", "set-severity", "Notes", "critical", check=False)
    assert refused.returncode != 0 and "nothing was changed" in refused.stderr
    collections = requests.get(f"{world['url']}/hub/collections/", auth=world["users"]["電力B社"],
                               headers={"Accept": TAXII}, timeout=30).json()["collections"]
    assert {c["alias"]: c["x_kakehashi_severity"] for c in collections}["Notes"] == "important"
    bad_tier = kakehashi(world["data"], "admin", "org", "set-tier", "電力B社", "huge", check=False)
    assert bad_tier.returncode != 0 and "nothing was changed" in bad_tier.stderr
    bad_decay = kakehashi(world["data"], "admin", "feed", "set-decay", "C2", "--class", "ip", "--speed", "0", check=False)
    assert bad_decay.returncode != 0 and "nothing was changed" in bad_decay.stderr
