"""`python -m caucasus_crawler`: the `caucasus-crawler` command."""

from caucasus_crawler.cli import run

run()
