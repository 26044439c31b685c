"""Issue 12 items 1 and 6, through the real binary: k-corroboration is no oracle and launders no held
data (values marked RED or AMBER+STRICT, inside members' domains, registered or victim identifiers
never count; k = 3 organisations from 2 sectors by default; a value received from the hub does not
count again; probers are flagged to the operator), and `kakehashi submit` applies standing consent
and corroboration exactly as a TAXII post does."""
import json
import os
import tempfile
import time
import uuid

import pytest
import requests

from conftest import database_rows, feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
AMBER_STRICT = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
NOW = "2026-11-01T09:00:00.000Z"
PASSWORD = "corroboration-pw-1"

# Organisation, sector, the domain of its users' addresses.
ORGANISATIONS = [
    ("A", "電力A社", "電力", "denryoku-a.example.jp"),
    ("B", "電力B社", "電力", "denryoku-b.example.jp"),
    ("C", "Gas C", "ガス", "gas-c.example.jp"),
    ("D", "Chem D", "化学", "chem-d.example.jp"),
    ("E", "電力E社", "電力", "denryoku-e.example.jp"),
    ("F", "電力F社", "電力", "denryoku-f.example.jp"),
    ("G", "Oil G", "石油", "oil-g.example.jp"),
]
# The bare indicator a corroboration may carry: nothing beyond the observable.
BARE = {"type", "spec_version", "id", "created", "modified", "pattern", "pattern_type", "valid_from",
        "created_by_ref", "object_marking_refs"}


def build(data, *init_options):
    kakehashi(data, "init", *init_options)
    kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
    users = {}
    for key, name, sector, domain in ORGANISATIONS:
        kakehashi(data, "admin", "org", "add", "--name", name, "--sector", sector, "--size", "large")
        kakehashi(data, "admin", "grant", "--feed", "Default", "--org", name, "--read", "--write")
        email = f"soc@{domain}"
        kakehashi(data, "admin", "user", "add", "--org", name, "--email", email, "--role", "member",
                  "--password-stdin", stdin=PASSWORD + "\n")
        users[key] = (email, PASSWORD)
    kakehashi(data, "admin", "org", "identifier", "add", "--org", "電力A社", "--kind", "domain",
              "--value", "denryoku-a.example.jp")
    kakehashi(data, "admin", "user", "add", "--org", "Gas C", "--email", "admin@gas-c.example.jp",
              "--role", "org-admin", "--password-stdin", stdin=PASSWORD + "\n")
    users["C-admin"] = ("admin@gas-c.example.jp", PASSWORD)
    return users


@pytest.fixture
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-corroboration-") as data:
        users = build(data)
        collection = feed_id(data, "Default")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users,
                   "objects": f"{url}/hub/collections/{collection}/objects/"}


def indicator(value_type, value, marking=GREEN):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": NOW,
            "modified": NOW, "name": "seen here", "pattern": f"[{value_type}:value = '{value}']",
            "pattern_type": "stix", "valid_from": NOW, "object_marking_refs": [marking]}


def post(world, user, objects):
    body = json.dumps({"objects": objects}, ensure_ascii=False).encode()
    response = requests.post(world["objects"], data=body, auth=world["users"][user],
                             headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
    assert response.status_code == 202 and response.json()["failure_count"] == 0, response.text
    return response.json()


def report(world, user, value_type, value, marking=GREEN):
    return post(world, user, [indicator(value_type, value, marking)])


def corroborated(world, user="B"):
    """The patterns of the corroborated indicators the member reads, and the indicators."""
    listed = kakehashi(world["data"], "admin", "feed", "list").stdout
    if "CORROBORATED" not in listed:
        return {}
    collection = feed_id(world["data"], "CORROBORATED")
    response = requests.get(f"{world['url']}/hub/collections/{collection}/objects/", auth=world["users"][user],
                            headers={"Accept": TAXII}, timeout=30)
    assert response.status_code == 200, response.text
    return {o["pattern"]: o for o in response.json().get("objects", [])}


def pattern(value_type, value):
    return f"[{value_type}:value = '{value}']"


def submit_text(world, user, text, tlp):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(text)
    try:
        return kakehashi(world["data"], "submit", "text", handle.name, "--as", world["users"][user][0],
                         "--feed", "Default", "--tlp", tlp).stdout.strip()
    finally:
        os.unlink(handle.name)


def seen_by(world, user):
    response = requests.get(world["objects"], auth=world["users"][user], headers={"Accept": TAXII}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json().get("objects", [])


# MARK: - Item 1: the attack


def test_held_values_of_one_member_are_never_laundered_and_the_prober_is_flagged(world):
    red_ip, red_mail, strict_host = "185.220.101.47", "keiri@denryoku-a.example.jp", "vpn.denryoku-a.example.jp"
    # A holds them, never released.
    post(world, "A", [indicator("ipv4-addr", red_ip, RED), indicator("email-addr", red_mail, RED),
                      indicator("domain-name", strict_host, AMBER_STRICT)])
    # Unrelated organisations of four sectors post exactly those values, as GREEN.
    for user in ["C", "D", "G", "E"]:
        post(world, user, [indicator("ipv4-addr", red_ip), indicator("email-addr", red_mail),
                           indicator("domain-name", strict_host)])
    for user in ["A", "B", "C", "D", "E", "F", "G"]:
        patterns = corroborated(world, user)
        for held in [pattern("ipv4-addr", red_ip), pattern("email-addr", red_mail), pattern("domain-name", strict_host)]:
            assert held not in patterns, f"{user} reads a corroborated indicator for A's held {held}"
    for user in ["B", "F"]:  # posted nothing of it: nothing of A's reached them any other way either
        text = json.dumps(seen_by(world, user))
        assert red_ip not in text and red_mail not in text and strict_host not in text

    # The operator sees who probed: each poster matched 3 values others hold; an ordinary member is not listed.
    probes = kakehashi(world["data"], "admin", "corroboration", "probes").stdout.splitlines()
    rows = {line.split("\t")[1]: line.split("\t") for line in probes}
    assert rows["Gas C"][0] == "probing" and rows["Gas C"][2] == "3", probes
    assert {"Gas C", "Chem D", "Oil G", "電力E社"} <= set(rows) and "電力B社" not in rows and "電力A社" not in rows
    each = kakehashi(world["data"], "admin", "corroboration", "probes", "--each").stdout
    assert red_ip in each and red_mail in each and strict_host in each
    actions = [row[0] for row in database_rows(world["data"],
                                               "SELECT action FROM audit_entry WHERE action = 'corroboration-probe'")]
    assert len(actions) == 4


def test_values_inside_a_members_domain_never_count_even_unmarked(world):
    # Nobody marked these; they are inside A's registered domain and A's users' domain.
    host, mail = "files.denryoku-a.example.jp", "president@denryoku-a.example.jp"
    for user in ["C", "D", "G", "B"]:
        post(world, user, [indicator("domain-name", host), indicator("email-addr", mail)])
    patterns = corroborated(world)
    assert pattern("domain-name", host) not in patterns and pattern("email-addr", mail) not in patterns


# MARK: - Item 1: k = 3 organisations from 2 sectors, independent reports only


def test_three_organisations_of_two_sectors_corroborate_and_nothing_but_the_observable_is_shared(world):
    value = "45.77.10.11"
    report(world, "B", "ipv4-addr", value)
    report(world, "F", "ipv4-addr", value)
    assert pattern("ipv4-addr", value) not in corroborated(world, "D")
    report(world, "C", "ipv4-addr", value)
    readable = corroborated(world, "D")
    assert pattern("ipv4-addr", value) in readable
    shared = readable[pattern("ipv4-addr", value)]
    assert set(shared) <= BARE, f"more than the bare observable: {set(shared) - BARE}"
    assert shared["object_marking_refs"] == [GREEN]


def test_three_organisations_of_one_sector_do_not_corroborate(world):
    value = "45.77.10.12"
    for user in ["B", "E", "F"]:
        report(world, user, "ipv4-addr", value)
    assert pattern("ipv4-addr", value) not in corroborated(world)


def test_two_organisations_do_not_corroborate(world):
    value = "45.77.10.13"
    for user in ["C", "D"]:
        report(world, user, "ipv4-addr", value)
    assert pattern("ipv4-addr", value) not in corroborated(world)


def test_a_value_received_from_the_hub_does_not_count(world):
    value = "45.77.10.14"
    posted = report(world, "C", "ipv4-addr", value)
    released = requests.post(f"{world['url']}/api/v1/submissions/{posted['id']}/release", json={"all_members": True},
                             auth=world["users"]["C"], timeout=30)
    assert released.status_code == 201, released.text
    assert value in json.dumps(seen_by(world, "D"))
    time.sleep(0.5)  # the read is recorded by group commit (20 ms)
    report(world, "D", "ipv4-addr", value)  # received it: not independent
    report(world, "G", "ipv4-addr", value)
    # C (ガス), D (化学), G (石油) would be 3 of 3 sectors; D's report does not count.
    assert pattern("ipv4-addr", value) not in corroborated(world)
    report(world, "F", "ipv4-addr", value)
    assert pattern("ipv4-addr", value) in corroborated(world)


def test_k_and_sectors_are_configured_once_for_the_hub(tmp_path):
    data = str(tmp_path / "hub")
    users = build(data, "--corroboration-k", "2", "--corroboration-sectors", "1")
    collection = feed_id(data, "Default")
    with serving(data) as url:
        world = {"data": data, "url": url, "users": users, "objects": f"{url}/hub/collections/{collection}/objects/"}
        report(world, "B", "ipv4-addr", "45.77.10.15")
        report(world, "E", "ipv4-addr", "45.77.10.15")
        assert pattern("ipv4-addr", "45.77.10.15") in corroborated(world)
    refused = kakehashi(data, "init", "--corroboration-k", "1", check=False)
    assert refused.returncode != 0 and "at least 2" in refused.stderr


def test_indicators_released_under_looser_rules_are_withdrawn_when_serve_starts_under_stricter_ones(tmp_path):
    """A hub that ran k = 2 from one sector: what the current rule would not release (two
    organisations of one sector; a value inside a member's domain) is withdrawn at `serve` start, as a
    revoked release: gone from members' reads except a last version, expired, for those which received it,
    the deliveries kept, a revoke audit entry each."""
    data = str(tmp_path / "hub")
    users = build(data, "--corroboration-k", "2", "--corroboration-sectors", "1")
    collection = feed_id(data, "Default")
    with serving(data) as url:
        world = {"data": data, "url": url, "users": users, "objects": f"{url}/hub/collections/{collection}/objects/"}
        report(world, "B", "ipv4-addr", "45.77.10.16")
        report(world, "E", "ipv4-addr", "45.77.10.16")
        for user in ["C", "D", "G"]:
            report(world, user, "ipv4-addr", "45.77.99.16")
        read = corroborated(world, "G")
        assert {pattern("ipv4-addr", "45.77.10.16"), pattern("ipv4-addr", "45.77.99.16")} <= set(read), read
    withdrawn_id = read[pattern("ipv4-addr", "45.77.10.16")]["id"]
    # The operator raises the rule to k = 3 from 2 sectors.
    with serving(data, "--corroboration-k", "3", "--corroboration-sectors", "2") as url:
        world = {"data": data, "url": url, "users": users, "objects": f"{url}/hub/collections/{collection}/objects/"}
        assert set(corroborated(world, "B")) == {pattern("ipv4-addr", "45.77.99.16")}
        # G had read the withdrawn indicator: it reads its last version, expired (valid_until), so its
        # TAXII client and devices drop it; B never had it and reads nothing of it.
        seen = corroborated(world, "G")
        assert set(seen) == {pattern("ipv4-addr", "45.77.99.16"), pattern("ipv4-addr", "45.77.10.16")}
        notice = seen[pattern("ipv4-addr", "45.77.10.16")]
        assert notice["id"] == withdrawn_id and "revoked" not in notice
        assert notice["valid_until"] <= time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 1))
        for user, status in [("G", 200), ("B", 404)]:
            single = requests.get(f"{url}/hub/collections/{feed_id(data, 'CORROBORATED')}/objects/{withdrawn_id}/",
                                  auth=users[user], headers={"Accept": TAXII}, timeout=30)
            assert single.status_code == status, single.text
    revokes = [json.loads(row[0]) for row in database_rows(
        data, "SELECT details FROM audit_entry WHERE action = 'revoke' AND subject = ?", withdrawn_id)]
    delivered = {row[0] for row in database_rows(data, "SELECT stix_id FROM delivery")}
    assert len(revokes) == 1 and revokes[0]["observable"] == "ipv4-addr:45.77.10.16", revokes
    assert withdrawn_id in delivered, "the audit of reads no longer says who had the withdrawn indicator"
    assert kakehashi(data, "audit", "verify").returncode == 0


# MARK: - Item 6: `kakehashi submit` goes through the same intake


def test_cli_submit_applies_standing_consent_like_a_taxii_post(world):
    rules = {"rules": [{"max_tlp": "green", "content": "technical", "scope": {"all_members": True}, "anonymize": False}]}
    put = requests.put(f"{world['url']}/api/v1/standing-consent", json=rules, auth=world["users"]["C-admin"], timeout=30)
    assert put.status_code in (200, 204), put.text
    # Within the rule: released at once, as a TAXII post by C would be.
    submit_text(world, "C-admin", "C2 server seen at 91.203.5.7 on port 443.", "green")
    assert "91.203.5.7" in json.dumps(seen_by(world, "D"))
    # Beyond it (AMBER): held, as a TAXII post would be.
    submit_text(world, "C-admin", "C2 server seen at 91.203.5.8 on port 443.", "amber")
    assert "91.203.5.8" not in json.dumps(seen_by(world, "D"))


def test_cli_submit_counts_for_corroboration_like_a_taxii_post(world):
    value, red_value = "91.203.5.9", "91.203.5.10"
    for v in [value, red_value]:
        report(world, "B", "ipv4-addr", v)
        report(world, "C", "ipv4-addr", v)
    assert pattern("ipv4-addr", value) not in corroborated(world)
    # The third report comes by the CLI: it completes the count ...
    submit_text(world, "F", f"C2 server seen at {value} on port 443.", "green")
    assert pattern("ipv4-addr", value) in corroborated(world)
    # ... unless marked RED, which holds the value back for good, as on TAXII.
    submit_text(world, "F", f"C2 server seen at {red_value} on port 443.", "red")
    report(world, "G", "ipv4-addr", red_value)
    assert pattern("ipv4-addr", red_value) not in corroborated(world)
