"""The SQL behind every measure: the facts of each source for any number of periods, in one query.

`figures_sql` computes the named measures for every period of $period_keys/$period_starts/
$period_ends at once: case facts are a range join of the periods with the cases they can count
(referred by the period's end, not closed before its start), so the work grows with the cases
each period holds, not with periods × cases. A measure of the cases referred (or closed) in a
period counts over the facts of those cases only: each case is one row, in the period holding its
referral (or closure) date, so a long history of monthly periods costs one row a case, not one a
case and month open. Activity and spend join the periods by month and by grant. Formulas are
computed in the same query, over the columns of the measures they name. Every value is bound; SQL
text comes only from the registry and the contract.
"""

from __future__ import annotations

import re

from metrics.measures.registry import CONTACT_STATUS, MEASURES, POPULATIONS, Measure

_PERIODS = """periods AS (
    SELECT unnest($period_keys) AS period_key, unnest($period_starts) AS p_start, unnest($period_ends) AS p_end
)"""

_CASES = """cases AS NOT MATERIALIZED (
    SELECT c.*, coalesce(c.closed_date, DATE '9999-12-31') AS open_until, d.deadline
    FROM cases_latest c LEFT JOIN referral_deadlines d ON d.day = c.referral_date
    WHERE c.service = $service
)"""
# Every case a period can count: referred by its end and not closed before its start.
_IN_PERIOD = "c.referral_date <= p.p_end AND c.open_until >= p.p_start"
# Populations of an event in the period: their cases, a subset of those the period can count.
_EVENTS = {"referred": "c.referral_date BETWEEN p.p_start AND p.p_end",
           "closed": "c.closed_date BETWEEN p.p_start AND p.p_end"}


def _case_facts(name: str, joined_on: str, periods: str = "periods") -> str:
    return f"""{name} AS (
    SELECT p.period_key, c.*, {", ".join(f"{sql} AS {population}" for population, sql in POPULATIONS.items())},
           {CONTACT_STATUS} AS contact_status
    FROM {periods} p JOIN cases c ON {joined_on}
)"""


def _month_index(day: str) -> str:
    return f"(year({day}) * 12 + month({day}))"


# Each period once for every calendar month it spans: an event joins its month by equality (a hash
# join), where a join on the period's two ends would compare every case with every period.
_PERIOD_MONTHS = f"""period_months AS (
    SELECT *, unnest(range({_month_index("p_start")}, {_month_index("p_end")} + 1)) AS month_index FROM periods
)"""


def _event_facts(population: str) -> str:
    """The facts of the cases of one event population (referred, closed) in each period."""
    event = _EVENTS[population]
    day = event.split()[0]  # c.referral_date, c.closed_date
    return _case_facts(f"{population}_facts", f"{_month_index(day)} = p.month_index AND {event} AND {_IN_PERIOD}",
                       periods="period_months")


# The case facts on their own: one row per (period, case) with every population's flag and contact_status.
CASE_FACTS = f"WITH {_PERIODS}, {_CASES}, {_case_facts('case_facts', _IN_PERIOD)} "

_ACTIVITY_FACTS = """activity_facts AS (
    SELECT p.period_key, a.measure, a.count
    FROM periods p JOIN activity_counts a
      ON a.service = $service AND a.reporting_month BETWEEN strftime(p.p_start, '%Y-%m') AND strftime(p.p_end, '%Y-%m')
)"""

# One row per period and line of a grant overlapping it: budget, actual, expected and forecast outturn.
_SPEND_FACTS = """grant_lines AS (
    SELECT "grant", budget_line, CAST(amount_gbp AS DOUBLE) AS amount, start_date, end_date,
           end_date - start_date + 1 AS grant_days
    FROM budget
),
overlapping AS (
    -- The forecast projects the spend known so far: to the period's end, or to the as-at date where that is
    -- earlier (a period running past the latest return), and never to before the grant began.
    SELECT p.*, g.*,
           least(p.p_end, g.end_date) - greatest(p.p_start, g.start_date) + 1 AS days_in_period,
           least(greatest(least(p.p_end, coalesce($as_at, p.p_end)), g.start_date) - g.start_date + 1,
                 g.grant_days) AS days_to_date
    FROM periods p JOIN grant_lines g ON g.start_date <= p.p_end AND g.end_date >= p.p_start
),
spent AS (
    SELECT o.period_key, o."grant", o.budget_line,
           sum(s.amount_gbp) FILTER (WHERE s.month_start >= o.p_start) AS actual,
           sum(s.amount_gbp) AS actual_to_date
    FROM overlapping o JOIN spend_charged s
      ON s.service = $service AND s."grant" = o."grant" AND s.budget_line = o.budget_line
     AND s.month_start >= date_trunc('month', o.start_date) AND s.month_start <= o.p_end
    GROUP BY ALL
),
spend_facts AS (
    SELECT o.period_key, o."grant", o.budget_line, o.amount AS budget,
           CAST(coalesce(s.actual, 0) AS DOUBLE) AS actual,
           o.amount * o.days_in_period / o.grant_days AS expected,
           CAST(coalesce(s.actual_to_date, 0) AS DOUBLE) * o.grant_days / o.days_to_date AS forecast_outturn
    FROM overlapping o LEFT JOIN spent s USING (period_key, "grant", budget_line)
)"""

# Each set of facts: its table and its SQL; the case sets need the cases first (_CASES).
_FACTS = {"cases": ("case_facts", _case_facts("case_facts", _IN_PERIOD)),
          **{population: (f"{population}_facts", _event_facts(population)) for population in _EVENTS},
          "activity": ("activity_facts", _ACTIVITY_FACTS), "spend": ("spend_facts", _SPEND_FACTS)}
_OF_CASES = ("cases", *_EVENTS)


def needed(names: list[str]) -> list[Measure]:
    """The measures named and every measure their formulas are built from, in registry order."""
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name not in wanted:
            wanted.add(name)
            for part in MEASURES[name].parts:
                add(part)

    for name in names:
        add(name)
    return [m for m in MEASURES.values() if m.name in wanted]


def _aggregates(m: Measure) -> list[str]:
    if m.is_rate:
        return [f"{m.numerator} AS {m.name}__num", f"{m.denominator} AS {m.name}__den"]
    return [f"{m.sql} AS {m.name}"] + ([f"{m.behind} AS {m.name}__den"] if m.behind else [])


def _expanded(m: Measure) -> str:
    """A formula with every measure it names written out: base measures as columns, formulas in full."""
    text = m.formula
    for part in m.parts:
        inner = MEASURES[part]
        text = text.replace("{" + part + "}", f"({_expanded(inner)})" if inner.formula else part)
    return text


def _base_columns(m: Measure) -> list[str]:
    """A base measure's columns of the figures: a count or a sum over no facts is 0, a median undefined."""
    names = [f"{m.name}__num", f"{m.name}__den"] if m.is_rate else [m.name] + ([f"{m.name}__den"] if m.behind else [])
    return [name if name == m.name and m.behind else f"coalesce({name}, 0) AS {name}" for name in names]


def facts_of(m: Measure, events_apart: bool = True) -> str:
    """The facts a base measure is aggregated over: its source's, or those of the one event population it counts."""
    if m.source != "cases" or not events_apart:
        return m.source
    text = re.sub(r"'[^']*'", "", " ".join(_aggregates(m)))  # code literals are not population names
    used = {population for population in POPULATIONS if re.search(rf"\b{population}\b", text)}
    return used.pop() if len(used) == 1 and used <= set(_EVENTS) else "cases"


def figures_sql(measures: list[Measure], by: str | None = None, events_apart: bool = True) -> str:
    """One row per period (and per value of the spend facts' column `by`) with a column per measure.

    With `events_apart`, measures of an event population count over its own facts: worth it for many
    periods, where the case facts hold each case once for every period it is open in; for one period
    they hold each case once anyway.
    """
    of = {m.name: facts_of(m, events_apart) for m in measures if not m.formula}
    sets = [s for s in _FACTS if s in of.values()]
    ctes = ([_PERIODS] + ([_CASES] if set(sets) & set(_OF_CASES) else [])
            + ([_PERIOD_MONTHS] if set(sets) & set(_EVENTS) else []) + [_FACTS[s][1] for s in sets])
    keys = ["period_key"] + ([by] if by else [])
    joined = []
    for source in sets:
        table = _FACTS[source][0]
        aggregates = [a for m in measures if of.get(m.name) == source for a in _aggregates(m)]
        ctes.append(f"{source}_figures AS (SELECT {', '.join(keys)}, {', '.join(aggregates)} "
                    f"FROM {table} GROUP BY {', '.join(keys)})")
        joined.append(f"{source}_figures")
    base = [c for m in measures if not m.formula for c in _base_columns(m)]
    if by:  # a breakdown of the spend facts: only its rows
        body = f"SELECT * FROM {joined[0]}"
    else:
        body = "SELECT * FROM periods p " + " ".join(f"LEFT JOIN {j} USING (period_key)" for j in joined)
    formulas = [f"{_expanded(m)} AS {m.name}" for m in measures if m.formula]
    ctes.append(f"figures AS (SELECT {', '.join(keys)}, {', '.join(base)} FROM ({body}))")
    return f"WITH {', '.join(ctes)} SELECT *{''.join(', ' + f for f in formulas)} FROM figures"


def breakdown_sql(population: str, dimension: str, missing: str, events_apart: bool = True) -> str:
    """Cases of a population by period and by one coded column (NULL as `missing`)."""
    if population not in POPULATIONS:
        raise ValueError(f"{population!r} is not a population of cases")
    table, facts = _FACTS[population if events_apart and population in _EVENTS else "cases"]
    return (f"WITH {_PERIODS}, {_CASES}, {_PERIOD_MONTHS}, {facts} "
            f"SELECT period_key, coalesce(\"{dimension}\", {missing}) AS category, "
            f"count(*) AS n FROM {table} WHERE {population} GROUP BY ALL")
