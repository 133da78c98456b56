"""`panel-tui serve` in a real browser (issue 27 item 5): Chromium through Playwright, against the
server as a member, the chair and a follower open it. Marked ``browser`` (not in the quick tier)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui import browser as B

pytestmark = [pytest.mark.browser, pytest.mark.skipif(B.missing() is not None, reason=str(B.missing()))]


@pytest.fixture
def served(stockton_met: Path):
    """The meeting (Chair, members A and B present) served with links for A, the chair and a follower."""
    s = B.serve(stockton_met, "--member", "A", "--followers", expect=3)
    yield s
    log = s.stop()
    for url in s.links.values():  # no token in any log line
        assert url.rsplit("/", 1)[1] not in log


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = B.launch(p)
        yield browser
        browser.close()


def entries(session: Path) -> list[dict]:
    from panel_tui.core.session import load_session

    state = load_session(session).log
    return list(state.entries) if state is not None else []


def test_a_member_link_paints_the_meeting_and_records_a_dissent_as_that_member(served, chromium, stockton_met):
    page = B.open_page(chromium, served.links["A (member)"])
    screen = B.Screen(page)
    screen.wait_for(r"member A: x records your dissent")
    screen.wait_for(r"2\.2\s+Planning\s+63% of 8")  # the standards table, with its figures
    page.keyboard.press("x")  # the first key works without a click: the app has the keyboard on load
    screen.wait_for(r"Record a dissent")
    page.keyboard.type("I would have kept the computed band on this evidence.")
    page.keyboard.press("Control+s")
    screen.wait_for(r"Recorded entry 2 \(dissent")
    last = entries(stockton_met)[-1]
    assert (last["kind"], last["member"], last["by"], last.get("entered_by")) == ("dissent", "A", "A", "A")
    page.context.close()


def test_a_follower_s_keys_record_nothing(served, chromium, stockton_met):
    log = stockton_met / "decisions.toml"
    before = log.read_bytes()
    page = B.open_page(chromium, served.links["follower"])
    screen = B.Screen(page)
    screen.wait_for(r"following: read-only")
    for key in ("d", "k", "r", "x", "a", "s", "p", "u", "e", "R"):
        page.keyboard.press(key)
    page.keyboard.press("l")  # the log view: once it shows, every key before it was handled
    screen.wait_for(r"head [0-9a-f]{12}")  # the log view's status line
    assert "Record a dissent" not in screen.text() and "Discretion on" not in screen.text()
    assert log.read_bytes() == before
    assert not (stockton_met / "panel-record.md").exists()
    page.context.close()


def test_no_cookie_is_refused(served):
    import urllib.error
    import urllib.request

    for path in ("/", "/ws", "/download/x", "/join/not-a-token"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served.url + path, timeout=10)
        assert refused.value.code == 403, path


def test_a_cross_origin_websocket_is_refused(served, chromium):
    """With the member's own cookie but another site's Origin (a page elsewhere, or a script), and
    from a real page on another origin: no app is started, no screen is read."""
    import aiohttp

    token = served.links["A (member)"].rsplit("/", 1)[1]

    async def connect(origin: str) -> int:
        async with aiohttp.ClientSession(cookies={"panel_tui_link": token}) as http:
            try:
                async with http.ws_connect(served.url.replace("http", "ws") + "/ws", origin=origin) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread: aiohttp's in another
        assert pool.submit(asyncio.run, connect("http://evil.example")).result() == 403
        assert pool.submit(asyncio.run, connect(served.url)).result() == 101  # the same cookie, the meeting's page

    context = chromium.new_context()
    page = context.new_page()
    page.route(
        "http://evil.test/", lambda route: route.fulfill(body="<html><body>hi</body></html>", content_type="text/html")
    )
    page.goto("http://evil.test/")
    outcome = page.evaluate(
        """(url) => new Promise((done) => {
        const ws = new WebSocket(url);
        ws.onopen = () => done("open");
        ws.onerror = () => done("refused");
    })""",
        served.url.replace("http", "ws") + "/ws",
    )
    assert outcome == "refused"
    context.close()


def test_an_entry_recorded_in_the_terminal_appears_in_every_page_within_2_s(served, chromium, stockton_met):
    pages = []
    for label in ("A (member)", "chair", "follower"):
        page = B.open_page(chromium, served.links[label])
        screen = B.Screen(page)
        screen.wait_for(r"1\.1\s+Governance and leadership.*● to ratify")
        pages.append(screen)
    done = subprocess.run(
        [sys.executable, "-m", "panel_tui", "ratify", str(stockton_met), "--standard", "1.1", "--by", "Chair"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    recorded = time.monotonic()
    for screen in pages:
        screen.wait_for(r"1\.1\s+Governance and leadership.*✓ ratified", timeout=2.0 - (time.monotonic() - recorded))
    assert time.monotonic() - recorded < 2.0
    for screen in pages:
        screen.page.context.close()


def _apps_running(session: Path) -> list[int]:
    """Process ids of meeting apps on ``session`` still alive (from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"open" in args and str(session).encode() in args:
            found.append(int(cmdline.parent.name))
    return found


def test_the_first_key_goes_into_the_start_up_form_and_shutdown_closes_every_page(stockton_fresh, chromium):
    """No click first: the attendance form that opens on a fresh session has its field, and typing
    lands in it. Stopping the server closes the page's connection and ends its app."""
    served = B.serve(stockton_fresh, expect=1)
    try:
        page = B.open_page(chromium, served.links["chair"])
        screen = B.Screen(page)
        screen.wait_for(r"Who is present at this ratings panel")
        page.keyboard.type("Helen Davies")
        screen.wait_for(r"Helen Davies")
        assert _apps_running(stockton_fresh)
    finally:
        log = served.stop()
    page.wait_for_function("document.body.classList.contains('-closed')", timeout=15_000)
    assert "ended" in page.inner_text("body")
    assert _apps_running(stockton_fresh) == []
    assert served.links["chair"].rsplit("/", 1)[1] not in log
    page.context.close()
