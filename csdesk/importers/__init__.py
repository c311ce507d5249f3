"""Importing CSV files: reading, checking and planning; the writing is a service.

Use :func:`run_import` with an :class:`ImportRequest`; a file with problems raises
:class:`ImportRejected` listing every problem, and nothing is written.
"""

from csdesk.importers.problems import ImportRejected, Problem
from csdesk.importers.report import ImportReport
from csdesk.importers.runner import ImportRequest, known_kinds, run_import

__all__ = ["ImportRejected", "ImportReport", "ImportRequest", "Problem", "known_kinds",
           "run_import"]
