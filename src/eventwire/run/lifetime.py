"""Worker processes end with the process that started them, however it ends.

A driver killed by SIGKILL runs no cleanup, so each worker watches its parent itself: on Linux
the kernel sends it SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG), and everywhere a
daemon thread checks the parent pid once a second. Once the workers are gone, multiprocessing's
resource tracker sees its pipe close and exits too: nothing stays behind.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["die_with_parent", "interrupts_deferred"]

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_watching = False


def die_with_parent(parent_pid: int | None = None) -> None:
    """End this process when `parent_pid` (default: the current parent) is no longer its parent."""
    global _watching
    parent = parent_pid or os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
                log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        except (OSError, AttributeError):  # no libc symbol: the watchdog below still holds
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if _watching:
        return
    _watching = True

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="eventwire-parent-watch", daemon=True).start()


_INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM that land in the block take effect when it ends, through the handlers that
    were set: a worker process being started then is started whole. Interrupted between its launch
    and the start-up data written to it, a spawned worker would read a cut pipe and print a traceback.
    Only the main thread sets handlers; elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    landed: list[int] = []
    previous = {sig: signal.getsignal(sig) for sig in _INTERRUPTS}
    held = [sig for sig, handler in previous.items() if handler is not None]  # None: set outside Python
    for sig in held:
        signal.signal(sig, lambda signum, _frame: landed.append(signum))
    try:
        yield
    finally:
        for sig in held:
            signal.signal(sig, previous[sig])
        for sig in dict.fromkeys(landed):
            signal.raise_signal(sig)
