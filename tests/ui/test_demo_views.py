"""Today, Renewals, Plans, Dashboard and Settings on a 20-account demo book."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from csdesk.metrics.results import display_value
from csdesk.models import CurrencyRate, Opportunity, Setting, Task
from csdesk.models.changelog import ChangeLogEntry
from csdesk.services.context import load_rates
from csdesk.services.metrics import portfolio_metrics
from csdesk.services.renewals import upcoming_renewals
from csdesk.services.settings import COMPANY_NAME, PRIMARY_COLOUR, get_setting
from csdesk.services.today import plan_day, resolve_scope
from csdesk.ui.qtmodels.today_table_model import TodayTableModel, items_of
from csdesk.ui.settings.branding_settings_page import BrandingSettingsPage
from csdesk.ui.settings.currency_settings_page import CurrencySettingsPage
from tests.ui.conftest import AS_OF, wait_loaded


@pytest.fixture
def window(qtbot, demo_context, make_window):
    window = make_window(demo_context)
    window.show()
    return window


def _open(qtbot, window, key: str):
    page = window.show_view(key)
    wait_loaded(qtbot, page)
    return page


def test_today_lists_the_day_plan_and_closes_a_task(qtbot, window, demo_context) -> None:
    today = _open(qtbot, window, "today")
    with demo_context.read() as session:
        plan = plan_day(session, AS_OF, load_rates(session), resolve_scope(session, None, False))
    expected = items_of(plan)
    assert today.model.rowCount() == len(expected) > 0
    assert {today.model.row_at(r).key for r in range(today.model.rowCount())} == {
        i.key for i in expected}

    tasks = [r for r in range(today.proxy.rowCount()) if today.proxy.row_at(r).task_id]
    assert tasks, "the demo book has open tasks for its CSM"
    today.table.selectRow(tasks[0])
    item = today.selected_item()
    assert today.done_button.isEnabled() and today.snooze_button.isEnabled()
    with qtbot.waitSignal(today.loaded, timeout=30_000):
        today.mark_done()
    with demo_context.read() as session:
        task = session.get(Task, item.task_id)
        logged = session.scalars(select(ChangeLogEntry.field).where(
            ChangeLogEntry.entity == "task", ChangeLogEntry.entity_id == str(item.task_id),
            ChangeLogEntry.origin == "user")).all()
    assert task.status == "done"
    assert "status" in logged
    assert item.key not in {today.model.row_at(r).key for r in range(today.model.rowCount())}


def test_today_snooze_hides_the_task_until_the_date(qtbot, window, demo_context) -> None:
    today = _open(qtbot, window, "today")
    row = next(r for r in range(today.proxy.rowCount()) if today.proxy.row_at(r).task_id)
    today.table.selectRow(row)
    item = today.selected_item()
    until = AS_OF + timedelta(days=7)
    with qtbot.waitSignal(today.loaded, timeout=30_000):
        today.snooze_until(item.task_id, until)
    with demo_context.read() as session:
        assert session.get(Task, item.task_id).snoozed_until == until


def test_renewals_list_matches_and_category_is_editable(qtbot, window, demo_context) -> None:
    renewals = _open(qtbot, window, "renewals")
    with demo_context.read() as session:
        expected = upcoming_renewals(session, AS_OF, load_rates(session), 365)
    assert renewals.model.rowCount() == len(expected.rows) > 0
    assert renewals.risk_label.text().startswith("<b>ARR at risk in the next")

    renewals.table.selectRow(0)
    row = renewals.selected_row()
    renewals.category_box.setCurrentIndex(renewals.category_box.findData("at_risk"))
    with qtbot.waitSignal(renewals.loaded, timeout=15_000):
        renewals.set_category()
    with demo_context.read() as session:
        categories = session.scalars(select(Opportunity.forecast_category).where(
            Opportunity.contract_id == row.line.contract.contract_id,
            Opportunity.is_closed.is_(False))).all()
    assert "at_risk" in categories
    changed = next(renewals.model.row_at(r) for r in range(renewals.model.rowCount())
                   if renewals.model.row_at(r).line.key == row.line.key)
    assert changed.line.category == "at_risk"


def test_dashboard_cards_show_the_metrics_with_definitions(qtbot, window, demo_context) -> None:
    dashboard = _open(qtbot, window, "dashboard")
    with demo_context.read() as session:
        report = portfolio_metrics(session, AS_OF, "ttm")
    book = report.group(None)
    for name, card in dashboard.cards.items():
        metric = book.get(name)
        assert card.value.text() == display_value(metric.value, metric.unit)
        assert metric.definition in card.toolTip()
    assert dashboard.chart.figure is not None
    metric, bars = dashboard.comparison()
    assert [b.label for b in bars] == [g.label for g in dashboard.data.grouped.groups
                                       if g.key is not None]


def test_plans_view_shows_cadences_compliance_and_stages(qtbot, window) -> None:
    plans = _open(qtbot, window, "plans")
    assert plans.cadences.model.rowCount() > 0
    assert plans.by_tier.rowCount() > 0
    assert plans.stages.rowCount() == 20
    plans.stage_box.setCurrentIndex(plans.stage_box.findData("adopt"))
    shown = [plans.stages_proxy.row_at(r).stage for r in range(plans.stages_proxy.rowCount())]
    assert set(shown) <= {"adopt"}


def test_cadence_edit_is_saved(qtbot, window, demo_context) -> None:
    plans = _open(qtbot, window, "plans")
    editor = plans.cadences
    row = next(r for r in range(editor.proxy.rowCount())
               if editor.proxy.row_at(r).tier == 2 and editor.proxy.row_at(r).spec.key
               == "check_in")
    editor.table.selectRow(row)
    assert editor.days_spin.value() == 30
    editor.days_spin.setValue(21)
    with qtbot.waitSignal(plans.loaded, timeout=15_000):
        editor.save_cadence()
    with demo_context.read() as session:
        document = get_setting(session, "engagement.plans")
    entry = next(e for e in document["tiers"]["2"] if e["key"] == "check_in")
    assert entry["every_days"] == 21


def test_branding_is_validated_then_saved(qtbot, window, demo_context) -> None:
    settings = _open(qtbot, window, "settings")
    page = settings.page(BrandingSettingsPage)
    page.company_edit.setText("Northwind Success")
    page.colour_edit.setText("blue")
    page.save()
    assert "not a colour" in window.message_bar.text()
    page.colour_edit.setText("#0a7e8c")
    with qtbot.waitSignal(page.saved, timeout=30_000):
        page.save()
    with demo_context.read() as session:
        assert get_setting(session, COMPANY_NAME.key) == "Northwind Success"
        assert get_setting(session, PRIMARY_COLOUR.key) == "#0A7E8C"
        assert session.get(Setting, COMPANY_NAME.key) is not None


def test_currency_rate_is_set(qtbot, window, demo_context) -> None:
    settings = _open(qtbot, window, "settings")
    page = settings.page(CurrencySettingsPage)
    page.currency_edit.setText("chf")
    page.rate_edit.setText("1.13")
    with qtbot.waitSignal(page.saved, timeout=30_000):
        page.rate_button.click()
    with demo_context.read() as session:
        assert Decimal(session.get(CurrencyRate, "CHF").rate) == Decimal("1.13")
    currencies = [page.model.row_at(r).currency for r in range(page.model.rowCount())]
    assert "CHF" in currencies


def test_today_model_passes_the_model_tester(qtbot, qtmodeltester, window) -> None:
    today = _open(qtbot, window, "today")
    assert isinstance(today.model, TodayTableModel)
    qtmodeltester.check(today.model)
    qtmodeltester.check(today.proxy)
