"""The sheets of the monthly return and of the reference data, their codes and the limits on uploads."""

from __future__ import annotations

from metrics.contract.columns import Column, Sheet


def _code(name, codes, description, required=True):
    return Column(name, "code", description, required=required, codes=tuple(codes))


OUTCOME_CODES = ("Improved", "No change", "Not known")
YES_NO = ("Yes", "No")

# The six cope-and-recover areas: short key, column, plain-English description.
OUTCOME_AREAS = (
    ("safer", "outcome_safer", "feels safer"),
    ("health", "outcome_health", "improved health and wellbeing"),
    ("cope", "outcome_cope", "better able to cope with everyday life"),
    ("informed", "outcome_informed", "better informed and empowered"),
    ("access", "outcome_access", "better access to other services"),
    ("justice", "outcome_justice", "able to engage with the justice process"),
)

CASE_REF_PATTERN = r"[A-Za-z0-9/-]{1,30}"

ABOUT = Sheet(
    "About",
    "keyvalue",
    (
        Column("service", "text", "Name of the commissioned service, e.g. Connect Gwent MSHT Advocate"),
        Column("reporting_month", "month", "The calendar month this return covers, as YYYY-MM"),
        Column("prepared_by", "text", "Who prepared the return"),
        Column("submitted_on", "date", "The date the return was submitted"),
    ),
    "Who is reporting and for which month.",
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
            "Pseudonymous case reference (letters, digits, - and /); never a name",
            pattern=CASE_REF_PATTERN,
            pattern_hint="use only letters, digits, '-' and '/', at most 30 characters, never a name",
        ),
        Column("referral_date", "date", "Date the referral was received; on or before the end of the month"),
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
            "Who referred the victim",
        ),
        _code(
            "exploitation_type",
            ("Labour", "Sexual", "Criminal", "Domestic servitude", "Multiple", "Not yet known"),
            "The form of exploitation; correct 'Not yet known' in a later return",
        ),
        _code("nationality_group", ("UK", "EU/EEA", "Non-EU", "Unknown"), "Nationality group"),
        _code(
            "age_band",
            ("Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "Unknown"),
            "Age band at referral",
        ),
        _code("gender", ("Female", "Male", "Other / not stated"), "Gender"),
        _code(
            "trafficking_indicated",
            ("Yes", "No", "Unknown"),
            "Whether any form of trafficking was indicated (slavery and trafficking are not the same)",
        ),
        _code(
            "nrm_status",
            ("Referred to NRM", "Already in NRM", "Declined NRM referral", "Outside NRM threshold", "Not yet assessed"),
            "National Referral Mechanism status",
        ),
        _code(
            "duty_to_notify",
            ("Yes", "No", "Not applicable"),
            "Yes when an MS1 notification was made for an adult who declined the NRM",
        ),
        Column(
            "first_contact_date",
            "date",
            "Date of first contact with the victim; not before the referral",
            required=False,
        ),
        _code(
            "support_level",
            ("Short-term", "Specialist", "Advice and signposting", "Declined support"),
            "Level of support given (blank counts as supported)",
            required=False,
        ),
        _code(
            "intelligence_shared",
            YES_NO,
            "Intelligence passed to police with consent or via third-party reporting",
            required=False,
        ),
        Column(
            "closed_date",
            "date",
            "Date the case closed; not before the referral, not after the month end",
            required=False,
        ),
        _code(
            "closure_reason",
            ("Support completed", "Disengaged", "Moved out of area", "Transferred", "Other"),
            "Why the case closed; required when closed_date is set",
            required=False,
        ),
        *(_code(column, OUTCOME_CODES, f"At closure: {text}", required=False) for _, column, text in OUTCOME_AREAS),
        _code(
            "voice_captured",
            YES_NO,
            "The victim's views were recorded to inform service or policy",
            required=False,
        ),
    ),
    "One row per case open at any time during the month: new referrals, continuing cases and "
    "cases closed in the month. A later return's row for the same case_ref is its newer state.",
    table="raw_cases",
)

ACTIVITY_MEASURES = (
    ("partnership_meetings", "Partnership meetings attended"),
    ("training_sessions", "Training sessions delivered"),
    ("professionals_trained", "Professionals trained"),
    ("awareness_events", "Awareness events held"),
    ("partner_advice_requests", "Ad-hoc advice to the Anti-Slavery Group and partners"),
    ("third_party_reports", "Intelligence reports passed to police"),
    ("policy_contributions", "Consultations or reviews that victims' voices informed"),
)

ACTIVITY = Sheet(
    "Activity",
    "keyvalue",
    tuple(Column(name, "int", label) for name, label in ACTIVITY_MEASURES),
    "One count a row for the month: non-negative whole numbers.",
    key_header="measure",
    value_header="count",
    table="raw_activity",
)

SPEND = Sheet(
    "Spend",
    "table",
    (
        _code("budget_line", ("Salary", "On-costs"), "The budget line the spend is charged to"),
        Column("detail", "text", "What it was, e.g. Travel, Pension, Management; say 'refund' for a refund"),
        Column(
            "amount_gbp",
            "number",
            "Amount in pounds; negative only for a refund (detail saying so)",
        ),
        Column(
            "grant",
            "text",
            "The grant, needed only in a month that two grants share",
            required=False,
        ),
    ),
    "One row per line of actual spend in the month.",
    table="raw_spend",
    total_of="amount_gbp",
)

# The commentary's own topics; a measure's name from the registry is a topic too (metrics.returns.topics
# adds them, since the registry sits above the contract).
COMMENTARY_TOPICS = ("Overall", "Risks and issues", "Partnership work", "Victims' voices")
MAX_COMMENTARY_CHARACTERS = 2000

COMMENTARY = Sheet(
    "Commentary",
    "table",
    (
        Column("topic", "code", "Overall, Risks and issues, Partnership work, Victims' voices, or the name of a "
               "measure (listed in the allowed values)", codes=COMMENTARY_TOPICS,
               codes_hint="is not a topic: use Overall, Risks and issues, Partnership work, Victims' voices or the "
               "name of a measure (the Notes sheet lists them)"),
        Column("text", "text", f"The provider's commentary on the topic for the month, up to "
               f"{MAX_COMMENTARY_CHARACTERS:,} characters; no names", max_length=MAX_COMMENTARY_CHARACTERS),
    ),
    "Optional: the provider's commentary for the month, one row per topic, shown beside its measure and in "
    "the scrutiny pack.",
    table="raw_commentary",
    optional=True,
)

VOICES = Sheet(
    "Voices",
    "table",
    (
        Column("theme", "text", "What the voice speaks to, e.g. Housing, Being believed, Police contact"),
        Column("quote_or_summary", "text", "The victim's words or a summary of them, up to "
               f"{MAX_COMMENTARY_CHARACTERS:,} characters; nothing that identifies anyone",
               max_length=MAX_COMMENTARY_CHARACTERS),
        _code("consent_to_share", YES_NO, "Yes only when the victim agreed to it being shared with the PCC's "
              "office; a No row is not loaded"),
        Column("case_ref", "text", "Optional: the case it comes from, a case_ref of this return's Cases sheet",
               required=False, pattern=CASE_REF_PATTERN, pattern_hint=CASES.column("case_ref").pattern_hint),
    ),
    "Optional: victims' voices for the manager and the PCC's office only, never the partnership. Text that "
    "looks identifying is listed for the manager to check before anything loads.",
    table="raw_voices",
    optional=True,
)

RETURN_SHEETS = (ABOUT, CASES, ACTIVITY, SPEND, COMMENTARY, VOICES)

# Reference data and settings the manager keeps, each importable and exportable as CSV.
BUDGET = Sheet(
    "budget",
    "table",
    (
        Column("grant", "text", "Name of the grant, e.g. Pilot 2018-19"),
        SPEND.column("budget_line"),
        Column("amount_gbp", "number", "Budget for the line over the whole grant, in pounds"),
        Column("start_date", "date", "First day of the grant"),
        Column("end_date", "date", "Last day of the grant"),
    ),
    "Budget lines of each grant.",
    table="budget",
)

KPI_TARGETS = Sheet(
    "kpi_targets",
    "table",
    (
        Column("measure", "text", "Name of a graded measure"),
        Column("target", "number", "The target, in the measure's unit", sql_type="DOUBLE"),
        _code("better", ("higher", "lower"), "Whether higher or lower is better"),
        Column("amber_band", "number", "How far short of target is still amber", sql_type="DOUBLE"),
    ),
    "Targets for the graded measures.",
    table="kpi_targets",
)

NRM_REFERRALS = Sheet(
    "nrm_referrals",
    "table",
    (
        Column("area", "text", "Area, e.g. UK or Gwent Police"),
        Column("period_start", "date", "First day of the period"),
        Column("period_end", "date", "Last day of the period"),
        Column("referrals", "int", "NRM referrals in the period"),
    ),
    "Published NRM referral counts to compare the service's growth against.",
    table="nrm_referrals",
)

BANK_HOLIDAYS = Sheet(
    "bank_holidays",
    "table",
    (
        Column("date", "date", "The bank holiday"),
        Column("name", "text", "Its name"),
    ),
    "Bank holidays of England and Wales.",
    table="bank_holidays",
)

REFERENCE_SHEETS = (BUDGET, KPI_TARGETS, NRM_REFERRALS, BANK_HOLIDAYS)

DEFAULT_COST_BENEFIT_RATIO = 3.35
DEFAULT_COST_BENEFIT_SOURCE = (
    "Thames Valley PCC, Modern Slavery National Network meeting, 1 October 2019: cost-benefit "
    "analysis of independent trauma advisor services found about £3.35 saved from the public "
    "purse for every £1 spent."
)

# Limits that protect the service from accidental or hostile uploads.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 50_000
EARLIEST_DATE = "2000-01-01"
