"""Engagement plans: the touchpoints each tier gets, when they fall due, and compliance."""
