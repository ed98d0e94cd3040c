"""LinkChecker's own command line with one speed-up: each distinct HTML document is parsed once.

With [AnchorCheck] LinkChecker treats page/#a and page/#b as two URLs and downloads and parses the page for
each; this site has some 600 links to anchors, which took 110 s of parsing instead of 6. The parse results are
only read (links and anchors are collected from them), so sharing them between URLs changes no finding.

    python tests/support/run_linkchecker.py [linkchecker options] URL
"""
from __future__ import annotations

import functools
import sys

from linkcheck.command.linkchecker import linkchecker
from linkcheck.htmlutil import htmlsoup

htmlsoup.make_soup = functools.lru_cache(maxsize=64)(htmlsoup.make_soup)

if __name__ == "__main__":
    sys.exit(linkchecker())
