"""Dialogs: one module per dialog, named after its class."""
