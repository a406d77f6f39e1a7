"""The contract's text in the language of the run: a column's help, a sheet's help and each code's meaning.

A column's and a sheet's description is written in English where it is defined (marked N_, sheets.py); a
code is a stored value, written and matched in English whatever the language, and only its display is
translated: `code_text(column, code)` ('Declined support' -> 'Gwrthododd gymorth' in Welsh). A description
made from a template (`described`) is translated from its template, with its values put in afterwards.
"""

from __future__ import annotations

import functools

from metrics.i18n import _, language, pgettext, use

# A description made from a template -> (the template, its values): the template is what is translated.
_TEMPLATED: dict[str, tuple[str, dict[str, str]]] = {}


def described(template: str, **values: str) -> str:
    """A description filled in from a template marked N_, in English; column_help translates its template.
    A value that is itself a marked text (an outcome area) is translated with it."""
    text = template.format(**values)
    _TEMPLATED[text] = (template, values)
    return text


def help_text(description: str) -> str:
    """A contract description in this run's language."""
    if description in _TEMPLATED:
        template, values = _TEMPLATED[description]
        return _(template).format(**{key: _(value) for key, value in values.items()})
    return _(description)


def column_help(column) -> str:
    """A column's (or field's) description in this run's language."""
    return help_text(column.description)


def sheet_help(sheet) -> str:
    """A sheet's description in this run's language."""
    return help_text(sheet.description)


def code_text(column, code: str | None) -> str | None:
    """How a code of a column (a Column or its name) reads in this run's language; the code itself where it
    needs no translation (an age band such as 18-24, a measure's name as a Commentary topic) or is unknown."""
    if code is None:
        return None
    name = column if isinstance(column, str) else column.name
    return _meanings(language()).get(name, {}).get(code, code)


def code_meanings(column) -> list[tuple[str, str]]:
    """Each code of a column with its meaning in this run's language."""
    return [(code, code_text(column, code)) for code in column.codes]


_OUTCOME_COLUMNS = ("outcome_safer", "outcome_health", "outcome_cope", "outcome_informed", "outcome_access",
                    "outcome_justice")


@functools.cache
def _meanings(code: str) -> dict[str, dict[str, str]]:
    """Column -> code -> its meaning, in the language `code` (the language is the key of the cache)."""
    with use(code):
        yes_no = {
            "Yes": pgettext("code of a yes/no column: did it happen?", "Yes"),
            "No": pgettext("code of a yes/no column: did it happen?", "No"),
        }
        outcome = {
            "Improved": pgettext("outcome code", "Improved"),
            "No change": pgettext("outcome code", "No change"),
            "Not known": pgettext("outcome code", "Not known"),
        }
        meanings = {
            "referral_source": {
                "Police": pgettext("referral_source code", "Police"),
                "Self-referral": pgettext("referral_source code", "Self-referral"),
                "Local authority": pgettext("referral_source code", "Local authority"),
                "Health": pgettext("referral_source code", "Health"),
                "Voluntary sector": pgettext("referral_source code", "Voluntary sector"),
                "Salvation Army": pgettext("referral_source code", "Salvation Army"),
                "Home Office": pgettext("referral_source code", "Home Office"),
                "Third-party report": pgettext("referral_source code", "Third-party report"),
                "Other": pgettext("referral_source code", "Other"),
            },
            "exploitation_type": {
                "Labour": pgettext("exploitation_type code", "Labour"),
                "Sexual": pgettext("exploitation_type code", "Sexual"),
                "Criminal": pgettext("exploitation_type code", "Criminal"),
                "Domestic servitude": pgettext("exploitation_type code", "Domestic servitude"),
                "Multiple": pgettext("exploitation_type code", "Multiple"),
                "Not yet known": pgettext("exploitation_type code", "Not yet known"),
            },
            "nationality_group": {
                "UK": pgettext("nationality_group code", "UK"),
                "EU/EEA": pgettext("nationality_group code", "EU/EEA"),
                "Non-EU": pgettext("nationality_group code", "Non-EU"),
                "Unknown": pgettext("nationality_group code", "Unknown"),
            },
            "age_band": {
                "Under 18": pgettext("age_band code", "Under 18"),
                "Unknown": pgettext("age_band code", "Unknown"),
            },
            "gender": {
                "Female": pgettext("gender code", "Female"),
                "Male": pgettext("gender code", "Male"),
                "Other / not stated": pgettext("gender code", "Other / not stated"),
            },
            "trafficking_indicated": {
                **yes_no,
                "Unknown": pgettext("trafficking_indicated code", "Unknown"),
            },
            "nrm_status": {
                "Referred to NRM": pgettext("nrm_status code", "Referred to NRM"),
                "Already in NRM": pgettext("nrm_status code", "Already in NRM"),
                "Declined NRM referral": pgettext("nrm_status code", "Declined NRM referral"),
                "Outside NRM threshold": pgettext("nrm_status code", "Outside NRM threshold"),
                "Not yet assessed": pgettext("nrm_status code", "Not yet assessed"),
            },
            "duty_to_notify": {
                **yes_no,
                "Not applicable": pgettext("duty_to_notify code", "Not applicable"),
            },
            "support_level": {
                "Short-term": pgettext("support_level code", "Short-term"),
                "Specialist": pgettext("support_level code", "Specialist"),
                "Advice and signposting": pgettext("support_level code", "Advice and signposting"),
                "Declined support": pgettext("support_level code", "Declined support"),
            },
            "intelligence_shared": yes_no,
            "closure_reason": {
                "Support completed": pgettext("closure_reason code", "Support completed"),
                "Disengaged": pgettext("closure_reason code", "Disengaged"),
                "Moved out of area": pgettext("closure_reason code", "Moved out of area"),
                "Transferred": pgettext("closure_reason code", "Transferred"),
                "Other": pgettext("closure_reason code", "Other"),
            },
            **{column: outcome for column in _OUTCOME_COLUMNS},
            "voice_captured": yes_no,
            "consent_to_share": yes_no,
            "budget_line": {
                "Salary": pgettext("budget_line code", "Salary"),
                "On-costs": pgettext("budget_line code", "On-costs"),
            },
            "better": {
                "higher": pgettext("better code: which is better?", "higher"),
                "lower": pgettext("better code: which is better?", "lower"),
            },
            "topic": {
                "Overall": pgettext("commentary topic", "Overall"),
                "Risks and issues": pgettext("commentary topic", "Risks and issues"),
                "Partnership work": pgettext("commentary topic", "Partnership work"),
                "Victims' voices": pgettext("commentary topic", "Victims' voices"),
            },
        }
    return meanings
