"""The desktop window: views, dialogs and Qt models over the services (no SQL here)."""
