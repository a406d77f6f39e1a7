"""The monthly return checked in a worker process (metrics.isolation), so that no file can stop the dashboard.

The checks are metrics.returns.ingest's, unchanged; here they run behind a process boundary with limits on
memory and time, with the budget that spend lines are checked against sent along as data. A worker that
runs out of memory or time, or crashes, gives a rejection like any other: one problem naming the file,
which the caller reports and audits as it does every rejection.
"""

from __future__ import annotations

from metrics import i18n, isolation
from metrics.contract import MAX_UPLOAD_BYTES, Problem, Rejected
from metrics.i18n import N_, _
from metrics.returns import ingest
from metrics.store.connection import memory
from metrics.store.settings import budget_table

# Marked N_, translated where a refusal is made.
REFUSALS = {
    "memory": N_("could not be read safely: it needs more memory than {what} can"),
    "time": N_("could not be read safely: it takes longer to read than {what} can"),
    "crash": N_("could not be read safely: reading it stopped the reader (is the file damaged?)"),
}
A_MONTHLY_RETURN = N_("a monthly return")


def refusal(file: str, unsafe: isolation.Unsafe, what: str = A_MONTHLY_RETURN) -> Rejected:
    """The rejection of a file whose worker failed; `what` (what the file should be) is marked N_ by the caller,
    or already in this run's language."""
    return Rejected([Problem.whole(file, "", _(REFUSALS[unsafe.reason]).format(what=_(what)))])


def check_return(content: bytes, file: str, con=None, max_bytes: int = MAX_UPLOAD_BYTES) -> ingest.CheckedReturn:
    """ingest.check_return in a worker; raise Rejected listing every problem, or the refusal."""
    budget = budget_table(con) if con is not None else None
    try:
        # The worker writes its problems in this run's language: it is sent along, as the budget is.
        return isolation.run(_check, content, file, budget, max_bytes, i18n.language())
    except isolation.Unsafe as unsafe:
        raise refusal(file, unsafe) from None


def _check(content: bytes, file: str, budget, max_bytes: int, language: str = "en") -> ingest.CheckedReturn:
    """In the worker: the checks, in `language`, against a scratch database holding only the budget."""
    with i18n.use(language):
        return _checked(content, file, budget, max_bytes)


def _checked(content: bytes, file: str, budget, max_bytes: int) -> ingest.CheckedReturn:
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
