"""The parts laid out in parallel: one worker process per core, each laying out one part at a
time, so memory holds a chapter's layout per core rather than the book's.

WeasyPrint's layout cannot leave its process (its boxes hold Pango pointers), so a worker
writes its part's PDF and sends back plain data (`LaidPart`). The workers are forked from the
build (`_context`), so the publication is theirs without being sent.

The one thing a part needs from the parts before it is where its folios start, and only to
draw its margins, after its layout: a worker reports its page count, then waits for its
shift. A part waits only for parts before it, which never wait for it, so the pool cannot
deadlock; the front matter is laid out last, once every other part's pages are known, as its
contents prints their page numbers.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from imprint.book.model import ImprintError
from imprint.editions.pdf.part_layout import (
    Book,
    Held,
    LaidPart,
    PartJob,
    finish_part,
    lay_out_part,
)

Anchors = tuple[tuple[str, int], ...]
# Below this many characters of HTML in all, the parts are laid out in the build's process.
SMALL = 30_000
# Makes the front matter's job from every other part's page count and anchors.
FrontJob = Callable[[dict[int, int], dict[int, Anchors]], PartJob] | None
# The part of this job already laid out with this shift, from the cache; or None.
Reuse = Callable[[PartJob, int], LaidPart | None]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _worker(book: Book, connection: Connection) -> None:
    """Lay out each job sent, report its page count, and finish it when sent its shift; a
    part waiting for its shift does not keep the worker from the next job."""
    held: dict[int, Held] = {}
    while (message := connection.recv()) is not None:
        try:
            if message[0] == "job":
                part = lay_out_part(book, message[1])
                held[part.job.part.index] = part
                connection.send(("count", part.job.part.index, part.pages, part.anchors))
            else:
                _, index, shift = message
                connection.send(("done", finish_part(book, held.pop(index), shift)))
        except ImprintError as error:
            connection.send(("error", tuple(error.diagnostics)))
        except Exception:  # the parent reports it: a worker's traceback is otherwise lost
            connection.send(("crash", traceback.format_exc()))


@dataclass
class _Schedule:
    """The parent's view: which parts are counted, held by which worker, or done."""

    body: list[PartJob]
    counts: dict[int, int] = field(default_factory=dict)
    anchors: dict[int, Anchors] = field(default_factory=dict)
    holders: dict[int, Connection] = field(default_factory=dict)  # counted, not yet shifted
    done: dict[int, LaidPart] = field(default_factory=dict)
    replies: dict[Connection, int] = field(default_factory=dict)  # messages each one owes
    running: set[Connection] = field(default_factory=set)  # laying out a job

    def shift(self, index: int) -> int | None:
        """The folio shift of part `index`: the pages of the body parts before it."""
        if index == 0:  # the front matter: roman folios from i
            return 0
        before = [job.part.index for job in self.body if job.part.index < index]
        if any(k not in self.counts for k in before):
            return None
        return sum(self.counts[k] for k in before)

    def send(self, connection: Connection, message: tuple[Any, ...]) -> None:
        connection.send(message)
        self.replies[connection] = self.replies.get(connection, 0) + 1


def lay_out_parts(book: Book, body: list[PartJob], front: FrontJob, reuse: Reuse,
                  progress: Callable[[str], None] = lambda _: None) -> dict[int, LaidPart]:
    """Every part laid out and written, the front matter last; `reuse` offers a cached one.
    The largest part (the notes, most often) goes first, so that no core idles at the end
    waiting for it; the others go in book order, so that each one's folios are known soon
    after its layout and its PDF is written while the others are laid out."""
    if cores() == 1 or sum(job.size for job in body) < SMALL:
        return _in_order(book, body, front, reuse, progress)
    schedule = _Schedule(body)
    largest = max(body, key=lambda j: j.size)
    pending: deque[PartJob] = deque([largest, *(j for j in body if j is not largest)])
    workers: list[Connection] = []  # started when a part is not in the cache
    total = len(body) + 1
    try:
        while True:
            _reuse_ready(schedule, pending, reuse)
            if front is not None and all(j.part.index in schedule.counts for j in body):
                pending.append(front(schedule.counts, schedule.anchors))
                front = None
                _reuse_ready(schedule, pending, reuse)
            if len(schedule.done) == total:
                return schedule.done
            if pending and not workers:
                workers = _start(book, min(cores(), len(pending) + (front is not None)))
            for connection in workers:
                job = _next(schedule, pending)
                if job is not None and connection not in schedule.running:
                    pending.remove(job)
                    schedule.send(connection, ("job", job))
                    schedule.running.add(connection)
            owing = [c for c in workers if schedule.replies.get(c)]
            if not owing:
                raise RuntimeError("the layout of the parts stalled")  # a bug, not the book's
            for ready in wait(owing):
                _receive(cast(Connection, ready), schedule, progress, total)
            _answer(schedule)
    finally:
        _stop(workers, schedule)


def _in_order(book: Book, body: list[PartJob], front: FrontJob, reuse: Reuse,
              progress: Callable[[str], None]) -> dict[int, LaidPart]:
    """The parts laid out here, one after another: for one core, or a book so short that
    starting workers would cost more than they save."""
    schedule = _Schedule(body)
    jobs: list[PartJob | None] = [*sorted(body, key=lambda j: j.part.index), None]
    for job in jobs:
        if job is None:
            assert front is not None
            job = front(schedule.counts, schedule.anchors)
        shift = schedule.shift(job.part.index)
        assert shift is not None  # every part before this one is laid out
        laid = reuse(job, shift)
        if laid is None:
            laid = finish_part(book, lay_out_part(book, job), shift)
            progress(f"laid out {laid.name} ({len(schedule.done) + 1} of {len(jobs)} parts)")
        schedule.counts[laid.index], schedule.anchors[laid.index] = laid.pages, laid.anchors
        schedule.done[laid.index] = laid
    return schedule.done


def _next(schedule: _Schedule, pending: deque[PartJob]) -> PartJob | None:
    """The next part to lay out. A part laid out before waits until its folios are known,
    as the cache may then hold it as it would be laid out (an edit before it that changed
    no page count)."""
    return next((job for job in pending if job.known is None
                 or schedule.shift(job.part.index) is not None), None)


def _reuse_ready(schedule: _Schedule, pending: deque[PartJob], reuse: Reuse) -> None:
    """Take from the cache each pending part whose shift is known and whose PDF is kept
    (again while one taken makes another's shift known)."""
    taken = True
    while taken:
        taken = False
        for job in list(pending):
            shift = schedule.shift(job.part.index)
            laid = None if shift is None else reuse(job, shift)
            if laid is not None:
                pending.remove(job)
                schedule.counts[laid.index] = laid.pages
                schedule.anchors[laid.index] = laid.anchors
                schedule.done[laid.index] = laid
                taken = True


def _receive(connection: Connection, schedule: _Schedule, progress: Callable[[str], None],
             total: int) -> None:
    try:
        message = connection.recv()
    except EOFError:  # killed: by the system for memory, most often
        raise RuntimeError("a layout worker stopped without a word (out of memory?)") from None
    schedule.replies[connection] -= 1
    if message[0] == "count":
        _, index, pages, anchors = message
        schedule.counts[index], schedule.anchors[index] = pages, anchors
        schedule.holders[index] = connection
        schedule.running.discard(connection)
    elif message[0] == "done":
        laid: LaidPart = message[1]
        schedule.done[laid.index] = laid
        progress(f"laid out {laid.name} ({len(schedule.done)} of {total} parts)")
    elif message[0] == "error":
        raise ImprintError(list(message[1]))
    else:
        raise RuntimeError(f"a layout worker failed:\n{message[1]}")


def _answer(schedule: _Schedule) -> None:
    for index in sorted(schedule.holders):
        shift = schedule.shift(index)
        if shift is not None:
            schedule.send(schedule.holders.pop(index), ("shift", index, shift))


def _context() -> Any:
    """Fork, so the workers start at once with the publication and WeasyPrint loaded; but a
    process running other threads (a test runner, a server) is forked by a fresh server
    process instead, as a fork copies locks those threads may hold."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["imprint.editions.pdf.part_layout"])
    return context


def _start(book: Book, count: int) -> list[Connection]:
    context = _context()
    connections = []
    for _ in range(max(1, count)):
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(book, child), daemon=True)
        process.start()
        child.close()
        connections.append(parent)
        _PROCESSES[parent] = process
    return connections


_PROCESSES: dict[Connection, Any] = {}


def _stop(connections: list[Connection], schedule: _Schedule) -> None:
    """End the workers: an idle one when told, a busy one (after an error elsewhere) at once."""
    for connection in connections:
        process = _PROCESSES.pop(connection)
        if schedule.replies.get(connection):
            process.kill()
        else:
            connection.send(None)
        process.join()
        connection.close()
