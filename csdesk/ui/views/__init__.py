"""The main window's pages: one module per view."""
