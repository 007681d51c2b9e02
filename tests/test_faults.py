"""Fault injection: a crawl of a hostile outlet, SIGKILLs during writes, and datasette reading
while a crawl writes. Real HTTP on 127.0.0.1 (caucasus_crawler/mirror/hostile.py), real
SQLite; every server and subprocess is bounded in time and stopped in teardown.

`FAULTS_SEEN` below is the table of the README's "Reliability" section: each fault page and
what must become of it in `pages`.
"""

from __future__ import annotations

import json
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, article_at, run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.middlewares import address_problem
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.mirror.hostile import (
    ARTICLE_FAULTS,
    BIG_SITEMAP_PROFILE,
    FAULTS,
    HOSTILE_PROFILE,
    ORIGIN,
    TITLES,
    HostileServer,
)

# Short waits keep the crawl quick; the behaviour is the live one.
FAST = (
    "--set", "DOWNLOAD_TIMEOUT=3", "--set", "RETRY_TIMES=1",
    "--set", "RETRY_BACKOFF_BASE=0.3", "--set", "RETRY_AFTER_MAX=2",
)  # fmt: skip
MB = 1024 * 1024
# Memory: a crawl of the whole fault set peaks near 200 MB here; a 50 MB page kept whole, or
# the gzip bomb expanded (1 GB), would pass this generous bound.
RSS_BOUND = 450 * MB

# path -> (outcome, words the reason must hold; None: no reason)
FAULTS_SEEN: dict[str, tuple[str, str | None]] = {
    "/a/ok": ("article", None),
    "/a/server-error": ("failed", "HTTP 500 (gave up after 1 retry; backed off"),
    "/a/gone": ("failed", "HTTP 404"),
    "/a/retry-after": ("article", None),
    "/a/retry-after-date": ("article", None),
    "/a/retry-after-huge": ("failed", "HTTP 503 (gave up after 1 retry; Retry-After 86400 s"),
    "/a/overloaded": ("failed", "HTTP 429 (gave up after 1 retry; backed off"),
    "/a/slow": ("article", None),
    "/a/stall": ("failed", "timed out: no complete answer in 3 s"),
    "/a/reset": ("failed", "connection failed: ConnectionLost"),
    "/a/truncated": ("failed", "truncated: the connection closed before"),
    "/a/loop": ("redirected", "redirected to https://hostile.example/a/loop-back"),
    "/a/loop-back": ("failed", "redirect loop: https://hostile.example/a/loop -> "),
    "/a/redirect-forever?n=20": ("failed", "too many redirects: more than 20"),
    "/a/elsewhere": ("failed", "not followed: redirected to https://other.example/a/moved"),
    "/a/metadata": ("skipped", "169.254.169.254 is a link-local address"),
    "/a/private": ("skipped", "10.0.0.1 is a private address"),
    "/a/localhost": ("skipped", "localhost names this machine"),
    "/a/loopback": ("skipped", "127.0.0.1 is a loopback address"),
    "/a/ipv6-loopback": ("skipped", "::1 is a loopback address"),
    "/a/decimal-ip": ("skipped", "2130706433 is 127.0.0.1, a loopback address"),
    "/a/ru-wrong-charset": ("article", None),
    "/a/ru-no-charset": ("article", None),
    "/a/ka-no-charset": ("article", None),
    "/a/ka-declared-latin1": ("article", None),
    "/a/empty": ("not_article", "not an HTML page"),
    "/a/binary": ("failed", "binary data served as text/html"),
    "/a/huge": ("failed", "too large"),
    "/a/huge-declared": ("failed", "too large: Expected to receive 52428800 bytes"),
    "/a/gzip-bomb": ("failed", "exceeded DOWNLOAD_MAXSIZE (20971520 B) during decompression"),
    # libxml2 builds no deeper than 255 levels: the text below is not in the tree at all
    "/a/nested": ("not_article", "no body text"),
    "/feed": ("feed", None),
    "/a/from-feed": ("article", None),
    "/feed-entity-bomb": ("failed", "declares entities"),
    "/feed-malformed": ("feed", "malformed, read anyway"),
    "/feed-empty": ("failed", "not a usable feed: no entries"),
    "/sitemap.xml": ("sitemap", None),
    "/a/from-sitemap": ("article", None),
    "/sitemap-entity-bomb.xml": ("failed", "declares entities"),
    "/sitemap-gzip-bomb.xml.gz": ("failed", "sitemap over 50 MB once gunzipped"),
}
ARTICLES = {path for path, (outcome, _) in FAULTS_SEEN.items() if outcome == "article"}

# The crawl, run as a user would, reporting its peak memory (ru_maxrss, in KB) on stderr.
MEASURED = (
    "import resource, sys\n"
    "from caucasus_crawler.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(f'MAXRSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def measured_crawl(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, int]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
    )  # fmt: skip
    rss = [line for line in result.stderr.splitlines() if line.startswith("MAXRSS_KB=")]
    assert result.returncode == 0 and rss, result.stdout + result.stderr[-3000:]
    return result, int(rss[-1].split("=")[1]) * 1024


def pages_of(db: Path) -> dict[str, dict]:
    with Archive(db) as archive:
        rows = archive.db.execute("SELECT url, outcome, http_status, reason FROM pages")
        return {url: {"outcome": o, "status": s, "reason": r} for url, o, s, r in rows}


@pytest.fixture(scope="module")
def profiles(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile-profiles")
    (directory / "hostile.toml").write_text(HOSTILE_PROFILE, encoding="utf-8")
    (directory / "hostile_sitemap.toml").write_text(BIG_SITEMAP_PROFILE, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def hostile():
    with HostileServer(stall_seconds=20) as server:
        yield server


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, profiles, hostile):
    """One crawl of the hostile outlet: its archive, its output, its peak memory."""
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    hostile.reset()
    result, rss = measured_crawl(
        "--profiles", str(profiles), "crawl", "hostile", "--mirror", hostile.address,
        "--db", str(db), *FAST,
    )  # fmt: skip
    # what the server saw during this crawl (later tests reset it)
    return {"db": db, "result": result, "rss": rss, "pages": pages_of(db), "hits": hostile.hits()}


# -- the hostile outlet --------------------------------------------------------------------------
@pytest.mark.slow
def test_the_crawl_goes_on_through_every_fault(crawl):
    result = crawl["result"]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "Crawled 1 outlet(s) (demo)" in result.stdout
    with Archive(crawl["db"]) as archive:
        run = archive.recent_runs(1)[0]
    assert run["finished"] and run["articles_new"] == len(ARTICLES)
    assert [p for p in ARTICLE_FAULTS if ORIGIN + p not in crawl["pages"]] == []


@pytest.mark.slow
@pytest.mark.parametrize("path", list(FAULTS_SEEN))
def test_each_fault_ends_in_pages_with_its_reason(crawl, path):
    page = crawl["pages"].get(ORIGIN + path)
    assert page is not None, f"{path} has no row in pages"
    outcome, words = FAULTS_SEEN[path]
    assert page["outcome"] == outcome, page
    if words is None:
        assert page["reason"] is None, page
    else:
        assert words in page["reason"], page


def test_the_fault_table_covers_every_fault_page():
    served = {fault.path for fault in FAULTS} - {"/sitemap-50k.xml"}  # its own test below
    assert served <= {path.split("?")[0] for path in FAULTS_SEEN} | {"/a/redirect-forever"}


@pytest.mark.slow
def test_no_article_from_an_error_page_or_with_mojibake(crawl):
    with Archive(crawl["db"]) as archive:
        rows = archive.db.execute("SELECT url, title, body, language FROM articles").fetchall()
    assert {url.removeprefix(ORIGIN) for url, *_ in rows} == ARTICLES
    for url, title, body, _ in rows:
        text = title + body
        assert "\ufffd" not in text, url
        assert not any(mark in text for mark in ("Ð", "Ã", "á\x83", "Ñ\x81")), url  # mojibake
    by_url = {url.removeprefix(ORIGIN): (title, body) for url, title, body, _ in rows}
    for path in ("/a/ru-wrong-charset", "/a/ru-no-charset"):
        assert by_url[path][0] == TITLES["ru"]
        assert "Региональный совет в четверг обсудил" in by_url[path][1]
    for path in ("/a/ka-no-charset", "/a/ka-declared-latin1"):
        assert by_url[path][0] == TITLES["ka"]
        assert "საკრებულომ ხუთშაბათს განიხილა" in by_url[path][1]


@pytest.mark.slow
def test_retries_back_off_and_honour_retry_after(crawl):
    """Lower bounds only: each retry came no sooner than the server asked (or the back-off
    said); a Retry-After of a day was cut to RETRY_AFTER_MAX (2 s), not slept."""

    def hits_of(path: str) -> list:
        return [hit for hit in crawl["hits"] if hit.path == path]

    def gap(path: str) -> float:
        hits = hits_of(path)
        assert len(hits) == 2, hits  # RETRY_TIMES=1: the request and one retry
        return hits[1].at - hits[0].at

    assert gap("/a/retry-after") >= 0.95  # Retry-After: 1
    assert gap("/a/retry-after-date") >= 0.95  # an HTTP date, at least a second ahead
    assert gap("/a/retry-after-huge") >= 1.95  # Retry-After: 86400, capped to 2 s
    assert gap("/a/server-error") >= 0.3  # RETRY_BACKOFF_BASE
    assert gap("/a/overloaded") >= 0.3
    assert len(hits_of("/a/gone")) == 1  # a 404 is not retried


@pytest.mark.slow
def test_no_request_ever_reached_a_private_address_or_another_site(crawl):
    """Under replay every request comes here, with its URL's host in the Host header: the
    hosts seen are the hosts the crawler asked for."""
    assert {hit.host for hit in crawl["hits"]} == {"hostile.example"}


@pytest.mark.slow
def test_memory_stays_bounded_on_huge_pages_and_bombs(crawl):
    assert crawl["rss"] < RSS_BOUND, f"peak RSS {crawl['rss'] / MB:.0f} MB"


@pytest.mark.slow
def test_a_50000_url_sitemap_is_read_in_bounded_memory(tmp_path, profiles, hostile):
    """All 50,000 URLs are read and queued as article candidates, though the profile's
    pattern takes one in ten (profiles guide, never gate: the pages decide); the crawl is
    stopped after 60 pages (fetching all would only take long). The hostile home page's
    other links are left alone (UNMATCHED_LINKS_PER_RUN=0): this test is about the sitemap."""
    db = tmp_path / "archive.db"
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "hostile_sitemap.toml").write_text(
        BIG_SITEMAP_PROFILE.replace(r"/a/many/\d+$", r"/a/many/\d*0$"), encoding="utf-8"
    )
    result, rss = measured_crawl(
        "--profiles", str(tmp_path / "p"), "crawl", "hostile_sitemap", "--mirror",
        hostile.address, "--db", str(db), "--set", "CLOSESPIDER_PAGECOUNT=60",
        "--set", "UNMATCHED_LINKS_PER_RUN=0",
    )  # fmt: skip
    pages = pages_of(db)
    assert pages[f"{ORIGIN}/sitemap-50k.xml"]["outcome"] == "sitemap"
    stored = [url for url, page in pages.items() if page["outcome"] == "article"]
    assert any(url.endswith("0") for url in stored)
    missed = [url for url in stored if not url.endswith("0")]
    assert missed  # articles the pattern misses are archived, and counted as misses
    with Archive(db) as archive:
        metric = dict(archive.db.execute("SELECT metric, count FROM site_health_metrics"))
    assert metric["sitemap_urls"] == 50_000 and metric["pattern_missed"] == len(missed)
    assert rss < RSS_BOUND, f"peak RSS {rss / MB:.0f} MB"


# -- private addresses: the setting, and host names in live mode ---------------------------------
LAN_PROFILE = """\
name = "lan_news"
title = "LAN News"
country = "regional"
languages = ["en"]
home = "http://{host}/"
[urls]
article = ['/a/']
"""


@pytest.mark.slow
def test_allow_private_addresses_lets_an_intranet_outlet_be_crawled(tmp_path, hostile):
    """An outlet on 10.0.0.1 is refused by default, fetched with ALLOW_PRIVATE_ADDRESSES.
    (Replayed: the connection is to the hostile server on 127.0.0.1, never to 10.0.0.1.)"""
    (tmp_path / "lan_news.toml").write_text(LAN_PROFILE.format(host="10.0.0.1"), "utf-8")
    db = tmp_path / "archive.db"
    common = ("--profiles", str(tmp_path), "crawl", "lan_news", "--mirror", hostile.address,
              "--db", str(db), "--url", "http://10.0.0.1/a/ok", *FAST)  # fmt: skip
    hostile.reset()
    run_cli(*common)
    refused = pages_of(db)["http://10.0.0.1/a/ok"]
    assert refused["outcome"] == "skipped" and "10.0.0.1 is a private address" in refused["reason"]
    assert hostile.hits() == []
    run_cli(*common, "--set", "ALLOW_PRIVATE_ADDRESSES=True")
    assert pages_of(db)["http://10.0.0.1/a/ok"]["outcome"] == "article"
    assert hostile.hosts_seen() == {"10.0.0.1"}


def _loopback_name() -> str | None:
    """A host name (not `localhost`) that resolves to 127.0.0.1 here, e.g. from /etc/hosts."""
    for name in {socket.gethostname(), "vm", "runsc"}:
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(name, 80)}
        except OSError:
            continue
        if addresses == {"127.0.0.1"} and address_problem(name) is None:
            return name
    return None


@pytest.mark.slow
def test_live_crawls_refuse_host_names_that_resolve_to_private_addresses(tmp_path, hostile):
    name = _loopback_name()
    if name is None:
        pytest.skip("no host name here resolves to 127.0.0.1 only (besides localhost)")
    port = hostile.address.rsplit(":", 1)[1]
    (tmp_path / "lan_news.toml").write_text(LAN_PROFILE.format(host=name), "utf-8")
    db = tmp_path / "archive.db"
    url = f"http://{name}:{port}/a/ok"
    live = ("--profiles", str(tmp_path), "crawl", "lan_news", "--db", str(db), "--url", url,
            *FAST, "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False")  # fmt: skip
    hostile.reset()
    run_cli(*live)
    refused = pages_of(db)[url]
    assert refused["outcome"] == "skipped"
    assert f"{name} resolves to 127.0.0.1, a loopback address" in refused["reason"]
    assert hostile.hits() == []
    run_cli(*live, "--set", "ALLOW_PRIVATE_ADDRESSES=True")  # a real connection to 127.0.0.1
    assert pages_of(db)[url]["outcome"] == "article"


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.4", "private"),
        ("127.0.0.1", "loopback"),
        ("127.1", "loopback"),
        ("0x7f000001", "loopback"),
        ("017700000001", "loopback"),
        ("[::1]", "loopback"),
        ("[::ffff:169.254.169.254]", "link-local"),
        ("[fe80::1%25eth0]", "link-local"),
        ("[fd00::1]", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "reserved"),
        ("LOCALHOST.", "loopback"),
        ("api.localhost", "loopback"),
        ("civil.ge", None),
        ("93.184.216.34", None),
        ("[2606:4700::1111]", None),
        ("cafe.ge", None),
    ],
)
def test_which_hosts_are_refused_by_their_spelling(host, words):
    problem = address_problem(host.strip("[]").replace("%25", "%").lower())
    if words is None:
        assert problem is None
    else:
        assert problem is not None and words in problem


# Host names are checked where the connection resolves them, at every resolution (DNS
# rebinding, IPv4 inside IPv6): tests/test_address_guard.py.


# -- crash safety ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


def articles_of(db: Path) -> dict[str, tuple]:
    """url -> what a reader sees of each article (as tests/test_incremental.py compares)."""
    with Archive(db) as archive:
        return {
            row["url"]: (row["title"], row["body"], row["published"], tuple(row["categories"]))
            for row in (
                archive.article(i) for (i,) in archive.db.execute("SELECT id FROM articles")
            )
        }


def assert_intact(db: Path) -> None:
    """SQLite's and FTS5's own integrity checks, and one index entry per article."""
    connection = sqlite3.connect(db, timeout=30)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        indexed = connection.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
        assert indexed == articles
        unindexed = connection.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT id FROM articles_fts_docsize)"
        ).fetchone()[0]
        assert unindexed == 0
    finally:
        connection.close()


def _articles_now(db: Path) -> int:
    """Articles in the archive (-1 while it is being created or is busy)."""
    try:
        connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return -1


@pytest.mark.slow
def test_sigkill_during_writes_leaves_an_intact_archive_and_a_resume_loses_nothing(
    tmp_path, mirror
):
    """Five crawls killed (SIGKILL) at random moments while they store articles: after each,
    SQLite's and FTS5's integrity checks pass; a last run ends with what one run gives."""
    outlets = ("civil_ge", "news_am")
    whole = tmp_path / "whole.db"
    run_cli("crawl", *outlets, "--mirror", mirror.address, "--db", str(whole))
    expected = articles_of(whole)

    killed = tmp_path / "killed.db"
    slow = (
        "--set",
        "DOWNLOAD_DELAY=0.1",
        "--set",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "--set",
        "ARCHIVE_BATCH_SIZE=3",
    )  # fmt: skip  (batches of 3: kills fall mid-crawl)
    moments = random.Random(20261127)
    kills = []
    for _ in range(5):
        before = max(_articles_now(killed), 0)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "caucasus_crawler.cli", "crawl", *outlets, "--mirror",
             mirror.address, "--db", str(killed), *slow],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while crawl.poll() is None and time.monotonic() < deadline:
                if _articles_now(killed) > before:  # storing articles: kill it in a moment
                    time.sleep(moments.uniform(0.0, 0.6))
                    break
                time.sleep(0.01)
            if crawl.poll() is None:
                crawl.send_signal(signal.SIGKILL)
                kills.append(_articles_now(killed))
        finally:
            crawl.wait(timeout=30)
        assert_intact(killed)
    # shown with `pytest -s`: the articles stored when each kill came
    print(f"killed with {kills} of {len(expected)} articles stored")
    assert len(kills) >= 3, f"only {len(kills)} of 5 crawls were still running when killed"
    assert min(kills) < len(expected)

    run_cli("crawl", *outlets, "--mirror", mirror.address, "--db", str(killed))
    assert_intact(killed)
    assert articles_of(killed) == expected


# -- reading while writing ---------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


@pytest.mark.slow
def test_datasette_serves_the_archive_while_a_crawl_writes_it(tmp_path, mirror):
    db = tmp_path / "archive.db"
    Archive(db).close()  # the schema, so that datasette has tables to serve from the start
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", str(db), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    crawl = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get_json(f"{base}/-/versions.json")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "caucasus_crawler.cli", "crawl", "civil_ge", "news_am",
             "--mirror", mirror.address, "--db", str(db), "--set", "DOWNLOAD_DELAY=0.02"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        counts, errors = [], []
        count_sql = f"{base}/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array"
        latest = f"{base}/archive/articles.json?_shape=array&_size=5&_sort_desc=id"
        search = f"{base}/archive/articles.json?_search=Georgia&_shape=array&_size=3"
        deadline = time.monotonic() + 120
        while crawl.poll() is None and time.monotonic() < deadline:
            try:
                counts.append(_get_json(count_sql)[0]["n"])
                assert isinstance(_get_json(latest), list)
                assert isinstance(_get_json(search), list)
            except Exception as exc:  # noqa: BLE001 (every failure is the finding)
                errors.append(repr(exc))
        out, err = crawl.communicate(timeout=60)
        assert crawl.returncode == 0, out + err
        assert "locked" not in err and "Traceback" not in err
        assert errors == []
        assert len(counts) >= 5, f"only {len(counts)} reads while the crawl ran"
        assert counts == sorted(counts) and counts[-1] > counts[0]  # readers saw it grow
        assert _get_json(count_sql)[0]["n"] == len(articles_of(db))
    finally:
        for process in (crawl, server):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        if server.stderr:
            server.stderr.close()


@pytest.mark.slow
def test_hostile_server_stops_promptly_even_with_a_stalled_answer():
    with HostileServer(stall_seconds=60) as server:
        host, port = server.address.split(":")
        with socket.create_connection((host, int(port))) as client:
            client.sendall(b"GET /a/stall HTTP/1.1\r\nHost: hostile.example\r\n\r\n")
            client.settimeout(5)
            assert client.recv(100).startswith(b"HTTP/1.1 200")
            started = time.monotonic()
            server.stop()
            assert time.monotonic() - started < 10


# -- the helpers, on their own ------------------------------------------------------------------
def test_retry_after_reads_seconds_and_dates_and_ignores_garbage():
    from email.utils import formatdate

    from caucasus_crawler.middlewares import retry_after_seconds

    now = 1_800_000_000.0
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("9" * 40) == 10**9  # absurd, and capped later
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now=now) == 30
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now=now) == 0
    for garbage in (None, b"", b"soon", b"-5", b"1.5", b"Thu, 99 Foo 2026"):
        assert retry_after_seconds(garbage) is None


def test_a_charset_is_replaced_only_when_the_bytes_say_so():
    from caucasus_crawler.middlewares import better_encoding, looks_binary

    georgian = ("<p>" + TITLES["ka"] * 20 + "</p>").encode()
    russian = ("<p>" + TITLES["ru"] * 20 + "</p>").encode("cp1251")
    assert better_encoding(russian, "utf-8") == "cp1251"  # declared UTF-8, is not
    assert better_encoding(georgian, "cp1252") == "utf-8"  # declared single-byte, is UTF-8
    assert better_encoding(georgian, "utf-8") is None
    assert better_encoding(georgian[:100] + b"\xff" + georgian[100:], "utf-8") is None  # a stray
    assert better_encoding(b"<p>Tbilisi</p>", "cp1252") is None  # ASCII: any will do
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not looks_binary(georgian) and not looks_binary("<p>x</p>".encode("utf-16"))


# -- hostile text: control characters and oversized fields (tests/test_hostile_text.py) -------
# Two more articles of the crawl above (hostile.py's /a/control-chars and /a/huge-fields),
# counted with the others by the tests that read FAULTS_SEEN and ARTICLES when they run.
HOSTILE_TEXT = {"/a/control-chars": ("article", None), "/a/huge-fields": ("article", None)}
FAULTS_SEEN.update(HOSTILE_TEXT)
ARTICLES.update(HOSTILE_TEXT)
# What a terminal obeys: C0 controls but tab and line feed, DEL, C1; bidi overrides.
TERMINAL_CONTROLS = frozenset(
    [*map(chr, range(0x09)), *map(chr, range(0x0B, 0x20)), *map(chr, range(0x7F, 0xA0))]
    + [*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
)


def terminal_controls(text: str) -> list[str]:
    return [char for char in text if char in TERMINAL_CONTROLS]


@pytest.mark.slow
def test_control_characters_cost_no_article_and_reach_no_field(crawl):
    """One `&#8;` in a paragraph made the page `not_article: no body text`; escapes in the
    title (a window title, an OSC 52 clipboard write, a clear screen) were stored as sent."""
    for path, (outcome, _) in HOSTILE_TEXT.items():
        assert crawl["pages"][ORIGIN + path]["outcome"] == outcome, crawl["pages"][ORIGIN + path]
    with Archive(crawl["db"]) as archive:
        article = article_at(archive, ORIGIN + "/a/control-chars")
    assert article["title"] == f"{TITLES['en']}]0;pwned]52;c;cm0gLXJmIH4=[2J"
    assert article["body"].endswith("\n\nReference /a/control-chars.")
    assert [k for k, v in article.items() if isinstance(v, str) and terminal_controls(v)] == []
    found = run_cli("search", "pwned", "--db", str(crawl["db"])).stdout
    assert "[pwned]" in found and terminal_controls(found) == []


@pytest.mark.slow
def test_oversized_fields_are_capped_and_the_article_stored(crawl):
    from caucasus_crawler.extract.metadata import MAX_CATEGORIES, MAX_TAGS, MAX_TITLE_CHARS

    with Archive(crawl["db"]) as archive:
        records = {r["url"]: r for r in archive.export_records(sites=["hostile"])}
    record = records[ORIGIN + "/a/huge-fields"]
    assert len(record["title"]) <= MAX_TITLE_CHARS and record["title"].startswith("Huge Huge")
    assert record["tags"] == sorted(f"Tag {n}" for n in range(MAX_TAGS))
    assert record["categories"] == sorted(f"Section {n}" for n in range(MAX_CATEGORIES))
    assert record["image"] is None  # JavaScript:alert(document.cookie)
    assert record["text"].endswith("Reference /a/huge-fields.")
