"""`kakehashi` on PostgreSQL (issue 13), through the real binary and a real server: `init --database`
records the database (never its password) so that every later command and `serve` use it; the
password, from PGPASSWORD or `--database-password-file`, appears in no command line, output, log or
file of the data directory; a wrong password or an unreachable server is a clear error that names the
database without the password, exits non-zero and changes nothing; `backup` points to pg_dump, and a
pg_dump / pg_restore copy (README, Operations) is a working hub. Runs on the PostgreSQL pass
(KAKEHASHI_TEST_BACKEND=postgres), which scripts/test makes with its private server."""
import json
import os
import re
import socket
import subprocess
import time
import uuid

import pytest
import requests

from conftest import BACKEND, BIN, postgres_bin, postgres_url, psql

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="runs on the PostgreSQL pass (KAKEHASHI_TEST_BACKEND=postgres)")

ROLE = f"kakehashi_pw_{uuid.uuid4().hex[:8]}"
PASSWORD = "Pw-" + uuid.uuid4().hex       # unique: any occurrence anywhere is this test's leak
TAXII = {"Content-Type": "application/taxii+json;version=2.1", "Accept": "application/taxii+json;version=2.1"}
NOW = "2026-11-01T09:00:00.000Z"


@pytest.fixture(scope="module")
def password_role():
    """A role that must give its password (scram-sha-256 for it alone on the test server, whose other
    roles keep trust authentication)."""
    psql("postgres", f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
    [[hba_file]] = psql("postgres", "SHOW hba_file")
    with open(hba_file) as file:
        original = file.read()
    rule = f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n"
    with open(hba_file, "w") as file:
        file.write(rule + original)          # first match wins
    psql("postgres", "SELECT pg_reload_conf()")
    time.sleep(0.5)
    try:
        yield ROLE
    finally:
        with open(hba_file, "w") as file:
            file.write(original)
        psql("postgres", "SELECT pg_reload_conf()")
        for name in _created:
            psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql("postgres", f"DROP ROLE {ROLE}")


_created = []


def new_database(owner):
    name = f"kakehashi_cli_{uuid.uuid4().hex[:12]}"
    psql("postgres", f"CREATE DATABASE {name} OWNER {owner}")
    _created.append(name)
    return name


def role_url(database, role=ROLE, port=None):
    url = postgres_url(database).replace("://kakehashi@", f"://{role}@", 1)
    return re.sub(r":\d+/", f":{port}/", url, count=1) if port else url


def run(data, *args, env=None, stdin=None):
    environment = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    environment.update(env or {})
    return subprocess.run([BIN, *args, "--data", data], input=stdin, capture_output=True, text=True, timeout=120,
                          env=environment)


def files_under(directory):
    """Every file in the data directory with its bytes."""
    found = {}
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as file:
                found[os.path.relpath(path, directory)] = file.read()
    return found


def command_lines():
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, timeout=30).stdout


def assert_no_password(*texts):
    for text in texts:
        assert PASSWORD not in (text if isinstance(text, str) else text.decode("utf-8", "replace"))


def set_up(data, password_option, env):
    """init on PostgreSQL and a provider with a feed, every command given the password the same way."""
    created = run(data, "init", *password_option, env=env)
    assert created.returncode == 0, created.stderr
    outputs = [created.stdout, created.stderr]
    for args, stdin in [(("admin", "org", "add", "--name", "電力A社", "--sector", "電力"), None),
                        (("admin", "user", "add", "--org", "電力A社", "--email", "soc@denryoku-a.example.jp",
                          "--role", "member", "--password-stdin"), "member-password-1\n"),
                        (("admin", "feed", "add", "--name", "C2", "--title", "C2"), None),
                        (("admin", "grant", "--feed", "C2", "--org", "電力A社", "--read", "--write"), None)]:
        result = run(data, *args, *password_option, env=env, stdin=stdin)
        assert result.returncode == 0, (args, result.stderr)
        outputs += [result.stdout, result.stderr]
    return outputs


def serve_and_use(data, password_option, env):
    """serve: prints its database without the password; TAXII writes and reads work; the password is on
    no command line of any process while it runs, nor in what it prints or logs."""
    process = subprocess.Popen([BIN, "serve", "--data", data, "--port", "0", *password_option],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**{k: v for k, v in os.environ.items() if k != "PGPASSWORD"}, **env})
    try:
        printed = []
        url = None
        while url is None:
            line = process.stdout.readline()
            assert line, "server did not start: " + process.stderr.read()
            printed.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            url = match.group(1) if match else None
        printed.append(process.stdout.readline())      # the database follows the listening line
        assert printed[-1].startswith("database: PostgreSQL postgres://" + ROLE + "@"), printed
        assert_no_password(command_lines())
        assert not any(PASSWORD in line for line in printed)
        root = f"{url}/hub/collections/"
        auth = ("soc@denryoku-a.example.jp", "member-password-1")
        [collection] = requests.get(root, auth=auth, headers=TAXII, timeout=30).json()["collections"]
        stix_id = f"indicator--{uuid.uuid4()}"
        indicator = {"type": "indicator", "spec_version": "2.1", "id": stix_id, "created": NOW, "modified": NOW,
                     "pattern": "[ipv4-addr:value = '203.0.113.7']", "pattern_type": "stix", "valid_from": NOW}
        posted = requests.post(f"{root}{collection['id']}/objects/", data=json.dumps({"objects": [indicator]}),
                               auth=auth, headers=TAXII, timeout=30)
        assert posted.status_code == 202 and posted.json()["success_count"] == 1, posted.text
        read = requests.get(f"{root}{collection['id']}/objects/", auth=auth, headers=TAXII, timeout=30)
        assert [o["id"] for o in read.json()["objects"]] == [stix_id]
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert_no_password(out, err)


def check_data_directory(data, database):
    hub = json.load(open(os.path.join(data, "hub.json")))
    assert hub["database_url"] == role_url(database)
    assert not os.path.exists(os.path.join(data, "hub.sqlite"))
    for name, content in files_under(data).items():
        assert PASSWORD.encode() not in content, name


def test_init_serve_and_commands_with_pgpassword(password_role, tmp_path):
    data, database = str(tmp_path / "hub"), new_database(password_role)
    env = {"PGPASSWORD": PASSWORD}
    outputs = set_up(data, ("--database", role_url(database)), env)
    # Later commands need no --database: hub.json names it (and a repeated, equal one is accepted).
    listed = run(data, "admin", "org", "list", env=env)
    assert listed.returncode == 0 and "電力A社" in listed.stdout, listed.stderr
    same = run(data, "admin", "feed", "list", "--database", role_url(database), env=env)
    assert same.returncode == 0 and "C2" in same.stdout, same.stderr
    serve_and_use(data, (), env)
    # The audit head each command and the server wrote before exiting names the last entry.
    verified = run(data, "audit", "verify", env=env)
    match = re.search(r"intact: (\d+) entries, .*recorded head: entry (\d+)", verified.stdout)
    assert match and match.group(1) == match.group(2), verified.stdout + verified.stderr
    assert_no_password(*outputs, listed.stdout, listed.stderr, verified.stdout)
    check_data_directory(data, database)


def test_init_serve_and_commands_with_a_password_file(password_role, tmp_path):
    data, database = str(tmp_path / "hub"), new_database(password_role)
    secret = tmp_path / "pgpass"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o600)
    option = ("--database-password-file", str(secret))
    outputs = set_up(data, ("--database", role_url(database), *option), {})
    # init recorded the file's path (never the password): later commands and serve need neither option.
    hub = json.load(open(os.path.join(data, "hub.json")))
    assert hub["database_password_file"] == str(secret)
    listed = run(data, "admin", "org", "list")
    assert listed.returncode == 0 and "電力A社" in listed.stdout, listed.stderr
    serve_and_use(data, (), {})
    # The recorded file is what gives the password: moved away, the command names it and fails.
    moved = tmp_path / "pgpass.moved"
    secret.rename(moved)
    refused = run(data, "admin", "org", "list")
    assert refused.returncode != 0 and "password file" in refused.stderr and str(secret) in refused.stderr, refused.stderr
    # An explicit option still wins over the recorded file.
    given = run(data, "admin", "org", "list", "--database-password-file", str(moved))
    assert given.returncode == 0 and "電力A社" in given.stdout, given.stderr
    assert_no_password(*outputs, listed.stdout, listed.stderr, refused.stderr, given.stdout, given.stderr)
    check_data_directory(data, database)


def test_a_wrong_password_is_a_clear_error_and_changes_nothing(password_role, tmp_path):
    database = new_database(password_role)
    wrong = {"PGPASSWORD": "not-" + PASSWORD}
    # init: no data directory is left behind, nothing in the database.
    data = str(tmp_path / "new")
    refused = run(data, "init", "--database", role_url(database), env=wrong)
    assert refused.returncode != 0
    assert f"postgres://{ROLE}@127.0.0.1:" in refused.stderr and database in refused.stderr, refused.stderr
    assert "password authentication failed" in refused.stderr, refused.stderr
    assert not os.path.exists(data)
    assert psql(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [["0"]]
    # An initialised hub: a command with the wrong password changes neither its files nor its database.
    data = str(tmp_path / "hub")
    set_up(data, ("--database", role_url(database)), {"PGPASSWORD": PASSWORD})
    before = files_under(data)
    organisations = psql(database, "SELECT name FROM organization ORDER BY name")
    refused = run(data, "admin", "org", "add", "--name", "Gas B", env=wrong)
    assert refused.returncode != 0 and f"postgres://{ROLE}@" in refused.stderr, refused.stderr
    assert files_under(data) == before
    assert psql(database, "SELECT name FROM organization ORDER BY name") == organisations
    assert_no_password(refused.stdout, refused.stderr)   # nor the wrong one, which contains it


def test_an_unreachable_server_is_a_clear_error_and_changes_nothing(tmp_path):
    with socket.socket() as probe:          # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = str(tmp_path / "hub")
    started = time.monotonic()
    refused = run(data, "init", "--database", role_url("nowhere", role="kakehashi", port=port),
                  env={"PGPASSWORD": PASSWORD})
    elapsed = time.monotonic() - started
    assert refused.returncode != 0
    assert f"postgres://kakehashi@127.0.0.1:{port}/nowhere" in refused.stderr, refused.stderr
    assert_no_password(refused.stdout, refused.stderr)
    assert not os.path.exists(data)
    assert elapsed < 60, elapsed


def test_a_password_in_the_url_is_refused_without_echoing_it(tmp_path):
    data = str(tmp_path / "hub")
    url = postgres_url("postgres").replace("://kakehashi@", f"://kakehashi:{PASSWORD}@", 1)
    refused = run(data, "init", "--database", url)
    assert refused.returncode != 0 and "PGPASSWORD" in refused.stderr, refused.stderr
    assert_no_password(refused.stdout, refused.stderr)
    assert not os.path.exists(data)


def test_a_different_database_is_refused_and_backup_points_to_pg_dump(tmp_path):
    first, second = new_database("kakehashi"), new_database("kakehashi")
    data = str(tmp_path / "hub")
    assert run(data, "init", "--database", postgres_url(first)).returncode == 0
    other = run(data, "admin", "org", "list", "--database", postgres_url(second))
    assert other.returncode != 0 and f"/{first}" in other.stderr and f"/{second}" in other.stderr, other.stderr
    backup = run(data, "backup", "--to", str(tmp_path / "copy.sqlite"))
    assert backup.returncode != 0 and "pg_dump" in backup.stderr, backup.stderr
    assert not os.path.exists(tmp_path / "copy.sqlite")
    # A SQLite hub is not moved to PostgreSQL by naming a database.
    sqlite_hub = str(tmp_path / "sqlite-hub")
    assert subprocess.run([BIN, "init", "--data", sqlite_hub], capture_output=True).returncode == 0
    moved = run(sqlite_hub, "admin", "org", "list", "--database", postgres_url(second))
    assert moved.returncode != 0 and "hub.sqlite" in moved.stderr, moved.stderr
    assert psql(second, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [["0"]]


def test_pg_dump_and_pg_restore_make_a_working_hub(tmp_path):
    """The README's PostgreSQL backup: pg_dump of the database, the data directory's files beside it;
    restored into a new database with pg_restore and a copy of the data directory naming it."""
    source = new_database("kakehashi")
    data = str(tmp_path / "hub")
    assert run(data, "init", "--database", postgres_url(source)).returncode == 0
    for args in [("admin", "org", "add", "--name", "電力A社", "--sector", "電力"),
                 ("admin", "feed", "add", "--name", "C2", "--title", "C2")]:
        assert run(data, *args).returncode == 0
    bundle = tmp_path / "bundle.json"
    ids = [f"indicator--{uuid.uuid4()}" for _ in range(20)]
    bundle.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [
        {"type": "indicator", "spec_version": "2.1", "id": i, "created": NOW, "modified": NOW,
         "pattern": "[domain-name:value = 'c2.example']", "pattern_type": "stix", "valid_from": NOW} for i in ids]}))
    imported = run(data, "import", str(bundle), "--feed", "C2")
    assert imported.returncode == 0 and "20 accepted" in imported.stdout, imported.stderr
    dump = tmp_path / "hub.dump"
    subprocess.run([postgres_bin("pg_dump"), "--format=custom", f"--file={dump}", "-d", postgres_url(source)],
                   check=True, capture_output=True, timeout=120)
    target = new_database("kakehashi")
    subprocess.run([postgres_bin("pg_restore"), "--no-owner", "-d", postgres_url(target), str(dump)],
                   check=True, capture_output=True, timeout=120)
    restored = str(tmp_path / "restored")
    os.mkdir(restored, 0o700)
    for name in os.listdir(data):
        if name in ("audit.head", "hub.json"):
            continue
        subprocess.run(["cp", "-a", os.path.join(data, name), restored], check=True)
    hub = json.load(open(os.path.join(data, "hub.json")))
    hub["database_url"] = postgres_url(target)
    with open(os.path.join(restored, "hub.json"), "w") as file:
        json.dump(hub, file)
    verified = run(restored, "audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout + verified.stderr
    exported = run(restored, "export", "--feed", "C2")
    assert exported.returncode == 0, exported.stderr
    assert sorted(o["id"] for o in json.loads(exported.stdout)["objects"]) == sorted(ids)
    # The original still works and is untouched by the copy.
    assert run(data, "audit", "verify").returncode == 0
