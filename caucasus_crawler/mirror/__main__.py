"""`python -m caucasus_crawler.mirror [--port 8000] [--redesign HOST]...`: serve the mirror until
Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading

from caucasus_crawler.mirror.content import MirrorDataError
from caucasus_crawler.mirror.server import MirrorServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m caucasus_crawler.mirror",
        description="Serve the bundled mirror of the outlets over HTTP. Crawlers send the real "
        "host in the Host header; a browser puts it first in the path "
        "(http://127.0.0.1:8000/civil.ge/).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port)")
    parser.add_argument(
        "--redesign",
        action="append",
        default=[],
        metavar="HOST",
        help="serve this site redesigned: other URLs, feeds, sitemaps and class names for the "
        "same articles (repeatable; HOST as sites/ names it, e.g. civil.ge)",
    )
    args = parser.parse_args(argv)
    try:
        mirror = MirrorServer(args.host, args.port, redesigned=args.redesign).start()
    except MirrorDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}; "
            "choose another --port",
            file=sys.stderr,
        )
        return 1
    print(
        f"Mirror of {', '.join(mirror.hosts)} serving on http://{mirror.address}/ (Ctrl-C to stop)",
        flush=True,
    )
    if mirror.redesigned:
        print(f"Redesigned: {', '.join(mirror.redesigned)}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        mirror.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
