"""What `caucasus-crawler import` asks of the archive: how far each WARC file was read, which
records are already stored, and the raw responses a `revisit` record points back to.
"""

from __future__ import annotations

import json

from caucasus_crawler.archive.connection import Connected, now_iso
from caucasus_crawler.items import decompress_body

# Outcomes that settle a page: stored (an article, a duplicate of one, or judged no article).
# A page held back by bounds (`skipped`) or `failed` is taken again by a later import.
SETTLED = ("article", "duplicate", "not_article")


class Imports(Connected):
    def imported_file(self, size: int, head: str) -> dict | None:
        """The `imported_files` row of the file with this identity, if it was read before."""
        row = self.db.execute(
            "SELECT id, name, next_offset, retry_from, records, finished FROM imported_files"
            " WHERE size = ? AND head = ?",
            [size, head],
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "name", "next_offset", "retry_from", "records", "finished")
        return dict(zip(keys, row, strict=True))

    def start_import(self, name: str, size: int, head: str, run_id: int) -> tuple[int, int]:
        """Register a file this run reads: (its id, the offset to read from). A file read to
        its end before starts again where its first held-back or failed record was (its
        bounds may differ this time); an unfinished one where its stored records end."""
        with self.transaction():
            known = self.imported_file(size, head)
            if known is None:
                cursor = self.db.execute(
                    "INSERT INTO imported_files (name, size, head, run_id) VALUES (?, ?, ?, ?)",
                    [name, size, head, run_id],
                )
                return cursor.lastrowid, 0
            offsets = [known["next_offset"]]
            if known["retry_from"] is not None:
                offsets.append(known["retry_from"])
            start = min(offsets)
            self.db.execute(
                "UPDATE imported_files SET name = ?, next_offset = ?, retry_from = NULL,"
                " finished = NULL, run_id = ? WHERE id = ?",
                [name, start, run_id, known["id"]],
            )
            return known["id"], start

    def advance_import(
        self,
        file_id: int,
        next_offset: int,
        records: int,
        retry_from: int | None = None,
        error: str | None = None,
        errors: int = 0,
        finished: bool = False,
    ) -> None:
        """How far a file is stored (in the transaction of the batch that stored it)."""
        with self.transaction():
            self.db.execute(
                "UPDATE imported_files SET next_offset = :next, records = records + :records,"
                # the earliest: min() of two values is NULL when one is
                " retry_from = coalesce(min(retry_from, :retry), retry_from, :retry),"
                " errors = errors + :errors, last_error = coalesce(:error, last_error),"
                " finished = :finished WHERE id = :id",
                {
                    "next": next_offset,
                    "records": records,
                    "retry": retry_from,
                    "errors": errors,
                    "error": error,
                    "finished": now_iso() if finished else None,
                    "id": file_id,
                },
            )

    def settled_fetch(self, url: str) -> str | None:
        """When the page at `url` was fetched, if the archive settled it (SETTLED)."""
        row = self.db.execute(
            f"SELECT fetched FROM pages WHERE url = ? AND outcome IN {SETTLED}", [url]
        ).fetchone()
        return row[0] if row else None

    def stored_response(self, url: str) -> tuple[int | None, dict, bytes] | None:
        """(status, headers, body) of the raw response kept for `url`, if any."""
        row = self.db.execute(
            "SELECT http_status, headers, body FROM responses WHERE url = ?", [url]
        ).fetchone()
        if row is None:
            return None
        return row[0], json.loads(row[1]), decompress_body(row[2])
