"""Browser tests of the portal's workflows (submit, consent, analyst queue, dashboard), on the harness
of conftest.py (one real hub, headless Chromium): org A submits an attack e-mail, checks the
anonymised preview and releases it to 電力SIG; an analyst confirms a campaign; each role tries what it
must not do. The workflow pages are in pages.PAGES_BY_ROLE (provider, analyst) for the Nu checker /
axe-core / screenshot pass."""
import os
import tempfile

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD, browser_sign_in, csrf_of, interop, sign_in

def attack_email(n, sender_domain="invoice-secure.example.net"):
    """An attack e-mail as forwarded by A's SOC: the same lure and C2 each time (campaign material)."""
    return (f"From: =?UTF-8?B?6KuL5rGC5pu4?= <billing@{sender_domain}>\r\n"
            f"To: keiri{n}@denryoku-a.example.jp\r\n"
            f"Subject: =?UTF-8?B?44CQ6KuL5rGC5pu444CR?= {n}\r\n"
            f"Date: Mon, 07 Dec 2026 09:0{n}:00 +0900\r\n"
            f"Message-ID: <lure-{n}@{sender_domain}>\r\n"
            "Received: from mail.invoice-secure.example.net ([203.0.113.45]) by mx.denryoku-a.example.jp\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "請求書を確認してください: hxxp://invoice-secure.example[.]net/view.php?id=8812\r\n").encode()


def submit_email(driver, url, n):
    with tempfile.NamedTemporaryFile(suffix=".eml", delete=False) as file:
        file.write(attack_email(n))
        path = file.name
    try:
        driver.get(f"{url}/portal/submit")
        driver.find_element(By.ID, "email-file").send_keys(path)
        driver.find_element(By.CSS_SELECTOR, "#email form button[type=submit]").click()
        WebDriverWait(driver, 60).until(lambda d: "/portal/submissions/" in d.current_url)
    finally:
        os.unlink(path)
    return driver.current_url.rsplit("/", 1)[-1].split("#")[0]


def test_a_submits_an_attack_email_checks_the_preview_and_releases_it_to_the_sig(world, browser):
    browser_sign_in(browser, world.url, world.users["a"])
    submission = submit_email(browser, world.url, 1)
    preview = browser.find_element(By.ID, "preview-json").get_attribute("textContent")
    # The exact anonymised preview: the lure's C2 is there, A's own addresses are not.
    assert "invoice-secure.example.net" in preview
    assert "denryoku-a.example.jp" not in preview and "keiri1@" not in preview
    assert browser.find_elements(By.CSS_SELECTOR, "ul.warnings li") or "Nothing was dropped" in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "#release-form input[name=group][value='電力SIG']").click()
    browser.find_element(By.CSS_SELECTOR, "#release-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: "#releases" in d.current_url)
    assert "電力SIG" in browser.find_element(By.ID, "releases").text
    # B received it (the recipients record fills once B reads the feed); C never sees the held page.
    b = sign_in(world.url, world.users["b"])
    assert b.get(f"{world.url}/portal/submissions/{submission}", timeout=30).status_code == 404
    c = sign_in(world.url, world.users["c"])
    page = c.get(f"{world.url}/portal/submissions/{submission}", timeout=30)
    assert page.status_code == 404 and "invoice-secure" not in page.text


def test_an_analyst_confirms_a_campaign_with_its_graph(world, browser):
    # Two more e-mails of the same lure give the clustering a candidate.
    browser_sign_in(browser, world.url, world.users["a"])
    submit_email(browser, world.url, 2)
    submit_email(browser, world.url, 3)
    browser.delete_all_cookies()
    browser_sign_in(browser, world.url, world.users["analyst"])
    browser.get(f"{world.url}/portal/analyst")
    campaigns = browser.find_elements(By.CSS_SELECTOR, "article.campaign")
    assert campaigns, "no campaign candidate for three e-mails of one lure"
    campaign = campaigns[0]
    assert campaign.find_elements(By.CSS_SELECTOR, "svg.campaign-graph circle")
    campaign.find_element(By.CSS_SELECTOR, "input[name=name]").send_keys("請求書ルアー作戦")
    campaign.find_element(By.CSS_SELECTOR, "form[action$='/confirm'] button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: "請求書ルアー作戦" in d.page_source)


def test_each_role_is_refused_what_it_may_not_do(world):
    interop.kakehashi(world.data, "admin", "user", "add", "--org", "電力A社", "--email", "viewer@denryoku-a.example.jp",
                      "--role", "read-only", "--password-stdin", stdin=PASSWORD + "\n")
    viewer = sign_in(world.url, ("viewer@denryoku-a.example.jp", PASSWORD))
    page = viewer.get(f"{world.url}/portal/submit", timeout=30)
    assert page.status_code == 403
    home = viewer.get(f"{world.url}/portal/", timeout=30)
    refused = viewer.post(f"{world.url}/portal/submit", allow_redirects=False, timeout=30,
                          data={"kind": "text", "feed": world.feed, "text": "203.0.113.250", "csrf": csrf_of(home.text)})
    assert refused.status_code == 403
    for user in ["b", "c"]:
        member = sign_in(world.url, world.users[user])
        assert member.get(f"{world.url}/portal/analyst", timeout=30).status_code == 403
        home = member.get(f"{world.url}/portal/", timeout=30)
        merge = member.post(f"{world.url}/portal/analyst/campaigns/merge", allow_redirects=False, timeout=30,
                            data={"campaign": "x", "csrf": csrf_of(home.text)})
        assert merge.status_code == 403
    nobody = requests.Session()
    for path in ["/portal/submit", "/portal/consent", "/portal/analyst", "/portal/dashboard"]:
        response = nobody.get(world.url + path, allow_redirects=False, timeout=30)
        assert response.status_code == 303 and "/portal/sign-in" in response.headers["Location"]
