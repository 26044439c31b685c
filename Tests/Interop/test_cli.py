"""The `kakehashi` command as an operator uses it: errors say what was wrong and exit non-zero;
import and export round-trip a bundle; the demo loads valid STIX."""
import json
import os
import subprocess
import tempfile
import uuid

import stix2validator

from conftest import BIN, Hub, kakehashi


def run(data, *args, stdin=None):
    return kakehashi(data, *args, stdin=stdin, check=False)


def test_errors_are_clear_and_non_zero():
    with tempfile.TemporaryDirectory() as data:
        r = run(data, "admin", "org", "add", "--name", "X")
        assert r.returncode != 0 and "kakehashi init" in r.stderr
        assert run(data, "init").returncode == 0
        assert "already initialised" in run(data, "init").stdout
        cases = [
            (("admin", "org", "add", "--name", "A", "--size", "huge"), "size"),
            (("admin", "user", "add", "--org", "Nope", "--email", "a@b.example", "--role", "member"), "no organization named Nope"),
            (("admin", "user", "add", "--org", "Kakehashi Hub", "--email", "a@b.example", "--role", "king"), "unknown role"),
            (("admin", "token", "add", "--email", "nobody@x.example"), "no user"),
            (("admin", "grant", "--feed", "NOPE", "--org", "Kakehashi Hub", "--read"), "no feed named NOPE"),
            (("import", "/nonexistent.json", "--feed", "C2"), "no feed named C2"),
            (("export", "--feed", "C2"), "no feed named C2"),
        ]
        for args, message in cases:
            r = run(data, *args)
            assert r.returncode != 0, args
            assert message in r.stderr, (args, r.stderr)
        assert run(data, "admin", "org", "add", "--name", "A").returncode == 0
        dup = run(data, "admin", "org", "add", "--name", "A")
        assert dup.returncode != 0 and "already exists" in dup.stderr
        short = run(data, "admin", "user", "add", "--org", "A", "--email", "a@a.example", "--role", "member",
                    "--password-stdin", stdin="short\n")
        assert short.returncode != 0 and "at least 8" in short.stderr
        assert run(data, "admin", "feed", "add", "--name", "C2", "--title", "C2").returncode == 0
        bad = os.path.join(data, "bad.json")
        with open(bad, "w") as f:
            f.write("{ not json")
        r = run(data, "import", bad, "--feed", "C2")
        assert r.returncode != 0 and "not a valid" in r.stderr


def test_import_export_round_trip():
    with tempfile.TemporaryDirectory() as data:
        kakehashi(data, "init")
        kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2")
        objects = [{
            "type": "malware", "spec_version": "2.1", "id": f"malware--{uuid.uuid4()}",
            "created": "2026-03-01T00:00:00.000Z", "modified": "2026-03-01T00:00:00.000Z",
            "name": f"検体 {i}", "is_family": True, "x_extra": {"nested": [1, 2.5, None, "文字"]},
        } for i in range(5)]
        bundle = os.path.join(data, "in.json")
        with open(bundle, "w", encoding="utf-8") as f:
            json.dump({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                       "objects": objects + [{"type": "malware", "id": "malware--bad"}]}, f, ensure_ascii=False)
        r = run(data, "import", bundle, "--feed", "C2")
        assert r.returncode == 0
        assert "5 accepted, 1 rejected" in r.stdout
        assert "malware--bad" in r.stderr
        out = os.path.join(data, "out.json")
        kakehashi(data, "export", "--feed", "C2", "--output", out)
        with open(out, encoding="utf-8") as f:
            exported = json.load(f)
        assert exported["type"] == "bundle"
        assert exported["objects"] == objects


def test_demo_loads_valid_stix():
    with tempfile.TemporaryDirectory() as parent:
        data = os.path.join(parent, "demo")
        r = subprocess.run([BIN, "demo", "--data", data, "--no-serve", "--objects", "1500"],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert "/taxii2/" in r.stdout and "token: kh_" in r.stdout
        assert "rejected" not in r.stderr
        listed = kakehashi(data, "admin", "feed", "list").stdout
        assert "C2" in listed and "BKMW_CONFIG" in listed
        total = 0
        for line in listed.strip().splitlines():
            name = line.split("\t")[0]
            total += int(line.split("\t")[3].split()[0])
            exported = json.loads(kakehashi(data, "export", "--feed", name).stdout)
            if exported["objects"]:
                results = stix2validator.validate_string(json.dumps(exported),
                                                         stix2validator.ValidationOptions(version="2.1"))
                assert results.is_valid, (name, [str(e) for o in results.object_results for e in o.errors][:3])
        assert total >= 1500
