"""History: filling the archive from web archives (issue 22).

warc.py      reading WARC files, a record at a time (warcio), with their offsets
importer.py  `caucasus-crawler import`: records -> the crawl's extraction -> the archive
workers.py   the same on Redis: workers share a list of files, `ingest` stores the items
"""
