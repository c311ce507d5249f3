"""Survey answers read through explicit scale mappings (DOMAIN.md, "Voice of customer").

An answer is kept raw with its scale. It counts only when its scale is mapped in the
configuration: an NPS answer on 1-10, say, is a promoter from 9 only because the mapping
says so, and an answer on a scale nobody mapped is set aside and reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from csdesk.health.config import InputOptions
from csdesk.health.facts import SurveyRecord


def nps_category(answer: SurveyRecord, options: InputOptions) -> str | None:
    """promoter, passive or detractor; None when the answer's scale has no mapping."""
    scale = options.nps_scales.get(answer.scale)
    if scale is None:
        return None
    if answer.score >= scale.promoter_min:
        return "promoter"
    if answer.score <= scale.detractor_max:
        return "detractor"
    return "passive"


def csat_satisfied(answer: SurveyRecord, options: InputOptions) -> bool | None:
    """Whether a CSAT answer is satisfied; None when its scale has no mapping."""
    threshold = options.csat_scales.get(answer.scale)
    if threshold is None:
        return None
    return answer.score >= threshold


@dataclass(frozen=True, slots=True)
class NpsSummary:
    promoters: int
    passives: int
    detractors: int
    unmapped: int
    unmapped_scales: tuple[str, ...]
    respondents: int
    nps: float | None


@dataclass(frozen=True, slots=True)
class CsatSummary:
    satisfied: int
    answers: int
    mean: float | None
    unmapped: int
    percentage: float | None


def account_nps(answers: Iterable[SurveyRecord], options: InputOptions) -> NpsSummary:
    """NPS over each contact's latest answer (an answer without a contact stands alone)."""
    latest: dict[object, SurveyRecord] = {}
    for answer in answers:
        if answer.kind != "nps":
            continue
        key: object = answer.contact_id if answer.contact_id is not None else ("answer", answer.id)
        held = latest.get(key)
        if held is None or (answer.answered_on, answer.id) > (held.answered_on, held.id):
            latest[key] = answer

    counts = {"promoter": 0, "passive": 0, "detractor": 0}
    unmapped: list[str] = []
    for answer in latest.values():
        category = nps_category(answer, options)
        if category is None:
            unmapped.append(answer.scale)
        else:
            counts[category] += 1
    promoters, detractors = counts["promoter"], counts["detractor"]
    respondents = promoters + counts["passive"] + detractors
    nps = 100 * (promoters - detractors) / respondents if respondents else None
    return NpsSummary(promoters, counts["passive"], detractors, len(unmapped),
                      tuple(sorted(set(unmapped))), respondents, nps)


def csat_summary(answers: Iterable[SurveyRecord], options: InputOptions) -> CsatSummary:
    """Share of satisfied answers among those on a mapped scale."""
    satisfied = counted = unmapped = 0
    total = 0.0
    for answer in answers:
        verdict = csat_satisfied(answer, options)
        if verdict is None:
            unmapped += 1
            continue
        counted += 1
        satisfied += verdict
        total += answer.score
    return CsatSummary(satisfied, counted, total / counted if counted else None, unmapped,
                       100 * satisfied / counted if counted else None)
