"""Import speed: `caucasus-crawler import` of a WARC file beside plain trafilatura extraction.

Writes a WARC file (gzip per record, as CC-NEWS and crawlers write them) of generated article
pages of five outlets (crawl_speed.py's generator: pages as heavy as real ones, in English,
Georgian, Armenian, Azerbaijani and Russian) plus a share of records of a host no profile
owns, with a profile per outlet, then measures in one run:

(a) `caucasus-crawler --profiles DIR import FILE --db fresh.db` (extraction in the crawl's
    process pool, one worker per core): records per second of the whole command (every
    record of the file, other hosts' too), and the peak memory of its process tree (the
    import and its extraction workers), sampled with psutil (sum of RSS; and of PSS);
(b) `trafilatura.extract(html, url=url)` of the same article records, decoded, in this one
    process, one after another (records already in memory): records per second of one core;
(c) reading alone: every record of the file and the payload of each response, with warcio
    (what the import uses) and with FastWARC, in this process.

Run from the repository root:

    python benchmarks/import_speed.py               # 5,000 articles + 20 % other hosts
    python benchmarks/import_speed.py --articles 500 --foreign 0.2   # quick
    python benchmarks/import_speed.py --rounds 3    # (a) and (b) three times in turn: medians

The last line is `records <n> import_rps <a> extract_1core_rps <b> peak_rss_mb <m>`.
The machine should be otherwise idle: `uptime` is printed first.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from crawl_speed import (  # noqa: E402
    OUTLETS,
    Outlet,
    Pages,
    run_measured,
    trafilatura_one_core,
    write_profiles,
)

from caucasus_crawler.extract_pool import available_cores  # noqa: E402

CAPTURED = "2026-10-02T08:00:00Z"


def outlets(articles: int) -> tuple[list[Outlet], Outlet]:
    """The profiled outlets (articles shared among them) and one no profile owns."""
    each = -(-articles // len(OUTLETS))
    owned = [
        Outlet(name, languages, country, f"www.{name.replace('_', '-')}.test", 80, each)
        for name, languages, country in OUTLETS
    ]
    return owned, Outlet("elsewhere", ("en", "ru"), "XX", "news.elsewhere.test", 80, 0)


def write_warc(path: Path, pages: Pages, articles: int, foreign: Outlet, share: float) -> dict:
    """The WARC: `articles` article records, one record of `foreign` after every
    1/share - 1 of them (20 %: one in five records). Returns the counts."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    urls = pages.urls()[:articles]
    every = round((1 - share) / share) if share else 0
    counts = {"articles": 0, "foreign": 0}
    foreign_pages = Pages([foreign])
    foreign.articles = articles
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench"}))

        def response(url: str, body: bytes) -> None:
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": CAPTURED},
            )
            writer.write_record(record)

        for index, (outlet, number) in enumerate(urls, 1):
            path_of = f"/{outlet.language_of(number)}/news/{number}/"
            response(outlet.article_url(number), pages.get(outlet.host, path_of)[2])
            counts["articles"] += 1
            if every and index % every == 0:
                other = foreign.article_url(index)
                other_path = f"/{foreign.language_of(index)}/news/{index}/"
                response(other, foreign_pages.get(foreign.host, other_path)[2])
                counts["foreign"] += 1
    counts["records"] = counts["articles"] + counts["foreign"] + 1  # + warcinfo
    return counts


def article_records(path: Path, owned: set[str]) -> list[tuple[str, bytes]]:
    from caucasus_crawler.history.warc import Record, read_records

    with path.open("rb") as handle:
        return [
            (r.url, r.body)
            for r in read_records(handle)
            if isinstance(r, Record) and r.body is not None and r.url.split("/")[2] in owned
        ]


def read_warcio(path: Path) -> tuple[float, int]:
    from caucasus_crawler.history.warc import Record, read_records

    started = time.monotonic()
    with path.open("rb") as handle:
        count = sum(1 for r in read_records(handle) if isinstance(r, Record))
    return time.monotonic() - started, count


def read_fastwarc(path: Path) -> tuple[float, int] | None:
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        return None
    started = time.monotonic()
    count = 0
    with path.open("rb") as handle:  # gzip found by FastWARC itself
        for record in ArchiveIterator(handle, parse_http=True):
            if record.record_type == WarcRecordType.response:
                record.reader.read()
            count += 1
    return time.monotonic() - started, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--foreign", type=float, default=0.2, help="share of other hosts")
    parser.add_argument("--processes", type=int, help="the import's (default: every core)")
    parser.add_argument("--rounds", type=int, default=1, help="(a) and (b) in turn: medians")
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    owned, foreign = outlets(args.articles)
    pages = Pages(owned)
    with tempfile.TemporaryDirectory(prefix="import-speed-") as work_dir:
        work = Path(work_dir)
        warc = work / "bench.warc.gz"
        counts = write_warc(warc, pages, args.articles, foreign, args.foreign)
        profiles = work / "profiles"
        write_profiles(owned, profiles)
        size = warc.stat().st_size / 1e6
        print(
            f"WARC: {counts['records']} records ({counts['articles']} articles, "
            f"{counts['foreign']} of another host, 1 warcinfo), {size:.1f} MB gzipped"
        )

        command = [sys.executable, "-m", "caucasus_crawler.cli", "--profiles", str(profiles)]
        command += ["import", str(warc), "--db", str(work / "import.db")]
        if args.processes is not None:
            command += ["--processes", str(args.processes)]
        documents = article_records(warc, {o.host for o in owned})
        imports, extracts, summary = [], [], ""
        for round_number in range(args.rounds):  # in turn, so that both see the same machine
            for stale in work.glob("import.db*"):
                stale.unlink()
            seconds, _, memory = run_measured(command, work / "import.log", True, 3600)
            summary = (work / "import.log").read_text()
            stored = int(summary.split("articles stored")[1].split()[0])
            imports.append((seconds, stored, memory))
            extracts.append(trafilatura_one_core(documents))
            if args.rounds > 1:
                print(
                    f"round {round_number + 1}: import {counts['records'] / seconds:.1f} "
                    f"records/s, extract {len(documents) / extracts[-1][0]:.1f} records/s"
                )
        print(summary.rstrip())
        warcio_seconds, warcio_count = read_warcio(warc)
        fast = read_fastwarc(warc)

    seconds, stored, memory = sorted(imports, key=lambda run: run[0])[len(imports) // 2]
    extract_seconds, extract_cpu, extracted = sorted(extracts)[len(extracts) // 2]
    import_rps = counts["records"] / seconds
    extract_rps = len(documents) / extract_seconds
    peak_rss = max(run[2].peak_rss for run in imports) / 1e6
    peak_pss = max(run[2].peak_pss for run in imports) / 1e6
    tree_cpu = sum(memory.cpu.values())
    processes = args.processes if args.processes is not None else available_cores()
    print()
    if args.rounds > 1:
        print(f"medians of {args.rounds} rounds (peak memory: the highest of any round):")
    print(f"{'run':48} {'records':>8} {'seconds':>8} {'rec/s':>8}  note")
    print(
        f"{'(a) import, ' + str(processes) + ' extraction process(es)':48} "
        f"{counts['records']:>8} {seconds:>8.1f} {import_rps:>8.1f}  "
        f"{stored} articles stored ({counts['articles'] / seconds:.1f} articles/s); "
        f"CPU per article {tree_cpu / counts['articles'] * 1000:.1f} ms (the process tree); "
        f"peak RSS {peak_rss:.0f} MB, PSS {peak_pss:.0f} MB"
    )
    print(
        f"{'(b) trafilatura.extract, 1 process':48} {len(documents):>8} "
        f"{extract_seconds:>8.1f} {extract_rps:>8.1f}  {extracted} extracted; "
        f"CPU per article {extract_cpu / len(documents) * 1000:.1f} ms"
    )
    print(
        f"{'(c) reading with warcio':48} {warcio_count:>8} {warcio_seconds:>8.1f} "
        f"{warcio_count / warcio_seconds:>8.0f}  every payload of the owned hosts read"
    )
    if fast is not None:
        print(
            f"{'(c) reading with FastWARC':48} {fast[1]:>8} {fast[0]:>8.1f} "
            f"{fast[1] / fast[0]:>8.0f}  every response payload read"
        )
    print(
        f"import_rps / extract_1core_rps = {import_rps / extract_rps:.2f} "
        f"(target >= 1.5 on 2 cores)"
    )
    print(
        f"records {counts['records']} import_rps {import_rps:.1f} "
        f"extract_1core_rps {extract_rps:.1f} peak_rss_mb {peak_rss:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
