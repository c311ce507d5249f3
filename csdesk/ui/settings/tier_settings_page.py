"""Settings > Tiers: the ARR thresholds of the tier rules, and each tier's cadences."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QWidget

from csdesk.engagement.plan import EngagementPlans
from csdesk.errors import ValidationError
from csdesk.services.context import load_rates
from csdesk.services.engagement import ENGAGEMENT_PLANS, load_plans
from csdesk.services.settings import REPORTING_CURRENCY, get_setting
from csdesk.services.tiers import TIER_RULES, apply_tiers, save_tier_rules
from csdesk.ui import feedback
from csdesk.ui.settings.settings_page import SettingsPage
from csdesk.ui.widgets.cadence_editor import CadenceEditor
from csdesk.ui.workspace import Workspace


@dataclass(frozen=True)
class TierSettings:
    rules: dict[str, Any]
    currency: str
    plans: EngagementPlans
    plans_document: dict[str, Any]


def threshold(rules: dict[str, Any], tier: int) -> str:
    for rule in rules.get("rules", []):
        if rule.get("tier") == tier and "min_arr" in rule and len(rule) == 2:
            return str(rule["min_arr"])
    return ""


def with_thresholds(rules: dict[str, Any], tier1: str, tier2: str, strategic: bool
                    ) -> dict[str, Any]:
    """The rules document with the simple ARR rules of tiers 1 and 2 replaced."""
    for text, name in ((tier1, "tier 1"), (tier2, "tier 2")):
        try:
            if Decimal(text.strip()) < 0:
                raise ValidationError(f"the {name} threshold cannot be negative")
        except InvalidOperation:
            raise ValidationError(f"the {name} threshold '{text}' is not an amount") from None
    if Decimal(tier2) >= Decimal(tier1):
        raise ValidationError("tier 2 must start below tier 1")
    kept = [r for r in rules.get("rules", [])
            if not (len(r) == 2 and "min_arr" in r and r.get("tier") in (1, 2))
            and r != {"tier": 1, "strategic": True}]
    simple = [{"tier": 1, "min_arr": tier1.strip()}, {"tier": 2, "min_arr": tier2.strip()}]
    head = [{"tier": 1, "strategic": True}] if strategic else []
    changed = copy.deepcopy(rules)
    changed["rules"] = head + kept + simple
    return changed


class TierSettingsPage(SettingsPage):
    TITLE = "Tiers and cadences"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.add_intro("An account's tier follows its ARR in the reporting currency (a manual "
                       "override stays). Saving re-applies the rules to every account.")
        form = self.add_form()
        self.rules: dict[str, Any] = {}
        self.tier1_edit = QLineEdit()
        self.tier1_edit.setAccessibleName("Tier 1 from ARR")
        self.tier2_edit = QLineEdit()
        self.tier2_edit.setAccessibleName("Tier 2 from ARR")
        self.strategic = QCheckBox("Strategic accounts are tier 1 whatever their ARR")
        self.currency_label = QLabel()
        self.save_button = QPushButton("Save and re-apply tiers")
        self.save_button.clicked.connect(self.save)
        form.addRow("Tier 1 from ARR", self.tier1_edit)
        form.addRow("Tier 2 from ARR", self.tier2_edit)
        form.addRow("", self.currency_label)
        form.addRow("", self.strategic)
        form.addRow("", self.save_button)
        self.outer.addWidget(QLabel("<b>Engagement cadences</b>"))
        self.cadences = CadenceEditor(workspace)
        self.cadences.saved.connect(self.load)
        self.cadences.setMinimumHeight(280)
        self.outer.addWidget(self.cadences, 1)

    def load(self) -> None:
        def read(session: Any) -> TierSettings:
            return TierSettings(dict(get_setting(session, TIER_RULES.key)),
                                str(get_setting(session, REPORTING_CURRENCY.key)),
                                load_plans(session),
                                dict(get_setting(session, ENGAGEMENT_PLANS.key)))

        self.workspace.load(read, self._show, self, "read the tier rules")

    def _show(self, settings: TierSettings) -> None:
        self.rules = settings.rules
        self.tier1_edit.setText(threshold(settings.rules, 1))
        self.tier2_edit.setText(threshold(settings.rules, 2))
        self.strategic.setChecked({"tier": 1, "strategic": True} in settings.rules["rules"])
        self.currency_label.setText(f"Amounts in {settings.currency}; below tier 2 is tier "
                                    f"{settings.rules.get('otherwise', 3)}.")
        self.cadences.show_plans(settings.plans, settings.plans_document)
        self.loaded.emit()

    def save(self) -> None:
        try:
            document = with_thresholds(self.rules, self.tier1_edit.text(),
                                       self.tier2_edit.text(), self.strategic.isChecked())
        except ValidationError as exc:
            feedback.show_error(self, exc, "save the tier rules")
            return
        as_of = self.workspace.as_of

        def write(session: Any) -> Any:
            save_tier_rules(session, document)
            return apply_tiers(session, as_of, load_rates(session))

        def done(_result: Any) -> None:
            self.rules = document
            feedback.show_info(self, "Tier rules saved and applied to every account.")
            self._saved()

        self.workspace.save(write, done, self, "save the tier rules")
