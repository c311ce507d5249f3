"""Tiers: which engagement model (high, mid or tech touch) each account gets, and why."""
