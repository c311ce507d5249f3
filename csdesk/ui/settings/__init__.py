"""The pages of the Settings view: one module per page."""
