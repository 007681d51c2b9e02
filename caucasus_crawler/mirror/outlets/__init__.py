"""One renderer per outlet: ``build(site) -> Routes``, every URL of the site and its response
(the files beside site.toml, robots.txt, are added as they are).

A site's ``site.toml`` names its renderer (``outlet = "civil_ge"``: this package's
``civil_ge.py``). A renderer holds the outlet's markup (its theme, its feed and sitemap
dialect); the words are in the site's data files. What renderers do alike is beside them
in the mirror: the route table and editions (renderer.py), listings and their pagers
(listing.py), escaping, head meta, feeds and sitemaps (markup.py), and what WordPress
writes on every WordPress outlet (wordpress.py).
"""

from __future__ import annotations

import re
from importlib import import_module

from caucasus_crawler.mirror.content import MirrorDataError, Routes, Site


def build_routes(site: Site) -> Routes:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", site.outlet):
        raise MirrorDataError(f"{site.directory / 'site.toml'}: bad outlet {site.outlet!r}")
    try:
        module = import_module(f"{__name__}.{site.outlet}")
    except ModuleNotFoundError:
        raise MirrorDataError(
            f"{site.directory / 'site.toml'}: no renderer caucasus_crawler/mirror/outlets/"
            f"{site.outlet}.py"
        ) from None
    routes = module.build(site)
    for path, resource in site.static_files().items():
        routes.add(path, resource)
    return routes
