"""A three-account portfolio built by hand, with every figure worked out in the tests."""

from __future__ import annotations

import json
from datetime import date

from csdesk.models import Account, Contract, CurrencyRate, HealthSnapshot
from csdesk.services.context import AppContext


def build_three_accounts(context: AppContext) -> dict[str, int]:
    """Acme (tier 1, $120k/yr to 2027-01-01), Beta (tier 2, EUR 3,000/month since
    2025-07-01, renews yearly on 1 July), Gamma (tier 3, no contract). 1 EUR = 1.10 USD."""
    with context.write("user") as session:
        acme = Account(name="Acme Corp", owner="Ana Ito", tier=1, journey_stage="adopt")
        beta = Account(name="Beta GmbH", owner="Ben Okoro", tier=2, journey_stage="renew")
        gamma = Account(name="Gamma KK", owner="Ana Ito", tier=3, journey_stage="onboard")
        session.add_all([acme, beta, gamma])
        session.flush()
        session.add_all([
            Contract(account_id=acme.id, start_date=date(2026, 1, 1), end_date=date(2027, 1, 1),
                     amount_minor=12_000_000, currency="USD", amount_period="year"),
            Contract(account_id=beta.id, start_date=date(2025, 7, 1), amount_minor=300_000,
                     currency="EUR", amount_period="month", billing_frequency="annual"),
            CurrencyRate(currency="EUR", rate="1.1"),
        ])
        for day, score, band in ((date(2026, 5, 31), 60.0, "yellow"),
                                 (date(2026, 6, 30), 75.0, "green")):
            session.add(HealthSnapshot(account_id=acme.id, as_of=day, status="scored",
                                       score=score, band=band, scorecard="default",
                                       measures=json.dumps([])))
        ids = {"acme": acme.id, "beta": beta.id, "gamma": gamma.id}
    return ids
