"""The background helper: work off the GUI thread, results and errors back on it."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QWidget

from csdesk.ui.background import pending_jobs, run_in_background


def test_result_arrives_on_the_gui_thread(qtbot) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["gui"] = QThread.currentThread() is QApplication.instance().thread()

    run_in_background(work, done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen == {"worker": False, "value": 42, "gui": True}
    qtbot.waitUntil(lambda: pending_jobs() == 0)


def test_an_error_goes_to_on_error_not_on_done(qtbot) -> None:
    got: list[BaseException] = []

    def work() -> None:
        raise ValueError("bad input in row 3")

    run_in_background(work, lambda _v: got.append(AssertionError("on_done called")), got.append)
    qtbot.waitUntil(lambda: bool(got))
    assert isinstance(got[0], ValueError) and "row 3" in str(got[0])


def test_a_closed_widget_gets_no_callback(qtbot) -> None:
    widget = QWidget()
    calls: list[int] = []
    release = threading.Event()

    def work() -> int:
        release.wait(5)
        return 1

    run_in_background(work, calls.append, owner=widget)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not _alive(widget))
    release.set()
    qtbot.waitUntil(lambda: pending_jobs() == 0)
    assert calls == []


def test_writes_run_one_after_another(qtbot) -> None:
    running, overlaps, finished = [0], [], []
    lock = threading.Lock()

    def write(number: int) -> int:
        with lock:
            running[0] += 1
            overlaps.append(running[0])
        threading.Event().wait(0.02)
        with lock:
            running[0] -= 1
        return number

    for number in range(4):
        run_in_background(lambda n=number: write(n), finished.append, writes=True)
    qtbot.waitUntil(lambda: len(finished) == 4)
    assert max(overlaps) == 1
    assert finished == [0, 1, 2, 3]


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
