"""Health scores anyone can explain (DOMAIN.md, "Health score").

Plain Python over dataclasses: the scorecard and its defaults (:mod:`.config`), the facts a
score is computed from (:mod:`.facts`, :mod:`.series`), the seven measures
(:mod:`.measures`), the overall score with its drivers (:mod:`.score`), the split of a change
between two dates (:mod:`.attribution`) and the history schedule (:mod:`.history`).
"""
