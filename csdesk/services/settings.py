"""Portfolio settings: a registry of declared keys with defaults, stored as JSON."""

from __future__ import annotations

import getpass
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from csdesk.models import Setting

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label: str


# Every setting csdesk reads is declared here once; later modules add theirs with declare().
REGISTRY: dict[str, SettingSpec] = {}


def declare(key: str, default: Any, label: str) -> SettingSpec:
    spec = SettingSpec(key, default, label)
    REGISTRY[key] = spec
    return spec


ME = declare("me", None, "Who you are: the CSM name used as the owner of your accounts")
REPORTING_CURRENCY = declare("reporting_currency", "USD", "Currency for totals and tier rules")
COMPANY_NAME = declare("branding.company_name", "Your Company", "Company name on reports")
PRIMARY_COLOUR = declare("branding.primary_colour", "#1F4E79", "Primary colour of reports")
LOGO_PATH = declare("branding.logo_path", None, "Logo image shown on report covers")


def get_setting(session: Session, key: str) -> Any:
    spec = REGISTRY.get(key)
    if spec is None:
        logger.warning("setting %s is read but never declared", key)
    row = session.get(Setting, key)
    if row is None:
        return spec.default if spec else None
    return json.loads(row.value)


def set_setting(session: Session, key: str, value: Any) -> None:
    """Store a setting (inside a unit of work, so the change is logged)."""
    if key not in REGISTRY:
        logger.warning("setting %s is written but never declared", key)
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=encoded))
    elif row.value != encoded:
        row.value = encoded


def current_actor(session: Session) -> str:
    """The user's name for the change log: the 'me' setting, else the OS login."""
    me = get_setting(session, ME.key)
    if me:
        return str(me)
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "local user"
