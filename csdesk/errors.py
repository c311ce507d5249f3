"""Errors that carry a message a user can act on.

Domain code and adapters raise these; the faces (command line, window) decide how to show
them. The message says what went wrong, where, and what to do about it.
"""


class CsdeskError(Exception):
    """Base class for every error csdesk reports to the user in plain words."""


class NotFoundError(CsdeskError):
    """A record the user named does not exist."""


class AmbiguousError(CsdeskError):
    """A name the user gave matches more than one record."""


class ValidationError(CsdeskError):
    """Input that csdesk cannot accept as it is."""


class SchemaTooNewError(CsdeskError):
    """The portfolio file was written by a newer csdesk than this one."""


class StorageError(CsdeskError):
    """The portfolio file could not be read or written (disk full, permissions, corruption)."""
