"""Only for `scrapyd-deploy`, which builds the Scrapyd egg with `setup.py bdist_egg`.

Everything is declared in pyproject.toml; without this file scrapyd-deploy would write a
setup.py of its own that leaves out the package data (profiles, the mirror).
"""

from setuptools import setup

setup()
