"""The sheets of the monthly return and of the reference data, their codes and the limits on uploads."""

from __future__ import annotations

from metrics.contract.columns import Column, Sheet
from metrics.contract.texts import described
from metrics.i18n import N_


def _code(name, codes, description, required=True):
    return Column(name, "code", description, required=required, codes=tuple(codes))


OUTCOME_CODES = ("Improved", "No change", "Not known")
YES_NO = ("Yes", "No")

# The six cope-and-recover areas: short key, column, plain-English description (marked: shown as _(text)).
OUTCOME_AREAS = (
    ("safer", "outcome_safer", N_("feels safer")),
    ("health", "outcome_health", N_("improved health and wellbeing")),
    ("cope", "outcome_cope", N_("better able to cope with everyday life")),
    ("informed", "outcome_informed", N_("better informed and empowered")),
    ("access", "outcome_access", N_("better access to other services")),
    ("justice", "outcome_justice", N_("able to engage with the justice process")),
)

CASE_REF_PATTERN = r"[A-Za-z0-9/-]{1,30}"

ABOUT = Sheet(
    "About",
    "keyvalue",
    (
        Column("service", "text", N_("Name of the commissioned service, e.g. Connect Gwent MSHT Advocate")),
        Column("reporting_month", "month", N_("The calendar month this return covers, as YYYY-MM")),
        Column("prepared_by", "text", N_("Who prepared the return")),
        Column("submitted_on", "date", N_("The date the return was submitted")),
    ),
    N_("Who is reporting and for which month."),
    key_header="field",
    value_header="value",
    table="raw_about",
)

CASES = Sheet(
    "Cases",
    "table",
    (
        Column(
            "case_ref",
            "text",
            N_("Pseudonymous case reference (letters, digits, - and /); never a name"),
            pattern=CASE_REF_PATTERN,
            pattern_hint=N_("use only letters, digits, '-' and '/', at most 30 characters, never a name"),
        ),
        Column("referral_date", "date", N_("Date the referral was received; on or before the end of the month")),
        _code(
            "referral_source",
            (
                "Police",
                "Self-referral",
                "Local authority",
                "Health",
                "Voluntary sector",
                "Salvation Army",
                "Home Office",
                "Third-party report",
                "Other",
            ),
            N_("Who referred the victim"),
        ),
        _code(
            "exploitation_type",
            ("Labour", "Sexual", "Criminal", "Domestic servitude", "Multiple", "Not yet known"),
            N_("The form of exploitation; correct 'Not yet known' in a later return"),
        ),
        _code("nationality_group", ("UK", "EU/EEA", "Non-EU", "Unknown"), N_("Nationality group")),
        _code(
            "age_band",
            ("Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "Unknown"),
            N_("Age band at referral"),
        ),
        _code("gender", ("Female", "Male", "Other / not stated"), N_("Gender")),
        _code(
            "trafficking_indicated",
            ("Yes", "No", "Unknown"),
            N_("Whether any form of trafficking was indicated (slavery and trafficking are not the same)"),
        ),
        _code(
            "nrm_status",
            ("Referred to NRM", "Already in NRM", "Declined NRM referral", "Outside NRM threshold", "Not yet assessed"),
            N_("National Referral Mechanism status"),
        ),
        _code(
            "duty_to_notify",
            ("Yes", "No", "Not applicable"),
            N_("Yes when an MS1 notification was made for an adult who declined the NRM"),
        ),
        Column(
            "first_contact_date",
            "date",
            N_("Date of first contact with the victim; not before the referral"),
            required=False,
        ),
        _code(
            "support_level",
            ("Short-term", "Specialist", "Advice and signposting", "Declined support"),
            N_("Level of support given (blank counts as supported)"),
            required=False,
        ),
        _code(
            "intelligence_shared",
            YES_NO,
            N_("Intelligence passed to police with consent or via third-party reporting"),
            required=False,
        ),
        Column(
            "closed_date",
            "date",
            N_("Date the case closed; not before the referral, not after the month end"),
            required=False,
        ),
        _code(
            "closure_reason",
            ("Support completed", "Disengaged", "Moved out of area", "Transferred", "Other"),
            N_("Why the case closed; required when closed_date is set"),
            required=False,
        ),
        *(_code(column, OUTCOME_CODES, described(N_("At closure: {area}"), area=text), required=False)
          for _, column, text in OUTCOME_AREAS),
        _code(
            "voice_captured",
            YES_NO,
            N_("The victim's views were recorded to inform service or policy"),
            required=False,
        ),
    ),
    N_("One row per case open at any time during the month: new referrals, continuing cases and "
       "cases closed in the month. A later return's row for the same case_ref is its newer state."),
    table="raw_cases",
)

# The Activity fields: name, label (marked: shown as _(label)).
ACTIVITY_MEASURES = (
    ("partnership_meetings", N_("Partnership meetings attended")),
    ("training_sessions", N_("Training sessions delivered")),
    ("professionals_trained", N_("Professionals trained")),
    ("awareness_events", N_("Awareness events held")),
    ("partner_advice_requests", N_("Ad-hoc advice to the Anti-Slavery Group and partners")),
    ("third_party_reports", N_("Intelligence reports passed to police")),
    ("policy_contributions", N_("Consultations or reviews that victims' voices informed")),
)

ACTIVITY = Sheet(
    "Activity",
    "keyvalue",
    tuple(Column(name, "int", label) for name, label in ACTIVITY_MEASURES),
    N_("One count a row for the month: non-negative whole numbers."),
    key_header="measure",
    value_header="count",
    table="raw_activity",
)

SPEND = Sheet(
    "Spend",
    "table",
    (
        _code("budget_line", ("Salary", "On-costs"), N_("The budget line the spend is charged to")),
        Column("detail", "text", N_("What it was, e.g. Travel, Pension, Management; say 'refund' for a refund")),
        Column(
            "amount_gbp",
            "number",
            N_("Amount in pounds; negative only for a refund (detail saying so)"),
        ),
        Column(
            "grant",
            "text",
            N_("The grant, needed only in a month that two grants share"),
            required=False,
        ),
    ),
    N_("One row per line of actual spend in the month."),
    table="raw_spend",
    total_of="amount_gbp",
)

# The commentary's own topics; a measure's name from the registry is a topic too (metrics.returns.topics
# adds them, since the registry sits above the contract).
# Stored values, matched as typed (in English whatever the language): their display is code_text("topic", ...).
COMMENTARY_TOPICS = ("Overall", "Risks and issues", "Partnership work", "Victims' voices")
MAX_COMMENTARY_CHARACTERS = 2000

COMMENTARY = Sheet(
    "Commentary",
    "table",
    (
        Column("topic", "code", N_("Overall, Risks and issues, Partnership work, Victims' voices, or the name of a "
                                   "measure (listed in the allowed values)"), codes=COMMENTARY_TOPICS,
               codes_hint=N_("is not a topic: use Overall, Risks and issues, Partnership work, Victims' voices or "
                             "the name of a measure (the Notes sheet lists them)")),
        Column("text", "text", described(N_("The provider's commentary on the topic for the month, up to "
                                            "{characters} characters; no names"),
                                         characters=f"{MAX_COMMENTARY_CHARACTERS:,}"),
               max_length=MAX_COMMENTARY_CHARACTERS),
    ),
    N_("Optional: the provider's commentary for the month, one row per topic, shown beside its measure and in "
       "the scrutiny pack."),
    table="raw_commentary",
    optional=True,
)

VOICES = Sheet(
    "Voices",
    "table",
    (
        Column("theme", "text", N_("What the voice speaks to, e.g. Housing, Being believed, Police contact")),
        Column("quote_or_summary", "text", described(N_("The victim's words or a summary of them, up to "
                                                        "{characters} characters; nothing that identifies anyone"),
                                                     characters=f"{MAX_COMMENTARY_CHARACTERS:,}"),
               max_length=MAX_COMMENTARY_CHARACTERS),
        _code("consent_to_share", YES_NO, N_("Yes only when the victim agreed to it being shared with the PCC's "
                                             "office; a No row is not loaded")),
        Column("case_ref", "text", N_("Optional: the case it comes from, a case_ref of this return's Cases sheet"),
               required=False, pattern=CASE_REF_PATTERN, pattern_hint=CASES.column("case_ref").pattern_hint),
    ),
    N_("Optional: victims' voices for the manager and the PCC's office only, never the partnership. Text that "
       "looks identifying is listed for the manager to check before anything loads."),
    table="raw_voices",
    optional=True,
)

RETURN_SHEETS = (ABOUT, CASES, ACTIVITY, SPEND, COMMENTARY, VOICES)

# Reference data and settings the manager keeps, each importable and exportable as CSV.
BUDGET = Sheet(
    "budget",
    "table",
    (
        Column("grant", "text", N_("Name of the grant, e.g. Pilot 2018-19")),
        SPEND.column("budget_line"),
        Column("amount_gbp", "number", N_("Budget for the line over the whole grant, in pounds")),
        Column("start_date", "date", N_("First day of the grant")),
        Column("end_date", "date", N_("Last day of the grant")),
    ),
    N_("Budget lines of each grant."),
    table="budget",
)

KPI_TARGETS = Sheet(
    "kpi_targets",
    "table",
    (
        Column("measure", "text", N_("Name of a graded measure")),
        Column("target", "number", N_("The target, in the measure's unit"), sql_type="DOUBLE"),
        _code("better", ("higher", "lower"), N_("Whether higher or lower is better")),
        Column("amber_band", "number", N_("How far short of target is still amber"), sql_type="DOUBLE"),
    ),
    N_("Targets for the graded measures."),
    table="kpi_targets",
)

NRM_REFERRALS = Sheet(
    "nrm_referrals",
    "table",
    (
        Column("area", "text", N_("Area, e.g. UK or Gwent Police")),
        Column("period_start", "date", N_("First day of the period")),
        Column("period_end", "date", N_("Last day of the period")),
        Column("referrals", "int", N_("NRM referrals in the period")),
    ),
    N_("Published NRM referral counts to compare the service's growth against."),
    table="nrm_referrals",
)

BANK_HOLIDAYS = Sheet(
    "bank_holidays",
    "table",
    (
        Column("date", "date", N_("The bank holiday")),
        Column("name", "text", N_("Its name")),
    ),
    N_("Bank holidays of England and Wales."),
    table="bank_holidays",
)

REFERENCE_SHEETS = (BUDGET, KPI_TARGETS, NRM_REFERRALS, BANK_HOLIDAYS)

DEFAULT_COST_BENEFIT_RATIO = 3.35
# A setting's stored default value (not translated: the manager may edit it, and it is stored as written).
DEFAULT_COST_BENEFIT_SOURCE = (
    "Thames Valley PCC, Modern Slavery National Network meeting, 1 October 2019: cost-benefit "
    "analysis of independent trauma advisor services found about £3.35 saved from the public "
    "purse for every £1 spent."
)

# Limits that protect the service from accidental or hostile uploads.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 50_000
EARLIEST_DATE = "2000-01-01"
