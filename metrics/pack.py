"""The scrutiny pack: what goes into the PDF and the Excel workbook circulated before a meeting.

`contents()` gathers every figure, table, chart and note of the pack in one place, from the
same metrics functions the pages use, and always for one audience. For the partnership every
figure passes through disclosure control here, before a renderer sees it: the renderers
(pack_pdf, pack_xlsx) only lay out the Tables they are given, so they cannot leak what they
were never handed. Case-level rows never enter the pack: every query behind it aggregates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from metrics import charts, disclosure, report, trends
from metrics.measures import MEASURES
from metrics.periods import Period, add_months, month_start
from metrics.reference import cost_benefit
from metrics.scorecard import HEADLINE, graded_names, key_messages, scorecard

MARKINGS = {"internal": "OFFICIAL-SENSITIVE", "partnership": "OFFICIAL"}
AUDIENCE_LABELS = {
    "internal": "PCC's office and Connect Gwent (internal)",
    "partnership": "Gwent Anti-Slavery partnership group (small numbers suppressed)",
}
FORMATS = ("pdf", "xlsx")
NOT_SHOWN = "not shown"

# What the headline table lists after the cards: who was referred, and the advocate's other work.
HEADLINE_EXTRA = ("uk_national_rate", "trafficking_indicated_rate") + tuple(
    name for name in MEASURES if name.startswith("activity_")
)
MONTHLY = (
    "referrals_received",
    "victims_supported",
    "caseload_end",
    "closures",
    "timely_contact_rate",
    "nrm_referrals",
    "duty_to_notify_referrals",
    "spend_actual",
    "spend_expected",
)
# Column headings of the month-by-month table: short enough to sit above a number.
MONTHLY_HEADINGS = {
    "referrals_received": "Referrals",
    "victims_supported": "Victims supported",
    "caseload_end": "Caseload at month end",
    "closures": "Cases closed",
    "timely_contact_rate": "Timely contact",
    "nrm_referrals": "NRM referrals",
    "duty_to_notify_referrals": "MS1 notices",
    "spend_actual": "Actual spend",
    "spend_expected": "Expected spend",
}
# People counts of events in a period: the months add up to the period's total, so a month
# hidden as '<5' could be worked out from the total and the other months unless one more is
# hidden. Stock counts (victims supported, caseload) do not add up over months.
ADDITIVE_PEOPLE = ("referrals_received", "closures", "nrm_referrals", "duty_to_notify_referrals")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # text | count | rate | gbp | days | number | month | date | growth;
    # row: the row's own unit; row_change: a change in the row's unit
    unit: str = "text"


@dataclass
class Table:
    """A titled table of raw values: numbers, dates, None (undefined) or text ('<5', 'not shown')."""

    name: str  # short: the Excel sheet's name
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""

    def unit(self, column: Column, row: dict) -> str:
        """The unit of one cell: the column's, or for 'row' and 'row_change' columns the row's."""
        if column.unit == "row":
            return row.get("unit", "count")
        if column.unit == "row_change":
            return "change_" + row.get("unit", "count")
        return column.unit


@dataclass
class Chart:
    section: str  # trends | growth | spend
    chart: object  # an Altair chart from metrics.charts, titled; None when there is nothing to plot
    caption: str = ""


@dataclass
class Pack:
    service: str
    period: Period
    audience: str
    as_at: dt.date | None
    generated_on: dt.date
    has_data: bool
    months_loaded: list[str]
    summary: Table | None = None
    messages: list[str] = field(default_factory=list)
    headline: Table | None = None
    growth: Table | None = None
    growth_headline: str = ""
    growth_notes: list[str] = field(default_factory=list)
    spend: Table | None = None
    spend_notes: list[str] = field(default_factory=list)
    monthly: Table | None = None
    charts: list[Chart] = field(default_factory=list)
    quality_notes: list[str] = field(default_factory=list)
    returns: Table | None = None
    definitions: Table | None = None

    @property
    def marking(self) -> str:
        return MARKINGS[self.audience]

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS[self.audience]

    def tables(self) -> list[Table]:
        """Every table of the pack, in the order of the pack."""
        found = [self.summary, self.headline, self.growth, self.spend, self.monthly, self.returns, self.definitions]
        return [t for t in found if t is not None]


# --- formatting shared by the renderers -------------------------------------------------------


def cell_text(unit: str, value) -> str:
    """A cell as people read it, formatted like the dashboard (report.format_unit)."""
    if unit == "month" and isinstance(value, str):
        return month_start(value).strftime("%b %Y")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return report.format_unit(unit, value)


# --- gathering the contents ---------------------------------------------------------------------


def _shown(fig: report.Figure):
    """A disclosure-controlled figure's value for a table: the number, '<5', 'not shown' or None."""
    if fig.suppressed and fig.value is None:
        return NOT_SHOWN
    return fig.value


def _service_or_none(con, service: str | None) -> str | None:
    from metrics.store import services

    if service:
        return service
    names = services(con)
    if len(names) > 1:
        return report.resolve_service(con, None)  # raises, naming the services to choose from
    return names[0] if names else None


def _summary_table(rows: list[dict]) -> Table:
    columns = [
        Column("label", "Measure"),
        Column("value", "This period", "row"),
        Column("previous", "Previous period", "row"),
        Column("target", "Target", "row"),
        Column("grade", "Grade"),
        Column("reading", "Reading"),
    ]
    out = []
    for r in rows:
        out.append(
            {
                "label": r["label"],
                "unit": r["unit"],
                "value": r["value_shown"],
                "previous": r["previous_value_shown"],
                "target": r["target"],
                "grade": r["grade"],
                "reading": r["reading"],
            }
        )
    return Table("Summary", "Graded measures", columns, out)


def _headline_table(rows: list[dict]) -> Table:
    columns = [
        Column("label", "Measure"),
        Column("value", "This period", "row"),
        Column("previous", "Previous period", "row"),
        Column("change", "Change", "row_change"),
    ]
    out = []
    for r in rows:
        now, before = r["value_shown"], r["previous_value_shown"]
        change = now - before if all(isinstance(v, int | float) for v in (now, before)) else None
        out.append({"label": r["label"], "unit": r["unit"], "value": now, "previous": before, "change": change})
    return Table("Figures", "Figures for the period and the previous period", columns, out)


def _scorecard_rows(con, period: Period, service: str, audience: str) -> dict[str, dict]:
    """Scorecard rows with the raw, disclosure-controlled value and previous value of each measure."""
    rows = {r["name"]: r for r in scorecard(con, period, service, audience)}
    both = report.compute(con, {"current": period, "previous": period.previous()}, service, audience)
    for name, row in rows.items():
        row["value_shown"] = _shown(both["current"][name])
        row["previous_value_shown"] = _shown(both["previous"][name])
        row["rounded_to"] = both["current"][name].extra.get("rounded")  # disclosure control may round a count
    return rows


def _disclosure_note(rows: dict[str, dict]) -> str:
    """What the partnership's tables leave out, and any count rounded by disclosure control."""
    rounded = " ".join(f"{r['label']} is rounded to the nearest {r['rounded_to']}." for r in rows.values()
                       if r.get("rounded_to"))
    rule = ("Counts of people from 1 to 4 are shown as <5, and where one could be worked out from a total in this "
            "pack another cell is hidden too (*). Percentages of fewer than 10 people are not shown.")
    return f"{rule} {rounded}".strip()


def _growth_table(con, period: Period, service: str, audience: str) -> tuple[Table, dict]:
    """The growth page's comparison (trends.growth_comparison) of the period against the one before."""
    earlier = period.previous()
    found = trends.growth_comparison(con, earlier, period, service, audience)
    columns = [
        Column("area", "Area"),
        Column("earlier", f"Referrals {earlier.label}", "count"),
        Column("later", f"Referrals {period.label}", "count"),
        Column("growth", "Growth", "growth"),
    ]
    rows = []
    for r in found["table"].to_dict("records"):
        rows.append(
            {
                "area": r["area"],
                "earlier": r["base_shown"] if pd.isna(r["base"]) else int(r["base"]),
                "later": r["compare_shown"] if pd.isna(r["compare"]) else int(r["compare"]),
                "growth": None if pd.isna(r["growth"]) else float(r["growth"]),
            }
        )
    note = (
        f"Growth is the change in referrals from {earlier.label} to {period.label} as a share of the earlier "
        "count; n/a when the earlier count is zero, too small to show or unavailable. An area's count is the sum "
        "of its NRM reference rows lying wholly inside the period (most are calendar years)."
    )
    return Table("Growth", "Referral growth against the NRM reference areas", columns, rows, note), found


def _spend_table(con, period: Period, service: str, audience: str) -> Table:
    frame = trends.spend_table(con, period, service, audience)
    columns = [
        Column("budget_line", "Budget line"),
        Column("budget", "Budget", "gbp"),
        Column("expected", "Expected", "gbp"),
        Column("actual", "Actual", "gbp"),
        Column("variance", "Variance", "gbp"),
        Column("variance_pct", "Variance %", "rate"),
        Column("forecast_outturn", "Forecast outturn", "gbp"),
        Column("forecast_against_budget", "Forecast against budget", "gbp"),
    ]
    rows = [{c.key: (None if c.unit != "text" and pd.isna(r[c.key]) else r[c.key]) for c in columns}
            for r in frame.to_dict("records")]
    note = (
        "Budget of the lines whose grant overlaps the period. Expected is each line's budget times the share of "
        "its grant's days in the period; variance is actual minus expected (positive is overspend); the forecast "
        "outturn scales spend from the grant's start to the period's end up to the grant's full length."
    )
    return Table("Spend", "Spend against budget", columns, rows, note)


def hide_recoverable(counts: dict[str, int], shown_months: list[str], totals: list[list[str]]) -> set[str]:
    """Months of an additive people count to hide in a monthly table or chart.

    `counts` holds every month involved, `shown_months` the months the pack shows one by one, and
    `totals` the runs of months whose total the pack publishes (the period and the previous period).
    Counts from 1 to 4 are hidden; then, while some published total has exactly one month the reader
    cannot see, the smallest other non-zero month of that run is hidden too, so none can be worked out.
    """
    hidden = {m for m in shown_months if disclosure.is_small(counts[m])}
    changed = True
    while changed:
        changed = False
        for run in totals:
            if disclosure.is_small(sum(counts[m] for m in run)):
                continue  # the total itself is published as '<5'
            unseen = [m for m in run if m in hidden or m not in shown_months]
            others = [m for m in run if m not in unseen and counts[m] > 0]
            if len(unseen) == 1 and others:
                hidden.add(min(others, key=lambda m: (counts[m], m)))
                changed = True
    return hidden


def _monthly(con, period: Period, trend: Period, service: str, audience: str) -> tuple[dict, dict[str, set]]:
    """({month: {measure: shown value}}, {measure: months hidden beyond '<5'}) over the trend's months."""
    months = {m: Period(m, m) for m in trend.months}
    computed = report.compute(con, months, service, audience)
    shown = {m: {name: _money(_shown(computed[m][name])) for name in MONTHLY} for m in months}
    extra: dict[str, set] = {}
    if audience == "partnership":
        previous = period.previous()
        every = sorted(set(trend.months) | set(period.months) | set(previous.months))
        internal = report.compute(con, {m: Period(m, m) for m in every}, service, "internal")
        for name in ADDITIVE_PEOPLE:
            counts = {m: int(internal[m][name].value) for m in every}
            hidden = hide_recoverable(counts, trend.months, [period.months, previous.months])
            for m in hidden:
                shown[m][name] = disclosure.shown(counts[m], True)
            extra[name] = {m for m in hidden if not disclosure.is_small(counts[m])}
    return shown, extra


def _money(value):
    """Pounds to the penny: expected spend is a share of a budget and carries long decimals."""
    return round(value, 2) if isinstance(value, float) else value


def _monthly_table(by_month: dict[str, dict]) -> Table:
    columns = [Column("month", "Month", "month")] + [
        Column(name, MONTHLY_HEADINGS[name], MEASURES[name].unit) for name in MONTHLY
    ]
    rows = [{"month": m} | values for m, values in by_month.items()]
    return Table("Monthly", "Month by month", columns, rows)


def _returns_table(con, period: Period, service: str | None, audience: str) -> tuple[Table, list[str]]:
    """One row per month of the period: on time, late or missing (quality.months); and the notes."""
    from metrics import quality

    status = quality.months(con, service) if service else pd.DataFrame(columns=["reporting_month"])
    by_month = {r["reporting_month"]: r for r in status.to_dict("records")}
    versions = {}
    if service:
        versions = dict(
            con.execute(
                "SELECT reporting_month, count(*) FROM uploads WHERE service = ? AND reporting_month BETWEEN ? AND ? "
                "GROUP BY ALL",
                [service, period.first, period.last],
            ).fetchall()
        )
    rows = []
    for month in period.months:
        r = by_month.get(month, {})
        state = r.get("status", "missing")
        submitted = r.get("submitted_on") if state != "missing" else None
        rows.append(
            {
                "month": month,
                "status": {"missing": "Missing", "late": "Late", "on time": "On time"}[state],
                "submitted_on": submitted,
                "days_after": None if submitted is None else int(r["days_after_month_end"]),
                "versions": int(versions.get(month, 0)),
            }
        )
    columns = [
        Column("month", "Month", "month"),
        Column("status", "Return"),
        Column("submitted_on", "Submitted on", "date"),
        Column("days_after", "Days after month end", "number"),
        Column("versions", "Versions uploaded", "number"),
    ]
    missing = [r["month"] for r in rows if r["status"] == "Missing"]
    late = [r["month"] for r in rows if r["status"] == "Late"]
    corrected = [r["month"] for r in rows if r["versions"] > 1]
    due = f"more than {quality.LATE_AFTER_DAYS} days after the month ended"
    notes = [
        f"Missing months: no return is loaded for {_month_list(missing)}; the figures leave those months out."
        if missing
        else "Missing months: none; every month of the period has a return loaded.",
        f"Late returns: {_month_list(late)} arrived {due}." if late else f"Late returns: none arrived {due}.",
    ]
    if corrected:
        notes.append(f"Corrected months: {_month_list(corrected)} were uploaded more than once; the latest counts.")
    if service and len(missing) < period.length:
        unresolved = quality.unresolved_spend(con, service)
        unresolved = unresolved[unresolved["reporting_month"].between(period.first, period.last)]
        if len(unresolved):
            notes.append(
                f"Spend lines not counted: {len(unresolved)} spend lines of the period cannot be put against a "
                "grant (see the Data quality page)."
            )
        if audience == "internal":
            vanished = quality.vanished_cases(con, service, audience)
            vanished = vanished[vanished["missing_from"].between(period.first, period.last)]
            if len(vanished):
                notes.append(
                    f"Cases that vanished: {len(vanished)} cases listed as open in one month's return were missing "
                    "from the next (see the Data quality page)."
                )
    table = Table("Returns", "Monthly returns for the period", columns, rows,
                  f"A return is late when it is submitted {due}.")
    return table, notes


def _month_list(months: list[str]) -> str:
    names = [month_start(m).strftime("%b %Y") for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


UNIT_WORDS = {"count": "count", "rate": "percentage", "days": "days", "gbp": "pounds (£)", "ratio": "ratio"}


def definitions_table(con) -> Table:
    """The appendix of definitions, generated from the measure registry and the targets."""
    goals = report.targets(con)
    rows = []
    for name, m in MEASURES.items():
        goal = goals.get(name)
        target = ""
        if goal is not None:
            comparison = "or more" if goal["better"] == "higher" else "or less"
            target = f"{cell_text(m.unit, goal['target'])} {comparison}"
        rows.append(
            {"label": m.label, "unit": UNIT_WORDS.get(m.unit, m.unit), "definition": m.description, "target": target}
        )
    columns = [
        Column("label", "Measure"),
        Column("unit", "Unit"),
        Column("definition", "Definition"),
        Column("target", "Target"),
    ]
    note = (
        "Grades: Green when the target is met, Amber within the amber band of the target, Red beyond it, "
        "Grey (not graded) when the figure is undefined or not shown. A rate is undefined when nothing is there "
        "to measure. Every measure of a case uses the case's latest monthly snapshot."
    )
    return Table("Definitions", "Definitions", columns, rows, note)


def contents(
    con, period: Period, service: str | None = None, audience: str = "internal", today: dt.date | None = None
) -> Pack:
    """Everything in the pack for the period, for one audience."""
    report.check_audience(audience)
    service = _service_or_none(con, service)
    loaded = report.months_loaded(con, service) if service else []
    in_period = [m for m in loaded if period.first <= m <= period.last]
    pack = Pack(
        service=service or "No service loaded yet",
        period=period,
        audience=audience,
        as_at=report.as_at(con, service) if service else None,
        generated_on=today or dt.date.today(),
        has_data=bool(in_period),
        months_loaded=in_period,
    )
    pack.returns, pack.quality_notes = _returns_table(con, period, service, audience)
    pack.definitions = definitions_table(con)
    if not pack.has_data:
        return pack
    rows = _scorecard_rows(con, period, service, audience)
    graded = [rows[n] for n in graded_names()]
    pack.summary = _summary_table(graded)
    pack.messages = key_messages(graded)
    pack.headline = _headline_table([rows[n] for n in HEADLINE + HEADLINE_EXTRA])
    pack.growth, found = _growth_table(con, period, service, audience)
    pack.growth_headline, pack.growth_notes = found["headline"], found["notes"]
    pack.spend = _spend_table(con, period, service, audience)
    money = trends.value_for_money(con, period, service, audience)["shown"]
    ratio, source = cost_benefit(con)
    pack.spend_notes = [
        f"Cost per victim supported: {money['cost_per_victim']} (actual spend of {money['spend_actual']} over "
        f"{money['victims_supported']} victims supported).",
        f"Estimated public-money saving: {money['estimated_saving']}, that is actual spend × {ratio:g}. "
        f"This is an estimate; the ratio's source: {source.rstrip('.')}.",
    ]
    trend = trend_window(con, period, service)
    by_month, extra_hidden = _monthly(con, period, trend, service, audience)
    pack.monthly = _monthly_table(by_month)
    pack.monthly.title = f"Month by month, {trend.label}" + (
        "" if trend == period else f": the {trend.length} months to the period's end, to show the trend")
    if audience == "partnership":
        pack.headline.note = pack.monthly.note = _disclosure_note(rows)
    pack.charts = charts_for(con, period, trend, service, audience, found, extra_hidden)
    return pack


# --- charts: the dashboard's own (metrics.charts over metrics.trends) -------------------------


def _referrals_frame(con, trend: Period, service: str, audience: str, hidden: set[str]) -> pd.DataFrame:
    """trends.rolling_referrals, with the months hide_recoverable adds hidden too (and windows holding them)."""
    frame = trends.rolling_referrals(con, trend, service, audience)
    if not hidden:
        return frame
    for i, month in enumerate(frame["month"]):
        if month in hidden:
            frame.loc[i, ["referrals", "referrals_shown"]] = [pd.NA, disclosure.SECONDARY]
        window = {add_months(month, -2), add_months(month, -1), month}
        if window & hidden and not pd.isna(frame.loc[i, "rolling_3m"]):
            frame.loc[i, ["rolling_3m", "rolling_shown"]] = [pd.NA, disclosure.SECONDARY]
    return frame


def trend_window(con, period: Period, service: str) -> Period:
    """The period, widened to the 12 months to its end (from the first month loaded) when shorter."""
    twelve = trends.trend_period(con, Period(period.last, period.last), service, trends.TREND_MONTHS)
    return Period(min(twelve.first, period.first), period.last)


def _lines(series: pd.DataFrame, title: str, caption: str = "") -> Chart:
    """A line chart of measure_series, or a sentence when disclosure control leaves nothing to plot."""
    if (series["status"] == "shown").any():
        return Chart("trends", charts.measure_lines(series, title), caption)
    why = "fewer than 10 people are behind every value" if (series["status"] == "suppressed").any() else (
        "there is nothing to measure")
    return Chart("trends", None, f"{title}: not charted, because {why}.")


def charts_for(
    con, period: Period, trend: Period, service: str, audience: str, growth_found: dict, hidden: dict[str, set]
) -> list[Chart]:
    """The dashboard's trend, growth and spend charts for the pack, disclosure-controlled for the audience."""
    out = []
    referrals = _referrals_frame(con, trend, service, audience, hidden.get("referrals_received", set()))
    out.append(Chart("trends", charts.rolling_referrals(referrals)))
    series = trends.measure_series(con, trend, ("victims_supported", "caseload_end"), service, audience)
    out.append(_lines(series, "Victims supported and caseload at each month's end"))
    series = trends.measure_series(con, trend, ("timely_contact_rate",), service, audience)
    goal = report.targets(con).get("timely_contact_rate")
    caption = "" if goal is None else f"The target is {cell_text('rate', goal['target'])} or more."
    out.append(_lines(series, "Timely first contact (within 2 working days)", caption))
    series = trends.measure_series(con, trend, trends.MYTHS, service, audience)
    out.append(_lines(series, "Myths busted: UK nationals and trafficking"))
    series = trends.measure_series(con, trend, trends.ACTIVITY, service, audience)
    out.append(Chart("trends", charts.activity(series)))
    table = growth_found["table"]
    if (table["available"] & table["growth"].notna()).any():
        out.append(Chart("growth", charts.growth(table, period.previous().label, period.label)))
    profile = trends.spend_profile(con, period, service, audience)
    if len(profile):
        budget = trends.spend_table(con, period, service, audience)
        total = float(budget.loc[budget["budget_line"] == trends.TOTAL, "budget"].iloc[0])
        out.append(Chart("spend", charts.cumulative_spend(profile, trends.TOTAL, total or None)))
    return out


# --- building -------------------------------------------------------------------------------


def build(con, period: Period, service: str | None = None, audience: str = "internal", fmt: str = "pdf") -> bytes:
    """The pack as the bytes of a PDF or an Excel workbook."""
    if fmt not in FORMATS:
        raise ValueError(f"the pack is a PDF or an Excel workbook: use one of {', '.join(FORMATS)}")
    pack = contents(con, period, service, audience)
    if fmt == "pdf":
        from metrics.pack_pdf import render
    else:
        from metrics.pack_xlsx import render
    return render(pack)


def write(con, period: Period, path: str | Path, service: str | None = None, audience: str = "internal") -> Path:
    """Write the pack to a .pdf or .xlsx file, the format following the file's suffix."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"the pack's file must end in .pdf or .xlsx, not {target.name!r}")
    data = build(con, period, service, audience, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def record_export(con, user: str, period: Period, service: str | None, audience: str, fmt: str) -> None:
    """Note in the audit log who exported which pack: it circulates beyond the dashboard."""
    from metrics.store import audit

    audit(con, user, "pack exported", f"{audience} pack ({fmt}) for {period.label}, {service or 'the only service'}")


def file_name(period: Period, audience: str, fmt: str) -> str:
    """e.g. scrutiny-pack-2018-06-to-2019-06-partnership.pdf."""
    span = period.first if period.first == period.last else f"{period.first}-to-{period.last}"
    return f"scrutiny-pack-{span}-{audience}.{fmt}"
