"""Issue 14, correlation on arrival, through the real binary: three organisations hand over attack
e-mails and indicators sharing values (by `kakehashi submit`, the JSON API and TAXII); the analyst
sees each link with the shared values (`kakehashi correlations ID --json` and
GET /api/v1/submissions/{id}/correlations); the provider sees counts only; another organisation,
its read-only user, a client of the provider and a request without credentials learn nothing; a
public resolver and a free-mail domain are reported as excluded and link nothing; a revoked
indicator's values stop correlating."""
import json
import os
import tempfile
import uuid

import pytest
import requests

from conftest import feed_id, kakehashi, serving

TAXII = "application/taxii+json;version=2.1"
NOW = "2026-11-03T09:00:00.000Z"
PASSWORD = "correlation-pw-1"
# Sending infrastructure the three attacks share (public addresses and names of our own).
C2_HOST = "kq7-delivery-portal.net"
REPLY_TO = "billing-desk@kq7-invoice.net"
MAILER = "Foxmail 7.2.25.375"
HOP = "45.77.231.14"

ORGANISATIONS = [
    ("A", "北斗電力", "電力", "hokuto-denryoku.example.jp"),
    ("B", "南海ガス", "ガス", "nankai-gas.example.jp"),
    ("C", "東西銀行", "金融", "tozai-bank.example.jp"),
    ("D", "西方化学", "化学", "saiho-kagaku.example.jp"),
    ("Z", "Client Z", "電力", "client-z.example.jp"),
]


def attack_mail(victim, sender, number):
    """An attack e-mail as the victim received it (a public sending hop, Reply-To, X-Mailer, a link)."""
    lines = [
        f"Received: from mx1.{victim} (mx1.{victim} [10.20.1.5]) by mbox.{victim}; Tue, 3 Nov 2026 10:02:11 +0900",
        f"Received: from mail.kq7-relay.net (mail.kq7-relay.net [{HOP}]) by mx1.{victim} with ESMTP for "
        f"<keiri@{victim}>; Tue, 3 Nov 2026 10:02:09 +0900",
        f"From: Invoice Center <{sender}>",
        f"To: keiri@{victim}",
        f"Reply-To: {REPLY_TO}",
        f"X-Mailer: {MAILER}",
        f"Subject: Invoice {number} overdue",
        "Date: Tue, 3 Nov 2026 10:02:00 +0900",
        f"Message-ID: <{number}.{uuid.uuid4().hex[:8]}@mail.kq7-relay.net>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        f"Please settle invoice {number} at hxxps://{C2_HOST}/pay/{number} today.",
        "",
    ]
    return "\r\n".join(lines).encode()


def indicator(pattern, id_=None, modified=NOW, revoked=False):
    body = {"type": "indicator", "spec_version": "2.1", "id": id_ or f"indicator--{uuid.uuid4()}", "created": NOW,
            "modified": modified, "name": "seen here", "pattern": pattern, "pattern_type": "stix", "valid_from": NOW}
    if revoked:
        body["revoked"] = True
    return body


@pytest.fixture(scope="module")
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-correlations-") as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "feed", "add", "--name", "Default", "--title", "Default")
        users, tokens = {}, {}
        for key, name, sector, domain in ORGANISATIONS:
            kakehashi(data, "admin", "org", "add", "--name", name, "--sector", sector, "--size", "large")
            kakehashi(data, "admin", "grant", "--feed", "Default", "--org", name, "--read", "--write")
            email = f"soc@{domain}"
            kakehashi(data, "admin", "user", "add", "--org", name, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[key] = email
        kakehashi(data, "admin", "user", "add", "--org", "西方化学", "--email", "ro@saiho-kagaku.example.jp",
                  "--role", "read-only", "--password-stdin", stdin=PASSWORD + "\n")
        users["D-ro"] = "ro@saiho-kagaku.example.jp"
        kakehashi(data, "admin", "user", "add", "--org", "Kakehashi Hub", "--email", "analyst@hub.example.jp",
                  "--role", "hub-analyst", "--password-stdin", stdin=PASSWORD + "\n")
        users["analyst"] = "analyst@hub.example.jp"
        kakehashi(data, "admin", "org", "client", "--org", "北斗電力", "--client", "Client Z")
        for key, email in users.items():
            tokens[key] = kakehashi(data, "admin", "token", "add", "--email", email).stdout.strip().splitlines()[-1]
        collection = feed_id(data, "Default")

        # A and B hand over the e-mails they received (the same campaign) with the CLI.
        submissions = {}
        for key, number in (("A", "7781"), ("B", "7782")):
            path = os.path.join(data, f"attack-{key}.eml")
            with open(path, "wb") as f:
                f.write(attack_mail(ORGANISATIONS[[o[0] for o in ORGANISATIONS].index(key)][3],
                                    f"invoice.center.{number}@gmail.com", number))
            out = kakehashi(data, "submit", "email", path, "--as", users[key], "--feed", "Default").stdout
            submissions[key] = out.strip().splitlines()[-1]
        with serving(data) as url:
            world = {"data": data, "url": url, "users": users, "tokens": tokens, "submissions": submissions,
                     "objects": f"{url}/hub/collections/{collection}/objects/"}
            # C reports the C2 host (written another way), a public resolver and a value nobody shares, by TAXII.
            c_indicator = indicator(f"[domain-name:value = 'KQ7-Delivery-Portal.NET.'] OR [ipv4-addr:value = '8.8.8.8']")
            status = taxii_post(world, "C", [c_indicator, indicator("[ipv4-addr:value = '45.77.99.99']")])
            world["c_indicator"] = c_indicator
            submissions["C"] = status["id"]
            # D submits something unrelated by the JSON API (its own submission exists, links nothing).
            response = api(world, "D", "post", "submissions?feed=Default",
                           data=json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                                            "objects": [indicator("[domain-name:value = 'saiho-only.net']")]}))
            assert response.status_code == 201, response.text
            submissions["D"] = response.json()["id"]
            yield world


def taxii_post(world, user, objects):
    response = requests.post(world["objects"], data=json.dumps({"objects": objects}),
                             headers={"Accept": TAXII, "Content-Type": TAXII,
                                      "Authorization": f"Bearer {world['tokens'][user]}"}, timeout=30)
    assert response.status_code == 202 and response.json()["failure_count"] == 0, response.text
    return response.json()


def api(world, user, method, path, **kwargs):
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if user:
        headers["Authorization"] = f"Bearer {world['tokens'][user]}"
    return getattr(requests, method)(f"{world['url']}/api/v1/{path}", headers=headers, timeout=30, **kwargs)


def correlations_cli(world, submission, user=None):
    args = ["correlations", submission, "--json"] + (["--as", world["users"][user]] if user else [])
    return json.loads(kakehashi(world["data"], *args).stdout)


def shared(link):
    return {(value["kind"], value["value"]) for value in link["shared"]}


def test_analyst_sees_every_link_with_the_shared_values(world):
    a, b, c = (world["submissions"][k] for k in "ABC")
    for view in (correlations_cli(world, a), api(world, "analyst", "get", f"submissions/{a}/correlations").json()):
        assert view["view"] == "analyst" and view["submission"] == a
        links = {link["submission"]: link for link in view["links"]}
        assert set(links) == {b, c}, view
        # The e-mails share their sending infrastructure and the link's host.
        assert {("email-message:reply-to", REPLY_TO), ("email-message:x-mailer", MAILER.lower()),
                ("email-message:first-external-hop", HOP), ("email-message:message-id-domain", "mail.kq7-relay.net"),
                ("url:host", C2_HOST)} <= shared(links[b]), links[b]
        # C wrote the host defanged and in capitals: normalised, it is the same value.
        assert shared(links[c]) == {("url:host", C2_HOST)} or (("url:host", C2_HOST) in shared(links[c]))
        assert view["matches"] == {"reports": 2, "organizations": 2}
        # The free-mail domain of the senders is excluded, not silently dropped; the address is not.
        excluded = {(e["kind"], e["value"]): e["list"] for e in view["excluded"]}
        assert ("email-addr:domain", "gmail.com") in excluded and excluded[("email-addr:domain", "gmail.com")]
        assert not any(value == "gmail.com" for link in view["links"] for _, value in shared(link))


def test_excluded_value_links_nothing(world):
    c, d = world["submissions"]["C"], world["submissions"]["D"]
    view = correlations_cli(world, c)
    assert ("ipv4-addr", "8.8.8.8") in {(e["kind"], e["value"]) for e in view["excluded"]}
    assert "public DNS" in next(e["list"] for e in view["excluded"] if e["value"] == "8.8.8.8")
    assert all(("ipv4-addr", "8.8.8.8") not in shared(link) for link in view["links"])
    assert {link["submission"] for link in view["links"]} == set(world["submissions"][k] for k in "AB")
    # D shares nothing with anyone.
    alone = correlations_cli(world, d)
    assert alone["links"] == [] and alone["matches"] == {"reports": 0, "organizations": 0}


def test_provider_sees_counts_only(world):
    a = world["submissions"]["A"]
    others = [world["submissions"][k] for k in "BC"]
    for view in (api(world, "A", "get", f"submissions/{a}/correlations").json(), correlations_cli(world, a, "A")):
        assert view["view"] == "provider"
        assert view["matches"] == {"reports": 2, "organizations": 2}
        assert view["links"] == [] and view["readable"] == []
        text = json.dumps(view, ensure_ascii=False)
        for secret in others + ["南海ガス", "東西銀行"]:
            assert secret not in text
        assert "organization\":" not in text


@pytest.mark.parametrize("user", ["B", "D", "D-ro", "Z"])
def test_others_learn_nothing(world, user):
    a = world["submissions"]["A"]
    response = api(world, user, "get", f"submissions/{a}/correlations")
    assert response.status_code == 404, response.text
    missing = api(world, user, "get", "submissions/no-such-submission/correlations")
    assert missing.status_code == 404 and missing.json()["title"] == response.json()["title"]
    cli = kakehashi(world["data"], "correlations", a, "--json", "--as", world["users"][user], check=False)
    assert cli.returncode != 0 and cli.stdout == ""


def test_no_credentials(world):
    a = world["submissions"]["A"]
    assert api(world, None, "get", f"submissions/{a}/correlations").status_code == 401
    bad = requests.get(f"{world['url']}/api/v1/submissions/{a}/correlations",
                       headers={"Authorization": "Bearer not-a-token"}, timeout=30)
    assert bad.status_code == 401


def test_openapi_documents_the_route(world):
    document = requests.get(f"{world['url']}/api/v1/openapi.json", timeout=30).json()
    assert "/api/v1/submissions/{id}/correlations" in document["paths"]
    assert "Correlations" in document["components"]["schemas"]


def test_revoked_values_stop_correlating(world):
    a, c = world["submissions"]["A"], world["submissions"]["C"]
    before = correlations_cli(world, a)
    assert c in {link["submission"] for link in before["links"]}
    revocation = dict(world["c_indicator"], modified="2026-11-04T09:00:00.000Z", revoked=True)
    taxii_post(world, "C", [revocation])
    after = correlations_cli(world, a)
    assert c not in {link["submission"] for link in after["links"]}
    assert after["matches"] == {"reports": 1, "organizations": 1}
    assert correlations_cli(world, c)["indexed_values"] == 1   # only 45.77.99.99 is left of C's submission
