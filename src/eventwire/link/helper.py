"""A second process for the parts of linking that can be split: the story sweep's smaller event types
and the screening of article-link candidates.

Linking a day is one process's work after its features are read, while a second core waits. From
`HELPER_FROM` articles up (with two cores or more, on a POSIX system) link_features starts a helper
process while it reads the rest. The story sweep hands it every event-type block but the largest
(stories.swept_blocks: a story holds the mentions of one block, so blocks are swept apart) and sweeps
the largest meanwhile; link_articles hands it batches of candidates to screen while it goes on finding
the next ones, and whichever of the two is free screens the next batch, so neither waits for the other.

The helper is a new interpreter that imports this module alone (not the caller's script, as a
multiprocessing child would: a script linking records need not guard its entry point), reached
through a socket pair. It reads the TF-IDF vectors from the same pages as this process: their term
numbers and counts (most of what they hold) are files mapped into memory (Vectors' `scratch`
directory), so a second copy is never made. It sweeps and screens with the same code on the same
values, so which process does a part does not change the result. Should the helper fail or end, what
it held is swept or screened here and linking goes on alone; nothing is lost.

Memory: the blocks it sweeps are handed to it in files, read one at a time, and it answers in a file too
and then starts afresh (exec), so while this process sweeps the largest block the helper holds one
smaller block's columns and stories at most, then a new interpreter's ~80 MB. On a synthetic day of
300,000 articles the two together stayed under 2 GB (bench/README.md).
"""
from __future__ import annotations

import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import numpy as np

from eventwire.link.vectors import Vectors

if TYPE_CHECKING:
    from eventwire.link.story_events import Swept

__all__ = ["LinkHelper", "HELPER_FROM", "helper_for"]

log = logging.getLogger(__name__)

HELPER_FROM = 2000  # articles of a day from which a helper process takes part (it costs ~0.5 s to start)
IN_FLIGHT = 2  # batches handed to the helper and not yet answered: one it works on, one waiting


def helper_for(articles: int) -> LinkHelper | None:
    """A started helper for a day of `articles`, or None: too few articles to gain from one, one core, not
    a POSIX system, or the process could not be started (linking then goes on alone)."""
    if articles < HELPER_FROM or (os.cpu_count() or 1) < 2 or os.name != "posix":
        return None
    try:
        return LinkHelper()
    except OSError as exc:
        log.warning("linking goes on in one process: its helper process did not start (%s)", exc)
        return None


# The helper's interpreter: this process's import path, then _serve on the socket it was given.
_START = ("import sys; sys.path[:0] = sys.argv[2:]; from eventwire.link.helper import _serve; "
          "from multiprocessing.connection import Connection; _serve(Connection(int(sys.argv[1])))")


class LinkHelper:
    """The helper process and the work handed to it: event-type blocks to sweep (`sweep`, answered by
    `swept`), then batches of candidates to screen (`share` the vectors, `offer` batches, answered by
    `answers`). Closed by `close` (or as a context manager); it ends by itself when this process's end
    of the socket closes."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _START, str(theirs.fileno()), *[p for p in sys.path if p]],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._conn = Connection(ours.detach())
        self._pending: dict[int, tuple] = {}  # batch number -> (tag, batch): screened here should the helper fail
        self._numbered = 0
        self._vectors: Vectors | None = None
        self._sweeping = False  # handed blocks, not answered yet
        self.failed = False

    def __enter__(self) -> LinkHelper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def share(self, vectors: Vectors) -> bool:
        """Let the helper map `vectors` (made with a scratch directory, every row added); False when it
        cannot take batches."""
        self._vectors = vectors
        return self._send(("vectors", vectors.shared()))

    def sweep(self, blocks: list[str], answer: str) -> bool:
        """Hand the helper event-type blocks to sweep, pickled in the files `blocks` (stories.swept_blocks,
        which removes them); it pickles its answer in the file `answer`. False when it cannot take them:
        the caller sweeps them itself. Answered by `swept`."""
        self._sweeping = self._send(("sweep", blocks, answer))
        return self._sweeping

    def swept(self) -> list[Swept] | None:
        """The helper's Swept of each block handed to `sweep`, in that order (waited for); None when it
        failed: the caller sweeps them itself."""
        try:
            kind, path = self._conn.recv()
            self._sweeping = False
            if kind == "swept":
                with open(path, "rb") as file:
                    return pickle.load(file)
            self._fail(f"it answered {kind!r} to a sweep")
        except (EOFError, OSError, TypeError, ValueError, pickle.UnpicklingError) as exc:
            self._fail(f"its answer could not be read ({exc!r})")
        return None

    def unshare(self) -> None:
        """Let the vectors given to `share` go, here and in the helper (their files can then be removed)."""
        if self._vectors is not None:
            self._vectors = None
            self._send(("vectors", None))

    def offer(self, batch: tuple, tag: Any) -> bool:
        """Hand the helper a batch to screen (Vectors.screened's arguments) when it has room for one;
        False when it has not (or failed): the caller screens the batch itself. `tag` comes back with
        the answer."""
        if self.failed or self._vectors is None or len(self._pending) >= IN_FLIGHT:
            return False
        number = self._numbered
        if not self._send(("screen", number, *batch)):
            return False
        self._numbered += 1
        self._pending[number] = (tag, batch)
        return True

    def answers(self, wait: bool = False) -> Iterator[tuple[Any, tuple, np.ndarray, np.ndarray]]:
        """(tag, batch, kept, cosines) of each batch the helper has answered (Vectors.screened's answer
        for it); with `wait`, of every batch handed to it. A batch the helper did not answer (it failed)
        is screened here."""
        while self._pending and not self.failed:
            try:
                if not wait and not self._conn.poll():
                    return
                number, kept, cosines = self._conn.recv()
            except (EOFError, OSError, TypeError, ValueError) as exc:
                self._fail(f"its answer could not be read ({exc!r})")
                break
            tag, batch = self._pending.pop(number)
            yield tag, batch, kept, cosines
        while self.failed and self._pending:
            _, (tag, batch) = self._pending.popitem()
            yield (tag, batch, *self._vectors.screened(*batch))

    def close(self) -> None:
        """Stop the helper: at once if it still holds work (this process stopped before reading the
        answers: an error, an interrupt), else once it has read that it may stop."""
        if self._process is None:
            return
        if self._sweeping or self._pending:
            self._process.kill()
        else:
            try:
                self._conn.send(None)
            except OSError:
                pass
        self._conn.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def _send(self, message: Any) -> bool:
        if self.failed:
            return False
        try:
            self._conn.send(message)
            return True
        except OSError as exc:
            self._fail(f"it could not be reached ({exc})")
            return False

    def _fail(self, why: str) -> None:
        if not self.failed:
            log.warning("linking goes on in one process: its helper process failed: %s", why)
        self.failed = True


def _serve(conn: Connection) -> None:
    """The helper process: map the vectors it is given and screen the batches it is handed, until told to
    stop (None) or the other end of the socket closes. An interrupt is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    vectors: Vectors | None = None
    try:
        while (message := conn.recv()) is not None:
            if message[0] == "vectors":
                vectors = None if message[1] is None else Vectors.mapped(message[1])
            elif message[0] == "sweep":
                from eventwire.link.stories import swept_blocks

                _, blocks, answer = message
                with open(answer, "wb") as file:
                    pickle.dump(swept_blocks(blocks), file, protocol=pickle.HIGHEST_PROTOCOL)
                # A short answer (the file's path) never waits for the parent to read it: the heap that
                # sweeping left here is let go now, not when the parent has swept its own block.
                conn.send(("swept", answer))
                _start_afresh(conn)
            else:
                _, number, *batch = message
                conn.send((number, *vectors.screened(*batch)))
    except (EOFError, OSError):
        return  # the parent has gone: nothing to answer


def _start_afresh(conn: Connection) -> None:
    """Replace this process by a new helper on the same socket (exec): the heap that the swept stories
    left in it (partly used pages that a process keeps once it has grown) is not held for the rest of
    the link. The parent notices nothing: what it sends next waits in the socket."""
    fd = conn.fileno()
    os.set_inheritable(fd, True)
    os.execv(sys.executable, [sys.executable, "-c", _START, str(fd), *sys.argv[2:]])
