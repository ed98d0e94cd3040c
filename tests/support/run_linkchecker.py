"""LinkChecker's own command line, made to behave the same for every user in every folder, with one speed-up.

Root: LinkChecker 10.6, run as root, drops privileges (linkcheck/command/linkchecker.py, drop_privileges():
os.seteuid to `nobody`) after reading its config file and before it loads its plugins. It then finds its plugins
by listing its own package folder (linkcheck/plugins/__init__.py get_plugin_modules() -> linkcheck/loader.py
get_package_modules() -> pkgutil.iter_modules). Where `nobody` cannot enter the virtual environment's folder (a
checkout in root's home folder or in a `mktemp -d` folder, both mode 700), pkgutil's os.path.isdir() is False
(and its os.listdir() PermissionError would be swallowed): no plugin is found, AnchorCheck included. The
`[AnchorCheck]` section still puts it in config["enabledplugins"], so page#anchor URLs are queued as usual,
nothing warns, and no anchor is checked. We check only our own site on 127.0.0.1, so keeping the caller's rights
costs nothing; and a plugin the config enables that does not load now stops the run (exit code 2).

Speed: with [AnchorCheck] LinkChecker treats page/#a and page/#b as two URLs and downloads and parses the page
for each; this site has some 600 links to anchors, which took 110 s of parsing instead of 6. The parse results
are only read (links and anchors are collected from them), so sharing them between URLs changes no finding.

    python tests/support/run_linkchecker.py [linkchecker options] URL
"""
from __future__ import annotations

import functools
import sys

from linkcheck import plugins
from linkcheck.command import linkchecker as command
from linkcheck.htmlutil import htmlsoup

htmlsoup.make_soup = functools.lru_cache(maxsize=64)(htmlsoup.make_soup)


def keep_privileges() -> None:
    """Replaces drop_privileges(): see the module's docstring."""


def missing_plugins(manager: plugins.PluginManager, config) -> list[str]:
    """The plugins the config enables that did not load."""
    loaded = {type(plugin).__name__ for plugin in
              (*manager.connection_plugins, *manager.content_plugins, *manager.parser_plugins)}
    return sorted(set(config["enabledplugins"]) - loaded)


def init_checked(original):
    @functools.wraps(original)
    def init(self, config):
        original(self, config)
        missing = missing_plugins(self, config)
        if missing:
            print(f"run_linkchecker: the config enables {', '.join(missing)} but LinkChecker did not load it "
                  f"(it lists its plugins from {', '.join(plugins.__path__)}): that check would be skipped. "
                  "Make that folder readable by the user LinkChecker runs as.", file=sys.stderr)
            sys.exit(2)
    return init


command.drop_privileges = keep_privileges
plugins.PluginManager.__init__ = init_checked(plugins.PluginManager.__init__)

if __name__ == "__main__":
    sys.exit(command.linkchecker())
