"""What the identity check lists in a victim's voice (metrics.returns.identifying): exact finds on written texts."""

from __future__ import annotations

import pytest

from metrics.returns.identifying import Finding, findings

CASES = ("CG-1903-002", "CG-1904-011")


@pytest.mark.parametrize("text, expected", [
    # Known terms, months and sentence openers make no name.
    ("The Salvation Army and Connect Gwent helped me in March, and the Home Office decided in May.", []),
    ("I was referred through the National Referral Mechanism by Gwent Police.", []),
    ("When I met my advocate I could not sleep. Now I can.", []),
    # Names of two capitalised words, wherever they are.
    ("My advocate rang Anna Price at the council.", [Finding("name", "Anna Price")]),
    ("In March Tom Jones came to the house.", [Finding("name", "Tom Jones")]),
    ("Mary Ann Evans and Salvation Army staff", [Finding("name", "Mary Ann Evans")]),
    # Accepted false positives: a place or a service not on the list of known terms is two capitalised words.
    ("The Job Centre finally listened to me.", [Finding("name", "Job Centre")]),
    ("We met at Newport Library.", [Finding("name", "Newport Library")]),
    # A first name alone is not two words: not listed (a known gap, the manager reads every voice).
    ("Anna was kind to me.", []),
    # Postcodes, phone numbers, email addresses and dates.
    ("I lived at NP20 1AB and then np19 7xy.", [Finding("postcode", "NP20 1AB"), Finding("postcode", "np19 7xy")]),
    ("Call 07700 900123 or +44 1633 123456.", [Finding("phone", "07700 900123"),
                                                Finding("phone", "+44 1633 123456")]),
    ("Write to help.me@example.org please.", [Finding("email", "help.me@example.org")]),
    ("Born 12/03/1985, DOB on the form, 3rd June 1990.", [Finding("date", "12/03/1985"), Finding("date", "DOB"),
                                                           Finding("date", "3rd June 1990")]),
    # Numbers that are not phone numbers: a year, a count, a sum.
    ("In 2019 I had 3 jobs and earned £1,200.", []),
    # Another case's reference, whatever its case.
    ("My friend is case cg-1904-011 too.", [Finding("case", "cg-1904-011")]),
    ("", []),
])
def test_findings(text, expected):
    assert findings(text, CASES) == expected


def test_each_kind_has_its_message():
    assert Finding("name", "Anna Price").message == (
        "looks like a name (two capitalised words that are not a known term)")
    assert Finding("case", "CG-1").message == "is the reference of another case in this return"
