"""Issue 14, metrics (seed 001), through the real binary on SQLite or PostgreSQL: three organisations
submit overlapping indicators; a fourth receives two of them through a release and later submits them
itself. `kakehashi metrics coverage|lead-time|daily --json|--csv` and `GET /api/v1/metrics/…` show the
overlap and the lead times in the right order; members, read-only users and clients see only their own
organisation, never another's names or values; no credentials, 401; /metrics carries the gauges."""
import csv
import io
import json
import os
import re
import tempfile
import time
import uuid

import pytest
import requests

from conftest import feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
NOW = "2026-11-01T09:00:00.000Z"
PASSWORD = "metrics-pw-1"
RIR = os.path.join(os.path.dirname(__file__), "..", "SharingMetricsTests", "Fixtures", "rir")

ORGANISATIONS = [
    ("A", "電力A社", "電力", "soc@denryoku-a.example.jp"),
    ("B", "電力B社", "電力", "soc@denryoku-b.example.jp"),
    ("C", "Gas C", "ガス", "soc@gas-c.example.jp"),
    ("D", "Chem D", "化学", "soc@chem-d.example.jp"),
    ("E", "Client E", "電力", "soc@client-e.example.jp"),
]
SECRETS = ["電力A社", "電力B社", "Chem D", "192.0.2.10", "c2.shared.example", "denryoku"]


def indicator(value_type, value):
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": NOW,
            "modified": NOW, "name": "C2 server", "pattern": f"[{value_type}:value = '{value}']",
            "pattern_type": "stix", "valid_from": NOW, "object_marking_refs": [GREEN]}


@pytest.fixture(scope="module")
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-metrics-") as data:
        # k = 5: no value here is corroborated (released to everyone), so what a member sees is only what it was given.
        kakehashi(data, "init", "--corroboration-k", "5")
        kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers")
        users = {}
        for key, name, sector, email in ORGANISATIONS:
            kakehashi(data, "admin", "org", "add", "--name", name, "--sector", sector, "--size", "large")
            kakehashi(data, "admin", "grant", "--feed", "C2", "--org", name, "--read", "--write")
            kakehashi(data, "admin", "user", "add", "--org", name, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = (email, PASSWORD)
        kakehashi(data, "admin", "org", "client", "--org", "電力A社", "--client", "Client E")
        for key, email, role in [("C-ro", "ro@gas-c.example.jp", "read-only")]:
            kakehashi(data, "admin", "user", "add", "--org", "Gas C", "--email", email, "--role", role,
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = (email, PASSWORD)
        kakehashi(data, "admin", "user", "add", "--org", "Kakehashi Hub", "--email", "analyst@hub.example.jp",
                  "--role", "hub-analyst", "--password-stdin", stdin=PASSWORD + "\n")
        users["analyst"] = ("analyst@hub.example.jp", PASSWORD)
        collection = feed_id(data, "C2")
        with serving(data, "--rir-dir", RIR) as url:
            objects = f"{url}/hub/collections/{collection}/objects/"

            def post(user, values):
                body = json.dumps({"objects": [indicator(t, v) for t, v in values]}).encode()
                response = requests.post(objects, data=body, auth=users[user],
                                         headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=30)
                assert response.status_code == 202 and response.json()["failure_count"] == 0, response.text
                return response.json()["id"]

            first = post("A", [("ipv4-addr", "192.0.2.10"), ("domain-name", "c2.shared.example"),
                               ("ipv4-addr", "203.0.113.5"), ("ipv4-addr", "198.51.100.20")])
            post("B", [("ipv4-addr", "192.0.2.10"), ("domain-name", "c2.shared.example")])
            post("C", [("ipv4-addr", "192.0.2.10"), ("url", "http://only-c.example/p")])
            released = requests.post(f"{url}/api/v1/submissions/{first}/release", json={"organizations": ["Chem D"]},
                                     auth=users["A"], timeout=30)
            assert released.status_code == 201, released.text
            read = requests.get(objects, auth=users["D"], headers={"Accept": TAXII}, timeout=30)
            assert read.status_code == 200 and len(read.json().get("objects", [])) >= 4, read.text
            time.sleep(1.5)  # the ledger writes the delivery; then D holds one value itself, later another
            post("D", [("ipv4-addr", "203.0.113.5")])
            time.sleep(2.0)
            post("D", [("ipv4-addr", "198.51.100.20"), ("ipv4-addr", "203.0.113.77")])
            yield {"data": data, "url": url, "users": users}


def cli(world, *args):
    return kakehashi(world["data"], "metrics", *args, "--rir-dir", RIR)


def api(world, metric, user=None, **params):
    auth = world["users"][user] if user else None
    return requests.get(f"{world['url']}/api/v1/metrics/{metric}", params=params, auth=auth, timeout=30)


def test_coverage_shows_the_overlap_matrix_with_names_to_the_operator(world):
    report = json.loads(cli(world, "coverage", "--json").stdout)
    rows = {row["organization"]: row for row in report["organizations"]}
    a = rows["電力A社"]
    assert a["indicators"] == 4 and a["held_by_others"] == 4
    shared = {peer["organization"]: peer["shared"] for peer in a["overlap"]}
    assert shared["電力B社"] == 2 and shared["Gas C"] == 1 and shared["Chem D"] == 2
    assert {s["sector"]: s["shared"] for s in a["by_sector"]}["電力"] == 2
    names = report["matrix"]["organizations"]
    assert report["matrix"]["shared"][names.index("電力A社")][names.index("電力B社")] == 2
    assert report["matrix"]["shared"][names.index("Gas C")][names.index("Gas C")] == 2


def test_coverage_csv_parses_with_its_header(world):
    text = cli(world, "coverage", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == ["organization", "sector", "indicators", "other_organization", "other_sector",
                                    "shared", "share"]
    pair = [r for r in rows if r["organization"] == "電力A社" and r["other_organization"] == "電力B社"]
    assert len(pair) == 1 and pair[0]["shared"] == "2" and abs(float(pair[0]["share"]) - 0.5) < 1e-6


def test_lead_time_shows_the_released_values_in_the_order_they_were_held(world):
    report = json.loads(cli(world, "lead-time", "--json").stdout)
    entries = {e["observable"]: e for e in report["entries"] if e["organization"] == "Chem D"}
    assert set(entries) == {"ipv4-addr:203.0.113.5", "ipv4-addr:198.51.100.20"}, report["entries"]
    early, late = entries["ipv4-addr:203.0.113.5"]["lead_seconds"], entries["ipv4-addr:198.51.100.20"]["lead_seconds"]
    assert 0.5 < early < late and late - early > 1.5, (early, late)
    summary = next(o for o in report["organizations"] if o["organization"] == "Chem D")
    assert summary["indicators"] == 3 and summary["delivered_first"] == 2
    assert summary["histogram"]["<1h"] == 2 and summary["p90_seconds"] == late
    rows = list(csv.DictReader(io.StringIO(cli(world, "lead-time", "--csv").stdout)))
    assert [r["observable"] for r in rows if r["organization"] == "Chem D"] == ["ipv4-addr:203.0.113.5",
                                                                              "ipv4-addr:198.51.100.20"]
    # Nobody else was given anything before holding it.
    assert {e["organization"] for e in report["entries"]} == {"Chem D"}


def test_daily_counts_new_c2_indicators_by_country(world):
    rows = list(csv.DictReader(io.StringIO(cli(world, "daily", "--csv", "--feed", "C2").stdout)))
    assert list(rows[0].keys()) == ["day", "class", "feed", "sector", "country", "count"]
    by = {(r["sector"], r["country"]): int(r["count"]) for r in rows}
    assert {r["class"] for r in rows} == {"c2"}
    # A first: 192.0.2.10 (JP), 203.0.113.5 (NL), 198.51.100.20 (US), the domain (no country); C: the URL; D: 203.0.113.77.
    assert by[("電力", "JP")] == 1 and by[("電力", "NL")] == 1 and by[("電力", "US")] == 1 and by[("電力", "")] == 1
    assert by[("ガス", "")] == 1 and by[("化学", "NL")] == 1
    assert sum(by.values()) == 6
    assert json.loads(cli(world, "daily", "--json", "--from", "2000-01-01", "--to", "2000-01-02").stdout)["rows"] == []


def test_a_member_sees_only_its_own_coverage_and_no_one_elses_names_or_values(world):
    # C holds 192.0.2.10 like A and B, but the hub never gave it to C: the metric shows no overlap (no probe).
    for source in [json.loads(cli(world, "coverage", "--json", "--as", "soc@gas-c.example.jp").stdout),
                   api(world, "coverage", "C").json(), api(world, "coverage", "C-ro").json()]:
        assert [row["organization"] for row in source["organizations"]] == ["Gas C"]
        assert source["organizations"][0]["held_by_others"] == 0 and "matrix" not in source
        text = json.dumps(source, ensure_ascii=False)
        assert not any(secret in text for secret in SECRETS), text
    # D was given two of A's values: they show, A as a pseudonym.
    d = api(world, "coverage", "D").json()["organizations"][0]
    assert d["held_by_others"] == 2 and [p["organization"] for p in d["overlap"]] == ["peer-1"]
    assert "電力A社" not in json.dumps(d, ensure_ascii=False)
    # A client sees itself only.
    e = api(world, "coverage", "E").json()
    assert [row["organization"] for row in e["organizations"]] == ["Client E"]
    for metric in ["lead-time", "daily"]:
        for user in ["C", "C-ro", "E"]:
            response = api(world, metric, user)
            assert response.status_code == 200
            text = response.text
            assert "Chem D" not in text and "203.0.113.5" not in text and "電力A社" not in text, (metric, user, text)


def test_the_api_answers_staff_with_names_and_refuses_without_credentials(world):
    staff = api(world, "coverage", "analyst").json()
    assert "電力A社" in [row["organization"] for row in staff["organizations"]]
    lead = api(world, "lead-time", "analyst", format="csv")
    assert lead.status_code == 200 and lead.headers["Content-Type"].startswith("text/csv")
    assert lead.text.startswith("organization,sector,observable,feed,how,delivered_at,held_at,lead_seconds")
    for metric in ["coverage", "lead-time", "daily"]:
        assert api(world, metric).status_code == 401
        wrong = requests.get(f"{world['url']}/api/v1/metrics/{metric}", auth=("soc@gas-c.example.jp", "wrong"), timeout=30)
        assert wrong.status_code == 401
    assert api(world, "daily", "C", **{"from": "yesterday"}).status_code == 400
    assert api(world, "daily", "C", feed="NO-SUCH-FEED").status_code == 404
    assert api(world, "daily", "C", format="xml").status_code == 400


def test_prometheus_gauges_for_operations(world):
    text = requests.get(f"{world['url']}/metrics", auth=world["users"]["analyst"], timeout=30).text
    submissions = re.search(r"^kakehashi_submissions (\d+)", text, re.M)
    assert submissions and int(submissions.group(1)) >= 5, text
    assert 'kakehashi_observables{type="ipv4-addr"}' in text
    assert "kakehashi_deliveries" in text and "kakehashi_corroborated_observables" in text
    assert requests.get(f"{world['url']}/metrics", auth=world["users"]["C"], timeout=30).status_code == 403
