"""Text in a victim's voice that may identify someone, found before it loads, for the manager to check.

A cautious net, not a judgement: it lists what looks like a name (two capitalised words in a row
that are not a known term), a UK postcode, a phone number, an email address, a date (of birth, say)
or the reference of another case in the return. Some of what it lists is harmless ("the Job Centre"
is two capitalised words): the manager confirms or edits; nothing loads before either.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from metrics.i18n import N_, _

# Organisations, schemes and places that a voice names without naming a person. Compared ignoring case.
KNOWN_TERMS = (
    "Connect Gwent", "Salvation Army", "Home Office", "National Referral Mechanism", "National Referral",
    "Gwent Police", "South Wales Police", "Dyfed-Powys Police", "North Wales Police", "Modern Slavery",
    "Human Trafficking", "Police and Crime Commissioner", "Crime Commissioner", "Anti-Slavery Group",
    "Anti-Slavery Partnership", "Victim Support", "Citizens Advice", "Red Cross", "British Red Cross",
    "Duty to Notify", "Universal Credit", "Local Authority", "Social Services", "Legal Aid", "Crown Court",
    "Magistrates Court", "Crown Prosecution Service", "Mental Health", "Welsh Government", "New Year",
)
# Single words that never make a name of two: the months, the days, and words that open a sentence.
KNOWN_WORDS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "The", "A", "An", "My", "Our", "Your", "His", "Her", "Their", "We", "She", "He", "They", "It", "This",
    "That", "When", "After", "Before", "Since", "Now", "Then", "And", "But", "If", "In", "On", "At", "To",
    "From", "With", "Without", "For", "Thank", "Thanks", "Yes", "No", "Not", "Nobody", "Everyone",
)

_WORD = r"[A-Z][a-z]+(?:['’-][A-Za-z]+)*"
_CAPITALISED_RUN = re.compile(rf"\b{_WORD}(?:[ \t]+{_WORD})+\b")
_KNOWN_TERM = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(KNOWN_TERMS, key=len, reverse=True))
                         + r")\b", re.IGNORECASE)
_KNOWN_WORD = {w.lower() for w in KNOWN_WORDS}
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?[ \t]*[0-9][A-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w+])(?:\+44[ \t-]?\(?0?\)?|0)[1-9](?:[ \t-]?[0-9]){8,9}(?![\w])")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MONTHS = "|".join(KNOWN_WORDS[:12]) + "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DATE = re.compile(
    r"\b(?:[0-3]?[0-9][/.-][01]?[0-9][/.-](?:19|20)?[0-9]{2}"
    rf"|[0-3]?[0-9](?:st|nd|rd|th)?[ \t]+(?:{_MONTHS})[ \t]+(?:19|20)[0-9]{{2}}"
    r"|(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]"
    r"|d\.?o\.?b\.?|date of birth)\b", re.IGNORECASE)

# What each kind of finding is, marked N_: Finding.message is it in this run's language.
KINDS = {
    "name": N_("looks like a name (two capitalised words that are not a known term)"),
    "postcode": N_("looks like a UK postcode"),
    "phone": N_("looks like a phone number"),
    "email": N_("looks like an email address"),
    "date": N_("looks like a date of birth"),
    "case": N_("is the reference of another case in this return"),
}


class Finding(NamedTuple):
    kind: str  # a key of KINDS
    text: str  # what was found, as written

    @property
    def message(self) -> str:
        return _(KINDS[self.kind])


def _names(text: str) -> list[str]:
    """Runs of two or more capitalised words, known terms and known words taken out."""
    blanked = _KNOWN_TERM.sub(lambda m: "." * len(m.group()), text)
    found = []
    for run in _CAPITALISED_RUN.finditer(blanked):
        words = [w for w in re.split(r"[ \t]+", run.group())]
        # A known word breaks the run: "In March Tom" holds no name of two words, "Tom Jones" does.
        part: list[str] = []
        for word in [*words, ""]:
            if word and word.lower() not in _KNOWN_WORD:
                part.append(word)
                continue
            if len(part) >= 2:
                found.append(" ".join(part))
            part = []
    return found


def findings(text: str | None, case_refs: tuple[str, ...] = ()) -> list[Finding]:
    """What in `text` may identify someone; `case_refs` are the return's other cases' references."""
    if not text:
        return []
    found = [Finding("name", name) for name in _names(text)]
    found += [Finding("postcode", m.group()) for m in _POSTCODE.finditer(text)]
    found += [Finding("phone", m.group()) for m in _PHONE.finditer(text)]
    found += [Finding("email", m.group()) for m in _EMAIL.finditer(text)]
    found += [Finding("date", m.group()) for m in _DATE.finditer(text)]
    for ref in case_refs:
        pattern = rf"(?<![A-Za-z0-9/-]){re.escape(ref)}(?![A-Za-z0-9/-])"
        found += [Finding("case", m.group()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    return found
