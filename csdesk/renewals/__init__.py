"""Renewals: when contracts renew, their milestones, the forecast and what closed renewals booked.

Plain Python over dataclasses (DOMAIN.md, "Renewals"); the services load the portfolio and call
these functions, so every face shows the same numbers.
"""
