"""datasketch's MinHash and LeanMinHash, without the rest of datasketch.

datasketch's package `__init__` imports every class it has; its LSH ones import scipy
(59 MB and 0.45 s in every extraction process), which a MinHash never uses. Python runs a
package's `__init__` before any of its submodules, and `datasketch.minhash` imports through
the package, so importing the submodule alone is not possible. Importing this module is what
works around it, and it is the one place the project touches `sys.modules`:

- if `datasketch` is already imported, its classes are taken as they are;
- otherwise the package's module is made without running its `__init__` and put in
  `sys.modules`; the first name asked of it that no imported submodule gave (`MinHashLSH`,
  say) runs the `__init__` then, so `from datasketch import MinHashLSH` still works anywhere.

dedup.py imports this module where it makes a MinHash (a crawl process that only looks bands
up never does), and the extraction workers' forkserver imports it once for all of them
(extract_pool.WORKER_IMPORTS).
"""

from __future__ import annotations

import importlib.util
import sys


def _datasketch_without_init() -> None:
    if "datasketch" in sys.modules:
        return
    spec = importlib.util.find_spec("datasketch")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # not installed as a package: the import below fails as it would have
    package = importlib.util.module_from_spec(spec)

    def complete(name: str) -> object:
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = complete
    sys.modules["datasketch"] = package


_datasketch_without_init()

from datasketch.lean_minhash import LeanMinHash  # noqa: E402
from datasketch.minhash import MinHash  # noqa: E402

__all__ = ["LeanMinHash", "MinHash"]
