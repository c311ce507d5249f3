"""Alerts (DOMAIN.md, "Alerts"): rules that watch each account and become tasks.

:mod:`.rules` says which alerts fire for an account on a day; :mod:`.occurrences` decides
whether a firing alert opens a task, refreshes the open one, or stays quiet because the CSM
already closed the task for this same occurrence.
"""
