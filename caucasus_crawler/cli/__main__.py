"""`python -m caucasus_crawler.cli`: the `caucasus-crawler` command."""

from caucasus_crawler.cli import run

run()
