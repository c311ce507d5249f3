"""The seven default measures (DOMAIN.md, "Health score"), each with its raw inputs.

Every measure returns its score together with the inputs behind it, so each number can be
traced. A measure without data says so ("no data"), never 0; a CSM pulse older than its
validity is "stale" and left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from csdesk.health.config import InputOptions, MeasureConfig
from csdesk.health.facts import (
    AccountFacts,
    AccountProfile,
    PortfolioFacts,
    UsageFacts,
    baseline_start,
    case_in_window,
    recent_start,
    support_start,
    year_start,
)
from csdesk.health.scoring import interpolate
from csdesk.health.voice import account_nps, csat_summary

SCORED = "scored"
NO_DATA = "no_data"
STALE = "stale"
OFF = "off"


@dataclass(frozen=True, slots=True)
class MeasureResult:
    key: str
    status: str
    score: float | None
    weight: float
    raw: dict[str, Any]
    explanation: str

    @property
    def has_data(self) -> bool:
        return self.status == SCORED


@dataclass(frozen=True, slots=True)
class MeasureInputs:
    """Everything a measure may read for one account on one day."""

    day: date
    profile: AccountProfile
    facts: AccountFacts
    portfolio: PortfolioFacts
    options: InputOptions
    tier: int | None


def _scored(cfg: MeasureConfig, score: float, raw: dict[str, Any], why: str) -> MeasureResult:
    return MeasureResult(cfg.key, SCORED, score, cfg.weight, raw, why)


def _no_data(cfg: MeasureConfig, why: str, raw: dict[str, Any] | None = None) -> MeasureResult:
    return MeasureResult(cfg.key, NO_DATA, None, cfg.weight, raw or {}, why)


def _days(first: date, last: date) -> int:
    return (last - first).days + 1


def license_utilisation(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    usage, day = inp.facts.usage, inp.day
    seats = inp.profile.seats_on(day)
    if usage.users_first_day is None:
        return _no_data(cfg, "no active-user figures in the usage data", {"licensed_seats": seats})
    if not seats:
        return _no_data(cfg, "no licensed seats recorded", {"licensed_seats": seats})

    # Days before the usage feed started are unknown, not zero: average over the rest.
    start = max(usage.users_first_day, recent_start(day))
    days = _days(start, day)
    average = usage.users_recent / days
    u = average / seats
    raw = {"active_user_days": usage.users_recent, "days_averaged": days,
           "average_daily_active_users": average, "licensed_seats": seats, "u": u,
           "window_start": start.isoformat()}
    return _scored(cfg, interpolate(cfg.points, u), raw,
                   f"u = {average:.2f} average daily active users / {seats} seats = {u:.3f}")


@dataclass(frozen=True, slots=True)
class UsageChange:
    """Average daily usage in the last 30 days against the 90 days before."""

    metric: str
    first_day: date
    recent_total: int
    recent_days: int
    baseline_total: int
    baseline_days: int

    @property
    def recent_average(self) -> float:
        return self.recent_total / self.recent_days

    @property
    def baseline_average(self) -> float:
        return self.baseline_total / self.baseline_days

    @property
    def r(self) -> float | None:
        """Relative change; None without baseline usage (growth from nothing, or none at all)."""
        if not self.baseline_total:
            return None
        return self.recent_average / self.baseline_average - 1


def usage_change(usage: UsageFacts, day: date) -> UsageChange | str:
    """The usage change on ``day``, or why there is none (no usage, no baseline yet).

    Active users are used when the account has them, else events. Days before the usage
    feed started are unknown rather than zero, so each window averages over the days since.
    """
    if usage.users_first_day is not None:
        metric, first = "active_users", usage.users_first_day
        recent, baseline = usage.users_recent, usage.users_baseline
    elif usage.events_first_day is not None:
        metric, first = "events", usage.events_first_day
        recent, baseline = usage.events_recent, usage.events_baseline
    else:
        return "no usage data"
    base_from = max(first, baseline_start(day)).toordinal()
    base_to = recent_start(day).toordinal() - 1
    if base_from > base_to:
        return "usage history is shorter than 30 days: no baseline yet"
    recent_days = _days(max(first, recent_start(day)), day)
    return UsageChange(metric, first, recent, recent_days, baseline, base_to - base_from + 1)


def usage_trend(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    change = usage_change(inp.facts.usage, inp.day)
    if isinstance(change, str):
        return _no_data(cfg, change)
    recent_avg, base_avg, r = change.recent_average, change.baseline_average, change.r
    raw: dict[str, Any] = {
        "metric": change.metric, "recent_total": change.recent_total,
        "recent_days": change.recent_days, "recent_average": recent_avg,
        "baseline_total": change.baseline_total, "baseline_days": change.baseline_days,
        "baseline_average": base_avg, "r": r,
    }
    if change.recent_total == 0 and change.baseline_total == 0:
        return _scored(cfg, 0.0, raw, "usage history but none in either window")
    if r is None:
        return _scored(cfg, interpolate(cfg.points, float("inf")), raw,
                       "no usage in the baseline window: any use now is growth")
    return _scored(cfg, interpolate(cfg.points, r), raw,
                   f"r = {recent_avg:.2f} / {base_avg:.2f} - 1 = {r:+.3f} ({change.metric})")


def feature_adoption(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    keys = inp.portfolio.key_features
    if not keys:
        return _no_data(cfg, "no key features: no feature usage in the portfolio in 90 days")
    if inp.facts.features_used is None:
        return _no_data(cfg, "no feature usage recorded for this account",
                        {"key_features": list(keys)})
    used = sorted(set(keys) & inp.facts.features_used)
    a = len(used) / len(keys)
    raw = {"key_features": list(keys), "key_features_used": used, "a": a,
           "key_features_source": "configured" if inp.portfolio.key_features_configured
           else "most used across the portfolio in 90 days"}
    return _scored(cfg, interpolate(cfg.points, a), raw,
                   f"a = {len(used)} of {len(keys)} key features used in 30 days = {a:.2f}")


def support(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    if not inp.portfolio.has_support_data:
        return _no_data(cfg, "the portfolio holds no support tickets or support CSAT")
    if not inp.facts.cases and not any(s.is_support for s in inp.facts.surveys):
        raw = {"tickets_in_window": 0, "open_urgent": [], "open_high": [], "escalations": [],
               "support_csat_percentage": None, "support_csat_answers": 0,
               "support_csat_below_threshold": False, "deductions": 0}
        return _scored(cfg, 100.0, raw, "no tickets in 90 days")
    day, p = inp.day, cfg.params
    cases = [c for c in inp.facts.cases if case_in_window(c, day)]
    urgent = [c.id for c in cases if c.is_open(day) and c.priority == "urgent"]
    high = [c.id for c in cases if c.is_open(day) and c.priority == "high"]
    escalated = [c.id for c in cases if c.escalated]
    answers = [s for s in inp.facts.surveys if s.is_support and s.answered_on >= support_start(day)]
    csat = csat_summary(answers, inp.options)
    low_csat = csat.percentage is not None and csat.percentage < p["csat_threshold"]

    deductions = (p["urgent_open"] * len(urgent) + p["high_open"] * len(high)
                  + p["escalation"] * len(escalated) + (p["low_csat"] if low_csat else 0))
    raw = {"tickets_in_window": len(cases), "open_urgent": urgent, "open_high": high,
           "escalations": escalated, "support_csat_percentage": csat.percentage,
           "support_csat_answers": csat.answers, "support_csat_below_threshold": low_csat,
           "deductions": deductions}
    why = ("no tickets in 90 days" if not cases and not csat.answers
           else f"100 - {deductions:g} ({len(urgent)} open urgent, {len(high)} open high, "
           f"{len(escalated)} escalated{', support CSAT low' if low_csat else ''})")
    return _scored(cfg, max(0.0, 100.0 - deductions), raw, why)


def sentiment(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    if not inp.facts.surveys:
        return _no_data(cfg, "no survey answers in 12 months", {
            "promoters": 0, "passives": 0, "detractors": 0, "account_nps": None,
            "relationship_csat_percentage": None, "relationship_csat_answers": 0,
            "unmapped_answers": 0})
    since = year_start(inp.day)
    answers = [s for s in inp.facts.surveys if since <= s.answered_on <= inp.day]
    nps = account_nps(answers, inp.options)
    csat = csat_summary([s for s in answers if s.kind == "csat" and not s.is_support],
                        inp.options)
    account_score, csat_pct = nps.nps, csat.percentage
    raw: dict[str, Any] = {
        "promoters": nps.promoters, "passives": nps.passives, "detractors": nps.detractors,
        "account_nps": account_score, "relationship_csat_percentage": csat_pct,
        "relationship_csat_answers": csat.answers,
        "unmapped_answers": nps.unmapped + csat.unmapped,
    }
    if nps.unmapped_scales:
        raw["unmapped_nps_scales"] = list(nps.unmapped_scales)

    if account_score is None and csat_pct is None:
        why = "no survey answers in 12 months"
        if raw["unmapped_answers"]:
            why += f" on a mapped scale ({raw['unmapped_answers']} on unmapped scales)"
        return _no_data(cfg, why, raw)
    pieces, parts = [], []
    if account_score is not None:
        parts.append((account_score + 100) / 2)
        pieces.append(f"NPS {account_score:+.0f} -> {parts[-1]:.1f}")
    if csat_pct is not None:
        parts.append(csat_pct)
        pieces.append(f"CSAT {csat_pct:.1f}%")
    return _scored(cfg, sum(parts) / len(parts), raw, " averaged with ".join(pieces))


def engagement(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    if not inp.portfolio.has_activities:
        return _no_data(cfg, "the portfolio holds no logged activities")
    day, facts = inp.day, inp.facts
    cadence = inp.options.cadence_for(inp.tier)
    since = facts.last_touch or inp.profile.customer_start(day)
    if since is None:
        return _no_data(cfg, "no touchpoint and no contract start", {"cadence_days": cadence})

    d = (day - since).days
    base = interpolate(cfg.points, d / cadence)
    sponsor_days = None if facts.last_sponsor_touch is None else (
        day - facts.last_sponsor_touch).days
    needs_sponsor = inp.tier in (1, 2)
    missing_sponsor = needs_sponsor and (
        sponsor_days is None or sponsor_days >= cfg.params["sponsor_days"])
    penalty = cfg.params["sponsor_penalty"] if missing_sponsor else 0.0
    raw = {"days_since_touchpoint": d, "last_touchpoint": facts.last_touch.isoformat()
           if facts.last_touch else None, "counted_from": "last touchpoint" if facts.last_touch
           else "customer start", "cadence_days": cadence, "tier": inp.tier,
           "days_since_sponsor_touch": sponsor_days, "sponsor_penalty": penalty}
    why = f"d = {d} days against a {cadence}-day cadence -> {base:.2f}"
    if penalty:
        why += f", minus {penalty:g}: no executive-sponsor touch in {cfg.params['sponsor_days']:g}"
        why += " days"
    return _scored(cfg, max(0.0, base - penalty), raw, why)


def csm_pulse(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    pulse = inp.facts.pulse
    if pulse is None:
        return _no_data(cfg, "no CSM pulse recorded")
    age = (inp.day - pulse.recorded_on).days
    raw = {"pulse": pulse.score, "recorded_on": pulse.recorded_on.isoformat(), "age_days": age}
    if age > cfg.params["valid_days"]:
        return MeasureResult(cfg.key, STALE, None, cfg.weight, raw,
                             f"pulse from {age} days ago is stale (valid "
                             f"{cfg.params['valid_days']:g} days): left out")
    return _scored(cfg, interpolate(cfg.points, pulse.score), raw,
                   f"pulse {pulse.score} of 5, {age} days old")


MEASURE_FUNCTIONS: dict[str, Callable[[MeasureConfig, MeasureInputs], MeasureResult]] = {
    "license_utilisation": license_utilisation,
    "usage_trend": usage_trend,
    "feature_adoption": feature_adoption,
    "support": support,
    "sentiment": sentiment,
    "engagement": engagement,
    "csm_pulse": csm_pulse,
}


def evaluate(cfg: MeasureConfig, inp: MeasureInputs) -> MeasureResult:
    """One measure's result, or "off" when the scorecard switches it off."""
    if not cfg.enabled:
        return MeasureResult(cfg.key, OFF, None, cfg.weight, {}, "switched off in the scorecard")
    return MEASURE_FUNCTIONS[cfg.key](cfg, inp)
