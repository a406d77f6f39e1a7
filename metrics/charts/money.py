"""Charts of money and of comparisons: spend against profile, growth, support mix and the demand funnel."""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.charts.base import (
    GBP_LABEL,
    PALETTE,
    SUPPRESSED_NOTE,
    TEXT,
    bar_labels,
    colour_scale,
    dash_scale,
    finish,
    plottable,
    room_for_labels,
    shape_scale,
    span,
    titled,
    x_slices,
    zero_rule,
)
from metrics.i18n import N_, _, ngettext
from metrics.measures import formatting

TABLE_BELOW = N_("Every figure is in the table with the chart.")
CRIME_SURVEY = N_("Crime Survey (April 2019)")


def _line(budget_line: str) -> str:
    """A budget line inside a sentence: 'total' for the total (translated), else the line's own name in lower case."""
    return _("total") if budget_line == "Total" else budget_line.lower()


def _pounds(value: float) -> str:
    return f"£{value:,.0f}" if value >= 0 else f"{formatting.MINUS}£{-value:,.0f}"


def cumulative_spend(profile: pd.DataFrame, budget_line: str = "Total", budget: float | None = None) -> alt.LayerChart:
    """Cumulative actual spend against the expected profile by month for one budget line (answers: spend_profile).

    Where the two lines run together, the actual one is solid with round points and the expected one dashed
    with square points, so that either can be followed without colour.
    """
    rows = profile[profile["budget_line"] == budget_line]
    actual, expected = _("Actual (cumulative)"), _("Expected profile (cumulative)")
    series = [actual, expected]
    long = pd.concat([  # the expected profile first, so that the actual line and its points are drawn over it
        rows.assign(series=expected, amount=rows["cumulative_expected"]),
        rows.assign(series=actual, amount=rows["cumulative_actual"]),
    ])
    base = alt.Chart(long).encode(
        x=x_slices(rows),
        y=alt.Y("amount:Q", title=_("Spend to date (£)"), axis=alt.Axis(labelExpr=GBP_LABEL)),
        color=colour_scale("series", series, _("Spend")),
    )
    lines = base.mark_line(strokeWidth=3, aria=False).encode(strokeDash=dash_scale("series", series, _("Spend")))
    points = base.mark_point(size=70, filled=True, opacity=1).encode(
        shape=shape_scale("series", series, _("Spend")),
        tooltip=[alt.Tooltip("label:O", title=_("Month")), alt.Tooltip("series:N", title=_("Series")),
                 alt.Tooltip("amount:Q", title=_("To date (£)"), format=",.2f"),
                 alt.Tooltip("actual:Q", title=_("Actual in the month (£)"), format=",.2f"),
                 alt.Tooltip("expected:Q", title=_("Expected in the month (£)"), format=",.2f"),
                 alt.Tooltip("cumulative_variance:Q", title=_("Variance to date (£)"), format="+,.2f")])
    layers = [lines, points]
    notes = []
    if budget is not None:
        rule = alt.Chart(pd.DataFrame({"budget": [budget]})).mark_rule(color=TEXT, strokeDash=[2, 2]).encode(
            y="budget:Q", tooltip=[alt.Tooltip("budget:Q", title=_("Budget (£)"), format=",.2f")])
        layers.append(rule)
        notes.append(_("Dotted line: the budget of {amount}").format(amount=f"£{budget:,.0f}"))
    title = (_("Spend to date against the expected profile") if budget_line == "Total" else
             _("Spend to date against the expected profile: {line}").format(line=budget_line))
    last = rows.iloc[-1] if len(rows) else None
    where = "" if last is None else " " + _("By {month}: {actual} spent against {expected} expected.").format(
        month=last["label"], actual=_pounds(last["cumulative_actual"]), expected=_pounds(last["cumulative_expected"]))
    description = (_("Line chart of {line} spend to date against the expected profile, {span}.").format(
        line=_line(budget_line), span=span(rows)) + f"{where} {_(TABLE_BELOW)}")
    return finish(alt.layer(*layers).properties(title=titled(title, notes)), description=description)


def spend_variance(profile: pd.DataFrame, budget_line: str = "Total") -> alt.LayerChart:
    """Bars of spend to date minus expected to date by month: above zero is ahead of profile (spend_profile)."""
    sides = [_("Ahead of profile"), _("On or behind profile")]
    rows = profile[profile["budget_line"] == budget_line].assign(
        side=lambda f: f["cumulative_variance"].map(lambda v: sides[0] if v > 0 else sides[1]))
    bars = alt.Chart(rows).mark_bar().encode(
        x=x_slices(rows),
        y=alt.Y("cumulative_variance:Q", title=_("Actual minus expected, to date (£)"),
                axis=alt.Axis(labelExpr=GBP_LABEL)),
        color=alt.Color("side:N", title=_("Variance"), sort=sides,
                        scale=alt.Scale(domain=sides, range=[PALETTE[1], PALETTE[0]])),
        tooltip=[alt.Tooltip("label:O", title=_("Month")),
                 alt.Tooltip("cumulative_variance:Q", title=_("Variance to date (£)"), format="+,.2f"),
                 alt.Tooltip("cumulative_actual:Q", title=_("Actual to date (£)"), format=",.2f"),
                 alt.Tooltip("cumulative_expected:Q", title=_("Expected to date (£)"), format=",.2f")],
    )
    title = (_("Variance to date") if budget_line == "Total" else
             _("Variance to date: {line}").format(line=budget_line))
    ahead = int((rows["cumulative_variance"] > 0).sum())
    months = ngettext("ahead of profile in {n} month of {total}", "ahead of profile in {n} months of {total}",
                      ahead).format(n=ahead, total=len(rows))
    description = (_("Bar chart of {line} spend to date minus the expected profile to date, {span}: {months}.").format(
        line=_line(budget_line), span=span(rows), months=months) + f" {_(TABLE_BELOW)}")
    chart = alt.layer(bars, zero_rule().encode(y="zero:Q"))
    return finish(chart.properties(title=titled(title, [_("Actual minus expected, to date")])),
                  height=220, description=description)


def growth(table: pd.DataFrame, base_label: str, compare_label: str) -> alt.LayerChart:
    """Referral growth of the service and each reference area, as bars (answers: growth_comparison's table)."""
    kept = table[table["available"] & table["growth"].notna()].copy()
    kept["text"] = [_("{growth} ({base} to {compare})").format(growth=g, base=b, compare=c)
                    for g, b, c in zip(kept["growth_shown"], kept["base_shown"], kept["compare_shown"], strict=True)]
    left_out = table.loc[~table.index.isin(kept.index), "area"].tolist()
    kinds = {"service": _("This service"), "reference": _("Reference area (NRM)"), "national": _("National (NRM)")}
    kept["kind_label"] = kept["kind"].map(kinds)
    tooltip = [alt.Tooltip("area:N", title=_("Area")),
               alt.Tooltip("base_shown:N", title=_("Referrals, {period}").format(period=base_label)),
               alt.Tooltip("compare_shown:N", title=_("Referrals, {period}").format(period=compare_label)),
               alt.Tooltip("growth_shown:N", title=_("Growth"))]
    domain = room_for_labels(kept["growth"]) if len(kept) else [0.0, 1.0]
    x = alt.X("growth:Q", title=_("Change in referrals from {base} to {compare} (%)").format(
        base=base_label, compare=compare_label), scale=alt.Scale(domain=domain), axis=alt.Axis(format="%"))
    base = alt.Chart(kept).encode(y=alt.Y("area:N", title=None, sort=list(kept["area"])), x=x, tooltip=tooltip)
    bars = base.mark_bar().encode(color=colour_scale("kind_label", list(kinds.values()), _("Figures")))
    # A line at zero: bars that are all negative (or all positive) otherwise float with no baseline.
    layers = [bars, zero_rule().encode(x="zero:Q"), *bar_labels(base, "growth", "text:N", kept["growth"])]
    notes = ([_("Not shown: {areas} (no figures for both periods: see the table)").format(areas=", ".join(left_out))]
             if left_out else [])
    readings = "; ".join(f"{r.area} {r.text}" for r in kept.itertuples())
    description = (_("Bar chart of the change in referrals from {base} to {compare}: {readings}.").format(
        base=base_label, compare=compare_label, readings=readings or _("no area has figures for both periods"))
        + f" {_(TABLE_BELOW)}")
    return finish(alt.layer(*layers).properties(title=titled(_("Growth in referrals"), notes)),
                  height=70 * max(len(kept), 1), description=description)


def support_mix(mix: pd.DataFrame) -> alt.LayerChart:
    """People in contact with the advocate by support level (answers: support_mix)."""
    kept, left_out = plottable(mix, "people")
    levels = list(mix["support_level"])
    base = alt.Chart(kept).encode(
        y=alt.Y("support_level:N", title=None, sort=levels),
        x=alt.X("people:Q", title=_("People in contact in the period"), axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("support_level:N", title=_("Support level")), alt.Tooltip("shown:N", title=_("People")),
                 alt.Tooltip("share_shown:N", title=_("Share of everyone in contact"))],
    )
    bars = base.mark_bar().encode(color=colour_scale("support_level", levels, _("Support level")).legend(None))
    labels = base.mark_text(align="left", dx=6, fontSize=14, color=TEXT, aria=False).encode(text="shown:N")
    levels_left_out = ngettext("{n} support level", "{n} support levels", left_out).format(n=left_out)
    notes = [_(SUPPRESSED_NOTE).format(n=levels_left_out)] if left_out else []
    readings = "; ".join(f"{r.support_level} {r.shown}" for r in mix.itertuples())
    description = (_("Bar chart of the people in contact in the period by support level: {readings}.").format(
        readings=readings) + f" {_(TABLE_BELOW)}")
    return finish(alt.layer(bars, labels).properties(title=titled(_("Support given, by level"), notes)),
                  height=60 * max(len(levels), 1), description=description)


def demand_mix(comparison: pd.DataFrame, source_label: str = CRIME_SURVEY) -> alt.LayerChart:
    """The service's short-term and specialist shares beside the demand funnel's (answers: demand_comparison)."""
    source_label = _(source_label)
    ours = _("This service")
    theirs = _("Victims who want support: {source}").format(source=source_label)
    long = pd.concat([
        comparison.assign(source=ours, share=comparison["service_share"], shown=comparison["service_shown"]),
        comparison.assign(source=theirs, share=comparison["seed_share"],
                          shown=comparison["seed_share"].map(lambda v: _("about {share}").format(share=f"{v:.0%}"))),
    ])
    kept = long[long["share"].notna()]
    notes = [_("This service's shares are not shown: too few people behind them")] if len(kept) < len(long) else []
    base = alt.Chart(kept).encode(
        y=alt.Y("label:N", title=None, sort=list(comparison["label"])),
        yOffset=alt.YOffset("source:N", sort=[ours, theirs]),
        x=alt.X("share:Q", title=_("Share of short-term and specialist support (%)"), scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("label:N", title=_("Support")), alt.Tooltip("source:N", title=_("Figures")),
                 alt.Tooltip("shown:N", title=_("Share")), alt.Tooltip("basis:N", title=_("People behind it"))],
    )
    colour = colour_scale("source", [ours, theirs], _("Figures")).legend(columns=1, labelLimit=500)
    bars = base.mark_bar().encode(color=colour)
    labels = base.mark_text(align="left", dx=6, fontSize=14, color=TEXT, aria=False).encode(text="shown:N")
    readings = "; ".join(_("{support}: {here} here, about {national} nationally").format(
        support=r.label, here=r.service_shown, national=f"{r.seed_share:.0%}") for r in comparison.itertuples())
    description = (_("Bar chart of the shares of short-term and specialist support, here and in the {source}: "
                     "{readings}.").format(source=source_label, readings=readings) + f" {_(TABLE_BELOW)}")
    title = titled(_("Short-term and specialist: here and nationally"), notes)
    return finish(alt.layer(bars, labels).properties(title=title), height=240, description=description)
