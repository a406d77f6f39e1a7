"""Untrusted files are read in a worker process with limits on its memory and time.

A reader that meets a hostile file may ask for 512 GB and abort, or never finish: in the dashboard's
own process either would stop the page for everyone. So such work runs in a worker
(`python -m metrics.isolation`), which caps its own address space (RLIMIT_AS) before each task,
and which is killed when a task runs past its time. The caller gets the function's result or the
exception it raised, as if it had run in process, or `Unsafe` (why: memory, time or crash) when the
worker failed; a failed worker is replaced, and nothing else notices.

    result = isolation.run(function, *args, memory_mb=2048, seconds=60)   # function(*args) in a worker

Workers are kept between tasks (starting one and warming its readers costs about a second), at most
MAX_TASKS tasks each and MAX_WORKERS at once. What a worker sends back is unpickled with an allow-list
of the classes a check returns (ALLOWED), so a worker taken over through a file could send wrong data
but not code. The bottom layer: it imports nothing from the rest of metrics.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

MEMORY_MB = 2048  # above what the worker holds when a task starts (about 2 GB of address space, warm)
SECONDS = 60
MAX_WORKERS = 2
MAX_TASKS = 50
_ROOT = Path(__file__).resolve().parent.parent
_LENGTH = struct.Struct("<Q")
# Everything a task's result or exception may be made of, beyond plain Python values.
_PYARROW = {"_reconstruct_table", "_reconstruct_record_batch", "_restore_array", "chunked_array", "py_buffer",
            "schema", "field", "type_for_alias", "decimal128", "timestamp", "date32", "date64", "int8", "int16",
            "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "bool_", "string",
            "large_string", "binary", "null", "list_", "struct", "time64", "duration"}
ALLOWED = {
    *(("pyarrow.lib", name) for name in _PYARROW),
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"), ("decimal", "Decimal"),
    ("builtins", "ValueError"), ("builtins", "LookupError"), ("builtins", "KeyError"), ("builtins", "OSError"),
    ("builtins", "FileNotFoundError"), ("builtins", "RuntimeError"),
    ("metrics.contract.problems", "Problem"), ("metrics.contract.problems", "Rejected"),
    ("metrics.returns.ingest", "CheckedReturn"), ("metrics.store.backup", "BackupError"),
}


class Unsafe(Exception):
    """The worker could not finish the task: `reason` is 'memory', 'time' or 'crash'."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed back from a worker")
        return super().find_class(module, name)


def _loads(blob: bytes):
    return _Restricted(io.BytesIO(blob)).load()


class _Worker:
    """One worker process, spoken to in length-prefixed pickles over its standard input and output."""

    def __init__(self):
        env = os.environ | {"MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"}
        self.process = subprocess.Popen([sys.executable, "-m", "metrics.isolation"], cwd=_ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.tasks = 0
        self.send(list(sys.path))

    def send(self, message) -> None:
        blob = pickle.dumps(message, protocol=5)
        self.process.stdin.write(_LENGTH.pack(len(blob)) + blob)
        self.process.stdin.flush()

    def receive(self, seconds: float) -> bytes | None:
        """The next message's bytes; None when the worker ended first. TimeoutError past `seconds`."""
        deadline = time.monotonic() + seconds
        head = self._read(_LENGTH.size, deadline)
        return None if head is None else self._read(_LENGTH.unpack(head)[0], deadline)

    def _read(self, size: int, deadline: float) -> bytes | None:
        out, pipe = bytearray(), self.process.stdout.fileno()
        while len(out) < size:
            if not select.select([pipe], [], [], max(deadline - time.monotonic(), 0))[0]:
                raise TimeoutError
            block = os.read(pipe, min(size - len(out), 1 << 20))
            if not block:
                return None
            out += block
        return bytes(out)

    def stop(self) -> int:
        """Kill the worker; its exit status (negative: the signal that ended it)."""
        with contextlib.suppress(OSError):
            self.process.kill()
        status = self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        return status


_idle: list[_Worker] = []
_idle_lock = threading.Lock()
_slots = threading.BoundedSemaphore(MAX_WORKERS)


def run(function, *args, memory_mb: int = MEMORY_MB, seconds: float = SECONDS):
    """function(*args) in a worker: its result, the exception it raised, or Unsafe."""
    task = (function.__module__, function.__qualname__, args, memory_mb)
    with _slots:
        worker = _take()
        try:
            kind, value = _loads(_ask(worker, task, seconds))
        except BaseException:
            worker.stop()
            raise
        if kind in ("memory", "error") or worker.tasks >= MAX_TASKS:
            worker.stop()  # a worker that ran out of memory may not be sound
        else:
            with _idle_lock:
                _idle.append(worker)
    if kind == "raised":
        raise value
    if kind == "memory":
        raise Unsafe("memory", value)
    if kind == "error":
        raise RuntimeError(f"the worker failed: {value}")
    return value


def _take() -> _Worker:
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.process.poll() is None:
                return worker
            worker.stop()
    return _Worker()


def _ask(worker: _Worker, task, seconds: float) -> bytes:
    """Send the task and wait for its answer; Unsafe (the worker stopped) when it does not come."""
    worker.tasks += 1
    try:
        worker.send(task)
        blob = worker.receive(seconds)
    except TimeoutError:
        worker.stop()
        raise Unsafe("time", f"still running after {seconds:g} s") from None
    except (BrokenPipeError, ConnectionError):
        blob = None
    if blob is None:
        status = worker.stop()
        # An allocation refused under the limit aborts (Rust, C++); the kernel's OOM killer sends SIGKILL.
        reason = "memory" if status in (-signal.SIGABRT, -signal.SIGKILL) else "crash"
        raise Unsafe(reason, f"the worker ended with status {status}")
    return blob


# ---- the worker's side --------------------------------------------------------------------------


def _limit_memory(megabytes: int | None) -> None:
    """Cap the address space at what is held now plus `megabytes`; None lifts the cap."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if megabytes is None:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        return
    with open("/proc/self/statm") as statm:
        held = int(statm.read().split()[0]) * resource.getpagesize()
    wanted = held + megabytes * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


def _outcome(module: str, name: str, args: tuple, memory_mb: int) -> tuple[str, object]:
    try:
        function = importlib.import_module(module)
        for part in name.split("."):
            function = getattr(function, part)
    except Exception as exc:
        return "error", f"{module}.{name} cannot be found: {exc}"
    _limit_memory(memory_mb)
    try:
        return "ok", function(*args)
    except MemoryError:
        return "memory", "MemoryError"
    except Exception as exc:
        duckdb = sys.modules.get("duckdb")  # its allocator's refusal under the cap is an exception of its own
        if duckdb is not None and isinstance(exc, duckdb.OutOfMemoryException):
            return "memory", f"{type(exc).__name__}: {exc}".splitlines()[0]
        return "raised", exc
    finally:
        _limit_memory(None)


def _serve() -> None:
    channel_in = os.fdopen(os.dup(0), "rb")
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a task prints goes to standard error, never into the channel

    def receive():
        head = channel_in.read(_LENGTH.size)
        return pickle.loads(channel_in.read(_LENGTH.unpack(head)[0])) if len(head) == _LENGTH.size else None

    sys.path[:0] = [entry for entry in receive() or [] if entry not in sys.path]
    while (task := receive()) is not None:
        outcome = _outcome(*task)
        try:
            blob = pickle.dumps(outcome, protocol=5)
            _loads(blob)  # what the caller will accept
        except Exception as exc:
            blob = pickle.dumps(("error", f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})"))
        channel_out.write(_LENGTH.pack(len(blob)) + blob)
        channel_out.flush()


if __name__ == "__main__":
    _serve()
