"""PDF documents: the business review, the renewal timeline and the portfolio summary.

Documents are built from the view models the services return, with the shipped fonts,
vector charts from :mod:`csdesk.charts`, and the user's branding.
"""
