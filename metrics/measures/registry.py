"""The measure registry: every measure defined once, as Evidence defines its metrics.

A measure is either an aggregate over the facts of one source (the latest snapshot of each case,
the monthly Activity counts, the spend lines of each grant) or a formula over named measures
(`{spend_actual} / nullif({victims_supported}, 0)`). Beside its definition it carries everything
else that decides how it is shown: label, unit and format, whether it counts people (disclosure
control applies), whether it adds up over periods (the months' values sum to the period's), its
target direction and the sentence of its reading, and where `report --json` puts it. The report,
the text report, the pack's tables, the README's table and the disclosure rules are all derived
from these attributes: nothing else names a measure to treat it differently.

Case measures count populations: named rules saying which cases count in a period (POPULATIONS).

A measure's label, description and reading are English, marked for translation (N_) where they are
written here: `report --json`, the README's table and the checks read them as they are; whatever shows
them to people reads `shown_label`, `shown_description` and `shown_reading` (in the run's language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from metrics.contract import ACTIVITY_MEASURES, CASES, OUTCOME_AREAS
from metrics.i18n import N_, _
from metrics.measures.wording import ACTIVITY_TEXTS, OUTCOME_TEXTS

# Formats (metrics.measures.formatting): how a value of each unit is written by default.
FORMAT_OF_UNIT = {"count": "whole", "rate": "percent", "days": "days", "gbp": "money"}
SOURCES = ("cases", "activity", "spend", "formula")


def code(column: str, *values: str) -> str:
    """A SQL literal list of codes, checked against the contract so that a typo cannot hide."""
    allowed = CASES.column(column).codes
    for value in values:
        if value not in allowed:
            raise ValueError(f"{value!r} is not a code of {column}")
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


# Who counts in a period, as conditions over a case's latest snapshot (c) and the period (p_start,
# p_end); `deadline` is its referral's deadline for first contact (store.marts' referral_deadlines).
POPULATIONS = {
    "referred": "c.referral_date BETWEEN p.p_start AND p.p_end",
    # open at some time in the period and first contacted by its end
    "in_contact": "c.first_contact_date <= p.p_end AND c.referral_date <= p.p_end "
    "AND (c.closed_date IS NULL OR c.closed_date >= p.p_start)",
    # ... and not declining support (a blank support level counts as supported)
    "supported": "c.first_contact_date <= p.p_end AND c.referral_date <= p.p_end "
    "AND (c.closed_date IS NULL OR c.closed_date >= p.p_start) "
    f"AND coalesce(c.support_level, '') NOT IN ({code('support_level', 'Declined support')})",
    # ... and declining support
    "declined": "c.first_contact_date <= p.p_end AND c.referral_date <= p.p_end "
    "AND (c.closed_date IS NULL OR c.closed_date >= p.p_start) "
    f"AND c.support_level IN ({code('support_level', 'Declined support')})",
    "closed": "coalesce(c.closed_date BETWEEN p.p_start AND p.p_end, false)",
    "open_at_end": "c.referral_date <= p.p_end AND (c.closed_date IS NULL OR c.closed_date > p.p_end)",
}
# A case is referred in one month and closed in one month: these populations' counts add up over months.
ADDITIVE_POPULATIONS = ("referred", "closed")
# A referral's first contact: timely by its deadline, late, missed once the deadline has passed the
# as-at date without one, or pending before.
CONTACT_STATUS = """CASE WHEN c.first_contact_date <= c.deadline THEN 'timely'
                         WHEN c.first_contact_date IS NOT NULL THEN 'late'
                         WHEN c.deadline <= $as_at THEN 'missed'
                         ELSE 'pending' END"""


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    unit: str  # count | rate | days | gbp
    description: str
    source: str  # cases | activity | spend | formula
    sql: str = ""  # an aggregate over the source's facts
    numerator: str = ""  # a rate of cases: two aggregates over the case facts
    denominator: str = ""
    formula: str = ""  # over named measures, in braces; $cost_benefit_ratio is the setting
    people: bool = False  # a count of people: disclosure control applies
    additive: bool = False  # adds up over periods: the months' values sum to the period's
    better: str = ""  # higher | lower | '' (not graded)
    reading: str = ""  # the plain-English sentence of a graded reading
    report_key: str = ""  # where `report --json` puts it: "closures", "outcome_rates.safer"; "" for nowhere
    by_budget_line: bool = False  # the report also gives it for each budget line
    balance_of: tuple[str, ...] = ()  # a stock: last period's value plus the first flow less the second
    behind: str = ""  # a statistic of people: the count of the people it is worked out over
    population: str = ""  # a count of one population (POPULATIONS), with nothing more: it can be broken down
    within: str = ""  # the population its people are part of (a rate's numerator and denominator both)
    breakdowns: tuple[str, ...] = ()  # the coded fields (BREAKDOWNS) it is shown broken down by
    # the same people as another figure: (measure, 'field=code'); a rate's numerator or denominator likewise
    equals: tuple[str, str] = ()
    numerator_is: tuple[str, str] = ()
    denominator_is: tuple[str, str] = ()
    format: str = ""  # metrics.measures.formatting; the unit's (FORMAT_OF_UNIT) when not given

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"{self.name}: source must be one of {SOURCES}")
        if not self.format:
            object.__setattr__(self, "format", FORMAT_OF_UNIT[self.unit])
        if bool(self.formula) != (self.source == "formula") or not (self.sql or self.numerator or self.formula):
            raise ValueError(f"{self.name}: a measure has SQL over its source's facts or a formula")

    @property
    def shown_label(self) -> str:
        """The label as people read it, in the run's language."""
        return _(self.label)

    @property
    def shown_description(self) -> str:
        """The description as people read it, in the run's language."""
        return _(self.description)

    @property
    def shown_reading(self) -> str:
        """The reading's sentence in the run's language, its placeholders ({num}, {den}, {value}) kept."""
        return _(self.reading)

    @property
    def is_rate(self) -> bool:
        return bool(self.numerator)

    @property
    def parts(self) -> list[str]:
        """The measures a formula is built from, in order."""
        return re.findall(r"\{(\w+)\}", self.formula)


def _count(population: str, *conditions: str) -> str:
    return f"count(*) FILTER (WHERE {' AND '.join([population, *conditions])})"


def _case_count(name, label, description, population, *conditions, report_key=None, breakdowns=(),
                equals=()) -> Measure:
    return Measure(name, label, "count", description, "cases", sql=_count(population, *conditions), people=True,
                   additive=population in ADDITIVE_POPULATIONS, report_key=name if report_key is None else report_key,
                   population="" if conditions else population, within=population, breakdowns=breakdowns,
                   equals=equals)


def _case_rate(name, label, description, within, numerator, denominator, reading, better="", report_key=None,
               numerator_is=(), denominator_is=()) -> Measure:
    return Measure(name, label, "rate", description, "cases", numerator=_count(within, numerator),
                   denominator=_count(within, denominator) if denominator else _count(within), within=within,
                   better=better, reading=reading, report_key=name if report_key is None else report_key,
                   numerator_is=numerator_is, denominator_is=denominator_is)


_MEASURES: list[Measure] = [
    _case_count("referrals_received", N_("Referrals received"), N_("Cases whose referral date falls in the period."),
                "referred", breakdowns=("referral_source", "exploitation_type", "nationality_group", "age_band",
                                        "gender", "nrm_status", "support_level")),
    _case_count("victims_supported", N_("Victims supported"),
                N_("Cases open at some time in the period, first contacted by its end, and not declining support "
                   "(a blank support level counts as supported)."), "supported", breakdowns=("support_level",)),
    _case_count("support_declined", N_("Declined support"),
                N_("People open at some time in the period and first contacted by its end who declined support "
                   "(with the victims supported, everyone the advocate was in contact with)."), "declined",
                report_key=""),
    _case_rate(
        "timely_contact_rate", N_("Timely first contact"),
        N_("Of referrals received in the period, the share first contacted by the second working day after "
           "referral (Monday to Friday, less bank holidays of England and Wales). A referral not yet "
           "contacted counts as missed once its deadline has passed the as-at date, and is pending before."),
        "referred", "contact_status = 'timely'", "contact_status <> 'pending'",
        N_("{num} of {den} referrals ({value}) were contacted within 2 working days"), better="higher"),
    Measure(
        "median_days_to_contact", N_("Median days to first contact"), "days",
        N_("Over referrals received in the period that have a first contact, the median number of calendar "
           "days from referral to first contact."), "cases",
        sql="median(first_contact_date - referral_date) FILTER (WHERE referred)",
        behind="count(first_contact_date) FILTER (WHERE referred)",
        better="lower", reading=N_("Half of the referrals were contacted within {value}"),
        report_key="median_days_to_contact"),
    Measure("caseload_end", N_("Caseload at the period's end"), "count",
            N_("Cases referred by the period's end and not closed by then."), "cases", sql=_count("open_at_end"),
            people=True, balance_of=("referrals_received", "closures"), report_key="caseload_end"),
    _case_count("closures", N_("Cases closed"), N_("Cases whose closed date falls in the period."), "closed"),
    _case_rate(
        "planned_closure_rate", N_("Planned closures"),
        N_("Of cases closed in the period, the share closed because support was completed."),
        "closed", f"closure_reason IN ({code('closure_reason', 'Support completed')})", "",
        N_("{num} of {den} closures ({value}) were planned: support completed"), better="higher",
        denominator_is=("closures", "")),
    *(
        _case_rate(
            f"outcome_{key}_rate", OUTCOME_TEXTS[key][0], OUTCOME_TEXTS[key][1],
            "closed", f"{column} IN ({code(column, 'Improved')})",
            f"{column} IN ({code(column, 'Improved', 'No change')})",
            OUTCOME_TEXTS[key][2], better="higher",
            report_key=f"outcome_rates.{key}")
        for key, column, _text in OUTCOME_AREAS
    ),
    _case_rate(
        "voice_captured_rate", N_("Victim's voice captured"),
        N_("Of cases closed in the period, the share whose views were recorded to inform service or policy."),
        "closed", f"voice_captured IN ({code('voice_captured', 'Yes')})", "",
        N_("The victim's voice was captured in {num} of {den} closures ({value})"), better="higher",
        denominator_is=("closures", "")),
    _case_rate(
        "outside_nrm_rate", N_("Supported outside the NRM"),
        N_("Of victims supported, the share who declined an NRM referral or fell outside its threshold: "
           "the gap the post was created to fill."),
        "supported", f"nrm_status IN ({code('nrm_status', 'Declined NRM referral', 'Outside NRM threshold')})",
        "", N_("{num} of {den} victims supported ({value}) were outside the NRM"),
        denominator_is=("victims_supported", "")),
    _case_count("nrm_referrals", N_("NRM referrals"),
                N_("Referrals received in the period with NRM status 'Referred to NRM'."),
                "referred", f"nrm_status IN ({code('nrm_status', 'Referred to NRM')})",
                equals=("referrals_received", "nrm_status=Referred to NRM")),
    _case_count("duty_to_notify_referrals", N_("MS1 notifications (duty to notify)"),
                N_("Referrals received in the period for which an MS1 notification was made."),
                "referred", f"duty_to_notify IN ({code('duty_to_notify', 'Yes')})"),
    # The Activity counts come in the report before the two myths, where `report --json` has always had them.
    *(
        Measure(f"activity_{name}", ACTIVITY_TEXTS[name][0], "count", ACTIVITY_TEXTS[name][1],
                "activity", sql=f"sum(count) FILTER (WHERE measure = '{name}')", additive=True,
                report_key=f"activity.{name}")
        for name, _label in ACTIVITY_MEASURES
    ),
    _case_rate(
        "uk_national_rate", N_("Referrals who are UK nationals"),
        N_("Of referrals received in the period, the share in nationality group UK ('Unknown' stays in the "
           "denominator). Myth busted: the largest group are UK citizens."),
        "referred", f"nationality_group IN ({code('nationality_group', 'UK')})", "",
        N_("{num} of {den} referrals ({value}) were UK nationals"),
        numerator_is=("referrals_received", "nationality_group=UK"), denominator_is=("referrals_received", "")),
    _case_rate(
        "trafficking_indicated_rate", N_("Referrals with trafficking indicated"),
        N_("Of referrals received in the period, the share where any trafficking was indicated ('Unknown' stays "
           "in the denominator). Myth busted: modern slavery and trafficking are not the same thing."),
        "referred", f"trafficking_indicated IN ({code('trafficking_indicated', 'Yes')})", "",
        N_("{num} of {den} referrals ({value}) involved any form of trafficking"),
        denominator_is=("referrals_received", "")),
    Measure("spend_budget", N_("Budget"), "gbp", N_("Budget of the lines whose grant overlaps the period."), "spend",
            sql="sum(budget)", report_key="spend.budget", by_budget_line=True),
    Measure("spend_actual", N_("Actual spend"), "gbp", N_("Spend rows of the period's months."), "spend",
            sql="sum(actual)", additive=True, report_key="spend.actual", by_budget_line=True),
    Measure("spend_expected", N_("Expected spend"), "gbp",
            N_("Each budget line's amount times the share of its grant's days that fall in the period."), "spend",
            sql="sum(expected)", additive=True, report_key="spend.expected", by_budget_line=True),
    Measure("spend_variance", N_("Variance"), "gbp", N_("Actual minus expected spend (positive is overspend)."),
            "formula", formula="{spend_actual} - {spend_expected}", report_key="spend.variance", by_budget_line=True),
    Measure("spend_variance_pct", N_("Variance (% of expected)"), "rate", N_("Variance as a share of expected."),
            "formula", formula="{spend_variance} / nullif({spend_expected}, 0)", report_key="spend.variance_pct",
            by_budget_line=True),
    Measure("spend_forecast_outturn", N_("Forecast outturn"), "gbp",
            N_("Spend from the grant's start to the period's end (or to the as-at date, where that is earlier), "
               "scaled to the grant's full length."), "spend",
            sql="sum(forecast_outturn)", report_key="spend.forecast_outturn", by_budget_line=True),
    Measure("spend_variance_abs", N_("Spend on profile"), "rate",
            N_("How far actual spend is from the expected profile, either way, as a share of expected."), "formula",
            formula="abs({spend_variance_pct})", better="lower",
            reading=N_("Spend of {spend_actual} against {spend_expected} expected is {value} off profile")),
    Measure("cost_per_victim", N_("Cost per victim supported"), "gbp",
            N_("Actual spend in the period divided by victims supported."), "formula",
            formula="{spend_actual} / nullif({victims_supported}, 0)", report_key="cost_per_victim"),
    Measure("estimated_saving", N_("Estimated public-money saving"), "gbp",
            N_("Actual spend times the cost-benefit ratio (an estimate; the ratio and its source are settings)."),
            "formula", formula="{spend_actual} * $cost_benefit_ratio", report_key="estimated_saving"),
]

MEASURES: dict[str, Measure] = {m.name: m for m in _MEASURES}
# Dimensions a count of cases can be broken down by: the coded columns of the contract.
# Their names are marked for translation: shown as _(BREAKDOWNS[dimension]) (or breakdown_label).
BREAKDOWNS = {
    "referral_source": N_("Referral source"),
    "exploitation_type": N_("Exploitation type"),
    "nationality_group": N_("Nationality group"),
    "age_band": N_("Age band"),
    "gender": N_("Gender"),
    "nrm_status": N_("NRM status"),
    "support_level": N_("Support level"),
}


def breakdown_label(dimension: str) -> str:
    """A dimension's name as people read it ('Referral source'), in the run's language."""
    return _(BREAKDOWNS[dimension])


def measure(name: str) -> Measure:
    try:
        return MEASURES[name]
    except KeyError:
        raise KeyError(f"no measure named {name!r}") from None


def graded() -> list[Measure]:
    return [m for m in _MEASURES if m.better]


def of_source(source: str) -> list[Measure]:
    return [m for m in _MEASURES if m.source == source]
