"""Executive summary (the CSM's words and the key figures) and why the customer bought."""

from __future__ import annotations

from reportlab.platypus import Flowable

from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Kit, Tile
from csdesk.services.review_data import ReviewData


def key_figures(data: ReviewData) -> list[Tile]:
    """The handful of figures an executive reads first."""
    tiles: list[Tile] = []
    if data.commercial is not None:
        tiles.append(Tile("Annual recurring revenue", fmt.money(data.arr)))
    if data.health is not None and data.health.score is not None:
        tiles.append(Tile("Health score", fmt.number(data.health.score),
                          (data.health.band or "").capitalize(), data.health.band))
    adoption = data.adoption
    if adoption.utilisation is not None:
        tiles.append(Tile("Licensed seats in daily use", fmt.share(adoption.utilisation),
                          f"{fmt.number(adoption.average_active_users)} of "
                          f"{fmt.number(adoption.licensed_seats)} seats"))
    elif adoption.average_active_users is not None:
        tiles.append(Tile("Daily active users", fmt.number(adoption.average_active_users)))
    if data.voice.nps is not None:
        tiles.append(Tile("Net Promoter Score", fmt.signed(data.voice.nps),
                          f"{data.voice.respondents} respondents"))
    if data.objectives:
        good = sum(1 for o in data.objectives if o.status in ("done", "on_track"))
        tiles.append(Tile("Objectives done or on track", f"{good} of {len(data.objectives)}"))
    tiles.append(Tile("Support tickets opened", fmt.number(data.support.opened),
                      f"{data.support.escalations} escalated" if data.support.escalations
                      else ""))
    return tiles


def executive_summary(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """The key figures, then the CSM's own summary."""
    parts: list[Flowable] = [*kit.heading(number, "Executive summary")]
    parts.append(kit.tiles(key_figures(data)))
    parts.append(kit.spacer())
    text = data.plan.executive_summary if data.plan else None
    if text and text.strip():
        parts += kit.long_text(text)
    else:
        parts.append(kit.empty("No executive summary has been written in the success plan."))
    for note in data.notes:
        parts.append(kit.note(note))
    return parts


def why_they_bought(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """Why the customer bought and the success criteria, from the plan."""
    title = ("Why they bought and the success criteria" if data.internal
             else "Why you chose us and how we measure success")
    parts: list[Flowable] = [*kit.heading(number, title)]
    why = data.plan.why_they_bought if data.plan else None
    criteria = data.plan.success_criteria if data.plan else None
    if not (why and why.strip()) and not (criteria and criteria.strip()):
        parts.append(kit.empty("The success plan does not record the reasons for buying or the "
                               "success criteria yet."))
        return parts
    parts.append(kit.subheading("Why they bought" if data.internal else "Why you bought"))
    parts += kit.long_text(why) or [kit.empty("Not recorded.")]
    parts.append(kit.subheading("Success criteria"))
    parts += kit.long_text(criteria) or [kit.empty("Not recorded.")]
    return parts
