"""Issue 12, observations through the real binary: darknet sensor CSVs uploaded by three
organisations into one shared feed, one of them holding more than 1,000 hours that nobody else may
read. `GET /api/v1/observations` gives each reader exactly what it may read — its own hours and the
hours released to it, attributed or anonymised — and nothing held, however many held hours of
others come first in time (the 1,000-hour limit counts only what the reader may read)."""
import datetime
import tempfile

import pytest
import requests

from conftest import kakehashi, serving

PASSWORD = "observations-password-1"
HELD_HOURS = 1100


def darknet_csv(start, hours, source, port=23, count=5):
    """One row per hour from `start` (UTC), all from `source`."""
    rows = ["time,src_ip,dst_port,protocol,count"]
    for hour in range(hours):
        at = start + datetime.timedelta(hours=hour, minutes=7)
        rows.append(f"{at.strftime('%Y-%m-%dT%H:%M:%SZ')},{source},{port},tcp,{count}")
    return "\n".join(rows).encode()


@pytest.fixture
def world():
    """電力A社, 電力B社 and ガスC社 in one SIG that reads and writes the feed Sensors."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-observations-") as data:
        kakehashi(data, "init")
        users = {}
        for name, sector, email in [("電力A社", "電力", "soc@denryoku-a.example.jp"),
                                    ("電力B社", "電力", "soc@denryoku-b.example.jp"),
                                    ("ガスC社", "ガス", "soc@gas-c.example.jp")]:
            kakehashi(data, "admin", "org", "add", "--name", name, "--sector", sector)
            kakehashi(data, "admin", "user", "add", "--org", name, "--email", email, "--role", "member",
                      "--password-stdin", stdin=PASSWORD + "\n")
            users[name] = (email, PASSWORD)
        kakehashi(data, "admin", "group", "add", "--name", "センサSIG", "--org", "電力A社", "--org", "電力B社",
                  "--org", "ガスC社")
        kakehashi(data, "admin", "feed", "add", "--name", "Sensors", "--title", "Sensors")
        kakehashi(data, "admin", "grant", "--feed", "Sensors", "--group", "センサSIG", "--read", "--write")
        with serving(data) as url:
            yield {"data": data, "url": url, "users": users}


def upload(world, org, csv):
    response = requests.post(f"{world['url']}/api/v1/submissions/upload",
                             params={"feed": "Sensors", "kind": "observations", "tlp": "amber"},
                             files={"file": ("darknet.csv", csv, "text/csv")}, auth=world["users"][org], timeout=300)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def release(world, org, submission, body):
    response = requests.post(f"{world['url']}/api/v1/submissions/{submission}/release", json=body,
                             auth=world["users"][org], timeout=120)
    assert response.status_code in (200, 201), response.text


def observations(world, org, **params):
    response = requests.get(f"{world['url']}/api/v1/observations", params={"feed": "Sensors", **params},
                            auth=world["users"][org], timeout=120)
    assert response.status_code == 200, response.text
    return response.json()["objects"]


def hours_by_source(objects):
    """{source address: sorted hour starts} of the observed-data, through their src_ref."""
    values = {o["id"]: o.get("value") for o in objects if o["type"] in ("ipv4-addr", "ipv6-addr")}
    traffic = {o["id"]: o.get("src_ref") for o in objects if o["type"] == "network-traffic"}
    found = {}
    for o in objects:
        if o["type"] != "observed-data":
            continue
        sources = {values.get(ref) for ref in o["object_refs"] if ref in values}
        sources |= {values.get(traffic[ref]) for ref in o["object_refs"] if ref in traffic}
        sources.discard(None)
        assert len(sources) == 1, o
        found.setdefault(sources.pop(), []).append(o["first_observed"][:13])
    return {source: sorted(hours) for source, hours in found.items()}


def test_a_reader_gets_its_own_and_released_hours_and_nothing_held(world):
    utc = datetime.timezone.utc
    # B's sensor: 1,100 held hours, all before anything else in the feed.
    upload(world, "電力B社", darknet_csv(datetime.datetime(2026, 8, 1, tzinfo=utc), HELD_HOURS, "198.51.100.77"))
    # A's own: 3 hours, held (only A and hub staff read them).
    upload(world, "電力A社", darknet_csv(datetime.datetime(2026, 11, 10, 10, tzinfo=utc), 3, "45.77.1.1"))
    # C's: 4 hours released to A by name as they are, 2 hours released anonymised, 5 hours held.
    attributed = upload(world, "ガスC社", darknet_csv(datetime.datetime(2026, 11, 11, 0, tzinfo=utc), 4, "45.77.2.2"))
    release(world, "ガスC社", attributed, {"organizations": ["電力A社"], "anonymize": False})
    anonymised = upload(world, "ガスC社", darknet_csv(datetime.datetime(2026, 11, 12, 0, tzinfo=utc), 2, "45.77.3.3"))
    release(world, "ガスC社", anonymised, {"organizations": ["電力A社"], "anonymize": True})
    upload(world, "ガスC社", darknet_csv(datetime.datetime(2026, 11, 13, 0, tzinfo=utc), 5, "45.77.4.4"))

    seen = observations(world, "電力A社")
    text = str(seen)
    assert "198.51.100.77" not in text and "45.77.4.4" not in text, "A read held observations of others"
    assert hours_by_source(seen) == {
        "45.77.1.1": ["2026-11-10T10", "2026-11-10T11", "2026-11-10T12"],
        "45.77.2.2": ["2026-11-11T00", "2026-11-11T01", "2026-11-11T02", "2026-11-11T03"],
        "45.77.3.3": ["2026-11-12T00", "2026-11-12T01"],
    }
    # Every object once.
    assert len({o["id"] for o in seen}) == len(seen)
    # A range inside the held hours is empty for A, not an error.
    assert observations(world, "電力A社", to="2026-11-01T00:00:00Z") == []
    # A range and a source narrow what A may read, and only that.
    ranged = observations(world, "電力A社", **{"from": "2026-11-11T01:00:00Z", "to": "2026-11-12T01:00:00Z"})
    assert hours_by_source(ranged) == {"45.77.2.2": ["2026-11-11T01", "2026-11-11T02", "2026-11-11T03"],
                                       "45.77.3.3": ["2026-11-12T00"]}
    assert hours_by_source(observations(world, "電力A社", source="45.77.1.1")) == {
        "45.77.1.1": ["2026-11-10T10", "2026-11-10T11", "2026-11-10T12"]}

    # B reads its own first 1,000 hours (the limit), and of the others only what it may read: nothing.
    own = hours_by_source(observations(world, "電力B社"))
    assert list(own) == ["198.51.100.77"] and len(own["198.51.100.77"]) == 1000
    assert own["198.51.100.77"][0] == "2026-08-01T00"
    later = hours_by_source(observations(world, "電力B社", **{"from": "2026-09-15T00:00:00Z"}))
    assert list(later) == ["198.51.100.77"] and later["198.51.100.77"][-1] == "2026-09-15T19"

    # C reads its own three uploads, not A's or B's.
    assert set(hours_by_source(observations(world, "ガスC社"))) == {"45.77.2.2", "45.77.3.3", "45.77.4.4"}
