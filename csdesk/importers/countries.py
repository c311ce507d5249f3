"""Country names and codes as CRMs export them, turned into ISO 3166 two-letter codes."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

# Spellings that are common in CRM data but are not a territory name in CLDR.
ALIASES = {
    "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "usa": "US", "u s a": "US", "u s": "US", "america": "US",
    "united states of america": "US", "uae": "AE", "holland": "NL", "the netherlands": "NL",
    "south korea": "KR", "korea": "KR", "korea south": "KR", "republic of korea": "KR",
    "russia": "RU", "czech republic": "CZ", "turkey": "TR", "vietnam": "VN", "ivory coast": "CI",
}
LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "ja", "zh")


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_key(name), code)
    names.update(ALIASES)
    return names


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(str(code) for code in Locale.parse("en").territories
                     if len(str(code)) == 2 and str(code).isalpha())


def country_code(text: str) -> str | None:
    """The ISO 3166 code of a country given by code or name, or None when unknown."""
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.upper() in _codes():
        return cleaned.upper()
    return _names().get(_key(cleaned))
