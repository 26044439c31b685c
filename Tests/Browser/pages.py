"""The portal's pages, per role, that the browser suite visits: every page is checked with the Nu HTML
checker and axe-core and photographed in both languages. To cover a new page, add a line here:
(name, path); `{feed}`, `{object}`, `{value}`, `{sha256}` and `{secret_feed}` are filled from the world
the suite builds (conftest.World)."""

# Pages anyone may open.
ANONYMOUS = [
    ("sign-in", "/portal/sign-in"),
]

# Pages every signed-in role opens (member of an organisation that received the release).
MEMBER = [
    ("home", "/portal/"),
    ("account", "/portal/account"),
    ("feeds", "/portal/feeds"),
    ("feed", "/portal/feeds/{feed}"),
    ("search", "/portal/search"),
    ("search-value", "/portal/search?q={value}"),
    ("search-filters", "/portal/search?type=indicator&tlp=amber"),
    ("object", "/portal/objects/{object}"),
    ("specimen", "/portal/specimens/{sha256}"),
    ("not-found", "/portal/no/such/page"),
]

# role -> the world's user who plays it, and the pages checked as that user.
PAGES_BY_ROLE = {
    "member": ("b", MEMBER),
    # The workflows (test_portal_workflows.py): a provider's and an analyst's pages.
    "provider": ("a", [
        ("dashboard", "/portal/dashboard"),
        ("submit", "/portal/submit"),
        ("submissions", "/portal/submissions"),
        ("consent", "/portal/consent"),
    ]),
    "analyst": ("analyst", [
        ("analyst-queue", "/portal/analyst"),
        ("analyst-submissions", "/portal/submissions"),
    ]),
    # Administration (groups, rights, clients, tokens) and an organisation admin's standing consent
    # editor (test_portal_admin.py).
    "admin": ("admin", [
        ("admin", "/portal/admin"),
        ("admin-tokens", "/portal/admin/tokens"),
    ]),
    "org-admin": ("a-admin", [
        ("consent-standing", "/portal/consent"),
        ("account-settings", "/portal/account"),
    ]),
}

# Every URL that must never show org C (no right to the release) anything of it.
def forbidden_to_outsider(world):
    return [
        f"/portal/objects/{world.object_id}",
        f"/portal/specimens/{world.sha256}",
        f"/portal/specimens/{world.sha256}/download",
        f"/portal/feeds/{world.secret_feed}",
    ]
