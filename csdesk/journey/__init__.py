"""The customer journey: which stage each account is in, since when, and why."""
