"""Issue 14's "done when", as one story through the real binary (SQLite, or PostgreSQL with
KAKEHASHI_TEST_BACKEND=postgres): attack e-mails of one campaign submitted by three organisations in two
sectors are linked on arrival (correlations) and clustered into one candidate; an analyst confirms and
releases it; a fourth organisation receives the anonymised campaign and its indicators by TAXII;
sightings from two members show as counts to a third; the metrics show the overlap among the three
reporters and the fourth organisation's lead time when it later reports the same attachment itself.
The parts are tested one by one in test_correlations, test_campaigns, test_sightings and test_metrics;
this test checks that they hold together on one hub."""
import hashlib
import json
import time

import requests

from conftest import kakehashi
from test_campaigns import ANALYST, PAYLOAD, campaigns, read_campaign_feed, submit_api, submit_cli, world  # noqa: F401

SHA256 = hashlib.sha256(PAYLOAD).hexdigest()


def test_one_campaign_story_from_arrival_to_metrics(world):
    s1 = submit_cli(world, "A", "電力A社")
    s2 = submit_cli(world, "B", "電力B社")
    s3 = submit_api(world, "C", "Gas C")

    # Linked on arrival: the analyst sees the other two reports with the values they share.
    view = json.loads(kakehashi(world["data"], "correlations", s3, "--json").stdout)
    links = {link["submission"]: link for link in view["links"]}
    assert set(links) == {s1, s2}, view
    for link in links.values():
        values = {value["value"] for value in link["shared"]}
        assert SHA256 in values, link["shared"]
    # The provider of s3 learns only how many reports and organisations match, not which.
    provider = requests.get(f"{world['url']}/api/v1/submissions/{s3}/correlations", auth=world["users"]["C"], timeout=30)
    assert provider.status_code == 200, provider.text
    assert provider.json()["matches"] == {"reports": 2, "organizations": 2}
    assert "電力" not in provider.text and s1 not in provider.text
    # D reported nothing and may not look at C's report at all.
    assert requests.get(f"{world['url']}/api/v1/submissions/{s3}/correlations", auth=world["users"]["D"],
                        timeout=30).status_code == 404

    # One candidate; the analyst confirms and releases it to the trust group.
    [candidate] = campaigns(world, "--candidates")
    assert sorted(candidate["submissions"]) == sorted([s1, s2, s3])
    confirmed = json.loads(kakehashi(world["data"], "campaigns", "confirm", candidate["id"], "--name", "Operation Kiji",
                                     "--as", ANALYST[0]).stdout)
    kakehashi(world["data"], "campaigns", "release", confirmed["id"], "--feed", "CAMPAIGNS", "--to-group", "ISAC",
              "--as", ANALYST[0])

    # The fourth organisation reads the campaign and its indicators by TAXII.
    _, objects = read_campaign_feed(world, "D")
    assert [o["name"] for o in objects if o["type"] == "campaign"] == ["Operation Kiji"]
    [hash_indicator] = [o for o in objects if o["type"] == "indicator" and SHA256 in o["pattern"]]
    text = json.dumps(objects, ensure_ascii=False)
    assert "電力A社" not in text and "Gas C" not in text and "soc@" not in text

    # Sightings from two members (two sectors) show as counts to a third; the reporters stay unnamed.
    for key in ["A", "C"]:
        response = requests.post(f"{world['url']}/api/v1/sightings", auth=world["users"][key], timeout=30,
                                 json={"indicator": hash_indicator["id"], "kind": "seen", "count": 3})
        assert response.status_code == 201, response.text
    counts = requests.get(f"{world['url']}/api/v1/indicators/{hash_indicator['id']}/sightings",
                          auth=world["users"]["D"], timeout=30)
    assert counts.status_code == 200, counts.text
    [seen] = [k for k in counts.json()["kinds"] if k["kind"] == "seen"]
    assert (seen["organizations"], seen["sectors"], seen["count"], seen["named"]) == (2, 2, 6, [])
    assert "電力" not in counts.text and "Gas C" not in counts.text
    # An organisation outside the group learns nothing about the indicator.
    assert requests.get(f"{world['url']}/api/v1/indicators/{hash_indicator['id']}/sightings",
                        auth=world["users"]["E"], timeout=30).status_code == 404

    # D later receives the same attachment itself and reports it: the hub had delivered it first.
    time.sleep(1.5)  # the delivery ledger records D's read
    submit_api(world, "D", "Chem D")
    coverage = json.loads(kakehashi(world["data"], "metrics", "coverage", "--json").stdout)
    rows = {row["organization"]: row for row in coverage["organizations"]}
    overlap = {peer["organization"]: peer["shared"] for peer in rows["電力A社"]["overlap"]}
    assert overlap["電力B社"] >= 1 and overlap["Gas C"] >= 1, rows["電力A社"]
    lead = json.loads(kakehashi(world["data"], "metrics", "lead-time", "--json").stdout)
    mine = [e for e in lead["entries"] if e["organization"] == "Chem D" and SHA256 in e["observable"]]
    assert mine and all(e["lead_seconds"] > 0 for e in mine), lead["entries"]
