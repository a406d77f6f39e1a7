"""The measure registry: every measure defined once, with its label, unit, description and SQL.

Case measures are aggregate expressions over `case_facts`, one row per case per period, which
says for each case whether, in that period, it was referred, supported, closed or open at the
end, and whether its first contact was timely, late, missed or still pending. A rate names a
numerator and a denominator; a composed measure names the measures it is built from. One query
computes every case measure for any number of periods, so a report, its previous period and a
monthly series are each one round trip. Every value is bound; SQL text comes only from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.contract import ACTIVITY_MEASURES, CASES, OUTCOME_AREAS


def code(column: str, *values: str) -> str:
    """A SQL literal list of codes, checked against the contract so that a typo cannot hide."""
    allowed = CASES.column(column).codes
    for value in values:
        if value not in allowed:
            raise ValueError(f"{value!r} is not a code of {column}")
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    unit: str  # count | rate | days | gbp | ratio
    description: str
    kind: str  # case | activity | spend | derived
    sql: str = ""  # case: an aggregate over case_facts (count measures)
    numerator: str = ""  # rate: aggregates over case_facts
    denominator: str = ""
    better: str = ""  # higher | lower | '' (not graded by default)
    reading: str = ""  # plain-English template for the graded reading
    people: bool = False  # a count of people: suppressed for the partnership audience

    @property
    def is_rate(self) -> bool:
        return bool(self.numerator)


def _count(where: str) -> str:
    return f"count(*) FILTER (WHERE {where})"


# How each outcome reads in a sentence: "4 of 5 closed cases (80%) felt safer".
OUTCOME_READINGS = {
    "safer": "felt safer",
    "health": "had better health and wellbeing",
    "cope": "were better able to cope with everyday life",
    "informed": "were better informed and empowered",
    "access": "had better access to other services",
    "justice": "were better able to engage with the justice process",
}

REFERRED = "referred"
SUPPORTED = "supported"
CLOSED = "closed"

_MEASURES: list[Measure] = [
    Measure(
        "referrals_received",
        "Referrals received",
        "count",
        "Cases whose referral date falls in the period.",
        "case",
        sql=_count(REFERRED),
        people=True,
    ),
    Measure(
        "victims_supported",
        "Victims supported",
        "count",
        "Cases open at some time in the period, first contacted by its end, and not declining support "
        "(a blank support level counts as supported).",
        "case",
        sql=_count(SUPPORTED),
        people=True,
    ),
    Measure(
        "timely_contact_rate",
        "Timely first contact",
        "rate",
        "Of referrals received in the period, the share first contacted by the second working day after "
        "referral (Monday to Friday, less bank holidays of England and Wales). A referral not yet "
        "contacted counts as missed once its deadline has passed the as-at date, and is pending before.",
        "case",
        numerator=_count(f"{REFERRED} AND contact_status = 'timely'"),
        denominator=_count(f"{REFERRED} AND contact_status <> 'pending'"),
        better="higher",
        reading="{num} of {den} referrals ({value}) were contacted within 2 working days",
    ),
    Measure(
        "median_days_to_contact",
        "Median days to first contact",
        "days",
        "Over referrals received in the period that have a first contact, the median number of calendar "
        "days from referral to first contact.",
        "case",
        sql=f"median(first_contact_date - referral_date) FILTER (WHERE {REFERRED})",
        better="lower",
        reading="Half of the referrals were contacted within {value}",
    ),
    Measure(
        "caseload_end",
        "Caseload at the period's end",
        "count",
        "Cases referred by the period's end and not closed by then.",
        "case",
        sql=_count("open_at_end"),
        people=True,
    ),
    Measure(
        "closures",
        "Cases closed",
        "count",
        "Cases whose closed date falls in the period.",
        "case",
        sql=_count(CLOSED),
        people=True,
    ),
    Measure(
        "planned_closure_rate",
        "Planned closures",
        "rate",
        "Of cases closed in the period, the share closed because support was completed.",
        "case",
        numerator=_count(f"{CLOSED} AND closure_reason IN ({code('closure_reason', 'Support completed')})"),
        denominator=_count(CLOSED),
        better="higher",
        reading="{num} of {den} closures ({value}) were planned: support completed",
    ),
    *(
        Measure(
            f"outcome_{key}_rate",
            f"Outcome: {text}",
            "rate",
            f"Of cases closed in the period with a known outcome for '{text}' (Improved or No change), "
            "the share Improved.",
            "case",
            numerator=_count(f"{CLOSED} AND {column} IN ({code(column, 'Improved')})"),
            denominator=_count(f"{CLOSED} AND {column} IN ({code(column, 'Improved', 'No change')})"),
            better="higher",
            reading=f"{{num}} of {{den}} closed cases ({{value}}) {OUTCOME_READINGS[key]}",
        )
        for key, column, text in OUTCOME_AREAS
    ),
    Measure(
        "voice_captured_rate",
        "Victim's voice captured",
        "rate",
        "Of cases closed in the period, the share whose views were recorded to inform service or policy.",
        "case",
        numerator=_count(f"{CLOSED} AND voice_captured IN ({code('voice_captured', 'Yes')})"),
        denominator=_count(CLOSED),
        better="higher",
        reading="The victim's voice was captured in {num} of {den} closures ({value})",
    ),
    Measure(
        "outside_nrm_rate",
        "Supported outside the NRM",
        "rate",
        "Of victims supported, the share who declined an NRM referral or fell outside its threshold: "
        "the gap the post was created to fill.",
        "case",
        numerator=_count(
            f"{SUPPORTED} AND nrm_status IN ({code('nrm_status', 'Declined NRM referral', 'Outside NRM threshold')})"
        ),
        denominator=_count(SUPPORTED),
        reading="{num} of {den} victims supported ({value}) were outside the NRM",
    ),
    Measure(
        "nrm_referrals",
        "NRM referrals",
        "count",
        "Referrals received in the period with NRM status 'Referred to NRM'.",
        "case",
        sql=_count(f"{REFERRED} AND nrm_status IN ({code('nrm_status', 'Referred to NRM')})"),
        people=True,
    ),
    Measure(
        "duty_to_notify_referrals",
        "MS1 notifications (duty to notify)",
        "count",
        "Referrals received in the period for which an MS1 notification was made.",
        "case",
        sql=_count(f"{REFERRED} AND duty_to_notify IN ({code('duty_to_notify', 'Yes')})"),
        people=True,
    ),
    Measure(
        "uk_national_rate",
        "Referrals who are UK nationals",
        "rate",
        "Of referrals received in the period, the share in nationality group UK ('Unknown' stays in the "
        "denominator). Myth busted: the largest group are UK citizens.",
        "case",
        numerator=_count(f"{REFERRED} AND nationality_group IN ({code('nationality_group', 'UK')})"),
        denominator=_count(REFERRED),
        reading="{num} of {den} referrals ({value}) were UK nationals",
    ),
    Measure(
        "trafficking_indicated_rate",
        "Referrals with trafficking indicated",
        "rate",
        "Of referrals received in the period, the share where any trafficking was indicated ('Unknown' stays "
        "in the denominator). Myth busted: modern slavery and trafficking are not the same thing.",
        "case",
        numerator=_count(f"{REFERRED} AND trafficking_indicated IN ({code('trafficking_indicated', 'Yes')})"),
        denominator=_count(REFERRED),
        reading="{num} of {den} referrals ({value}) involved any form of trafficking",
    ),
    *(
        Measure(
            f"activity_{name}",
            label,
            "count",
            f"{label}: the monthly Activity counts summed over the period.",
            "activity",
            sql=name,
        )
        for name, label in ACTIVITY_MEASURES
    ),
    Measure("spend_budget", "Budget", "gbp", "Budget of the lines whose grant overlaps the period.", "spend"),
    Measure("spend_actual", "Actual spend", "gbp", "Spend rows of the period's months.", "spend"),
    Measure(
        "spend_expected",
        "Expected spend",
        "gbp",
        "Each budget line's amount times the share of its grant's days that fall in the period.",
        "spend",
    ),
    Measure("spend_variance", "Variance", "gbp", "Actual minus expected spend (positive is overspend).", "spend"),
    Measure("spend_variance_pct", "Variance (% of expected)", "rate", "Variance as a share of expected.", "spend"),
    Measure(
        "spend_forecast_outturn",
        "Forecast outturn",
        "gbp",
        "Spend from the grant's start to the period's end, scaled to the grant's full length.",
        "spend",
    ),
    Measure(
        "spend_variance_abs",
        "Spend on profile",
        "rate",
        "How far actual spend is from the expected profile, either way, as a share of expected.",
        "derived",
        better="lower",
        reading="Spend of {actual} against {expected} expected is {value} off profile",
    ),
    Measure(
        "cost_per_victim",
        "Cost per victim supported",
        "gbp",
        "Actual spend in the period divided by victims supported.",
        "derived",
    ),
    Measure(
        "estimated_saving",
        "Estimated public-money saving",
        "gbp",
        "Actual spend times the cost-benefit ratio (an estimate; the ratio and its source are settings).",
        "derived",
    ),
]

MEASURES: dict[str, Measure] = {m.name: m for m in _MEASURES}
CASE_MEASURES = [m for m in _MEASURES if m.kind == "case"]
ACTIVITY_NAMES = [name for name, _ in ACTIVITY_MEASURES]
# Dimensions a referral count can be broken down by: the coded columns of the contract.
BREAKDOWNS = {
    "referral_source": "Referral source",
    "exploitation_type": "Exploitation type",
    "nationality_group": "Nationality group",
    "age_band": "Age band",
    "gender": "Gender",
    "nrm_status": "NRM status",
    "support_level": "Support level",
}


def measure(name: str) -> Measure:
    try:
        return MEASURES[name]
    except KeyError:
        raise KeyError(f"no measure named {name!r}") from None


def graded() -> list[Measure]:
    return [m for m in _MEASURES if m.better]


# case_facts: one row per (period, case) with the flags every case measure is built from.
# $period_keys, $period_starts and $period_ends are parallel lists; $as_at is the as-at date.
CASE_FACTS_SQL = f"""
WITH periods AS (
    SELECT unnest($period_keys) AS period_key, unnest($period_starts) AS p_start,
           unnest($period_ends) AS p_end
),
cases AS (
    SELECT * FROM cases_latest WHERE service = $service
),
deadlines AS (
    -- the second working day after the referral, looked up (metrics.store.DERIVED defines it)
    SELECT c.case_ref, d.deadline FROM cases c JOIN referral_deadlines d ON d.day = c.referral_date
),
case_facts AS (
    SELECT p.period_key, c.*, d.deadline,
           c.referral_date BETWEEN p.p_start AND p.p_end AS referred,
           c.first_contact_date <= p.p_end
             AND coalesce(c.support_level, '') NOT IN ({code("support_level", "Declined support")})
             AND c.referral_date <= p.p_end
             AND (c.closed_date IS NULL OR c.closed_date >= p.p_start) AS supported,
           coalesce(c.closed_date BETWEEN p.p_start AND p.p_end, false) AS closed,
           c.referral_date <= p.p_end AND (c.closed_date IS NULL OR c.closed_date > p.p_end) AS open_at_end,
           CASE WHEN c.first_contact_date <= d.deadline THEN 'timely'
                WHEN c.first_contact_date IS NOT NULL THEN 'late'
                WHEN d.deadline <= $as_at THEN 'missed'
                ELSE 'pending' END AS contact_status
    FROM periods p CROSS JOIN cases c LEFT JOIN deadlines d USING (case_ref)
)
"""
