"""Fixed ingredients of the demo book: the team, markets, industries, plans and features."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The CSM team. The first one is "me": the demo sets the `me` setting to this name.
CSMS = ("Maya Lindqvist", "Daniel Okafor", "Sofía Marín", "Kenji Watanabe")
ME = CSMS[0]

REPORTING_CURRENCY = "USD"

# Units of USD one unit of the currency is worth; typical of mid-2020s rates.
RATES = {
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "JPY": Decimal("0.0067"),
    "AUD": Decimal("0.66"),
}


@dataclass(frozen=True)
class Market:
    """A country the company sells into: the Faker locale for names, and the currency."""

    country: str
    locale: str
    currency: str
    weight: int


MARKETS = (
    Market("US", "en_US", "USD", 30),
    Market("CA", "en_CA", "USD", 3),
    Market("GB", "en_GB", "GBP", 12),
    Market("IE", "en_IE", "EUR", 2),
    Market("DE", "de_DE", "EUR", 10),
    Market("AT", "de_AT", "EUR", 2),
    Market("FR", "fr_FR", "EUR", 6),
    Market("ES", "es_ES", "EUR", 4),
    Market("IT", "it_IT", "EUR", 3),
    Market("NL", "nl_NL", "EUR", 3),
    Market("SE", "sv_SE", "EUR", 2),
    Market("JP", "ja_JP", "JPY", 8),
    Market("CN", "zh_CN", "USD", 3),
    Market("TW", "zh_TW", "USD", 2),
    Market("KR", "ko_KR", "USD", 3),
    Market("IL", "he_IL", "USD", 2),
    Market("SA", "ar_SA", "USD", 2),
    Market("UA", "uk_UA", "USD", 2),
    Market("AU", "en_AU", "AUD", 3),
    Market("BR", "pt_BR", "USD", 2),
)
MARKET_BY_COUNTRY = {m.country: m for m in MARKETS}

# Names that always appear, so every script and the characters that break naive code
# (ampersands, angle brackets, apostrophes) are in every demo book.
SIGNATURE_ACCOUNTS = (
    ("Café Müller GmbH", "DE"),
    ("R&D <Labs>", "US"),
    ("O'Neil & Sons", "IE"),
    ("株式会社みなと精工", "JP"),
    ("北京星河数据科技有限公司", "CN"),
    ("(주)푸른솔 클라우드", "KR"),
    ("مجموعة الواحة للتقنية", "SA"),
    ("אורן מערכות בע״מ", "IL"),
    ("ТОВ «Сонячна Логістика»", "UA"),
    ("Boulangerie Émile & Fils", "FR"),
    ("Ñandú Analítica S.L.", "ES"),
    ("Åkerström Byggnad AB", "SE"),
)

# Parent companies with subsidiaries elsewhere: (parent, country, [(child, country), ...]).
GROUPS = (
    (
        "Vantage Meridian Inc",
        "US",
        (("Vantage Meridian UK Ltd", "GB"), ("Vantage Meridian Japan 合同会社", "JP")),
    ),
    ("Nordlicht Holding AG", "DE", (("Nordlicht France SAS", "FR"),)),
    ("Harbour & Pine Group plc", "GB", (("Harbour & Pine Australia Pty Ltd", "AU"),)),
)

INDUSTRIES = (
    "Software",
    "Financial services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Logistics",
    "Education",
    "Media",
    "Professional services",
    "Energy",
    "Telecommunications",
    "Hospitality",
)

SEGMENT_BY_TIER = {1: "Enterprise", 2: "Mid-Market", 3: "SMB"}
PLAN_BY_TIER = {1: "Enterprise", 2: "Business", 3: "Team"}

# Annual list price per seat in USD, by tier; the book converts it to the contract currency.
SEAT_PRICE_USD = {1: 420, 2: 360, 3: 300}

# Product features, most used first; the health score's key features come from this order.
FEATURES = (
    ("Dashboards", 1.00),
    ("Reports", 0.85),
    ("Workflow builder", 0.70),
    ("Integrations", 0.60),
    ("Alerts", 0.55),
    ("Data import", 0.45),
    ("Collaboration", 0.42),
    ("Templates", 0.38),
    ("API", 0.34),
    ("Data export", 0.30),
    ("Forecasting", 0.20),
    ("Mobile app", 0.16),
    ("SSO", 0.12),
    ("Audit log", 0.08),
    ("AI assistant", 0.06),
)

# Job titles by contact role.
TITLES = {
    "executive_sponsor": ("Chief Operating Officer", "VP Operations", "Chief Revenue Officer",
                          "CFO", "Managing Director"),
    "champion": ("Head of Revenue Operations", "Operations Manager", "Director of Analytics",
                 "Business Systems Lead"),
    "decision_maker": ("Director of IT", "Head of Procurement", "VP Finance"),
    "user": ("Analyst", "Team Lead", "Account Manager", "Data Specialist", "Planner"),
    "billing": ("Accounts Payable Specialist", "Finance Controller"),
}
