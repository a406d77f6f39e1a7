"""Accessibility audit in a real browser: axe-core's WCAG 2.2 A/AA rules on every page for every role,
and screenshots of each for a person to look at (at a projector's 1280×720 and at 1920×1080, in
colour and in greyscale).

    python -m tests.a11y.audit                     # needs `npm ci` in tests/a11y; about five minutes
    python -m tests.a11y.audit --out DIR --markdown DIR/axe.md

Demo mode covers every page as each of the three roles (chosen with the sidebar's "View as"), and the
Summary's presenting mode section by section; a real database covers the sign-in screen, a refused
sign-in, and an upload's preview and its confirmation. It writes DIR/axe.md (the table of
violations: page × role × rule × impact × nodes), DIR/axe.json, and DIR/<size>/<role>/<page>.png with
a -grey.png beside each. It prints the table, and exits 0 whatever axe finds: tests assert, this reports.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from metrics.admin import access, setup, users
from metrics.returns import ingest
from tests.browser_support import (
    ROOT,
    axe_violations,
    chromium,
    main_heights,
    open_page,
    selected,
    sidebar,
    sign_in,
    streamlit_server,
    wait_idle,
)
from ui.navigation import PAGE_FILES
from ui.present import SECTIONS
from ui.sidebar import ROLE_LABELS

SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}
PASSWORD = "correct horse battery"
MAX_SCREENS = 12
# Streamlit scrolls its main area, not the document, so a "full page" screenshot is one screen: the
# audit scrolls the main area a screen at a time instead, which is also what a person sees.
_SCROLL = """(y) => { const m = document.querySelector('[data-testid="stMain"]'); if (m) m.scrollTo(0, y); }"""


class Audit:
    """Collects axe's findings and the screenshots as the browser goes round."""

    def __init__(self, out: Path):
        self.out = out
        self.rows: list[dict] = []  # one per page, role, viewport and rule
        self.overflow: list[dict] = []  # presenting mode: does each section fit the screen?
        self.picker_retries = 0
        self.looked: list[tuple[str, str]] = []  # (page, role), with or without findings

    def look(self, page, role: str, name: str, label: str) -> None:
        """Screenshots a screen at a time at each size (colour and grey), and axe on the whole page."""
        self.looked.append((label, role))
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            wait_idle(page, quiet_ms=750)
            for shot in screens(page, self.out / size / slug(role), name):
                grey_copy(page, shot)
            for v in axe_violations(page):
                self.rows.append({"page": label, "role": role, "viewport": size, **v})
        page.set_viewport_size({"width": 1280, "height": 720})
        wait_idle(page, quiet_ms=500)


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def screens(page, folder: Path, name: str) -> list[Path]:
    """The page a screen at a time, top to bottom: <name>.png, <name>-2.png, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    scroll_height, screen = main_heights(page)
    shots = []
    for number, top in enumerate(range(0, max(scroll_height, 1), max(screen, 1))[:MAX_SCREENS], start=1):
        page.evaluate(_SCROLL, top)
        page.wait_for_timeout(300)  # charts draw when they scroll into view
        shot = folder / (f"{name}.png" if number == 1 else f"{name}-{number}.png")
        page.screenshot(path=str(shot))
        shots.append(shot)
    page.evaluate(_SCROLL, 0)
    return shots


def grey_copy(page, shot: Path) -> None:
    """<shot>-grey.png: by Pillow, else ImageMagick, else the browser's own greyscale filter."""
    grey = shot.with_name(shot.stem + "-grey.png")
    try:
        from PIL import Image, ImageOps

        ImageOps.grayscale(Image.open(shot)).save(grey)
        return
    except ImportError:
        pass
    convert = shutil.which("convert")
    if convert and b"ImageMagick" in subprocess.run([convert, "-version"], capture_output=True).stdout:
        subprocess.run([convert, str(shot), "-colorspace", "Gray", str(grey)], check=True)
        return
    page.add_style_tag(content="html {filter: grayscale(1) !important;}")
    page.screenshot(path=str(grey))
    page.evaluate("document.head.lastElementChild.remove()")


def choose_role(page, audit: Audit, role: str) -> None:
    """Pick the role in "View as"; a pick that did not take is tried again (and counted: issue 17's bug)."""
    label = ROLE_LABELS[role]
    for _ in range(4):
        if selected(page, "View as") == label:
            return
        sidebar(page).get_by_role("combobox", name="View as").click()
        page.get_by_role("option", name=label, exact=True).click()
        wait_idle(page)
        if selected(page, "View as") != label:
            audit.picker_retries += 1
    raise RuntimeError(f"the View as picker would not take {label!r}")


def presenting(page, audit: Audit, role: str) -> None:
    """Each section of the Summary's presenting mode: axe, screenshots, and whether it fits 1280×720."""
    # The switch's input sits under its label, which takes the click.
    toggle = page.get_by_text("Presenting mode", exact=True)
    toggle.click()
    wait_idle(page)
    # Presenting mode reopens on the section it was left at: go back to the first.
    while page.get_by_role("button", name="◀ Previous").is_enabled():
        page.get_by_role("button", name="◀ Previous").click()
        wait_idle(page, quiet_ms=750)
    for number, section in enumerate(SECTIONS, start=1):
        page.get_by_role("heading", name=section).first.wait_for(timeout=60_000)
        wait_idle(page)
        audit.overflow.append({"role": role, "section": section, "overflow_px": overflow(page)})
        audit.look(page, role, f"summary-presenting-{number}", f"Summary, presenting: {section}")
        if number < len(SECTIONS):
            page.get_by_role("button", name="Next ▶").click()
            wait_idle(page)
    toggle.click()
    wait_idle(page)


def overflow(page) -> int:
    """How far the main area's content runs past the bottom of the screen (0: it all fits)."""
    scroll_height, screen = main_heights(page)
    return scroll_height - screen


def demo_mode(browser, folder: Path, audit: Audit) -> None:
    with streamlit_server(folder / "demo") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url)
        page.get_by_role("heading", name="Summary").first.wait_for(timeout=90_000)
        wait_idle(page)
        for role in access.ROLES:
            open_page(page, "Summary")
            choose_role(page, audit, role)
            for title, path in PAGE_FILES.items():
                if access.allowed(role, title):
                    open_page(page, title)
                    audit.look(page, role, Path(path).stem, title)
            open_page(page, "Summary")
            presenting(page, audit, role)
        page.close()


def real_database(browser, folder: Path, audit: Audit) -> None:
    """Sign-in (and a refused one) and an upload, on a real database holding all but the last sample month."""
    folder.mkdir(parents=True)
    path = folder / "dashboard.duckdb"
    returns = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))
    con = setup.open_database(path)
    ingest.ingest_paths(con, returns[:-1], user="mary.manager")
    users.add_user(con, "mary.manager", "manager", PASSWORD, actor="a11y audit")
    con.close()
    with streamlit_server(folder, real_db=path) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url)
        page.get_by_role("button", name="Sign in").wait_for(timeout=90_000)
        wait_idle(page)
        audit.look(page, "signed out", "sign-in", "Sign-in")
        page.get_by_role("textbox", name="Name").fill("mary.manager")
        page.get_by_role("textbox", name="Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        wait_idle(page)
        audit.look(page, "signed out", "sign-in-refused", "Sign-in, refused")
        sign_in(page, "mary.manager", PASSWORD)
        audit.look(page, "manager (signed in)", "summary", "Summary")
        open_page(page, "Upload returns")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(returns[-1]))
        confirm = page.get_by_role("button", name="Confirm")
        confirm.first.wait_for(timeout=60_000)
        wait_idle(page)
        audit.look(page, "manager (signed in)", "upload-preview", "Upload returns, preview")
        confirm.first.click()
        wait_idle(page)
        audit.look(page, "manager (signed in)", "upload-done", "Upload returns, loaded")
        page.close()


def merged(rows: list[dict]) -> list[dict]:
    """One row per page, role and rule: the larger node count of the two viewports, and where it was seen."""
    table: dict[tuple, dict] = {}
    for row in rows:
        key = (row["page"], row["role"], row["rule"])
        if key not in table:
            table[key] = {**row, "viewports": [row["viewport"]], "colours": list(row["colours"])}
            continue
        kept = table[key]
        kept["viewports"].append(row["viewport"])
        kept["nodes"] = max(kept["nodes"], row["nodes"])
        kept["colours"] += [c for c in row["colours"] if c not in kept["colours"]]
    return list(table.values())


def by_rule(rows: list[dict]) -> list[str]:
    """The short table: each rule and impact, on how many pages (of page × role) and how many nodes in all."""
    totals: dict[tuple, list] = {}
    for r in merged(rows):
        pages, nodes = totals.setdefault((r["rule"], r["impact"]), [0, 0])
        totals[(r["rule"], r["impact"])] = [pages + 1, nodes + r["nodes"]]
    return ["| rule | impact | pages (page × role) | nodes |", "| --- | --- | --- | --- |"] + [
        f"| {rule} | {impact} | {pages} | {nodes} |" for (rule, impact), (pages, nodes) in sorted(totals.items())]


def markdown(audit: Audit) -> str:
    rows = merged(audit.rows)
    lines = [f"axe-core WCAG 2.2 A/AA on {len(audit.looked)} page × role views: {len(rows)} violations "
             f"(page × role × rule), on {len({(r['page'], r['role']) for r in rows})} of them; "
             f"'View as' picks that did not take and were tried again: {audit.picker_retries}", "",
             *by_rule(audit.rows), "",
             "| page | role | rule | impact | nodes | where | sample | colours (fg on bg ratio) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        where = "both" if len(r["viewports"]) == len(SIZES) else r["viewports"][0]
        sample = r["target"].replace("|", "\\|")[:60]
        colours = "; ".join(r["colours"][:4]) + (" …" if len(r["colours"]) > 4 else "")
        lines.append(f"| {r['page']} | {r['role']} | {r['rule']} | {r['impact']} | {r['nodes']} | {where} "
                     f"| `{sample}` | {colours} |")
    lines += ["", "Presenting mode at 1280×720: how far each section overflows the screen (0 = it fits)", "",
              "| role | section | overflow (px) |", "| --- | --- | --- |"]
    lines += [f"| {o['role']} | {o['section']} | {o['overflow_px']} |" for o in audit.overflow]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "a11y")
    parser.add_argument("--markdown", type=Path, help="where to write the table (default OUT/axe.md)")
    args = parser.parse_args(argv)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    audit = Audit(args.out)
    with tempfile.TemporaryDirectory(prefix="a11y-") as tmp, chromium() as browser:
        folder = Path(tmp)
        # Build the demo database here once, so that the app's first page does not wait for it.
        (folder / "demo").mkdir()
        setup.build_sample_database(folder / "demo" / "sample.duckdb")
        demo_mode(browser, folder, audit)
        real_database(browser, folder / "real", audit)
    text = markdown(audit)
    (args.markdown or args.out / "axe.md").write_text(text)
    (args.out / "axe.json").write_text(json.dumps({"rows": audit.rows, "overflow": audit.overflow,
                                                   "picker_retries": audit.picker_retries}, indent=1))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
