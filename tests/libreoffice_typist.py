"""Type into workbooks in LibreOffice as a person at the keyboard would, then save them as .xlsx.

Run by Debian's /usr/bin/python3 (python3-uno), never imported by the project's venv:

    /usr/bin/python3 tests/libreoffice_typist.py JOB.json > REPORT.json

JOB.json is {"locale": "en-GB", "profile": "/tmp/...", "documents": [{"source": path, "target": path,
"entries": [[sheet, cell, text, retry_text or null], ...]}]}: each document is opened with a view
(as a person opens it, not hidden), each entry's text is typed into its cell as key presses and
committed with Return, and the document is stored as .xlsx at target. A document with no entries is
simply opened and saved.

Key presses go through LibreOffice's UI-test service (org.libreoffice.uitest.UITest), so everything
that happens to typed text happens here too: the locale's number and date recognition, AutoCorrect,
AutoInput (completion from the column above) and the cells' validity rules. XCell.setFormula would
skip most of that and reads numbers and dates as en-US whatever the locale; the .uno:EnterString
dispatch follows the locale but skips AutoCorrect, AutoInput and validity.

When a validity rule refuses an entry (LibreOffice shows its error message and leaves the cell
empty), the retry text, if any, is typed instead, as the person would after reading the message
(the template's date message asks for YYYY-MM-DD).

The report on stdout is {"documents": [{"target": path, "cells": [[type, text], ...],
"refused": [[sheet, cell, text], ...]}]}: what each typed cell holds afterwards (type is EMPTY,
VALUE, TEXT or FORMULA; text as LibreOffice shows it).
"""

import json
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

XLSX_FILTER = "Calc MS Excel 2007 XML"


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _properties(**values):
    return tuple(_property(name, value) for name, value in values.items())


def start_office(profile):
    """A headless soffice of our own (own profile, own pipe) and its component context."""
    pipe = "realclient-" + uuid.uuid4().hex
    office = subprocess.Popen(
        [
            "soffice",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 60  # a first start builds the profile: a few seconds
    while True:
        try:
            return office, resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                office.kill()
                raise RuntimeError(f"soffice did not start (exit {office.poll()})") from None
            time.sleep(0.2)


def set_locale(context, locale):
    """Tools > Options > Language Settings: the locale (number and date recognition) and the default
    language of documents (AutoCorrect's word lists), as a person in that country has them."""
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context
    )
    for path, name in (
        ("/org.openoffice.Setup/L10N", "ooSetupSystemLocale"),
        ("/org.openoffice.Office.Linguistic/General", "DefaultLocale"),
    ):
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess", (_property("nodepath", path),)
        )
        access.replaceByName(name, locale)
        access.commitChanges()


def _cell_state(cell):
    kind = cell.Type.value  # EMPTY, VALUE, TEXT or FORMULA
    return [kind, cell.getString()]


class Keyboard:
    """Key presses into one open document's grid, a sheet at a time."""

    def __init__(self, uitest, doc):
        self.uitest, self.doc = uitest, doc
        self.sheet = doc.CurrentController.ActiveSheet.Name
        self.grid = self._find_grid()

    def _find_grid(self):
        # Looked up once per sheet: getChild walks the window's whole tree of controls.
        return self.uitest.getTopFocusWindow().getChild("grid_window")

    def type(self, sheet, cell, text):
        """Click the sheet's tab if need be, click the cell, type the text, press Return."""
        if sheet != self.sheet:
            index = self.doc.Sheets.ElementNames.index(sheet)
            self.grid.executeAction("SELECT", _properties(TABLE=str(index)))
            self.sheet, self.grid = sheet, self._find_grid()
        # The sheet's name in the address too: a bare "B2" is taken on the first sheet.
        self.grid.executeAction("SELECT", _properties(CELL=f"{sheet}.{cell}"))
        self.grid.executeAction("TYPE", _properties(TEXT=text))
        self.grid.executeAction("TYPE", _properties(KEYCODE="RETURN"))


def type_document(context, uitest, document):
    """Open, type every entry, save as .xlsx; what each typed cell then holds."""
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    url = uno.systemPathToFileUrl(os.path.abspath(document["source"]))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, ())
    try:
        # The sidebar and toolbars follow the cursor and redraw after every entry: three times the cost
        # of typing a cell. Hidden, as many people keep them; what a cell receives is the same.
        doc.CurrentController.getSidebar().setVisible(False)
        layout = doc.CurrentController.Frame.LayoutManager
        for element in layout.getElements():
            layout.hideElement(element.ResourceURL)
        keyboard = Keyboard(uitest, doc)
        cells, refused = [], []
        sheets = {name: doc.Sheets.getByName(name) for name in doc.Sheets.ElementNames}
        for sheet, address, text, retry in document["entries"]:
            target = sheets[sheet].getCellRangeByName(address)
            keyboard.type(sheet, address, text)
            if text and target.Type.value == "EMPTY":  # its validity rule said no
                refused.append([sheet, address, text])
                if retry:
                    keyboard.type(sheet, address, retry)
            cells.append(_cell_state(target))
        doc.storeToURL(
            uno.systemPathToFileUrl(os.path.abspath(document["target"])), _properties(FilterName=XLSX_FILTER)
        )
    finally:
        doc.close(True)
    return {"target": document["target"], "cells": cells, "refused": refused}


def main(job_path):
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    office, context = start_office(job["profile"])
    try:
        set_locale(context, job["locale"])
        uitest = context.ServiceManager.createInstanceWithContext("org.libreoffice.uitest.UITest", context)
        report = {"documents": [type_document(context, uitest, document) for document in job["documents"]]}
    finally:
        try:
            context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context).terminate()
        except Exception:  # the bridge closes as soffice quits: that is the expected end
            pass
        try:
            office.wait(30)
        except subprocess.TimeoutExpired:
            office.kill()
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
