"""The alert rules of DOMAIN.md: which fire for an account on a day, and why.

Each rule reads an :class:`AccountState` (the account's facts and its health on the day and
30 days earlier) and returns an :class:`Alert` or nothing. An alert says when its
occurrence began (``since``) where a record dates it: the day usage stopped, the detractor's
answer, the contact's departure. Rules run on live accounts only: an account whose contracts
have all ended (or marked churned) raises no alerts.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from csdesk.alerts.renewal import next_account_renewal
from csdesk.errors import ValidationError
from csdesk.health.config import InputOptions
from csdesk.health.facts import AccountFacts, AccountProfile, PortfolioFacts
from csdesk.health.measures import usage_change
from csdesk.health.score import HealthResult
from csdesk.health.voice import nps_category

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "no_usage": {"enabled": True, "watch_days": 7, "reach_out_days": 30},
    "usage_drop": {"enabled": True, "drop": 0.30},
    "health_drop": {"enabled": True, "points": 15},
    "red_band": {"enabled": True},
    "nps_detractor": {"enabled": True, "within_days": 30},
    "contact_left": {"enabled": True, "within_days": 90},
    "renewal_at_risk": {"enabled": True, "days": 90},
    "urgent_ticket": {"enabled": True, "days": 7},
    "pulse_stale": {"enabled": True, "valid_days": 30},
}
RULES = tuple(DEFAULT_RULES)
LEAVER_ROLES = ("champion", "executive_sponsor")


@dataclass(frozen=True)
class Alert:
    account_id: int
    rule: str
    severity: str
    title: str
    detail: str
    since: date | None = None

    @property
    def source_key(self) -> str:
        return f"alert:{self.rule}"


@dataclass(frozen=True)
class AccountState:
    """What the rules read about one account on one day."""

    profile: AccountProfile
    facts: AccountFacts
    portfolio: PortfolioFacts
    health: HealthResult
    earlier: HealthResult | None
    options: InputOptions

    @property
    def day(self) -> date:
        return self.facts.day


def load_rules(stored: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The rule settings: the defaults with the stored ones laid over, checked."""
    rules = copy.deepcopy(DEFAULT_RULES)
    for name, values in (stored or {}).items():
        if name not in rules or not isinstance(values, Mapping):
            raise ValidationError(f"unknown alert rule '{name}': known are {', '.join(RULES)}")
        for key, value in values.items():
            if key not in rules[name]:
                raise ValidationError(f"alert rule {name} has no setting '{key}'")
            expected = bool if key == "enabled" else (int, float)
            if not isinstance(value, expected) or (key != "enabled" and value < 0):
                raise ValidationError(f"alert rule {name}: {key} cannot be {value!r}")
            rules[name][key] = value
    return rules


def _no_usage(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    if not s.portfolio.has_usage:
        return None
    last = s.facts.usage.last_used_day
    start = last or s.profile.customer_start(s.day)
    if start is None:
        return None
    idle = (s.day - start).days
    what = f"last used on {last.isoformat()}" if last else f"never used since {start.isoformat()}"
    if idle >= p["reach_out_days"]:
        return Alert(s.profile.id, "no_usage", "reach_out",
                     f"Reach out: no product usage for {idle} days", what,
                     start + timedelta(days=p["reach_out_days"]))
    if idle >= p["watch_days"]:
        return Alert(s.profile.id, "no_usage", "watch",
                     f"Watch: no product usage for {idle} days", what,
                     start + timedelta(days=p["watch_days"]))
    return None


def _usage_drop(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    change = usage_change(s.facts.usage, s.day)
    if isinstance(change, str) or change.r is None or change.r > -p["drop"]:
        return None
    return Alert(s.profile.id, "usage_drop", "reach_out",
                 f"Reach out: usage down {-change.r:.0%} against the 90-day baseline",
                 f"average daily {change.metric.replace('_', ' ')} {change.recent_average:.1f} "
                 f"in the last 30 days against {change.baseline_average:.1f} in the 90 before")


def _health_drop(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    now, before = s.health.score, s.earlier.score if s.earlier else None
    if now is None or before is None or now - before > -p["points"]:
        return None
    return Alert(s.profile.id, "health_drop", "reach_out",
                 f"Reach out: health down {before - now:.1f} points in 30 days",
                 f"health {now:.1f} ({s.health.band}) against {before:.1f} on "
                 f"{s.earlier.day.isoformat() if s.earlier else ''}")


def _red_band(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    if s.health.band != "red" or s.health.score is None:
        return None
    drivers = s.health.drivers()
    worst = drivers[0].key.replace("_", " ") if drivers else "-"
    return Alert(s.profile.id, "red_band", "reach_out",
                 f"Reach out: health is red ({s.health.score:.1f})",
                 f"largest shortfall: {worst}")


def _nps_detractor(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    since = s.day - timedelta(days=p["within_days"] - 1)
    names = {c.id: c.name for c in s.profile.contacts}
    answers = [a for a in s.facts.surveys if a.kind == "nps" and since <= a.answered_on <= s.day
               and nps_category(a, s.options) == "detractor"]
    if not answers:
        return None
    answers.sort(key=lambda a: (a.answered_on, a.id))
    who = "; ".join(f"{names.get(a.contact_id or 0, 'anonymous')} answered {a.score} "
                    f"({a.scale}) on {a.answered_on.isoformat()}" for a in answers)
    latest = answers[-1]
    return Alert(s.profile.id, "nps_detractor", "follow_up",
                 f"Follow up: NPS detractor ({names.get(latest.contact_id or 0, 'anonymous')}, "
                 f"{latest.score} of {latest.scale_max})", who, latest.answered_on)


def _contact_left(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    since = s.day - timedelta(days=p["within_days"] - 1)
    leavers = [c for c in s.profile.contacts if c.left_company and c.roles & set(LEAVER_ROLES)
               and (c.left_on is None or since <= c.left_on <= s.day)]
    if not leavers:
        return None
    described = [f"{', '.join(sorted(r.replace('_', ' ') for r in c.roles & set(LEAVER_ROLES)))}"
                 f" {c.name}" for c in leavers]
    dated = [c.left_on for c in leavers if c.left_on is not None]
    return Alert(s.profile.id, "contact_left", "reach_out",
                 f"Reach out: {described[0]} left" + (" (and others)" if len(leavers) > 1 else ""),
                 "; ".join(described), max(dated) if dated else None)


def _renewal_at_risk(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    renewal = next_account_renewal(s.profile.contracts, s.day)
    if renewal is None or (renewal - s.day).days > p["days"] or s.health.band == "green":
        return None
    state = s.health.band or "not scored (insufficient data)"
    days = (renewal - s.day).days
    return Alert(s.profile.id, "renewal_at_risk", "reach_out",
                 f"Reach out: renewal on {renewal.isoformat()} (in {days} days) while health is "
                 f"{state}", f"health {s.health.score:.1f}" if s.health.score is not None else
                 "health not scored", renewal - timedelta(days=p["days"]))


def _urgent_ticket(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    overdue = [c for c in s.facts.cases if c.priority == "urgent" and c.is_open(s.day)
               and (s.day - c.opened_on).days > p["days"]]
    if not overdue:
        return None
    oldest = min(overdue, key=lambda c: c.opened_on)
    return Alert(s.profile.id, "urgent_ticket", "escalate",
                 f"Escalate: urgent ticket open {(s.day - oldest.opened_on).days} days",
                 "; ".join(f"ticket {c.id} opened {c.opened_on.isoformat()}" for c in overdue),
                 max(c.opened_on for c in overdue) + timedelta(days=p["days"] + 1))


def _pulse_stale(s: AccountState, p: Mapping[str, Any]) -> Alert | None:
    pulse = s.facts.pulse
    if pulse is None or (s.day - pulse.recorded_on).days <= p["valid_days"]:
        return None
    age = (s.day - pulse.recorded_on).days
    return Alert(s.profile.id, "pulse_stale", "watch",
                 f"Update the CSM pulse (last one {age} days ago)",
                 f"pulse {pulse.score} recorded on {pulse.recorded_on.isoformat()}",
                 pulse.recorded_on + timedelta(days=p["valid_days"] + 1))


RULE_FUNCTIONS: dict[str, Callable[[AccountState, Mapping[str, Any]], Alert | None]] = {
    "no_usage": _no_usage,
    "usage_drop": _usage_drop,
    "health_drop": _health_drop,
    "red_band": _red_band,
    "nps_detractor": _nps_detractor,
    "contact_left": _contact_left,
    "renewal_at_risk": _renewal_at_risk,
    "urgent_ticket": _urgent_ticket,
    "pulse_stale": _pulse_stale,
}


def fires(rule: str, state: AccountState, rules: Mapping[str, Mapping[str, Any]]) -> \
        Alert | None:
    """The alert of one rule for this account and day, or None."""
    settings = rules[rule]
    if not settings["enabled"] or not state.profile.is_live(state.day):
        return None
    return RULE_FUNCTIONS[rule](state, settings)


def evaluate_rules(state: AccountState, rules: Mapping[str, Mapping[str, Any]]) -> list[Alert]:
    """Every alert that fires for the account on the state's day."""
    found = (fires(rule, state, rules) for rule in RULES)
    return [alert for alert in found if alert is not None]
