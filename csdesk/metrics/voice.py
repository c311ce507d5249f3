"""Voice of customer: NPS, CSAT (overall, support, relationship) and detractor follow-up.

Answers keep their own scale. NPS is 0-10; answers on another scale count only through a
mapping the user set explicitly, and are left out (and counted in the note) otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from csdesk.metrics.inputs import FollowUp, SurveyAnswer
from csdesk.metrics.periods import Period
from csdesk.metrics.results import Metric

NPS_SCALE = (0, 10)

# The satisfied answers on each CSAT scale csdesk knows (thumbs up/down is 1-2, up = 2).
SATISFIED = {
    (1, 5): frozenset({4, 5}),
    (1, 3): frozenset({3}),
    (1, 10): frozenset({9, 10}),
    (1, 2): frozenset({2}),
}


def _scale_text(scale: tuple[int, int]) -> str:
    return f"{scale[0]}-{scale[1]}"


def nps_window(period: Period) -> Period:
    """The 12 months to the period's last day, where each contact's latest answer is taken."""
    start = period.end - relativedelta(years=1) + timedelta(days=1)
    return Period(start, period.end, f"12 months to {period.end.isoformat()}", "ttm")


def nps_metric(
    answers: Iterable[SurveyAnswer],
    period: Period,
    scales: Mapping[tuple[int, int], Mapping[int, int]],
) -> Metric:
    """NPS from each contact's latest answer in the 12 months to the period's last day."""
    window = nps_window(period)
    latest: dict[tuple[str, int], SurveyAnswer] = {}
    for answer in answers:
        if answer.kind != "nps" or not window.contains(answer.answered_on):
            continue
        # An answer without a contact is its own respondent.
        key = ("contact", answer.contact_id) if answer.contact_id else ("answer", answer.id)
        held = latest.get(key)
        if held is None or (answer.answered_on, answer.id) > (held.answered_on, held.id):
            latest[key] = answer

    scores: list[int] = []
    unmapped: Counter[tuple[int, int]] = Counter()
    for answer in latest.values():
        score = _nps_score(answer, scales)
        if score is None:
            unmapped[answer.scale] += 1
        else:
            scores.append(score)

    note = _unmapped_note(unmapped)
    if not scores:
        reason = f"no NPS answers in the {window.label}"
        return Metric.no_data("nps", f"{reason}; {note}" if note else reason)

    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    passives = len(scores) - promoters - detractors
    return Metric.of(
        "nps",
        Decimal(100) * (promoters - detractors) / len(scores),
        note=note,
        numerator=promoters - detractors,
        denominator=len(scores),
        parts=(("promoters", promoters), ("passives", passives), ("detractors", detractors)),
    )


def _nps_score(answer: SurveyAnswer, scales: Mapping[tuple[int, int], Mapping[int, int]]) -> (
    int | None
):
    if answer.scale == NPS_SCALE:
        return answer.score
    mapping = scales.get(answer.scale)
    if mapping is None:
        return None
    return mapping.get(answer.score)


def _unmapped_note(unmapped: Counter[tuple[int, int]]) -> str:
    if not unmapped:
        return ""
    parts = ", ".join(
        f"{count} on a {_scale_text(scale)} scale" for scale, count in sorted(unmapped.items())
    )
    first = _scale_text(min(unmapped))
    return (
        f"left out {parts}: no mapping onto 0-10 was set "
        f"(set one with `csdesk survey-scales set {first} ...`)"
    )


def csat_metrics(answers: Iterable[SurveyAnswer], period: Period) -> list[Metric]:
    """CSAT share satisfied and mean, overall and for support and relationship answers."""
    in_period = [a for a in answers if a.kind == "csat" and period.contains(a.answered_on)]
    support = [a for a in in_period if a.is_support]
    relationship = [a for a in in_period if not a.is_support]
    return [
        *_csat_pair("csat", in_period, "CSAT answers"),
        *_csat_pair("csat_support", support, "support CSAT answers"),
        *_csat_pair("csat_relationship", relationship, "relationship CSAT answers"),
    ]


def _csat_pair(name: str, answers: Sequence[SurveyAnswer], what: str) -> list[Metric]:
    known = [a for a in answers if a.scale in SATISFIED]
    unknown = Counter(a.scale for a in answers if a.scale not in SATISFIED)
    note = ""
    if unknown:
        scales = ", ".join(f"{n} on {_scale_text(s)}" for s, n in sorted(unknown.items()))
        note = f"left out {scales}: not a CSAT scale (1-5, 1-3, 1-10 or thumbs 1-2)"
    if not known:
        reason = f"no {what} in the period"
        reason = f"{reason}; {note}" if note else reason
        return [Metric.no_data(name, reason), Metric.no_data(f"{name}_mean", reason)]

    satisfied = sum(1 for a in known if a.score in SATISFIED[a.scale])
    share = Metric.of(
        name, Decimal(satisfied) / len(known), note=note, numerator=satisfied,
        denominator=len(known),
    )
    return [share, _csat_mean(f"{name}_mean", known, note)]


def _csat_mean(name: str, answers: Sequence[SurveyAnswer], note: str) -> Metric:
    scales = {a.scale for a in answers}
    if len(scales) == 1:
        (scale,) = scales
        total = sum(a.score for a in answers)
        text = f"on a {_scale_text(scale)} scale"
        return Metric.of(
            name, Decimal(total) / len(answers), note="; ".join(filter(None, (text, note))),
            numerator=total, denominator=len(answers),
        )

    # Mixed scales: place each answer on its scale (0 lowest, 1 highest) and average that.
    positions = sum(
        (Decimal(a.score - a.scale_min) / (a.scale_max - a.scale_min) for a in answers),
        Decimal(0),
    )
    text = "answers on several scales: mean position on the scale (0 lowest, 1 highest)"
    return Metric.of(
        name, positions / len(answers), note="; ".join(filter(None, (text, note))),
        numerator=positions, denominator=len(answers),
    )


def closure_rate(follow_ups: Iterable[FollowUp], period: Period) -> Metric:
    """Detractor follow-ups raised in the period and closed by its last day, over raised."""
    raised = [f for f in follow_ups if period.contains(f.raised_on)]
    if not raised:
        return Metric.no_data("voc_closure_rate", "no NPS-detractor follow-ups raised")
    closed = sum(1 for f in raised if f.closed_on is not None and f.closed_on <= period.end)
    return Metric.of(
        "voc_closure_rate", Decimal(closed) / len(raised), numerator=closed,
        denominator=len(raised),
    )
