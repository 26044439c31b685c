"""Fixtures for the portal's browser tests: one real `kakehashi serve` (SQLite, or PostgreSQL as the
interop suite chooses) set up through its CLI and API like the interop tests (Tests/Interop/conftest.py
is loaded for its helpers), and headless Chromium driven by selenium (SE_OFFLINE=true, Debian's
chromedriver at /usr/bin/chromedriver, loopback only).

The world: 電力A社 and 電力B社 in the trust group 電力SIG, ガスC社 outside it; the feed Default read
and written by the SIG and read by C; A posts an indicator and a sample and releases both to the SIG,
so B reads them and C (who may read the feed) does not."""
import importlib.util
import json
import os
import re
import tempfile

import pytest
import requests

_INTEROP = os.path.join(os.path.dirname(__file__), "..", "Interop", "conftest.py")
_spec = importlib.util.spec_from_file_location("interop_hub", _INTEROP)
interop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(interop)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCREENSHOTS = os.environ.get("KAKEHASHI_SCREENSHOTS", os.path.join(REPO, ".build", "screenshots"))
MESSAGES = os.path.join(REPO, "Sources", "WebPortal", "Messages")
TAXII = "application/taxii+json;version=2.1"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
PASSWORD = "portal-password-1"
VALUE = "198.51.100.77"
SAMPLE = b"MZ" + b"\x00" * 62 + b"portal sample body " * 40

os.environ.setdefault("SE_OFFLINE", "true")


def messages():
    """Every catalogue merged: key -> {"en": …, "ja": …}."""
    merged = {}
    for name in sorted(os.listdir(MESSAGES)):
        if name.endswith(".json"):
            with open(os.path.join(MESSAGES, name), encoding="utf-8") as file:
                merged.update(json.load(file))
    return merged


class World:
    """The hub, its users (a, b, c, analyst, admin, a-admin: A's organisation admin) and what A released."""

    def __init__(self, data):
        self.data = data
        k = lambda *args, **kw: interop.kakehashi(data, *args, **kw)
        k("init")
        k("admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--size", "large")
        k("admin", "org", "add", "--name", "電力B社", "--sector", "電力")
        k("admin", "org", "add", "--name", "ガスC社", "--sector", "ガス")
        k("admin", "group", "add", "--name", "電力SIG", "--org", "電力A社", "--org", "電力B社")
        k("admin", "feed", "add", "--name", "Default", "--title", "既定フィード")
        k("admin", "feed", "add", "--name", "Secret", "--title", "A社専用")
        k("admin", "grant", "--feed", "Default", "--group", "電力SIG", "--read", "--write")
        k("admin", "grant", "--feed", "Default", "--org", "ガスC社", "--read")
        k("admin", "grant", "--feed", "Secret", "--org", "電力A社", "--read", "--write")
        self.users = {}
        for key, org, email, role in [("a", "電力A社", "soc@denryoku-a.example.jp", "member"),
                                      ("b", "電力B社", "soc@denryoku-b.example.jp", "member"),
                                      ("c", "ガスC社", "soc@gas-c.example.jp", "member"),
                                      ("throttled", "ガスC社", "locked@gas-c.example.jp", "member"),
                                      ("analyst", "Kakehashi Hub", "analyst@hub.example.jp", "hub-analyst"),
                                      ("admin", "Kakehashi Hub", "admin@hub.example.jp", "hub-admin"),
                                      ("a-admin", "電力A社", "admin@denryoku-a.example.jp", "org-admin")]:
            k("admin", "user", "add", "--org", org, "--email", email, "--role", role, "--password-stdin",
              stdin=PASSWORD + "\n")
            self.users[key] = (email, PASSWORD)
        self.feed = interop.feed_id(data, "Default")
        self.secret_feed = interop.feed_id(data, "Secret")
        self.value = VALUE

    def publish(self, url):
        """A posts an indicator and a sample and releases both to 電力SIG; records the ids B sees."""
        a, b = self.users["a"], self.users["b"]
        objects_url = f"{url}/hub/collections/{self.feed}/objects/"
        now = "2026-11-20T09:00:00.000Z"
        bundle = [
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--c1000000-0000-4000-8000-000000000001",
             "created": now, "modified": now, "name": "不審な通信先（ポータル試験）",
             "description": "標的型攻撃メールの添付ファイルが通信した C2 サーバ。",
             "indicator_types": ["malicious-activity"], "pattern": f"[ipv4-addr:value = '{VALUE}']",
             "pattern_type": "stix", "valid_from": now, "object_marking_refs": [AMBER]},
            {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--c1000000-0000-4000-8000-000000000002",
             "value": VALUE, "object_marking_refs": [AMBER]},
            {"type": "relationship", "spec_version": "2.1", "id": "relationship--c1000000-0000-4000-8000-000000000003",
             "created": now, "modified": now, "relationship_type": "based-on",
             "source_ref": "indicator--c1000000-0000-4000-8000-000000000001",
             "target_ref": "ipv4-addr--c1000000-0000-4000-8000-000000000002", "object_marking_refs": [AMBER]},
        ]
        posted = requests.post(objects_url, data=json.dumps({"objects": bundle}, ensure_ascii=False).encode(), auth=a,
                               headers={"Accept": TAXII, "Content-Type": TAXII}, timeout=60)
        assert posted.status_code == 202, posted.text
        released = requests.post(f"{url}/api/v1/submissions/{posted.json()['id']}/release", auth=a,
                                 json={"groups": ["電力SIG"]}, timeout=60)
        assert released.status_code == 201, released.text
        sample = requests.post(f"{url}/api/v1/submissions/upload", params={"feed": "Default", "kind": "sample"},
                               files={"file": ("invoice.exe", SAMPLE, "application/octet-stream")}, auth=a, timeout=60)
        assert sample.status_code == 201, sample.text
        released = requests.post(f"{url}/api/v1/submissions/{sample.json()['id']}/release", auth=a,
                                 json={"groups": ["電力SIG"]}, timeout=60)
        assert released.status_code == 201, released.text
        received = requests.get(objects_url, auth=b, headers={"Accept": TAXII}, timeout=60).json()["objects"]
        self.object_id = next(o["id"] for o in received if o["type"] == "indicator" and VALUE in o.get("pattern", ""))
        self.sha256 = next(o["hashes"]["SHA-256"].lower() for o in received
                           if o["type"] == "file" and "SHA-256" in o.get("hashes", {}))

    def fill(self, path):
        return path.format(feed=self.feed, object=self.object_id, value=VALUE, sha256=self.sha256,
                           secret_feed=self.secret_feed)


@pytest.fixture(scope="session")
def world():
    with tempfile.TemporaryDirectory(prefix="kakehashi-portal-") as data:
        w = World(data)
        with interop.serving(data) as url:
            w.url = url
            w.publish(url)
            yield w


def sign_in(url, user, language="en"):
    """A requests session signed in to the portal (through its form, CSRF token included)."""
    session = requests.Session()
    session.headers["Accept-Language"] = language
    page = session.get(f"{url}/portal/sign-in", timeout=30)
    token = csrf_of(page.text)
    response = session.post(f"{url}/portal/sign-in", data={"email": user[0], "password": user[1], "csrf": token},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 303, response.text
    return session


def csrf_of(html):
    match = re.search(r'name="csrf" value="([^"]*)"', html)
    return match.group(1) if match else None


@pytest.fixture
def browser():
    """Headless Chromium (Debian's), its driver at /usr/bin/chromedriver; no network but loopback."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=en-US", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--disable-component-update"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def browser_sign_in(driver, url, user):
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/portal/sign-in")
    driver.find_element(By.ID, "email").send_keys(user[0])
    driver.find_element(By.ID, "password").send_keys(user[1])
    driver.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 30).until(lambda d: "/portal/sign-in" not in d.current_url)


def switch_language(driver, language):
    """Chooses `language` in the header's menu (portal.js submits it on change) and waits for the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    Select(driver.find_element(By.ID, "language-select")).select_by_value(language)
    WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == language)
