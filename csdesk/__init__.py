"""csdesk: an offline-first workbench for Customer Success Managers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("csdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
