"""Account workspace: timeline and success plan edits persist and enter the change log."""

from __future__ import annotations

from sqlalchemy import select

from csdesk.models import Activity, Milestone, Note
from csdesk.models.changelog import ChangeLogEntry
from csdesk.ui.account.success_plan_tab import SuccessPlanTab
from csdesk.ui.account.timeline_tab import TimelineTab
from csdesk.ui.views.account_view import AccountView
from csdesk.ui.workspace import Workspace
from tests.ui.conftest import AS_OF, wait_loaded
from tests.ui.portfolio_book import build_three_accounts


def _account_view(qtbot, context, account_id: int) -> AccountView:
    view = AccountView(Workspace(context, AS_OF))
    qtbot.addWidget(view)
    view.show()
    view.show_account(account_id)
    wait_loaded(qtbot, view)
    return view


def _log(context, entity: str) -> list[tuple[str, str | None]]:
    with context.read() as session:
        rows = session.execute(select(ChangeLogEntry.op, ChangeLogEntry.field).where(
            ChangeLogEntry.entity == entity).order_by(ChangeLogEntry.seq)).all()
    return [tuple(r) for r in rows]


def test_header_shows_the_account_figures(qtbot, context) -> None:
    ids = build_three_accounts(context)
    view = _account_view(qtbot, context, ids["acme"])
    assert view.name_label.text() == "Acme Corp"
    assert view.figures["health"].value.text() == "75"
    assert view.figures["arr"].value.text() == "$120,000"
    assert view.figures["renewal"].value.text() == "Jan 1, 2027 (in 185 days)"
    assert view.figures["trend"].value.text() == "▲ +15.0"


def test_a_note_written_offline_is_stored_and_logged(qtbot, context) -> None:
    ids = build_three_accounts(context)
    view = _account_view(qtbot, context, ids["beta"])
    view.tabs.setCurrentWidget(view.tab(TimelineTab))
    tab = view.tab(TimelineTab)
    wait_loaded(qtbot, view)

    tab.write_note()
    dialog = tab.dialog
    qtbot.keyClicks(dialog.title_edit, "Budget freeze")
    qtbot.keyClicks(dialog.body_edit, "CFO froze new spend until Q4.")
    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        dialog.save()

    assert [tab.model.row_at(r).title for r in range(tab.model.rowCount())] == ["Budget freeze"]
    with context.read() as session:
        note = session.scalars(select(Note)).one()
    assert (note.account_id, note.body, note.written_on) == (
        ids["beta"], "CFO froze new spend until Q4.", AS_OF)
    assert _log(context, "note") == [("create", None)]


def _summaries(context) -> list[str]:
    with context.read() as session:
        return [a.summary for a in session.scalars(select(Activity))]


def test_an_activity_is_logged_then_corrected(qtbot, context) -> None:
    ids = build_three_accounts(context)
    view = _account_view(qtbot, context, ids["acme"])
    tab = view.tab(TimelineTab)
    view.tabs.setCurrentWidget(tab)
    wait_loaded(qtbot, view)

    tab.log_activity()
    dialog = tab.dialog
    qtbot.waitUntil(dialog.kind_box.isEnabled)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("call"))
    qtbot.keyClicks(dialog.summary_edit, "Renewal call")
    dialog.save()
    # Saves run on the write pool; wait for the stored row and the reloaded table.
    qtbot.waitUntil(lambda: _summaries(context) == ["Renewal call"], timeout=30_000)
    qtbot.waitUntil(lambda: tab.table.model().rowCount() == 1, timeout=30_000)

    tab.table.selectRow(0)
    tab.edit_selected()
    dialog = tab.dialog
    qtbot.waitUntil(dialog.kind_box.isEnabled)
    assert dialog.kind_box.currentData() == "call"
    dialog.summary_edit.setText("Renewal call with the CFO")
    dialog.save()
    qtbot.waitUntil(lambda: _summaries(context) == ["Renewal call with the CFO"],
                    timeout=30_000)

    with context.read() as session:
        activity = session.scalars(select(Activity)).one()
    assert (activity.kind, activity.summary) == ("call", "Renewal call with the CFO")
    assert _log(context, "activity") == [("create", None), ("update", "summary")]


def test_a_future_activity_is_refused_in_plain_words(qtbot, context) -> None:
    ids = build_three_accounts(context)
    view = _account_view(qtbot, context, ids["acme"])
    tab = view.tab(TimelineTab)
    tab.log_activity()
    dialog = tab.dialog
    qtbot.waitUntil(dialog.kind_box.isEnabled)
    dialog.summary_edit.setText("Next week's call")
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(7))
    dialog.save()
    qtbot.waitUntil(lambda: "after today" in dialog.error_label.text())
    with context.read() as session:
        assert session.scalars(select(Activity)).all() == []


def test_success_plan_started_and_milestone_done(qtbot, context) -> None:
    ids = build_three_accounts(context)
    view = _account_view(qtbot, context, ids["acme"])
    tab = view.tab(SuccessPlanTab)
    view.tabs.setCurrentWidget(tab)
    wait_loaded(qtbot, view)
    qtbot.waitUntil(lambda: tab.plan is not None)
    assert tab.plan.plan_id is None

    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        tab.start_plan()
    assert tab.plan.plan_id is not None and tab.milestones.rowCount() > 0

    tab.milestones_table.selectRow(0)
    chosen = tab.milestones_proxy.row_at(0)
    with qtbot.waitSignal(tab.loaded, timeout=30_000):
        tab.mark_milestone_done()
    with context.read() as session:
        milestone = session.get(Milestone, chosen.id)
    assert milestone.done_on == AS_OF
    assert ("update", "done_on") in _log(context, "milestone")
