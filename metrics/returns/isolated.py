"""The monthly return checked in a worker process (metrics.isolation), so that no file can stop the dashboard.

The checks are metrics.returns.ingest's, unchanged; here they run behind a process boundary with limits on
memory and time, with the budget that spend lines are checked against sent along as data. A worker that
runs out of memory or time, or crashes, gives a rejection like any other: one problem naming the file,
which the caller reports and audits as it does every rejection.
"""

from __future__ import annotations

from metrics import isolation
from metrics.contract import MAX_UPLOAD_BYTES, Problem, Rejected
from metrics.returns import ingest
from metrics.store.connection import memory
from metrics.store.settings import budget_table

REFUSALS = {
    "memory": "could not be read safely: it needs more memory than {what} can",
    "time": "could not be read safely: it takes longer to read than {what} can",
    "crash": "could not be read safely: reading it stopped the reader (is the file damaged?)",
}


def refusal(file: str, unsafe: isolation.Unsafe, what: str = "a monthly return") -> Rejected:
    """The rejection of a file whose worker failed."""
    return Rejected([Problem.whole(file, "", REFUSALS[unsafe.reason].format(what=what))])


def check_return(content: bytes, file: str, con=None, max_bytes: int = MAX_UPLOAD_BYTES) -> ingest.CheckedReturn:
    """ingest.check_return in a worker; raise Rejected listing every problem, or the refusal."""
    budget = budget_table(con) if con is not None else None
    try:
        return isolation.run(_check, content, file, budget, max_bytes)
    except isolation.Unsafe as unsafe:
        raise refusal(file, unsafe) from None


def _check(content: bytes, file: str, budget, max_bytes: int) -> ingest.CheckedReturn:
    """In the worker: the checks, against a scratch database holding only the budget."""
    if budget is None:
        return ingest.check_return(content, file, None, max_bytes)
    con = memory()
    try:
        con.register("budget", budget)
        return ingest.check_return(content, file, con, max_bytes)
    finally:
        con.close()


def ingest_paths(con, paths, user: str | None = None, voices_checked: bool = False) -> list[dict]:
    """ingest.ingest_paths with each file checked in a worker (the command line's ingest)."""
    return ingest.ingest_paths(con, paths, user, check=check_return, voices_checked=voices_checked)
