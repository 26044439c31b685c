"""Fixtures for interoperability tests: a real `kakehashi` server process on loopback, set up through
its own CLI, driven by Python's taxii2-client and checked with stix2-validator."""
import contextlib
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

BIN = os.environ.get("KAKEHASHI_BIN", ".build/debug/kakehashi")


def kakehashi(data, *args, stdin=None, check=True):
    result = subprocess.run([BIN, *args, "--data", data], input=stdin, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"kakehashi {' '.join(args)} failed: {result.stderr}")
    return result


@contextlib.contextmanager
def serving(data, *options):
    """`kakehashi serve` on a free loopback port for the hub in `data` (with further `options`); yields its
    URL, stops it by its pid."""
    process = subprocess.Popen([BIN, "serve", "--data", data, "--port", "0", *options], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            line = process.stdout.readline()
            if not line:
                raise AssertionError("server did not start: " + process.stderr.read())
            match = re.search(r"listening on (http://\S+)", line)
            url = match.group(1) if match else None
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def feed_id(data, name):
    """The TAXII collection id of a feed, from `kakehashi admin feed list`."""
    return re.search(name + r"\t([0-9a-f-]{36})", kakehashi(data, "admin", "feed", "list").stdout).group(1)


class Hub:
    """A hub set up with the CLI: two organisations, a writer, a reader, one feed."""

    def __init__(self, data):
        self.data = data
        self.process = None
        self.url = None
        kakehashi(data, "init")
        kakehashi(data, "admin", "org", "add", "--name", "電力A社", "--sector", "電力", "--size", "large")
        kakehashi(data, "admin", "org", "add", "--name", "Gas B", "--sector", "ガス", "--size", "small")
        kakehashi(data, "admin", "user", "add", "--org", "電力A社", "--email", "soc@denryoku-a.example.jp",
                  "--role", "member", "--password-stdin", stdin="writer-password-1\n")
        kakehashi(data, "admin", "user", "add", "--org", "Gas B", "--email", "soc@gas-b.example.jp",
                  "--role", "read-only", "--password-stdin", stdin="reader-password-1\n")
        out = kakehashi(data, "admin", "token", "add", "--email", "soc@gas-b.example.jp").stdout
        self.reader_token = out.strip().splitlines()[-1]
        out = kakehashi(data, "admin", "feed", "add", "--name", "C2", "--title", "C2 servers / C2サーバ").stdout
        self.feed_id = re.search(r"collection id ([0-9a-f-]{36})", out).group(1)
        kakehashi(data, "admin", "grant", "--feed", "C2", "--org", "電力A社", "--read", "--write")
        kakehashi(data, "admin", "grant", "--feed", "C2", "--org", "Gas B", "--read")
        self.writer = ("soc@denryoku-a.example.jp", "writer-password-1")
        self.reader = ("soc@gas-b.example.jp", "reader-password-1")

    def start(self):
        self.process = subprocess.Popen([BIN, "serve", "--data", self.data, "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                self.url = match.group(1)
                return
            if self.process.poll() is not None:
                raise AssertionError("server exited: " + self.process.stderr.read())
        raise AssertionError("server did not start")

    def kill(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    @property
    def api_root(self):
        return self.url + "/hub/"

    @property
    def collection_url(self):
        return f"{self.api_root}collections/{self.feed_id}/"


@pytest.fixture
def hub():
    with tempfile.TemporaryDirectory(prefix="kakehashi-interop-") as data:
        h = Hub(data)
        h.start()
        try:
            yield h
        finally:
            h.kill()
