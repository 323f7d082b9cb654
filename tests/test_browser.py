"""The demo page end to end in a real browser: Debian's chromium, headless, through Playwright.

A phone-sized page uploads a sample photo to a real server on 127.0.0.1; the
codes it shows must be the truth from samples/labels.json, the uncertain
character must be highlighted with its alternatives, the retake advice and the
panel crop must show, copy must put the code on the clipboard, and nothing may
overflow the viewport.  A screenshot is saved to artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scanner.loadtest import running_server
from scanner.models import FIELD_NAMES

from .conftest import ROOT, SAMPLES, load_labels

#: Read exactly right by the scanner, with one flagged character and one retake warning (checked
#: with `linkage-scanner scan`), so the page shows every kind of thing it can show.
SAMPLE = "images/photo_017.jpg"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not found (apt-get install chromium; ./dev test does it when run as root)")


@pytest.fixture(scope="module")
def server():
    with running_server(["--workers", "1", "--queue", "2"]) as srv:
        yield srv


def test_demo_page_on_a_phone_shows_the_codes(server):
    from playwright.sync_api import expect, sync_playwright

    truth = next(s for s in load_labels() if s["file"] == SAMPLE)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                          is_mobile=True, has_touch=True)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(server.url + "/")

            photo = page.locator("[data-testid=photo]")
            assert photo.get_attribute("accept") == "image/*"
            assert photo.get_attribute("capture") == "environment"
            photo.set_input_files(str(SAMPLES / SAMPLE))
            page.locator("[data-testid=result]").wait_for(state="visible", timeout=60_000)

            for f in FIELD_NAMES:
                shown = page.locator(f"[data-testid=value-{f}]").text_content()
                assert shown == truth[f], f"{f} shown wrong"
            # The scanner flags one character of this key: it is highlighted and its alternatives listed.
            assert page.locator("[data-testid=value-linkage_key] .unc").count() >= 1
            assert "could be" in page.locator("[data-testid=alts-linkage_key]").text_content()
            assert page.locator("[data-testid=warnings] li").count() >= 1  # retake guidance
            assert page.locator("[data-testid=panel]").evaluate("img => img.naturalWidth") > 0

            copy = page.locator("[data-testid=copy-ods_code]")
            copy.click()
            expect(copy).to_have_text("Copied")  # (not wait_for_function: the page's CSP forbids eval, rightly)
            assert page.evaluate("navigator.clipboard.readText()") == truth["ods_code"]

            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"page is {overflow}px wider than a phone screen"

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "demo-phone.png"), full_page=True)
        finally:
            browser.close()
    assert not problems, problems
    for f in FIELD_NAMES:
        assert truth[f] not in server.log, "a code reached the server log"
