"""Charts of money and of comparisons: spend against profile, growth, support mix and the demand funnel."""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.charts.base import (
    GBP_LABEL,
    PALETTE,
    SUPPRESSED_NOTE,
    bar_labels,
    colour_scale,
    finish,
    many,
    plottable,
    room_for_labels,
    titled,
    x_slices,
)


def cumulative_spend(profile: pd.DataFrame, budget_line: str = "Total", budget: float | None = None) -> alt.LayerChart:
    """Cumulative actual spend against the expected profile by month for one budget line (answers: spend_profile)."""
    rows = profile[profile["budget_line"] == budget_line]
    actual, expected = "Actual (cumulative)", "Expected profile (cumulative)"
    long = pd.concat([
        rows.assign(series=actual, amount=rows["cumulative_actual"]),
        rows.assign(series=expected, amount=rows["cumulative_expected"]),
    ])
    scale = colour_scale("series", [actual, expected], "Spend")
    lines = alt.Chart(long).mark_line(point=True, strokeWidth=3).encode(
        x=x_slices(rows),
        y=alt.Y("amount:Q", title="Spend to date (£)", axis=alt.Axis(labelExpr=GBP_LABEL)),
        color=scale,
        strokeDash=alt.StrokeDash("series:N", sort=[actual, expected], title="Spend",
                                  scale=alt.Scale(domain=[actual, expected], range=[[1, 0], [8, 4]])),
        tooltip=[alt.Tooltip("label:O", title="Month"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("amount:Q", title="To date (£)", format=",.2f"),
                 alt.Tooltip("actual:Q", title="Actual in the month (£)", format=",.2f"),
                 alt.Tooltip("expected:Q", title="Expected in the month (£)", format=",.2f"),
                 alt.Tooltip("cumulative_variance:Q", title="Variance to date (£)", format="+,.2f")],
    )
    layers = [lines]
    notes = []
    if budget is not None:
        rule = alt.Chart(pd.DataFrame({"budget": [budget]})).mark_rule(color="#555555", strokeDash=[2, 2]).encode(
            y="budget:Q", tooltip=[alt.Tooltip("budget:Q", title="Budget (£)", format=",.2f")])
        layers.append(rule)
        notes.append(f"Dotted line: the budget of £{budget:,.0f}")
    title = "Spend to date against the expected profile" + ("" if budget_line == "Total" else f": {budget_line}")
    return finish(alt.layer(*layers).properties(title=titled(title, notes)))


def spend_variance(profile: pd.DataFrame, budget_line: str = "Total") -> alt.Chart:
    """Bars of spend to date minus expected to date by month: above zero is ahead of profile (spend_profile)."""
    rows = profile[profile["budget_line"] == budget_line].assign(
        side=lambda f: f["cumulative_variance"].map(lambda v: "Ahead of profile" if v > 0 else "On or behind profile"))
    sides = ["Ahead of profile", "On or behind profile"]
    chart = alt.Chart(rows).mark_bar().encode(
        x=x_slices(rows),
        y=alt.Y("cumulative_variance:Q", title="Actual minus expected, to date (£)",
                axis=alt.Axis(labelExpr=GBP_LABEL)),
        color=alt.Color("side:N", title="Variance", sort=sides,
                        scale=alt.Scale(domain=sides, range=[PALETTE[3], PALETTE[0]])),
        tooltip=[alt.Tooltip("label:O", title="Month"),
                 alt.Tooltip("cumulative_variance:Q", title="Variance to date (£)", format="+,.2f"),
                 alt.Tooltip("cumulative_actual:Q", title="Actual to date (£)", format=",.2f"),
                 alt.Tooltip("cumulative_expected:Q", title="Expected to date (£)", format=",.2f")],
    )
    title = "Variance to date" + ("" if budget_line == "Total" else f": {budget_line}")
    return finish(chart.properties(title=titled(title, ["Spend to date minus the expected profile to date"])),
                   height=220)


def growth(table: pd.DataFrame, base_label: str, compare_label: str) -> alt.Chart:
    """Referral growth of the service and each reference area, as bars (answers: growth_comparison's table)."""
    kept = table[table["available"] & table["growth"].notna()].copy()
    kept["text"] = kept["growth_shown"] + " (" + kept["base_shown"] + " to " + kept["compare_shown"] + ")"
    left_out = table.loc[~table.index.isin(kept.index), "area"].tolist()
    kinds = {"service": "This service", "reference": "Reference area (NRM)", "national": "National (NRM)"}
    kept["kind_label"] = kept["kind"].map(kinds)
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("base_shown:N", title=f"Referrals, {base_label}"),
               alt.Tooltip("compare_shown:N", title=f"Referrals, {compare_label}"),
               alt.Tooltip("growth_shown:N", title="Growth")]
    domain = room_for_labels(kept["growth"]) if len(kept) else [0.0, 1.0]
    base = alt.Chart(kept).encode(
        y=alt.Y("area:N", title=None, sort=list(kept["area"])),
        x=alt.X("growth:Q", title=f"Change in referrals from {base_label} to {compare_label} (%)",
                scale=alt.Scale(domain=domain), axis=alt.Axis(format="%")),
        tooltip=tooltip,
    )
    bars = base.mark_bar().encode(color=colour_scale("kind_label", list(kinds.values()), "Figures"))
    notes = [f"Not shown: {', '.join(left_out)} (no figures for both periods: see the table)"] if left_out else []
    chart = alt.layer(bars, *bar_labels(base, "growth", "text:N"))
    return finish(chart.properties(title=titled("Growth in referrals", notes)), height=70 * max(len(kept), 1))


def support_mix(mix: pd.DataFrame) -> alt.Chart:
    """People in contact with the advocate by support level (answers: support_mix)."""
    kept, left_out = plottable(mix, "people")
    levels = list(mix["support_level"])
    base = alt.Chart(kept).encode(
        y=alt.Y("support_level:N", title=None, sort=levels),
        x=alt.X("people:Q", title="People in contact in the period", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("support_level:N", title="Support level"), alt.Tooltip("shown:N", title="People"),
                 alt.Tooltip("share_shown:N", title="Share of everyone in contact")],
    )
    bars = base.mark_bar().encode(color=colour_scale("support_level", levels, "Support level").legend(None))
    labels = base.mark_text(align="left", dx=6, fontSize=14).encode(text="shown:N")
    notes = [SUPPRESSED_NOTE.format(n=many(left_out, "support level"))] if left_out else []
    return finish(alt.layer(bars, labels).properties(title=titled("Support given, by level", notes)),
                   height=60 * max(len(levels), 1))


def demand_mix(comparison: pd.DataFrame, source_label: str = "Crime Survey (April 2019)") -> alt.Chart:
    """The service's short-term and specialist shares beside the demand funnel's (answers: demand_comparison)."""
    ours, theirs = "This service", f"Victims who want support: {source_label}"
    long = pd.concat([
        comparison.assign(source=ours, share=comparison["service_share"], shown=comparison["service_shown"]),
        comparison.assign(source=theirs, share=comparison["seed_share"],
                          shown=comparison["seed_share"].map(lambda v: f"about {v:.0%}")),
    ])
    kept = long[long["share"].notna()]
    notes = ["This service's shares are not shown: too few people behind them"] if len(kept) < len(long) else []
    base = alt.Chart(kept).encode(
        y=alt.Y("label:N", title=None, sort=list(comparison["label"])),
        yOffset=alt.YOffset("source:N", sort=[ours, theirs]),
        x=alt.X("share:Q", title="Share of short-term and specialist support (%)", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("label:N", title="Support"), alt.Tooltip("source:N", title="Figures"),
                 alt.Tooltip("shown:N", title="Share"), alt.Tooltip("basis:N", title="People behind it")],
    )
    bars = base.mark_bar().encode(color=colour_scale("source", [ours, theirs], "Figures"))
    labels = base.mark_text(align="left", dx=6, fontSize=14).encode(text="shown:N")
    title = titled("Short-term and specialist support, here and nationally", notes)
    return finish(alt.layer(bars, labels).properties(title=title), height=240)
