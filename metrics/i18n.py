"""Translation: the language of this run and the text of every message in it (English and Cymraeg).

Text a person reads is written in English in the code and marked for translation: `_("...")` where it
is shown, `N_("...")` where it is defined before anyone reads it (a table of labels at module level,
translated later by `_(label)` where it is shown), `pgettext(context, "...")` where one English word has
several Welsh renderings, and `ngettext` for a count's plural forms (Welsh has six). Babel extracts the
marks (`babel.cfg`, `locale/refresh`) into `locale/<lang>/LC_MESSAGES/messages.po`, the catalogues a
translator reviews; they are compiled in memory on first use, so that no compiled file is kept beside
its source to drift from it.

The language is a context variable: the app sets it at the start of every run from the user's choice
(ui.language), the command line from `--lang`, and `use(language)` sets it for a block. Unset, it is
$DASHBOARD_LANGUAGE, else English. Coded values (the contract's codes) keep their stored values; only
their display is translated.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import io
import os
from pathlib import Path

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# Babel's (CLDR's) locale of each language for dates and numbers: plain 'en', whose September is 'Sep'
# (en_GB's is 'Sept'); both write 1,234.5.
BABEL_LOCALE = {"en": "en", "cy": "cy"}

_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)


def default_language() -> str:
    """The setting's language ($DASHBOARD_LANGUAGE), English when it is unset or not one of ours."""
    chosen = os.environ.get("DASHBOARD_LANGUAGE", "").strip().lower()
    return chosen if chosen in LANGUAGES else "en"


def language() -> str:
    """The language of this run: 'en' or 'cy'."""
    return _language.get() or default_language()


def set_language(code: str | None) -> None:
    """Make `code` this context's language (None: back to the default); an unknown code is refused."""
    if code is not None and code not in LANGUAGES:
        raise ValueError(f"{code!r} is not a language of the dashboard ({', '.join(LANGUAGES)})")
    _language.set(code)


@contextlib.contextmanager
def use(code: str):
    """Text in `code` within the block, whatever the context's language was."""
    if code not in LANGUAGES:
        raise ValueError(f"{code!r} is not a language of the dashboard ({', '.join(LANGUAGES)})")
    token = _language.set(code)
    try:
        yield
    finally:
        _language.reset(token)


def from_locale(locale: str | None) -> str | None:
    """Our language for a browser's locale ('cy-GB' -> 'cy'), None when it is neither of ours."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language, made once per process from its .po file (fuzzy entries left out,
    as gettext does: a guess is shown in English until a translator confirms it)."""
    path = catalogue_path(code)
    if code == "en" or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # Babel: only when a translation is first asked for
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        catalog = read_po(source, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in this run's language."""
    return translations(language()).gettext(message) if message else message


def N_(message: str) -> str:
    """Marks `message` for translation where it is defined; `_(message)` translates it where it is shown."""
    return message


def pgettext(context: str, message: str) -> str:
    """`message` in this run's language, as it reads in `context` (Welsh 'Yes' depends on the question)."""
    return translations(language()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for a count of `n` (format it with `n` afterwards)."""
    return translations(language()).ngettext(singular, plural, n)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(language()).npgettext(context, singular, plural, n)


def babel_locale() -> str:
    """This run's locale for Babel's formats ('en' or 'cy')."""
    return BABEL_LOCALE[language()]


def month_text(day) -> str:
    """A month as tables and charts write it: 'Jun 2019', 'Meh 2019'."""
    if language() == "en":
        return day.strftime("%b %Y")
    from babel.dates import format_date

    return format_date(day, "MMM y", locale=babel_locale())


def date_text(day) -> str:
    """A day: '13 Jun 2019'; in Welsh with the month's whole name, '13 Mehefin 2019' (its short names are
    little used in running text)."""
    if language() == "en":
        return day.strftime("%d %b %Y")
    from babel.dates import format_date

    return format_date(day, "d MMMM y", locale=babel_locale())
