"""Interrupts while worker processes start: a Ctrl-C or SIGTERM that lands during a worker's start takes
effect once the worker is started whole (a spawned worker cut off from its start-up data prints a
traceback)."""
from __future__ import annotations

import multiprocessing.context
import os
import signal

import pytest

from eventwire.config import load_settings
from eventwire.run.engines import LocalEngine
from eventwire.run.lifetime import interrupts_deferred


def test_a_signal_in_the_block_reaches_its_handler_once_the_block_ends():
    seen: list[tuple[int, bool]] = []
    inside = [False]
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: seen.append((signum, inside[0])))
    try:
        with interrupts_deferred():
            inside[0] = True
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)
            assert seen == []
            inside[0] = False
        assert seen == [(signal.SIGTERM, False)]
        os.kill(os.getpid(), signal.SIGTERM)  # the handler is the caller's again
        assert seen == [(signal.SIGTERM, False), (signal.SIGTERM, False)]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_ctrl_c_in_the_block_is_raised_after_it():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("rest of the block")
    assert done == ["rest of the block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_while_a_worker_starts_leaves_the_worker_started(monkeypatch):
    start = multiprocessing.context.SpawnProcess.start

    def interrupted_start(process):
        os.kill(os.getpid(), signal.SIGINT)  # lands between the pool's decision and the start
        start(process)

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", interrupted_start)
    engine = LocalEngine(load_settings(), workers=1)
    try:
        with pytest.raises(KeyboardInterrupt):
            engine._submit(abs, -1)
        processes = list(engine._pool._processes.values())
        assert len(processes) == 1 and processes[0].is_alive()
    finally:
        engine.close(now=True)
