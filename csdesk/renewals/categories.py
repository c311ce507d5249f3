"""Forecast categories: csdesk's seven, the mapping from CRM values, and their probabilities.

Salesforce reports ``ForecastCategoryName`` (Omitted, Pipeline, Best Case, Commit, Closed);
HubSpot has deal stages. Both are mapped by configuration onto csdesk's categories. A closed
opportunity is always Closed won or Closed lost, whatever its CRM value says.

Default probabilities (the share of an opportunity's amount expected to book): commit 0.9,
best case 0.6, pipeline 0.3, at risk 0.2, churn 0, closed won 1, closed lost 0. A renewal
nobody has forecast yet (no open renewal opportunity, or one without a category) is expected
at its renewable ARR times the "unforecast" probability, 0.8 by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from csdesk.errors import ValidationError
from csdesk.vocabulary import FORECAST_CATEGORIES

# Not a CRM category: a renewal without a forecast yet.
UNFORECAST = "unforecast"
ROLLUP_CATEGORIES = (*FORECAST_CATEGORIES, UNFORECAST)
AT_RISK_CATEGORIES = frozenset({"at_risk", "churn"})

DEFAULT_MAPPING_DOCUMENT: dict[str, dict[str, str]] = {
    # An open opportunity "Omitted" from the forecast is one the owner does not count on.
    "salesforce": {
        "Omitted": "at_risk",
        "Pipeline": "pipeline",
        "Best Case": "best_case",
        "Commit": "commit",
        "Closed": "closed_won",
    },
    # HubSpot's default sales pipeline stages; custom stage ids can be added.
    "hubspot": {
        "appointmentscheduled": "pipeline",
        "qualifiedtobuy": "pipeline",
        "presentationscheduled": "best_case",
        "decisionmakerboughtin": "best_case",
        "contractsent": "commit",
        "closedwon": "closed_won",
        "closedlost": "closed_lost",
    },
}

DEFAULT_PROBABILITIES_DOCUMENT: dict[str, str] = {
    "commit": "0.9",
    "best_case": "0.6",
    "pipeline": "0.3",
    "at_risk": "0.2",
    "churn": "0",
    "closed_won": "1",
    "closed_lost": "0",
    UNFORECAST: "0.8",
}


def parse_mapping(document: Any, where: str = "forecast mapping") -> dict[str, dict[str, str]]:
    """Read ``{"salesforce": {"Commit": "commit", ...}, "hubspot": {...}}``.

    Raises:
        ValidationError: naming the system and value mapped onto an unknown category.
    """
    if not isinstance(document, Mapping):
        raise ValidationError(f"{where}: expected an object of CRM systems")
    mapping: dict[str, dict[str, str]] = {}
    for system, values in document.items():
        if not isinstance(values, Mapping):
            raise ValidationError(f"{where}: {system} needs an object of CRM value to category")
        for value, category in values.items():
            if category not in FORECAST_CATEGORIES:
                raise ValidationError(
                    f"{where}: {system} value '{value}' maps to unknown category "
                    f"'{category}' (use one of {', '.join(FORECAST_CATEGORIES)})"
                )
        mapping[str(system)] = {str(v): str(c) for v, c in values.items()}
    return mapping


def parse_probabilities(document: Any, where: str = "forecast probabilities") -> dict[
    str, Decimal
]:
    """Read ``{"commit": "0.9", ...}``; categories left out keep their default.

    Raises:
        ValidationError: for an unknown category or a value that is not from 0 to 1.
    """
    if not isinstance(document, Mapping):
        raise ValidationError(f"{where}: expected an object of category to probability")
    probabilities = {k: Decimal(v) for k, v in DEFAULT_PROBABILITIES_DOCUMENT.items()}
    for category, value in document.items():
        if category not in ROLLUP_CATEGORIES:
            raise ValidationError(f"{where}: '{category}' is not a forecast category")
        try:
            # Through str, so a JSON number 0.7 becomes exactly 0.7, not its binary neighbour.
            probability = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(f"{where}: {category} = {value!r} is not a number") from None
        if isinstance(value, bool) or not probability.is_finite() or not 0 <= probability <= 1:
            raise ValidationError(f"{where}: {category} = {value!r} is not from 0 to 1")
        probabilities[category] = probability
    return probabilities


def map_crm_value(mapping: Mapping[str, Mapping[str, str]], value: str | None,
                  system: str | None = None) -> str | None:
    """csdesk's category for a CRM value (case-insensitive), or None when it is not mapped."""
    if not value:
        return None
    wanted = value.strip().lower()
    systems = [system] if system else list(mapping)
    for name in systems:
        for crm_value, category in mapping.get(name, {}).items():
            if crm_value.lower() == wanted:
                return category
    return None


def opportunity_category(
    stored: str | None,
    crm_value: str | None,
    is_closed: bool,
    is_won: bool,
    mapping: Mapping[str, Mapping[str, str]],
) -> str | None:
    """The category an opportunity is forecast in (None: not forecast yet)."""
    if is_closed:
        return "closed_won" if is_won else "closed_lost"
    if stored in FORECAST_CATEGORIES:
        return stored
    return map_crm_value(mapping, crm_value)
