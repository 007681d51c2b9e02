"""caucasus-crawler: a crawl archive of South Caucasus news.

The public Python API is the names in `__all__` (README: "Python API"); every module of the
package is internal and may change. Each name is imported on first use (a module
`__getattr__`, PEP 562), so that `import caucasus_crawler` stays light: it imports neither
Scrapy, nor datasette, nor pandas, and a notebook that only reads an archive never does.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["crawl", "extract_article", "load_profiles", "open_archive"]

# Where each public name lives: imported when first asked for.
_HOMES = {
    "open_archive": "caucasus_crawler.api",
    "extract_article": "caucasus_crawler.api",
    "load_profiles": "caucasus_crawler.api",
    "crawl": "caucasus_crawler.crawling",
}

if TYPE_CHECKING:  # for editors and type checkers, which do not run __getattr__
    from caucasus_crawler.api import extract_article, load_profiles, open_archive
    from caucasus_crawler.crawling import crawl


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # found once: later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
