"""The scrutiny pack: what goes into the PDF and the Excel workbook circulated before a meeting.

`contents()` gathers every figure, table, chart and note of the pack in one place, from the same
answers the pages show, and always for one audience: for the partnership every figure has been
through disclosure control before a renderer (pdf, xlsx) sees it. Case-level rows never enter the
pack: every query behind it aggregates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from metrics import charts, i18n
from metrics.answers import referrals, series
from metrics.answers.spend import TOTAL, spend_profile, spend_table, value_for_money
from metrics.answers.summary import HEADLINE, graded_names, key_messages, raw, scorecard
from metrics.i18n import _
from metrics.measures import formatting
from metrics.measures.compute import as_at, check_audience
from metrics.measures.grading import targets
from metrics.measures.publication import PUBLICATION_METHOD, figures_for
from metrics.pack import commentary, tables
from metrics.pack.model import Chart, Pack, languages_of, saving_note
from metrics.periods import Period
from metrics.store.logs import months_loaded, record, resolve_service, services
from metrics.store.settings import cost_benefit

FORMATS = ("pdf", "xlsx")
# What the figures table lists after the cards: who was referred, and the advocate's other work.
HEADLINE_EXTRA = ("uk_national_rate", "trafficking_indicated_rate", *series.ACTIVITY)


def service_or_none(con, service: str | None) -> str | None:
    """The service named, else the only one loaded, else None before any upload (several unnamed: LookupError)."""
    if service:
        return service
    names = services(con)
    return resolve_service(con, None) if len(names) > 1 else (names[0] if names else None)  # several: it says which


def _disclosure_note() -> str:
    """How the partnership's figures are protected."""
    return _("Counts of people are rounded to the nearest 5, counts from 1 to 4 are shown as <5, and a figure is "
             "not shown where it could give a small count away.") + " " + _(PUBLICATION_METHOD)


def _money(value):
    """Pounds to the penny: expected spend is a share of a budget and carries long decimals."""
    return round(value, 2) if isinstance(value, float) else value


def _by_slice(con, trend: Period, service: str, audience: str) -> dict[str, dict]:
    """{slice key: {measure: value as shown}}: months internally, whole quarters (as published) for the partnership."""
    names = list(tables.MONTHLY_HEADINGS)
    slices = series.slices_for(con, trend, "month", service, audience)
    computed = figures_for(con, slices, service, audience, names=names)
    return {key: {"period": p} | {name: _money(raw(computed[key][name])) for name in names}
            for key, p in slices.items()}


def trend_window(con, period: Period, service: str, audience: str = "internal") -> Period:
    """The period, widened to the 12 months to its end (from the first month loaded) when shorter."""
    if audience == "partnership":
        return series.trend_period(con, period, service, series.TREND_MONTHS, audience)
    twelve = series.trend_period(con, Period(period.last, period.last), service, series.TREND_MONTHS)
    return Period(min(twelve.first, period.first), period.last)


def contents(
    con, period: Period, service: str | None = None, audience: str = "internal", today: dt.date | None = None,
    as_of: dt.datetime | None = None,
) -> Pack:
    """Everything in the pack for the period, for one audience (the action log as it stood at `as_of`)."""
    check_audience(audience)
    service = service_or_none(con, service)
    loaded = months_loaded(con, service) if service else []
    in_period = [m for m in loaded if period.first <= m <= period.last]
    pack = Pack(service=service or _("No service loaded yet"), period=period, audience=audience,
                as_at=as_at(con, service) if service else None, generated_on=today or dt.date.today(),
                has_data=bool(in_period), months_loaded=in_period)
    pack.returns, pack.quality_notes = tables.returns_table(con, period, service, audience)
    pack.definitions = tables.definitions_table(con)
    if audience == "internal":
        pack.actions_previous, pack.actions_this = tables.actions_tables(con, period, as_of)
    if not pack.has_data:
        return pack
    rows = {r["name"]: r for r in scorecard(con, period, service, audience)}
    graded = [rows[n] for n in graded_names()]
    pack.summary = tables.summary_table(graded)
    pack.messages = key_messages(graded)
    if audience == "internal":  # free text, never disclosure-controlled: never the partnership's
        pack.commentary = commentary.commentary_table(con, period, service)
        pack.voices = commentary.voices_table(con, period, service)
    pack.headline = tables.headline_table([rows[n] for n in HEADLINE + HEADLINE_EXTRA])
    pack.growth, found = tables.growth_table(con, period, service, audience)
    pack.growth_headline, pack.growth_notes = found["headline"], found["notes"]
    pack.spend = tables.spend_by_line_table(con, period, service, audience)
    money = value_for_money(con, period, service, audience)["shown"]
    ratio, source = cost_benefit(con)
    pack.spend_notes = [
        _("Cost per victim supported: {cost} (actual spend of {spend} over "
          "{victims} victims supported).").format(cost=money["cost_per_victim"], spend=money["spend_actual"],
                                                  victims=money["victims_supported"]),
        saving_note(money["estimated_saving"], ratio, source),
    ]
    trend = trend_window(con, period, service, audience)
    pack.monthly = tables.monthly_table(_by_slice(con, trend, service, audience))
    grain = _("Quarter by quarter") if audience == "partnership" else _("Month by month")
    window = trend.label if trend == period else _("{period}: the year to the period's end, to show the "
                                                    "trend").format(period=trend.label)
    pack.monthly.title = f"{grain}, {window}"  # the PDF heads the page with the grain, the window under it
    if audience == "partnership":
        pack.headline.note = pack.monthly.note = _disclosure_note()
    pack.charts = charts_for(con, period, trend, service, audience, found)
    return pack


def _lines(frame, title: str, caption: str = "") -> Chart:
    """A line chart of a measure series, or a sentence when disclosure control leaves nothing to plot."""
    if (frame["status"] == "shown").any():
        return Chart("trends", charts.measure_lines(frame, title), caption)
    why = _("fewer than 10 people are behind every value") if (frame["status"] == "suppressed").any() else (
        _("there is nothing to measure"))
    return Chart("trends", None, _("{title}: not charted, because {why}.").format(title=title, why=why))


def charts_for(con, period: Period, trend: Period, service: str, audience: str, growth_found: dict) -> list[Chart]:
    """The dashboard's trend, growth and spend charts for the pack, for the audience."""
    if audience == "partnership":  # referrals by whole quarter, as published
        out = [_lines(series.measure_series(con, trend, ("referrals_received",), service, audience),
                      _("Referrals received by quarter"))]
    else:
        out = [Chart("trends", charts.rolling_referrals(referrals.rolling_referrals(con, trend, service, audience)))]
    frame = series.measure_series(con, trend, ("victims_supported", "caseload_end"), service, audience)
    out.append(_lines(frame, _("Victims supported, and the caseload at the end of each quarter") if audience ==
                      "partnership" else _("Victims supported, and the caseload at the end of each month")))
    frame = series.measure_series(con, trend, ("timely_contact_rate",), service, audience)
    goal = targets(con).get("timely_contact_rate")
    caption = "" if goal is None else _("The target is {target} or more.").format(
        target=formatting.text("percent", goal["target"]))
    out.append(_lines(frame, _("Timely first contact (within 2 working days)"), caption))
    out.append(_lines(series.measure_series(con, trend, series.MYTHS, service, audience),
                      _("Myths busted: UK nationals and trafficking")))
    # Two panels a row, each wide enough for its title, the page's height to itself (issue 17 #6: at three a
    # row the panels were tiny and their titles cut short).
    activity = series.measure_series(con, trend, series.ACTIVITY, service, audience)
    out.append(Chart("trends", charts.activity(activity, columns=2, width=330, height=130), max_height=225))
    table = growth_found["table"]
    if (table["available"] & table["growth"].notna()).any():
        out.append(Chart("growth", charts.growth(table, period.previous().label, period.label)))
    if audience == "internal":  # month by month: the partnership has the spend table of its period
        profile = spend_profile(con, period, service, audience)
        if len(profile):
            budget = spend_table(con, period, service, audience)
            total = float(budget.loc[budget["budget_line"] == TOTAL, "budget"].iloc[0])
            out.append(Chart("spend", charts.cumulative_spend(profile, TOTAL, total or None)))
    return out


def build(con, period: Period, service: str | None = None, audience: str = "internal", fmt: str = "pdf",
          today: dt.date | None = None, as_of: dt.datetime | None = None,
          languages: tuple[str, ...] | None = None) -> bytes:
    """The pack as the bytes of a PDF or an Excel workbook; the same data, day and `as_of` give the same bytes.

    `languages`: None, the run's language; ("en", "cy"), a bilingual pack: the PDF the whole pack in English then
    the whole pack in Welsh, the workbook each sheet once per language (its name suffixed " (EN)", " (CY)")."""
    if fmt not in FORMATS:
        raise ValueError(_("the pack is a PDF or an Excel workbook: use one of {formats}").format(
            formats=", ".join(FORMATS)))
    chosen = languages_of(languages)
    today = today or dt.date.today()  # one day for every part
    packs = []
    for code in chosen:
        with i18n.use(code):
            pack = contents(con, period, service, audience, today, as_of)
        pack.bilingual = len(chosen) > 1
        packs.append(pack)
    if fmt == "pdf":
        from metrics.pack.pdf import render
    else:
        from metrics.pack.xlsx import render
    return render(*packs)


def write(con, period: Period, path: str | Path, service: str | None = None, audience: str = "internal",
          languages: tuple[str, ...] | None = None) -> Path:
    """Write the pack to a .pdf or .xlsx file, the format following the file's suffix (`languages`: see build)."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(_("the pack's file must end in .pdf or .xlsx, not {name}").format(name=repr(target.name)))
    data = build(con, period, service, audience, fmt, languages=languages)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def record_export(con, user: str, period: Period, service: str | None, audience: str, fmt: str) -> None:
    """Note in the audit log who exported which pack: it circulates beyond the dashboard."""
    record(con, user, "pack exported", f"{audience} pack ({fmt}) for {period.label}, {service or 'the only service'}")


def file_name(period: Period, audience: str, fmt: str) -> str:
    """e.g. scrutiny-pack-2018-06-to-2019-06-partnership.pdf."""
    span = period.first if period.first == period.last else f"{period.first}-to-{period.last}"
    return f"scrutiny-pack-{span}-{audience}.{fmt}"

