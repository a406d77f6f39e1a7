"""A year of the demo's action log: what four quarterly scrutiny meetings of the sample year agreed.

Written out rather than drawn at random, so the demo reads like a real log; built into the demo
database in code (setup), with the times of the meetings, not of the build.
"""

from __future__ import annotations

import datetime as dt

from metrics.admin.actions import add_update, raise_action
from metrics.periods import Period

WHO = "demo commissioner"
# (meeting day, period scrutinised, title, about, owner, due, [(day, text, new status or None)])
SAMPLE_ACTIONS = (
    ("2018-10-11", "2018-07:2018-09", "Agree a referral route with the Salvation Army for adults outside the NRM",
     "outside_nrm_rate", "Connect Gwent manager", "2018-12-31",
     [("2018-11-20", "Draft route shared with the Salvation Army's regional lead.", None),
      ("2019-01-10", "Route agreed and in use since December.", "done")]),
    ("2018-10-11", "2018-07:2018-09", "Explain the dip in timely first contact in August",
     "timely_contact_rate", "MSHT advocate", "2018-11-30",
     [("2018-11-28", "Annual leave with no cover for 9 working days; cover now agreed with the hub.", "done")]),
    ("2018-10-11", "2018-07:2018-09", "Add travel to the on-costs forecast for the rest of the year",
     "spend_forecast_outturn", "Connect Gwent manager", "2018-11-15",
     [("2018-11-14", "Forecast revised: travel within the £8,000 on-costs.", "done")]),
    ("2019-01-17", "2018-10:2018-12", "Offer first-responder training to Gwent Police custody staff",
     "activity_training_sessions", "MSHT advocate", "2019-03-31",
     [("2019-02-12", "Two sessions booked for March.", None),
      ("2019-03-29", "Two sessions held, 31 officers trained.", "done")]),
    ("2019-01-17", "2018-10:2018-12", "Record victims' views at closure in every case",
     "voice_captured_rate", "MSHT advocate", "2019-02-28",
     [("2019-02-27", "Closure form changed; voice recorded in 7 of 8 closures since.", "done")]),
    ("2019-01-17", "2018-10:2018-12", "Report third-party intelligence to the partnership quarterly",
     "Partnership work", "Connect Gwent manager", "2019-04-30",
     [("2019-04-25", "Dropped: the partnership now receives the published figures instead.", "dropped")]),
    ("2019-04-11", "2019-01:2019-03", "Bring a case study to the next meeting",
     "Victims' voices", "MSHT advocate", "2019-07-11",
     [("2019-06-20", "Consent obtained from one client; summary being written.", None)]),
    ("2019-04-11", "2019-01:2019-03", "Set out the options for continuing the post after June 2019",
     "Overall", "PCC's office", "2019-05-31",
     [("2019-05-09", "Evaluation paper commissioned for the July meeting.", None)]),
    ("2019-04-11", "2019-01:2019-03", "Check why planned closures fell below target",
     "planned_closure_rate", "Connect Gwent manager", "2019-05-31",
     [("2019-05-30", "Three disengaged clients moved out of area; no change to practice needed.", "done")]),
    ("2019-07-11", "2019-04:2019-06", "Agree cover for the advocate's leave over the summer",
     "Risks and issues", "Connect Gwent manager", "2019-07-31", []),
    ("2019-07-11", "2019-04:2019-06", "Compare Gwent's NRM growth with the national rise in the evaluation",
     "referrals_received", "PCC's office", "2019-09-30", []),
)


def _at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour))


def add_sample_actions(con) -> int:
    """Raise and update the sample year's actions in `con`; returns how many were raised."""
    for meeting, period, title, about, owner, due, changes in SAMPLE_ACTIONS:
        action_id = raise_action(con, title=title, about=about, period=Period.parse(period), owner=owner,
                                 due_date=dt.date.fromisoformat(due), who=WHO, now=_at(meeting, 11))
        for day, text, status in changes:
            add_update(con, action_id, text, WHO, status=status, update_date=dt.date.fromisoformat(day),
                       now=_at(day, 15))
    return len(SAMPLE_ACTIONS)
