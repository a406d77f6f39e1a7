"""The sample returns' Commentary and Voices: what a Connect Gwent manager writes to the PCC's office.

Written by hand for each month, with the month's own figures (referrals, their main source, the
activity counts) read from the generated return, so that the text agrees with the figures. Nothing
here draws on the generator's random numbers: adding the text changed no figure of the sample.
No real person is named; organisations are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

OVERALL = {
    "2018-06": "The service began on 1 June. The advocate post is filled and referral routes with Gwent Police and "
               "the local authorities are open. The first referrals arrived within a fortnight.",
    "2018-07": "A settled second month. Most new referrals came through police, as expected while partners learn "
               "what the service offers.",
    "2018-08": "Summer holidays slowed partnership work, but casework held up. Each victim's views are now "
               "recorded at the closing visit.",
    "2018-09": "Referrals from the voluntary sector picked up after the awareness sessions in August.",
    "2018-10": "A busy month: Anti-Slavery Day events brought new contacts with community groups.",
    "2018-11": "Caseload is steady. We reviewed every open case with the line manager and closed those where "
               "support was complete.",
    "2018-12": "The holiday period tested cover: some first contacts waited until after the bank holidays. "
               "Cover was arranged for urgent cases.",
    "2019-01": "This return was submitted late, after the advocate's leave: we have changed the rota so the "
               "return is prepared by the 15th even when the post-holder is away.",
    "2019-02": "Labour exploitation cases rose, most linked to car washes and food processing. Intelligence "
               "was shared with police where victims agreed.",
    "2019-03": "End of the financial year: spend is close to profile and the evaluation of the pilot has begun.",
    "2019-04": "The first month of the second year. Referrals are running higher than in the pilot's first "
               "months, in line with the growth in NRM referrals across Gwent.",
    "2019-05": "We supported victims through two court hearings this month, which took much of the advocate's time.",
    "2019-06": "The pilot year closes with every case reviewed. The end-of-grant evaluation will go to the PCC's "
               "office in July.",
}

RISKS = {
    "2018-06": "Single-post risk: the service depends on one advocate. A cover arrangement with the Salvation "
               "Army's regional team is being agreed.",
    "2018-09": "Waiting times for safe housing remain the largest risk to outcomes; two victims waited over a week.",
    "2018-12": "Bank holiday cover: first contact within two working days was missed for referrals received "
               "just before Christmas.",
    "2019-01": "The late return this month is a reporting risk. The new rota addresses it.",
    "2019-03": "The grant ends in June 2019: without a decision on continuation by May, notice must be given to "
               "the post-holder.",
    "2019-05": "Court support is growing and competes with new referrals for the advocate's time.",
    "2019-06": "Continuation after the pilot is not yet decided: the post-holder's contract ends with the grant.",
}

PARTNERSHIP = "{meetings} partnership meeting{s_meetings} attended and {sessions} training session{s_sessions} " \
              "delivered to {trained} professionals this month."
PARTNERSHIP_EXTRA = {
    "2018-07": " We joined the Anti-Slavery Group's operational subgroup.",
    "2018-10": " Anti-Slavery Day events were held with Gwent Police and the local authorities.",
    "2019-02": " Training for frontline housing staff was well received and more sessions were requested.",
}

MEASURES = {
    "2018-08": {"voice_captured_rate": "Every victim whose case closed this month had their views recorded."},
    "2018-12": {"timely_contact_rate": "Referrals received just before Christmas were contacted after the bank "
                                       "holidays; each was safe in the meantime."},
    "2019-01": {"timely_contact_rate": "Timely first contact fell again while the advocate was on leave; the new "
                                       "rota covers this from February."},
    "2019-03": {"spend_actual": "Spend is close to profile: the small overspend on on-costs is travel to two "
                                "court days."},
    "2019-06": {"outcome_safer_rate": "Over the pilot year four in five victims whose case closed said they felt "
                                      "safer; the feedback is collected at the closing visit."},
}

VOICES_TOPIC = {
    "2018-10": "Victims told us what helped: being believed, and having one person to call.",
    "2019-04": "Feedback this quarter centred on feeling safe at home and on contact with the Home Office.",
}

# Voices: (month, theme, text, consent, case index in the month's return or None). June's first names
# "the Job Centre", which the identity check lists as possibly a name: the manager read it and confirmed it
# (the last month is the one the browser test uploads, ticking that confirm).
VOICES = (
    ("2018-10", "Being believed", "For the first time someone believed me and did not judge me.", "Yes", None),
    ("2019-01", "Having one person", "I always knew who to call, even at night.", "Yes", 0),
    ("2019-02", "Housing", "Please do not share what I said about the house.", "No", None),
    ("2019-04", "Feeling safe", "I sleep now. I am not afraid when someone knocks.", "Yes", None),
    ("2019-06", "Work and money", "The Job Centre finally listened when my advocate came with me.", "Yes", 1),
)


# How a referral source reads in a sentence ("3 came from the police").
SOURCES = {"Police": "the police", "Self-referral": "self-referral", "Local authority": "local authorities",
           "Health": "health services", "Voluntary sector": "the voluntary sector",
           "Salvation Army": "the Salvation Army", "Home Office": "the Home Office",
           "Third-party report": "third-party reports", "Other": "other sources"}


def _plural(n: int) -> str:
    return "" if n == 1 else "s"


def _referrals(month: str, data: dict) -> str:
    first = dt.date.fromisoformat(month + "-01")
    new = [row for row in data["cases"] if row["referral_date"].replace(day=1) == first]
    if not new:
        return "No new referrals this month."
    source, count = Counter(row["referral_source"] for row in new).most_common(1)[0]
    return (f"{len(new)} new referral{_plural(len(new))} this month; {count} came from {SOURCES[source]}, as many "
            "as from any other source.")


def commentary(month: str, data: dict) -> list[dict]:
    """The month's Commentary rows."""
    activity = data["activity"]
    meetings, sessions = activity["partnership_meetings"], activity["training_sessions"]
    rows = [{"topic": "Overall", "text": OVERALL[month]}]
    if month in RISKS:
        rows.append({"topic": "Risks and issues", "text": RISKS[month]})
    rows.append({"topic": "Partnership work", "text": PARTNERSHIP.format(
        meetings=meetings, s_meetings=_plural(meetings), sessions=sessions, s_sessions=_plural(sessions),
        trained=activity["professionals_trained"]) + PARTNERSHIP_EXTRA.get(month, "")})
    rows.append({"topic": "referrals_received", "text": _referrals(month, data)})
    rows += [{"topic": name, "text": text} for name, text in MEASURES.get(month, {}).items()]
    if month in VOICES_TOPIC:
        rows.append({"topic": "Victims' voices", "text": VOICES_TOPIC[month]})
    return rows


def voices(month: str, data: dict) -> list[dict]:
    """The month's Voices rows (none in most months)."""
    return [{"theme": theme, "quote_or_summary": text, "consent_to_share": consent,
             "case_ref": None if case is None else data["cases"][case]["case_ref"]}
            for when, theme, text, consent, case in VOICES if when == month]
