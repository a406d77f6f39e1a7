"""The end-of-grant evaluation: the decision paper on whether to continue the service.

For one grant of the budget, over its whole period (the calendar months its days fall in): the five
purposes of the post (DOMAIN.md) each with the measures and activity counts that speak to it, the
provider's commentary and the victims' voices on it; outcomes over the whole grant; spend against budget
and the estimated saving with its source; data quality; and the history of the meetings' actions.
Internal only: the paper holds the voices and the action log, which the partnership never sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metrics.admin import actions
from metrics.answers import commentary as said
from metrics.answers.commentary import topic_label
from metrics.answers.spend import value_for_money
from metrics.answers.summary import scorecard
from metrics.measures.compute import as_at
from metrics.pack import tables
from metrics.pack.model import Column, Pack, Table
from metrics.periods import Period, month_of
from metrics.store.logs import months_loaded, resolve_service
from metrics.store.settings import cost_benefit, grant_periods

# The five purposes of the post (DOMAIN.md), each with the measures and the commentary topics that speak to it.
PURPOSES = (
    ("Building processes to identify and support victims, through partnerships and direct delivery",
     ("referrals_received", "activity_partnership_meetings", "activity_training_sessions",
      "activity_professionals_trained", "activity_awareness_events"), ("Overall", "Risks and issues")),
    ("Supporting individual victims and others affected",
     ("victims_supported", "timely_contact_rate", "median_days_to_contact", "caseload_end", "closures",
      "planned_closure_rate"), ()),
    ("Making sure victims' voices inform service and policy development",
     ("voice_captured_rate", "activity_policy_contributions"), ("Victims' voices",)),
    ("Complementing the National Referral Mechanism: serving those outside its threshold",
     ("outside_nrm_rate", "nrm_referrals", "duty_to_notify_referrals"), ()),
    ("Ad-hoc advice and support to the Gwent Anti-Slavery Group",
     ("activity_partner_advice_requests", "activity_third_party_reports"), ("Partnership work",)),
)
OUTCOMES = ("outcome_safer_rate", "outcome_health_rate", "outcome_cope_rate", "outcome_informed_rate",
            "outcome_access_rate", "outcome_justice_rate")
COMMENTS_PER_TOPIC = 3  # a decision paper quotes the latest; every month's is in the packs
FIGURE_COLUMNS = [Column("label", "Measure"), Column("value", "Over the grant", "row"),
                  Column("target", "Target", "row"), Column("grade", "Grade"), Column("reading", "Reading")]


@dataclass
class Purpose:
    title: str
    figures: Table
    commentary: list[str] = field(default_factory=list)
    voices: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    pack: Pack  # the header's service, period, marking and dates
    grant: str
    grant_start: dt.date
    grant_end: dt.date
    decision: list[str]
    purposes: list[Purpose]
    outcomes: Table
    spend: Table
    spend_notes: list[str]
    quality_notes: list[str]
    returns: Table
    action_counts: str
    actions: Table


def grant_period(con, grant: str) -> tuple[Period, dt.date, dt.date]:
    """The months a grant's days fall in, and its first and last day; LookupError names the grants there are."""
    found = {name: (start, end) for name, start, end in grant_periods(con)}
    if grant not in found:
        raise LookupError(f"no grant {grant!r} in the budget: use one of {', '.join(found) or 'none'}")
    start, end = found[grant]
    return Period(month_of(start), month_of(end)), start, end


def grants_for(con, period: Period) -> list[str]:
    """The grants whose days overlap the period, in date order (Summary offers their evaluations)."""
    return [name for name, start, end in grant_periods(con) if start <= period.end and end >= period.start]


def _figures(rows: dict, names: tuple[str, ...]) -> Table:
    """The measures over the grant; with target, grade and reading only where one of them has a target."""
    graded = any(rows[n]["better"] for n in names)
    return Table("Figures", "", FIGURE_COLUMNS if graded else FIGURE_COLUMNS[:2], [
        {"label": rows[n]["label"], "format": rows[n]["format"], "value": rows[n]["value_shown"],
         "target": rows[n]["target"], "grade": rows[n]["grade"], "reading": rows[n]["reading"]} for n in names])


def _said(con, period: Period, service: str, topics: tuple[str, ...], names: tuple[str, ...]
          ) -> tuple[list[str], list[str]]:
    """The provider's commentary on the purpose's topics and measures, latest month first; and for the voices'
    purpose, the victims' voices of the grant (shared with consent)."""
    notes, earlier = [], 0
    for topic in (*topics, *names):  # the latest few of each topic: the monthly packs have every month's
        rows = [r for r in said.commentary(con, period, service) if r["topic"] == topic]
        notes += [f"{r['month']:%b %Y}, {topic_label(topic)}: {r['text']}" for r in rows[:COMMENTS_PER_TOPIC]]
        earlier += max(len(rows) - COMMENTS_PER_TOPIC, 0)
    if earlier:
        notes.append(f"{earlier} earlier comments on these topics are in the monthly scrutiny packs.")
    voices = ([f"{r['month']:%b %Y}, {r['theme']}: {r['quote_or_summary']}" for r in said.voices(con, period, service)]
              if "Victims' voices" in topics else [])
    return notes, voices


def _history(con, period: Period, today: dt.date) -> tuple[str, Table]:
    found = [r for r in actions.listing(con, "all", today) if period.first <= r["raised_to"] <= period.last]
    counts = {s: sum(r["status"] == s for r in found) for s in actions.STATUSES}
    overdue = sum(r["overdue"] for r in found)
    summary = (f"{len(found)} actions were raised at the meetings of the grant: {counts['done']} done, "
               f"{counts['dropped']} dropped and {counts['open']} still open"
               + (f", {overdue} of them overdue." if overdue else "."))
    columns = [Column("number", "No."), Column("title", "Action"), Column("raised", "Raised on"),
               Column("status", "Status"), Column("latest", "Latest update")]
    rows = [tables.action_row(r) for r in found]
    return summary, Table("Actions", "The actions' history", columns, rows)


def evaluation(con, grant: str, service: str | None = None, today: dt.date | None = None) -> Evaluation:
    """Everything in the evaluation of one grant, for the PCC's office."""
    period, start, end = grant_period(con, grant)
    service = resolve_service(con, service)
    today = today or dt.date.today()
    loaded = [m for m in months_loaded(con, service) if period.first <= m <= period.last]
    pack = Pack(service=service, period=period, audience="internal", as_at=as_at(con, service),
                generated_on=today, has_data=bool(loaded), months_loaded=loaded)
    rows = {r["name"]: r for r in scorecard(con, period, service, "internal")}
    related = {}
    for r in actions.listing(con, "all", today):
        related.setdefault(r["about"], []).append(f"Action {r['action_id']} ({r['status']}): {r['title']}")
    purposes = []
    for title, names, topics in PURPOSES:
        notes, voices = _said(con, period, service, topics, names)
        purposes.append(Purpose(title, _figures(rows, names), notes, voices,
                                [a for key in (*names, *topics) for a in related.get(key, [])]))
    money = value_for_money(con, period, service, "internal")
    ratio, source = cost_benefit(con)
    shown = money["shown"]
    spend = tables.spend_by_line_table(con, period, service, "internal")
    total = next(r for r in spend.rows if r["budget_line"] == "Total")
    decision = [
        f"Over the grant ({start:%d %B %Y} to {end:%d %B %Y}) the service received "
        f"{rows['referrals_received']['shown']} referrals and supported {rows['victims_supported']['shown']} "
        f"victims; {rows['outside_nrm_rate']['shown']} of those supported were outside the NRM, the gap the post "
        "was created to fill.",
        f"Timely first contact: {rows['timely_contact_rate']['reading'] or 'not graded'}.",
        f"Spend was {shown['spend_actual']} against a budget of £{total['budget']:,.0f}; the estimated "
        f"public-money saving is {shown['estimated_saving']} (actual spend × {ratio:g}; source: {source.rstrip('.')}).",
        f"Outcomes at closure: {sum(rows[n]['grade'] == 'green' for n in OUTCOMES)} of the six cope-and-recover "
        "areas met their target over the grant (see Outcomes).",
        f"{len(loaded)} of {period.length} monthly returns are loaded (see Data quality).",
    ]
    returns, quality_notes = tables.returns_table(con, period, service, "internal")
    counts, history = _history(con, period, today)
    spend_notes = [f"Cost per victim supported: {shown['cost_per_victim']}.",
                   f"Estimated public-money saving: {shown['estimated_saving']}, that is actual spend × {ratio:g}. "
                   f"This is an estimate; the ratio's source: {source.rstrip('.')}."]
    return Evaluation(pack, grant, start, end, decision, purposes, _figures(rows, OUTCOMES), spend, spend_notes,
                      quality_notes, returns, counts, history)


def build(con, grant: str, service: str | None = None, today: dt.date | None = None) -> bytes:
    """The evaluation as the bytes of a PDF."""
    from metrics.pack.evaluation_pdf import render

    return render(evaluation(con, grant, service, today))


def file_name(grant: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in grant).strip("-").lower()
    return f"evaluation-{safe or 'grant'}.pdf"
