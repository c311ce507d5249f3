"""One module per subject of the command line; discovered by :mod:`csdesk.cli`."""
