"""Browser tests of the portal's administration and settings, on the harness of conftest.py (one
real hub, headless Chromium): a hub admin adds a trust group and a member and removes the member
after confirming; A's organisation admin adds a standing consent rule and removes it after
confirming. The pages are in pages.PAGES_BY_ROLE (admin, org-admin) for the Nu checker / axe-core /
screenshot pass."""
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import browser_sign_in, interop


def group_members(world, name):
    for line in interop.kakehashi(world.data, "admin", "group", "list").stdout.splitlines():
        group, _, members = line.partition("\t")
        if group == name:
            return [m for m in members.split(", ") if m]
    return None


def test_admin_adds_a_group_and_a_member_then_removes_the_member_after_confirming(world, browser):
    browser_sign_in(browser, world.url, world.users["admin"])
    browser.get(f"{world.url}/portal/admin")
    browser.find_element(By.ID, "group-name").send_keys("試験SIG")
    browser.find_element(By.CSS_SELECTOR, "form[action='/portal/admin/groups'] button[type=submit]").click()
    add = "//form[@action='/portal/admin/groups/members'][input[@name='group' and @value='試験SIG']]"
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.XPATH, add))
    form = browser.find_element(By.XPATH, add)
    Select(form.find_element(By.NAME, "organization")).select_by_visible_text("ガスC社")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    remove = "//form[@action='/portal/admin/groups/members/remove'][input[@name='group' and @value='試験SIG']]"
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.XPATH, remove))
    assert group_members(world, "試験SIG") == ["ガスC社"]
    browser.find_element(By.XPATH, remove).find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # The confirmation page says what will happen; nothing has changed yet.
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "confirm-form"))
    assert "ガスC社" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert group_members(world, "試験SIG") == ["ガスC社"]
    browser.find_element(By.CSS_SELECTOR, "#confirm-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: "/portal/admin" in d.current_url and not d.find_elements(By.ID, "confirm-form"))
    assert not browser.find_elements(By.XPATH, remove)
    assert group_members(world, "試験SIG") == []


def test_org_admin_adds_a_standing_consent_rule_and_removes_it_after_confirming(world, browser):
    admin = world.users["a-admin"]
    api = f"{world.url}/api/v1/standing-consent"
    browser_sign_in(browser, world.url, admin)
    browser.get(f"{world.url}/portal/consent")
    form = browser.find_element(By.ID, "standing-form")
    Select(form.find_element(By.NAME, "max_tlp")).select_by_value("green")
    Select(form.find_element(By.NAME, "content")).select_by_value("technical")
    form.find_element(By.CSS_SELECTOR, "input[name=group][value='電力SIG']").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    removal = "form[action='/portal/consent/standing/remove'] button[type=submit]"
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, removal))
    rules = requests.get(api, auth=admin, timeout=30).json()["rules"]
    assert len(rules) == 1, rules
    assert (rules[0]["max_tlp"], rules[0]["content"], rules[0]["anonymize"]) == ("green", "technical", True), rules
    assert rules[0]["scope"]["groups"] == ["電力SIG"] and not rules[0]["scope"].get("all_members"), rules
    browser.find_element(By.CSS_SELECTOR, removal).click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "confirm-form"))
    assert len(requests.get(api, auth=admin, timeout=30).json()["rules"]) == 1
    browser.find_element(By.CSS_SELECTOR, "#confirm-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: "/portal/consent" in d.current_url and not d.find_elements(By.ID, "confirm-form"))
    assert not browser.find_elements(By.CSS_SELECTOR, removal)
    assert requests.get(api, auth=admin, timeout=30).json()["rules"] == []
