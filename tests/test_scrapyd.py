"""Scrapyd: the project's egg deployed to a real `scrapyd` on 127.0.0.1, crawling the mirror."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile

import pytest
from conftest import REFERENCE_TITLE, REPO, article_at, run_cli

from caucasus_crawler.archive import Archive
from caucasus_crawler.mirror import MirrorServer
from caucasus_crawler.profiles import load_profiles

pytest.importorskip("scrapyd", reason="scrapyd is in the test extra: pip install -e '.[test]'")
pytest.importorskip("scrapyd_client", reason="scrapyd-client is in the test extra")

REFERENCE_URL = "https://civil.ge/archives/626112"
PROJECT = "caucasus_crawler"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(url: str, form: list[tuple[str, str]] | None = None) -> dict:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    with urllib.request.urlopen(url, data=data, timeout=60) as response:
        reply = json.load(response)
    assert reply["status"] == "ok", reply
    return reply


@pytest.fixture(scope="module")
def egg(tmp_path_factory):
    """The egg `scrapyd-deploy --build-egg` builds, from a copy of the project (the build
    writes build/ and *.egg-info beside setup.py)."""
    tmp = tmp_path_factory.mktemp("egg")
    source = tmp / "project"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(
        REPO / PROJECT, source / PROJECT, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    path = tmp / f"{PROJECT}.egg"
    subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "--build-egg", str(path)],
        cwd=source,
        capture_output=True,
        timeout=120,
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory, egg):
    """A real Scrapyd on a free port of 127.0.0.1 with the egg deployed through addversion.json;
    its base URL."""
    home = tmp_path_factory.mktemp("scrapyd")
    port = _free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "poll_interval = 0.5\n",
        "utf-8",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "scrapyd", "--pidfile", str(home / "twistd.pid")]
        + ["--logfile", str(home / "scrapyd.log")],
        cwd=home,  # Scrapyd reads ./scrapyd.conf
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _call(url + "daemonstatus.json")
                break
            except OSError:
                assert server.poll() is None, (home / "scrapyd.log").read_text()
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.2)
        # addversion.json, as scrapyd-deploy sends it: a multipart form with the egg.
        boundary = "caucasus-crawler-egg"
        parts = [(f'name="{n}"', v.encode()) for n, v in (("project", PROJECT), ("version", "1"))]
        parts.append(('name="egg"; filename="project.egg"', egg.read_bytes()))
        body = b"".join(
            f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n".encode()
            + value
            + b"\r\n"
            for disposition, value in parts
        )
        request = urllib.request.Request(
            url + "addversion.json",
            data=body + f"--{boundary}--\r\n".encode(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            deployed = json.load(response)
        assert deployed["status"] == "ok", deployed
        yield url, deployed, home
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer() as server:
        yield server


def _wait_finished(url: str, job: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = _call(f"{url}listjobs.json?project={PROJECT}")
        done = [j for j in jobs["finished"] if j["id"] == job]
        if done:
            return done[0]
        time.sleep(0.3)
    raise AssertionError(f"Scrapyd job {job} did not finish in {timeout} s")


def test_scrapy_cfg_has_a_deploy_target():
    config = configparser.ConfigParser()
    config.read(REPO / "scrapy.cfg")
    assert config["deploy"]["url"] == "http://localhost:6800/"
    assert config["deploy"]["project"] == PROJECT


@pytest.mark.slow
def test_the_egg_carries_the_package_its_data_and_the_settings_entry_point(egg):
    names = set(zipfile.ZipFile(egg).namelist())
    assert {f"{PROJECT}/profiles/{name}.toml" for name in load_profiles()} <= names
    assert f"{PROJECT}/mirror/sites/civil.ge/robots.txt" in names
    assert any(n.startswith(f"{PROJECT}/mirror/sites/civil.ge/articles/") for n in names)
    entry_points = zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]\nsettings = caucasus_crawler.settings" in entry_points
    # What Scrapyd's runner does: the package and its profiles load from inside the zip.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from scrapyd.runner import activate_egg; activate_egg(sys.argv[1]);"
            "import caucasus_crawler.profiles as p; print(p.__file__);"
            "print(' '.join(sorted(p.load_profiles())))",
            str(egg),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=egg.parent,
    )
    where, names_loaded = probe.stdout.splitlines()
    assert where.startswith(str(egg) + os.sep)
    assert names_loaded.split() == sorted(load_profiles())


@pytest.mark.slow
def test_a_crawl_scheduled_through_scrapyd_stores_the_articles(scrapyd, mirror, tmp_path):
    url, deployed, home = scrapyd
    assert deployed["project"] == PROJECT and deployed["spiders"] == len(load_profiles())
    spiders = _call(f"{url}listspiders.json?project={PROJECT}")["spiders"]
    assert "civil_ge" in spiders

    db = tmp_path / "scrapyd.db"
    job = _call(
        url + "schedule.json",
        [
            ("project", PROJECT),
            ("spider", "civil_ge"),
            ("setting", f"MIRROR_ADDRESS={mirror.address}"),
            ("setting", f"ARCHIVE_PATH={db}"),
        ],
    )["jobid"]
    _wait_finished(url, job)

    with Archive(db) as archive:
        reference = article_at(archive, REFERENCE_URL)
        runs = list(archive.db["crawl_runs"].rows)
        stored = archive.db["articles"].count
        health = list(archive.db["site_health"].rows)  # judged when the job's crawl closed
    assert reference is not None, (home / "logs" / PROJECT / "civil_ge" / f"{job}.log").read_text()
    assert reference["title"] == REFERENCE_TITLE
    assert reference["published"] == "2024-09-04T13:27:41+04:00"
    assert stored >= 8
    assert len(runs) == 1 and runs[0]["finished"] and runs[0]["mode"] == "demo"
    assert json.loads(runs[0]["sites"]) == ["civil_ge"] and runs[0]["articles_new"] == stored
    assert [(h["site"], h["run_id"], h["verdict"]) for h in health] == [
        ("civil_ge", runs[0]["id"], "ok")
    ]


@pytest.mark.slow
def test_schedule_sends_due_crawls_to_scrapyd(scrapyd, mirror, tmp_path):
    url, *_ = scrapyd
    db, log = tmp_path / "archive.db", tmp_path / "schedule.log"
    command = ("schedule", "--once", "--scrapyd", url, "--db", str(db), "--log", str(log))
    command += ("--mirror", mirror.address, "report_az")
    run_cli(*command, timeout=120)

    text = log.read_text("utf-8")
    launched = re.findall(rf"launch report_az as Scrapyd job (\w+) at {re.escape(url)}", text)
    assert len(launched) == 1, text
    finished = _call(f"{url}listjobs.json?project={PROJECT}")["finished"]
    assert any(j["id"] == launched[0] and j["spider"] == "report_az" for j in finished)
    with Archive(db) as archive:
        runs = list(archive.db["crawl_runs"].rows)
        sites = {row[0] for row in archive.db.execute("SELECT DISTINCT site FROM articles")}
    assert len(runs) == 1 and json.loads(runs[0]["sites"]) == ["report_az"] and runs[0]["finished"]
    assert sites == {"report_az"} and runs[0]["articles_new"] >= 8
    assert re.search(
        rf"finished report_az \(Scrapyd job {launched[0]}\): done in [\d.]+ s; run {runs[0]['id']}:"
        rf" {runs[0]['requests']} requests, {runs[0]['articles_new']} new",
        text,
    ), text

    run_cli(*command, timeout=60)  # just crawled: nothing is due
    assert "launch" not in log.read_text("utf-8")[len(text) :]
