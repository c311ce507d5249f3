"""Run work off the GUI thread and get the result back on it.

There is one helper, :func:`run_in_background`. Reads and rendering go to a general thread
pool; writes go to a pool with a single thread so they happen one after another (SQLite has
one writer). A worker takes and returns plain data: it opens its own database session through
the services and never touches a widget. Its result (or exception) travels back through a
queued signal, so the callbacks always run on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

logger = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Bridge(QObject):
    """Lives on the GUI thread; workers emit on it and Qt queues the delivery.

    Signals:
        delivered: (job, result, error) once a job has finished.
        idle: no job is queued or running any more.
    """

    delivered = Signal(object, object, object)
    idle = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.pending = 0
        self.delivered.connect(self._on_delivered)

    @Slot(object, object, object)
    def _on_delivered(self, job: _Job, result: Any, error: BaseException | None) -> None:
        try:
            job.finish(result, error)
        finally:
            self.pending -= 1
            if self.pending == 0:
                self.idle.emit()


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[[], Any],
        on_done: DoneCallback | None,
        on_error: ErrorCallback | None,
        owner: QObject | None,
        bridge: _Bridge,
    ) -> None:
        super().__init__()
        self.fn: Callable[[], Any] | None = fn
        self.on_done = on_done
        self.on_error = on_error
        self.owner = owner
        self.bridge = bridge
        self.name = getattr(fn, "__qualname__", repr(fn))

    def run(self) -> None:
        started = time.perf_counter()
        result: Any = None
        error: BaseException | None = None
        try:
            if self.fn is not None:
                result = self.fn()
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            error = exc
        logger.debug("%s finished in %.0f ms", self.name, (time.perf_counter() - started) * 1000)
        self.bridge.delivered.emit(self, result, error)

    def finish(self, result: Any, error: BaseException | None) -> None:
        try:
            self._deliver(result, error)
        finally:
            # The pool deletes the job on its worker thread; holding the callbacks or the
            # owner until then could make that thread delete the last reference to a widget.
            self.fn = self.on_done = self.on_error = self.owner = None

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        # The widget that asked may have been closed while the job ran.
        if self.owner is not None and not shiboken6.isValid(self.owner):
            logger.debug("%s: its window is gone; result dropped", self.name)
            return
        if error is None:
            if self.on_done is not None:
                self.on_done(result)
            return
        if self.on_error is not None:
            self.on_error(error)
        else:
            logger.error("background job %s failed", self.name, exc_info=error)


_bridge: _Bridge | None = None
_general_pool: QThreadPool | None = None
_write_pool: QThreadPool | None = None


def _the_bridge() -> _Bridge:
    global _bridge
    if _bridge is None or not shiboken6.isValid(_bridge):
        _bridge = _Bridge()
    return _bridge


def general_pool() -> QThreadPool:
    """Threads for reading and rendering."""
    global _general_pool
    if _general_pool is None:
        _general_pool = QThreadPool()
        _general_pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
    return _general_pool


def write_pool() -> QThreadPool:
    """One thread: writes to the portfolio never run side by side."""
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


def run_in_background(
    fn: Callable[[], Any],
    on_done: DoneCallback | None = None,
    on_error: ErrorCallback | None = None,
    *,
    owner: QObject | None = None,
    writes: bool = False,
) -> None:
    """Run ``fn()`` in a worker thread; call ``on_done(result)`` or ``on_error(exc)`` here.

    ``owner`` is the widget that asked: if it is deleted before the job ends, the callbacks
    are skipped. ``writes=True`` queues the job on the single write thread.
    """
    bridge = _the_bridge()
    bridge.pending += 1
    job = _Job(fn, on_done, on_error, owner, bridge)
    (write_pool() if writes else general_pool()).start(job)


def pending_jobs() -> int:
    """Jobs started and not yet delivered (the snapshot waits for zero)."""
    return _the_bridge().pending


def idle_signal() -> Any:
    """The signal emitted each time the last pending job has been delivered."""
    return _the_bridge().idle


def wait_for_pools(timeout_ms: int = 30_000) -> bool:
    """Block until every worker thread is done (used at shutdown, never while working)."""
    done = general_pool().waitForDone(timeout_ms)
    return write_pool().waitForDone(timeout_ms) and done
