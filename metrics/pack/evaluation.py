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

from metrics import i18n
from metrics.admin import actions
from metrics.answers import commentary as said
from metrics.answers.commentary import topic_label
from metrics.answers.spend import value_for_money
from metrics.answers.summary import scorecard
from metrics.i18n import N_, _, month_text
from metrics.measures.compute import as_at
from metrics.pack import tables
from metrics.pack.model import Column, Pack, Table, languages_of, long_date, saving_note
from metrics.periods import Period, month_of
from metrics.store.logs import months_loaded, resolve_service
from metrics.store.settings import cost_benefit, grant_periods

# The five purposes of the post (DOMAIN.md), each with the measures and the commentary topics that speak to it.
PURPOSES = (
    (N_("Building processes to identify and support victims, through partnerships and direct delivery"),
     ("referrals_received", "activity_partnership_meetings", "activity_training_sessions",
      "activity_professionals_trained", "activity_awareness_events"), ("Overall", "Risks and issues")),
    (N_("Supporting individual victims and others affected"),
     ("victims_supported", "timely_contact_rate", "median_days_to_contact", "caseload_end", "closures",
      "planned_closure_rate"), ()),
    (N_("Making sure victims' voices inform service and policy development"),
     ("voice_captured_rate", "activity_policy_contributions"), ("Victims' voices",)),
    (N_("Complementing the National Referral Mechanism: serving those outside its threshold"),
     ("outside_nrm_rate", "nrm_referrals", "duty_to_notify_referrals"), ()),
    (N_("Ad-hoc advice and support to the Gwent Anti-Slavery Group"),
     ("activity_partner_advice_requests", "activity_third_party_reports"), ("Partnership work",)),
)
OUTCOMES = ("outcome_safer_rate", "outcome_health_rate", "outcome_cope_rate", "outcome_informed_rate",
            "outcome_access_rate", "outcome_justice_rate")
COMMENTS_PER_TOPIC = 3  # a decision paper quotes the latest; every month's is in the packs
# The figures' columns: (key, heading, format), each heading translated where a table is made.
FIGURE_COLUMNS = [("label", N_("Measure"), "text"), ("value", N_("Over the grant"), "row"),
                  ("target", N_("Target"), "row"), ("grade", N_("Grade"), "text"), ("reading", N_("Reading"), "text")]


def figure_columns() -> list[Column]:
    return [Column(key, _(heading), fmt) for key, heading, fmt in FIGURE_COLUMNS]


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
        raise LookupError(_("no grant {grant} in the budget: use one of {grants}").format(
            grant=repr(grant), grants=", ".join(found) or _("none")))
    start, end = found[grant]
    return Period(month_of(start), month_of(end)), start, end


def grants_for(con, period: Period) -> list[str]:
    """The grants whose days overlap the period, in date order (Summary offers their evaluations)."""
    return [name for name, start, end in grant_periods(con) if start <= period.end and end >= period.start]


def _figures(rows: dict, names: tuple[str, ...]) -> Table:
    """The measures over the grant; with target, grade and reading only where one of them has a target."""
    graded = any(rows[n]["better"] for n in names)
    columns = figure_columns()
    return Table(_("Figures"), "", columns if graded else columns[:2], [
        {"label": rows[n]["label"], "format": rows[n]["format"], "value": rows[n]["value_shown"],
         "target": rows[n]["target"], "grade": rows[n]["grade"], "reading": rows[n]["reading"]} for n in names])


def _said(con, period: Period, service: str, topics: tuple[str, ...], names: tuple[str, ...]
          ) -> tuple[list[str], list[str]]:
    """The provider's commentary on the purpose's topics and measures, latest month first; and for the voices'
    purpose, the victims' voices of the grant (shared with consent)."""
    notes, earlier = [], 0
    for topic in (*topics, *names):  # the latest few of each topic: the monthly packs have every month's
        rows = [r for r in said.commentary(con, period, service) if r["topic"] == topic]
        notes += [f"{month_text(r['month'])}, {topic_label(topic)}: {r['text']}" for r in rows[:COMMENTS_PER_TOPIC]]
        earlier += max(len(rows) - COMMENTS_PER_TOPIC, 0)
    if earlier:
        notes.append(_("{n} earlier comments on these topics are in the monthly scrutiny packs.").format(n=earlier))
    voices = ([f"{month_text(r['month'])}, {r['theme']}: {r['quote_or_summary']}"
               for r in said.voices(con, period, service)]
              if "Victims' voices" in topics else [])
    return notes, voices


def _history(con, period: Period, today: dt.date) -> tuple[str, Table]:
    found = [r for r in actions.listing(con, "all", today) if period.first <= r["raised_to"] <= period.last]
    counts = {s: sum(r["status"] == s for r in found) for s in actions.STATUSES}
    overdue = sum(r["overdue"] for r in found)
    summary = (_("{n} actions were raised at the meetings of the grant: {done} done, "
                 "{dropped} dropped and {open} still open").format(n=len(found), done=counts["done"],
                                                                    dropped=counts["dropped"], open=counts["open"])
               + (_(", {n} of them overdue.").format(n=overdue) if overdue else "."))
    columns = [Column("number", _("No.")), Column("title", _("Action")), Column("raised", _("Raised on")),
               Column("status", _("Status")), Column("latest", _("Latest update"))]
    rows = [tables.action_row(r) for r in found]
    return summary, Table(_("Actions"), _("The actions' history"), columns, rows)


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
        related.setdefault(r["about"], []).append(_("Action {number} ({status}): {title}").format(
            number=r["action_id"], status=tables.status_in_text(r["status"]), title=r["title"]))
    purposes = []
    for title, names, topics in PURPOSES:
        notes, voices = _said(con, period, service, topics, names)
        purposes.append(Purpose(_(title), _figures(rows, names), notes, voices,
                                [a for key in (*names, *topics) for a in related.get(key, [])]))
    money = value_for_money(con, period, service, "internal")
    ratio, source = cost_benefit(con)
    shown = money["shown"]
    spend = tables.spend_by_line_table(con, period, service, "internal")
    total = next(r for r in spend.rows if r["total"])
    decision = [
        _("Over the grant ({start} to {end}) the service received "
          "{referrals} referrals and supported {victims} "
          "victims; {outside} of those supported were outside the NRM, the gap the post "
          "was created to fill.").format(start=long_date(start), end=long_date(end),
                                         referrals=rows["referrals_received"]["shown"],
                                         victims=rows["victims_supported"]["shown"],
                                         outside=rows["outside_nrm_rate"]["shown"]),
        _("Timely first contact: {reading}.").format(reading=rows["timely_contact_rate"]["reading"]
                                                     or _("not graded")),
        _("Spend was {spend} against a budget of {budget}; the estimated "
          "public-money saving is {saving} (actual spend × {ratio}; source: {source}).").format(
            spend=shown["spend_actual"], budget=f"£{total['budget']:,.0f}", saving=shown["estimated_saving"],
            ratio=f"{ratio:g}", source=source.rstrip(".")),
        _("Outcomes at closure: {met} of the six cope-and-recover "
          "areas met their target over the grant (see Outcomes).").format(
            met=sum(rows[n]["grade"] == "green" for n in OUTCOMES)),
        _("{loaded} of {months} monthly returns are loaded (see Data quality).").format(loaded=len(loaded),
                                                                                         months=period.length),
    ]
    returns, quality_notes = tables.returns_table(con, period, service, "internal")
    counts, history = _history(con, period, today)
    spend_notes = [_("Cost per victim supported: {cost}.").format(cost=shown["cost_per_victim"]),
                   saving_note(shown["estimated_saving"], ratio, source)]
    return Evaluation(pack, grant, start, end, decision, purposes, _figures(rows, OUTCOMES), spend, spend_notes,
                      quality_notes, returns, counts, history)


def build(con, grant: str, service: str | None = None, today: dt.date | None = None,
          languages: tuple[str, ...] | None = None) -> bytes:
    """The evaluation as the bytes of a PDF (`languages`: None, the run's; ("en", "cy"), the whole paper in
    English then the whole paper in Welsh, in one file)."""
    from metrics.pack.evaluation_pdf import render

    chosen = languages_of(languages)
    today = today or dt.date.today()
    papers = []
    for code in chosen:
        with i18n.use(code):
            paper = evaluation(con, grant, service, today)
        paper.pack.bilingual = len(chosen) > 1
        papers.append(paper)
    return render(*papers)


def file_name(grant: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in grant).strip("-").lower()
    return f"evaluation-{safe or 'grant'}.pdf"
