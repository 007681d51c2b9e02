"""sqlite-utils, imported without pandas.

sqlite-utils imports pandas when it is installed, at its own import, only to map pandas'
cell types (measured here: 0.38 s and 70 MB more for every process that opens the archive,
each crawl and command included). The archive never stores pandas objects, so sqlite-utils
is imported here while `import pandas` is refused, and pandas is importable again right after:
only sqlite-utils's own import is spared it. Where pandas is already imported (a notebook that
imported it first), sqlite-utils takes it as ever. Imported first by the archive package.
"""

from __future__ import annotations

import sys

_spare_pandas = "pandas" not in sys.modules and "sqlite_utils" not in sys.modules
if _spare_pandas:
    sys.modules["pandas"] = None  # type: ignore[assignment]  # makes `import pandas` fail
try:
    import sqlite_utils
finally:
    if _spare_pandas:
        del sys.modules["pandas"]

__all__ = ["sqlite_utils"]
