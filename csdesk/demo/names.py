"""Names for the demo book: companies, people and e-mail addresses, from seeded Faker locales."""

from __future__ import annotations

import random
import re
import unicodedata

from faker import Faker

from csdesk.demo.catalogue import MARKET_BY_COUNTRY

TOP_LEVEL_DOMAINS = {
    "US": "com", "CA": "ca", "GB": "co.uk", "IE": "ie", "DE": "de", "AT": "at", "FR": "fr",
    "ES": "es", "IT": "it", "NL": "nl", "SE": "se", "JP": "co.jp", "CN": "cn", "TW": "com.tw",
    "KR": "co.kr", "IL": "co.il", "SA": "sa", "UA": "ua", "AU": "com.au", "BR": "com.br",
}

# Legal forms left out of web domains ("Müller GmbH" -> mueller.de).
LEGAL_FORMS = {
    "gmbh", "inc", "ltd", "ag", "sa", "sl", "plc", "llc", "kk", "bv", "nv", "ab", "sas", "srl",
    "spa", "co", "kg", "ev", "pty", "hb", "se", "and", "sons", "group", "ltda",
}

LEGAL_SUFFIX = {
    "US": "Inc", "CA": "Inc", "GB": "Ltd", "IE": "Ltd", "DE": "GmbH", "AT": "GmbH", "FR": "SAS",
    "ES": "S.L.", "IT": "S.r.l.", "NL": "B.V.", "SE": "AB", "AU": "Pty Ltd", "BR": "Ltda",
}

# Locales whose Faker company names fall back to English patterns ("X, Y and Z") get
# the legal forms used there instead.
LOCAL_FORMS = {
    "IL": ("{name} בע״מ", "{name} טכנולוגיות בע״מ", "{name} ושות׳"),
    "SA": ("شركة {name} للتجارة", "مؤسسة {name}", "مجموعة {name}"),
    "UA": ("ТОВ «{name}»", "ПП «{name}»", "ПрАТ «{name}»"),
}

GERMAN_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                              "Ü": "Ue"})


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text`` (accents folded, other scripts dropped)."""
    folded = unicodedata.normalize("NFKD", text.translate(GERMAN_FOLDS))
    plain = "".join(ch for ch in folded if ch.isascii())
    return [w for w in re.split(r"[^a-z0-9]+", plain.lower()) if w]


class NameSource:
    """Seeded Faker generators, one per locale, so no global random state is touched."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._fakers: dict[str, Faker] = {}

    def faker(self, locale: str) -> Faker:
        """The seeded Faker generator of one locale."""
        if locale not in self._fakers:
            generator = Faker(locale)
            generator.seed_instance(f"{self._seed}:{locale}")
            self._fakers[locale] = generator
        return self._fakers[locale]

    def company(self, country: str) -> str:
        """A fictitious company name in the country's language."""
        generator = self.faker(MARKET_BY_COUNTRY[country].locale)
        if country in LOCAL_FORMS:
            form = generator.random.choice(LOCAL_FORMS[country])
            return form.format(name=generator.last_name())
        # Some locales mix in real, well-known companies; the book is fiction, so skip them.
        real = {n for p in generator.providers for n in getattr(p, "large_companies", ())}
        name = str(generator.company())
        while name in real:
            name = str(generator.company())
        # Some locales give a bare surname ("Andre"); add the country's usual legal form.
        if " " not in name and name.isascii() and country in LEGAL_SUFFIX:
            name = f"{name} {LEGAL_SUFFIX[country]}"
        return name

    def person(self, country: str) -> tuple[str, str]:
        """First and last name of someone in the country."""
        generator = self.faker(MARKET_BY_COUNTRY[country].locale)
        return str(generator.first_name()), str(generator.last_name())

    def domain(self, company: str, country: str, rng: random.Random) -> str:
        """A web domain for the company (ASCII, with the country's top-level domain)."""
        words = [w for w in ascii_words(company) if w not in LEGAL_FORMS]
        stem = "-".join(words[:2])
        if len(stem) < 3:
            # Names in other scripts get a made-up Latin brand, as such companies often have.
            stem = f"{self.faker('en_US').domain_word()}{rng.randint(2, 99)}"
        return f"{stem}.{TOP_LEVEL_DOMAINS.get(country, 'com')}"

    def email(self, first: str, last: str, domain: str) -> str:
        """A work e-mail address at the company's domain."""
        local = ".".join(ascii_words(f"{first} {last}"))
        if not local:
            local = str(self.faker("en_US").user_name())
        return f"{local}@{domain}"
