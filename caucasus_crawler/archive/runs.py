"""Crawl runs and the outlets' health: what each run did, and what its pages said about each
outlet's profile (health.py names the metrics and draws the verdicts).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from caucasus_crawler import health
from caucasus_crawler.archive.connection import Connected, now_iso

# The counters of `crawl_runs` a crawler adds to (several crawlers may share one run).
RUN_COUNTERS = frozenset(
    {"requests", "pages", "articles_new", "articles_updated", "duplicates", "failures"}
)


class Runs(Connected):
    # -- runs ----------------------------------------------------------------------------------
    def start_run(self, mode: str, sites: Iterable[str]) -> int:
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (started, mode, sites) VALUES (?, ?, ?)",
                [now_iso(), mode, json.dumps(sorted(sites))],
            )
        return cursor.lastrowid

    def add_to_run(self, run_id: int, **counts: int) -> None:
        """Add a crawler's counts to its run (several crawlers may share one run)."""
        if not counts:
            return
        if set(counts) - RUN_COUNTERS:
            raise ValueError(f"unknown run counters: {sorted(set(counts) - RUN_COUNTERS)}")
        assignments = ", ".join(f"{name} = {name} + :{name}" for name in counts)
        with self.transaction():
            self.db.execute(
                f"UPDATE crawl_runs SET {assignments} WHERE id = :id", {**counts, "id": run_id}
            )

    def add_run_sites(self, run_id: int, sites: Iterable[str]) -> None:
        """Add outlets to a run (`ingest` learns them as workers join a crawl on Redis)."""
        with self.transaction():
            (listed,) = self.db.execute(
                "SELECT sites FROM crawl_runs WHERE id = ?", [run_id]
            ).fetchone()
            merged = sorted(set(json.loads(listed)) | set(sites))
            self.db.execute(
                "UPDATE crawl_runs SET sites = ? WHERE id = ?", [json.dumps(merged), run_id]
            )

    def finish_run(self, run_id: int) -> dict:
        with self.transaction():
            self.db.execute("UPDATE crawl_runs SET finished = ? WHERE id = ?", [now_iso(), run_id])
        return self.run(run_id)

    def fail_run(self, run_id: int, reason: str) -> None:
        """Mark a run failed (and not finished): the next crawl takes nothing it saw as known."""
        with self.transaction():
            self.db.execute(
                "UPDATE crawl_runs SET failed = ?, finished = NULL WHERE id = ?", [reason, run_id]
            )

    def recent_runs(self, limit: int = 10) -> list[dict]:
        ids = [
            r[0]
            for r in self.db.execute("SELECT id FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit])
        ]
        return [self.run(run_id) for run_id in ids]

    def failures_by_reason(self, run_ids: Iterable[int]) -> list[tuple[str, int, str]]:
        """(reason, how many URLs, one example URL) of failed pages in these runs, most first."""
        ids = list(run_ids)
        if not ids:
            return []
        return self.db.execute(
            "SELECT coalesce(reason, 'unknown'), count(*), min(url) FROM pages "
            f"WHERE outcome = 'failed' AND run_id IN ({', '.join('?' * len(ids))}) "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            ids,
        ).fetchall()

    def last_finished_run(self, site: str) -> dict | None:
        """The most recent finished run that crawled `site` (None if it never finished one),
        and was not capped for it (bounds.py) nor left some of it out by its bounds
        (--since, --until, --max-articles). A crawl of the site itself: a backfill from web
        archives (modes wayback, import) saw none of its feeds and listings."""
        row = self.db.execute(
            "SELECT crawl_runs.id FROM crawl_runs, json_each(crawl_runs.sites) "
            "WHERE json_each.value = :site AND finished IS NOT NULL"
            " AND mode IN ('live', 'demo') AND NOT EXISTS ("
            "  SELECT 1 FROM site_health_metrics m WHERE m.site = :site AND m.run_id ="
            "  crawl_runs.id AND m.metric IN ('requests_capped', 'window_left_out'))"
            " ORDER BY finished DESC LIMIT 1",
            {"site": site},
        ).fetchone()
        return self.run(row[0]) if row else None

    def run(self, run_id: int) -> dict:
        row = self.db["crawl_runs"].get(run_id)
        return {**row, "sites": json.loads(row["sites"])}

    def refused_in_run(self, run_id: int) -> tuple[int, str, str] | None:
        """(how many pages, the commonest reason, an example URL) of a run's requests that
        were refused or failed without a fetch (`skipped`, or `failed` with no status)."""
        row = self.db.execute(
            "SELECT count(*) OVER (), reason, url FROM pages WHERE run_id = ?"
            " AND (outcome = 'skipped' OR (outcome = 'failed' AND http_status IS NULL))"
            " GROUP BY reason, url ORDER BY count(*) OVER (PARTITION BY reason) DESC LIMIT 1",
            [run_id],
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    # -- health (health.py) --------------------------------------------------------------------
    def add_health_metrics(
        self, run_id: int, rows: Iterable[tuple[str, str, int, str | None]]
    ) -> None:
        """Add (site, metric, count, example URL) to a run's counts; the first example stays."""
        rows = list(rows)
        if not rows:
            return
        with self.transaction():  # a savepoint in the caller's, when it has one open
            self.db.conn.executemany(
                "INSERT INTO site_health_metrics (run_id, site, metric, count, example)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, run_id, metric) DO UPDATE SET"
                " count = count + excluded.count, example = coalesce(example, excluded.example)",
                [(run_id, site, metric, count, example) for site, metric, count, example in rows],
            )

    def health_metrics(self, site: str, run_ids: Iterable[int]) -> dict[str, tuple[int, str]]:
        """An outlet's counts summed over runs: {metric: (count, an example URL, the latest
        run's where it has one)}."""
        ids = list(run_ids)
        if not ids:
            return {}
        rows = self.db.execute(
            "SELECT metric, sum(count),"
            " (SELECT example FROM site_health_metrics AS m WHERE m.site = s.site"
            "  AND m.metric = s.metric AND m.run_id IN ({0}) AND m.example IS NOT NULL"
            "  AND m.count > 0 ORDER BY m.run_id DESC LIMIT 1)"
            " FROM site_health_metrics AS s WHERE site = ? AND run_id IN ({0})"
            " GROUP BY metric".format(", ".join("?" * len(ids))),
            [*ids, site, *ids],
        )
        return {metric: (count, example) for metric, count, example in rows}

    def health_runs(self, site: str, limit: int) -> list[dict]:
        """The latest runs that fetched anything of an outlet, newest first: {run_id,
        started, finished, profile (digest, when judged)}."""
        rows = self.db.execute(
            "SELECT r.id, r.started, r.finished, h.profile FROM crawl_runs AS r"
            " LEFT JOIN site_health AS h ON h.run_id = r.id AND h.site = :site"
            " WHERE r.id IN (SELECT run_id FROM site_health_metrics WHERE site = :site)"
            " ORDER BY r.id DESC LIMIT :limit",
            {"site": site, "limit": limit},
        )
        keys = ("run_id", "started", "finished", "profile")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def recent_health(
        self, site: str, digest: str, runs: int
    ) -> tuple[list[int], dict[str, tuple[int, str]], bool]:
        """What an outlet's last `runs` runs made with its profile as it is now (`digest`;
        runs not yet judged count too) counted: (their ids, oldest first, the summed metrics,
        False). With no such run, the last runs whatever their profile, and True."""
        recent = self.health_runs(site, 50)
        current = [r for r in recent if r["profile"] in (digest, None)][:runs]
        chosen = current or recent[:runs]
        ids = sorted(r["run_id"] for r in chosen)
        return ids, self.health_metrics(site, ids), bool(chosen) and not current

    def judge_run(self, run_id: int, profile_digests: dict[str, str]) -> dict:
        """Draw each outlet's verdict from what this run counted (health.assess) and keep it
        in `site_health`; returns {site: Assessment} for the outlets the run fetched."""
        sites = [
            row[0]
            for row in self.db.execute(
                "SELECT DISTINCT site FROM site_health_metrics WHERE run_id = ? ORDER BY site",
                [run_id],
            )
        ]
        verdicts = {site: health.assess(self.health_metrics(site, [run_id])) for site in sites}
        with self.transaction():
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO site_health (run_id, site, verdict, problems, profile,"
                " judged) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        site,
                        verdict.verdict,
                        json.dumps([p.as_json() for p in verdict.problems], ensure_ascii=False),
                        profile_digests.get(site),
                        now_iso(),
                    )
                    for site, verdict in verdicts.items()
                ],
            )
        return verdicts
