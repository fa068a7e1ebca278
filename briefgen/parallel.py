"""Work shared between this process and forked worker processes.

The build forks its workers *after* loading the site, so they inherit the
resolved :class:`~briefgen.resolve.Site` without pickling it; only small
results travel back, through a pipe. Work is cut into numbered chunks that
every process claims from one shared counter, so a slow or busy core takes
fewer chunks. The calling process works too: ``jobs=2`` is this process and
one child. Results come back in chunk order, so the output never depends on
which process did what.

Elsewhere than on Linux, or with ``jobs=1``, everything runs in this process,
through the same code path."""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import pickle
import selectors
import signal
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

MIN_CHUNKS_PER_WORKER = 2  # fewer chunks than this per extra process: not worth a fork


def worker_count(jobs: int | None) -> int:
    """``--jobs``, defaulting to the CPUs this process may run on."""
    if jobs is not None:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Workers are forked on Linux only (macOS' system libraries are not safe to use after a fork)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def trim_memory() -> None:
    """Give the memory this process freed back to the system (glibc), so that a forked worker does not
    start with it resident."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class _Shared:
    """Integers that this process and the children it forks afterwards share (an anonymous shared
    mapping, which a fork does not copy) and, with ``locked``, a lock over them: a pipe holding one
    byte, taken by reading it and given back by writing it. Used rather than :mod:`multiprocessing`'s
    shared values and locks, whose imports (with ctypes') a build would pay for before its first
    workers fork (10 ms)."""

    _INT = struct.Struct("q")

    def __init__(self, *values: int, locked: bool = False):
        self._memory = mmap.mmap(-1, self._INT.size * len(values))  # MAP_SHARED | MAP_ANONYMOUS
        for i, value in enumerate(values):
            self[i] = value
        self._lock: tuple[int, int] | None = None
        if locked:
            self._lock = os.pipe()
            os.write(self._lock[1], b"\0")

    def __getitem__(self, i: int) -> int:
        return self._INT.unpack_from(self._memory, i * self._INT.size)[0]

    def __setitem__(self, i: int, value: int) -> None:
        self._INT.pack_into(self._memory, i * self._INT.size, value)

    def __enter__(self) -> _Shared:
        os.read(self._lock[0], 1)  # waits while another process holds the byte
        return self

    def __exit__(self, *exc: object) -> None:
        os.write(self._lock[1], b"\0")

    def __del__(self) -> None:
        for fd in self._lock or ():
            with contextlib.suppress(OSError):
                os.close(fd)


class Claims:
    """Hands out chunk numbers 0, 1, 2, … once each, across processes: by iterating, from the front;
    with :meth:`from_end`, from the back (a process whose work is more like the other end's then
    takes fewer of the front's chunks, and the two ends meet wherever the work does)."""

    _UNBOUNDED = 1 << 62

    def __init__(self, total: int | None, shared: bool):
        self.total = total  # None: unbounded (the caller stops claiming)
        self.between: Callable[[], Any] | None = None  # called before each claim from the front (in one process)
        # [0]: the next chunk from the front; [1]: chunks from here on are claimed from the back
        self._shared = _Shared(0, self._UNBOUNDED, locked=True) if shared else None
        self._local = 0
        self._local_end = self._UNBOUNDED

    def __iter__(self) -> Iterator[int]:
        while True:
            if self.between is not None:
                self.between()
            shared = self._shared
            if shared is None:
                n = self._local
                if n >= self._local_end:
                    return
                self._local = n + 1
            else:
                with shared:
                    n = shared[0]
                    if n >= shared[1]:
                        return
                    shared[0] = n + 1
            if self.total is not None and n >= self.total:
                return
            yield n

    def from_end(self, total: int) -> Iterator[int]:
        """Chunk numbers ``total - 1``, ``total - 2``, … down to where the front's claims have got."""
        while True:
            shared = self._shared
            if shared is None:
                end = min(self._local_end, total)
                if end - 1 < self._local:
                    return
                self._local_end = n = end - 1
            else:
                with shared:
                    end = min(shared[1], total)
                    if end - 1 < shared[0]:
                        return
                    shared[1] = n = end - 1
            yield n

    def peek(self) -> int:
        """The number the next claim would get (already claimed by someone else, maybe, by then)."""
        return self._local if self._shared is None else self._shared[0]


class Once:
    """A task that exactly one process takes (``take()`` is True once, across processes).
    Make it before :func:`run` forks, so the workers share it."""

    def __init__(self):
        self._taken = _Shared(0, locked=True) if can_fork() else None
        self._local = False

    def take(self) -> bool:
        taken = self._taken
        if taken is None:
            was, self._local = self._local, True
            return not was
        with taken:
            was = taken[0]
            taken[0] = 1
        return not was


class Progress:
    """A counter of finished items that every process adds to (read by the progress line)."""

    def __init__(self, shared: bool | None = None):
        if shared is None:
            shared = can_fork()
        self._value = _Shared(0) if shared else None
        self._local = 0

    def add(self, n: int = 1) -> None:
        if self._value is None:
            self._local += n
        else:
            self._value[0] += n  # unlocked: a lost update only makes the progress line lag

    @property
    def value(self) -> int:
        return self._local if self._value is None else self._value[0]


class WorkerError(Exception):
    """A worker process failed in a way that cannot be passed back as its own exception."""


def run(work: Callable[[Claims, bool], Any], jobs: int, chunks: int, total: int | None = -1,
        parent_works: bool = True, meanwhile: Callable[[], Any] | None = None) -> list[Any]:
    """Run ``work(claims, in_parent)`` in this process and in up to ``jobs - 1`` forked children.

    ``work`` loops over ``claims`` (chunk numbers, ``total`` of them: by default
    ``chunks``; None for no limit) and returns something picklable; the results
    of every process are returned, this process's first. ``chunks`` (how many
    chunks there are, or about) decides how many children are worth forking. With
    ``parent_works=False``, ``jobs`` children do the work while this process
    waits, so what the work leaves behind in memory goes with them (a ``None``
    result stands for this process); ``meanwhile`` is then called here once the
    children are forked (not at all when none are), to use the time this process
    would spend waiting. An exception in any process is raised here, after every
    child has been stopped."""
    total = chunks if total == -1 else total
    extra = min(jobs - parent_works, chunks // MIN_CHUNKS_PER_WORKER) if can_fork() and jobs > 1 else 0
    if extra <= 0:
        return [work(Claims(total, shared=False), True)]
    claims = Claims(total, shared=True)
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        for _ in range(extra):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child (measured by the tests' outputs)
                os.close(read)
                _child(work, claims, write)
            os.close(write)
            children.append((pid, read))
        if not parent_works and meanwhile is not None:
            meanwhile()
        results = [work(claims, True) if parent_works else None]
        for pid, read in children:
            results.append(_collect(pid, read))
        children = []
        return results
    finally:
        _stop(children)  # only after a failure: the others are stopped and reaped


def stream(work: Callable[[Claims, bool], Iterable[Any]], jobs: int, chunks: int, receive: Callable[[Any], Any],
           parent_works: bool = True, meanwhile: Callable[[], Any] | None = None) -> None:
    """Like :func:`run`, but ``work(claims, in_parent)`` yields pieces of its result as it goes, and
    each reaches ``receive(piece)`` here as soon as it is made, while the children go on, rather
    than all at once when the last child is done: they are sent (and used here) while the work goes
    on, not in a serial tail after it. Pieces come in no set order: ``receive`` puts them in place.
    This process picks up what its children sent whenever it claims a chunk of its own (with
    ``parent_works``), and then until they are all done; without ``parent_works``, it calls
    ``meanwhile`` once they are forked. Without children, this process does all the work. An
    exception in any process is raised here, after every child has been stopped."""
    extra = min(jobs - parent_works, chunks // MIN_CHUNKS_PER_WORKER) if can_fork() and jobs > 1 else 0
    if extra <= 0:
        for piece in work(Claims(chunks, shared=False), True):
            receive(piece)
        return
    claims = Claims(chunks, shared=True)
    inbox = _Inbox(receive)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        for _ in range(extra):
            read, write = os.pipe()
            with contextlib.suppress(OSError):  # a larger pipe: a child blocks less while this process is busy
                _set_pipe_size(write, PIPE_BYTES)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child (measured by the tests' outputs)
                os.close(read)
                _child(work, claims, write, streamed=True)
            os.close(write)
            inbox.add(pid, read)
        if parent_works:
            claims.between = inbox.poll
            for piece in work(claims, True):
                receive(piece)
            claims.between = None
        elif meanwhile is not None:
            meanwhile()
        inbox.wait()
    finally:
        inbox.stop()


class _Inbox:
    """The pipes of :func:`stream`'s children, read as frames arrive."""

    def __init__(self, receive: Callable[[Any], Any]):
        self.receive = receive
        self.children: dict[int, tuple[int, bytearray]] = {}  # read end of its pipe -> (pid, bytes not yet framed)

    def add(self, pid: int, read: int) -> None:
        os.set_blocking(read, False)
        self.children[read] = (pid, bytearray())

    def poll(self) -> None:
        """Take in what the children have sent so far, without waiting."""
        for read in list(self.children):
            with contextlib.suppress(BlockingIOError):
                while self._read(read):
                    pass

    def wait(self) -> None:
        """Take in everything until every child is done."""
        with selectors.DefaultSelector() as selector:
            for read in self.children:
                selector.register(read, selectors.EVENT_READ)
            while self.children:
                for key, _ in selector.select():
                    with contextlib.suppress(BlockingIOError):
                        if not self._read(key.fd):
                            selector.unregister(key.fd)

    def _read(self, read: int) -> bool:
        """One read from a child's pipe (raises BlockingIOError when there is nothing to read yet); frames
        completed are received. False once the pipe is closed (the child reaped, checked to have got through)."""
        pid, pending = self.children[read]
        data = os.read(read, PIPE_BYTES)
        if data:
            pending += data
            for ok, value in _frames(pending):
                if not ok:
                    raise value
                self.receive(value[0])
            return True
        os.close(read)
        del self.children[read]
        _, status = os.waitpid(pid, 0)
        if pending != _END_FRAME:
            raise WorkerError(f"a build worker process exited without a result (status {status})")
        return False

    def stop(self) -> None:
        """After a failure: stop the children still running, then reap them."""
        _stop((pid, read) for read, (pid, _) in self.children.items())
        self.children.clear()


def _stop(children: Iterable[tuple[int, int]]) -> None:
    """Kill each ``(pid, read end of its pipe)`` child, close the pipe and reap the child."""
    for pid, read in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(read)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


PIPE_BYTES = 1 << 20  # the pipe size asked for (Linux allows up to 1 MiB unprivileged), and the most read at once
_FRAME = struct.Struct("<Q")  # a streamed frame: the size of the pickle that follows it


def _set_pipe_size(fd: int, size: int) -> None:
    import fcntl

    fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)


def _frame(value: Any) -> bytes:
    return _framed(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _framed(payload: bytes) -> bytes:
    """A pickle as a streamed frame: its size, then itself."""
    return _FRAME.pack(len(payload)) + payload


_END_FRAME = _frame((True, None))  # what a streaming child sends last: it got through


def _frames(pending: bytearray) -> Iterator[tuple[bool, Any]]:
    """The complete frames at the start of ``pending``, unpickled and removed from it: ``(True,
    (piece,))`` or ``(False, exception)``. The end frame is left there (and nothing follows it):
    :func:`stream` checks for it when the pipe closes."""
    while len(pending) >= _FRAME.size:
        end = _FRAME.size + _FRAME.unpack_from(pending)[0]
        if len(pending) < end:
            return
        with memoryview(pending) as view, view[_FRAME.size:end] as frame:  # released before ``pending`` shrinks
            ok, value = pickle.loads(frame)
        if ok and value is None:
            return
        del pending[:end]
        yield ok, value


def _child(work: Callable[[Claims, bool], Any], claims: Claims, write: int,
           streamed: bool = False) -> None:  # pragma: no cover
    """Body of a forked worker: run, send ``(ok, value)`` through the pipe, and exit without cleanup.
    ``streamed`` (:func:`stream`): each piece ``work`` yields goes as a frame ``(True, (piece,))`` as
    soon as it is made, then an end frame; a failure, as a frame ``(False, exception)``. What the pipe
    cannot take yet is kept here, and the work goes on: the parent may be busy for a while (a build
    cross-links its site before it takes any Markdown), and a worker that waited for it would leave a
    core idle."""
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handlers (serve) are not ours
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # What this process inherited lives until it exits: the collector leaves it alone, so a
        # collection neither walks the whole site nor copies every page of it (writing each object's
        # collector header) into this process, as it did when the site was forked before gc.freeze().
        gc.freeze()
        gc.enable()
        unsent = bytearray()
        try:
            if streamed:
                os.set_blocking(write, False)
                for piece in work(claims, False):
                    unsent += _frame((True, (piece,)))
                    _send(write, unsent)
                payload = _END_FRAME
            else:
                payload = pickle.dumps((True, work(claims, False)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # everything goes back to the parent
            code = 1
            payload = _framed(_error(exc)) if streamed else _error(exc)
        os.set_blocking(write, True)
        unsent += payload
        _send(write, unsent)
        os.close(write)
    except BaseException:
        code = 2
    finally:
        os._exit(code)


def _send(fd: int, data: bytearray) -> None:
    """Write ``data`` to ``fd``, removing what was written: all of it, or (``fd`` not blocking) as much
    as the pipe takes now."""
    with contextlib.suppress(BlockingIOError):
        while data:
            del data[:os.write(fd, data)]


def _error(exc: BaseException) -> bytes:
    """``(False, exc)`` pickled, or a :class:`WorkerError` with its traceback when ``exc`` cannot travel."""
    try:
        payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(payload)  # some exceptions pickle but do not unpickle
    except Exception:
        import traceback

        text = "".join(traceback.format_exception(exc))
        payload = pickle.dumps((False, WorkerError(text)), protocol=pickle.HIGHEST_PROTOCOL)
    return payload


def _collect(pid: int, read: int) -> Any:
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise WorkerError(f"a build worker process exited without a result (status {status})")
    ok, value = pickle.loads(data)
    if not ok:
        raise value
    return value
