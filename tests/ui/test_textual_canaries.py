"""Canaries for every reach into Textual's internals (panel_tui/textual_fixes.py).

Each work-around there exists because Textual, as pinned, behaves in a way that costs the app
memory or time. Each canary here checks that behaviour is still upstream's, and fails when it is not,
naming the work-around to drop (or to look at again): moving to a newer Textual, run these first
(README, "Moving to a newer Textual"). Each also checks the work-around still does its job, and a
private name that is gone degrades to the plain widget instead of breaking the app.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Select, Static
from textual.widgets._footer import FooterKey

from panel_tui import textual_fixes
from panel_tui.textual_fixes import (
    WORKAROUNDS,
    FreshScreenStyles,
    KeysFooter,
    KeysInOrder,
    RestyleAttachedOnly,
    SizedBeforePaint,
    ValuedSelect,
    forget_closed_watchers,
    set_virtual_size_quietly,
)

ROOT = Path(__file__).resolve().parents[2]


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("bare")


def run(app: App, script) -> None:
    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(go())


def spy_update_styles(monkeypatch) -> list[tuple[object, bool]]:
    """Every node Textual asks the app to restyle, with whether it was in the app then."""
    calls: list[tuple[object, bool]] = []
    original = App.update_styles

    def spy(self, node, animate=True):
        calls.append((node, node.is_attached))
        return original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", spy)
    return calls


def test_textual_is_the_pinned_version():
    """The work-arounds were written against this version; another one runs these canaries first."""
    pinned = re.search(r'"textual==([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pinned, "pyproject.toml pins Textual exactly (textual==X.Y.Z)"
    assert version("textual") == pinned.group(1), (
        f"Textual {version('textual')} is installed, pyproject.toml pins {pinned.group(1)}: see README, "
        "'Moving to a newer Textual'"
    )


def test_every_workaround_has_a_canary():
    here = sys.modules[__name__]
    for name, (upstream, canary) in WORKAROUNDS.items():
        assert hasattr(textual_fixes, name), name
        assert upstream.startswith("https://github.com/Textualize/textual/") or upstream == "no upstream issue found"
        assert callable(getattr(here, canary, None)), f"{name}: no canary {canary} in this file"


# --- forget_closed_watchers (https://github.com/Textualize/textual/issues/6666) -------------------


class ThemeWatcher(Widget):
    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda *_: None, init=False)


def test_closed_widgets_still_stay_in_watcher_lists():
    """If this fails, Textual prunes a removed widget's watchers itself (or keeps them elsewhere):
    drop ``forget_closed_watchers`` (and check test_form_memory's object counts without it)."""
    seen = {}

    async def script(app, pilot):
        w = ThemeWatcher()
        await app.mount(w)
        await w.remove()
        await pilot.pause()
        kept = getattr(app, "__watchers", {}).get("theme", [])
        seen["kept after removal"] = any(node is w for node, _ in kept)
        seen["dropped"] = forget_closed_watchers(app)
        seen["kept after the fix"] = any(node is w for node, _ in getattr(app, "__watchers", {}).get("theme", []))

    run(Bare(), script)
    assert seen["kept after removal"], "Textual no longer keeps closed widgets' watchers: drop forget_closed_watchers"
    assert seen["dropped"] >= 1 and not seen["kept after the fix"]


# --- _clear_styles_cache_memo (https://github.com/Textualize/textual/issues/6665) ----------------


def test_styles_cache_still_memoises_on_the_class():
    """If this fails, ``StylesCache.get_inner_outer`` no longer keeps every instance in one memo:
    drop ``_clear_styles_cache_memo``."""
    from textual._styles_cache import StylesCache
    from textual.color import Color

    memo = StylesCache.get_inner_outer
    assert callable(getattr(memo, "cache_clear", None)), "no memo on get_inner_outer: drop _clear_styles_cache_memo"
    memo.cache_clear()
    a, b = StylesCache(), StylesCache()
    a.get_inner_outer(Color(0, 0, 0), Color(1, 2, 3))
    b.get_inner_outer(Color(0, 0, 0), Color(1, 2, 3))
    assert memo.cache_info().currsize == 2, "the memo no longer holds each instance: drop _clear_styles_cache_memo"
    textual_fixes._clear_styles_cache_memo()
    assert memo.cache_info().currsize == 0


def test_clearing_the_memo_without_the_private_module_does_nothing(monkeypatch):
    monkeypatch.setitem(sys.modules, "textual._styles_cache", None)  # import then raises ImportError
    textual_fixes._clear_styles_cache_memo()


# --- FreshScreenStyles (no upstream issue found) --------------------------------------------------


class FreshScreen(FreshScreenStyles, Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("fresh")


def test_a_fresh_screen_is_still_restyled_on_its_first_resume(monkeypatch):
    """If this fails, Textual no longer restyles a screen whole as it first shows (or no longer
    reads ``ScreenResume.refresh_styles``): drop ``FreshScreenStyles``."""
    from textual import events

    assert "refresh_styles" in getattr(events.ScreenResume, "__dataclass_fields__", {}) or hasattr(
        events.ScreenResume(), "refresh_styles"
    ), "ScreenResume.refresh_styles is gone: FreshScreenStyles does nothing"
    calls = spy_update_styles(monkeypatch)
    plain, fresh = Screen(), FreshScreen()

    async def script(app, pilot):
        await app.push_screen(plain)
        await pilot.pause()
        await app.push_screen(fresh)
        await pilot.pause()

    run(Bare(), script)
    restyled = [node for node, _ in calls]
    assert plain in restyled, "a new screen is not restyled on its first resume any more: drop FreshScreenStyles"
    assert fresh not in restyled


# --- RestyleAttachedOnly (no upstream issue found) ------------------------------------------------


def test_textual_still_restyles_widgets_not_yet_in_the_app(monkeypatch):
    """If this fails, Textual no longer restyles a widget given classes in its constructor (before
    it is in the app): drop ``RestyleAttachedOnly`` (PanelApp's base)."""
    calls = spy_update_styles(monkeypatch)
    seen = {}

    class Fixed(RestyleAttachedOnly, Bare):
        pass

    async def plain_script(app, pilot):
        calls.clear()
        Button("Record", variant="primary")
        seen["plain"] = [attached for node, attached in calls if isinstance(node, Button)]

    async def fixed_script(app, pilot):
        calls.clear()
        Button("Record", variant="primary")
        seen["fixed"] = [attached for node, attached in calls if isinstance(node, Button)]
        button = Button("Record")
        await app.mount(button)
        calls.clear()
        button.add_class("-later")  # once in the app, a new class restyles as usual
        seen["attached"] = [attached for node, attached in calls if node is button]

    run(Bare(), plain_script)
    run(Fixed(), fixed_script)
    assert False in seen["plain"], "Textual no longer restyles unattached widgets: drop RestyleAttachedOnly"
    assert seen["fixed"] == [] and seen["attached"] == [True]


# --- ValuedSelect (no upstream issue found) -------------------------------------------------------


class Selects(App[None]):
    def __init__(self, cls: type[Select]) -> None:
        super().__init__()
        self.cls = cls

    def compose(self) -> ComposeResult:
        yield self.cls([("Good", "Good"), ("Outstanding", "Outstanding")], value="Good", allow_blank=False)


def test_select_still_marks_its_value_box_only_after_mounting(monkeypatch):
    """If this fails, Select composes its value box already marked as holding a value (no restyle
    as it mounts): drop ``ValuedSelect`` for a plain Select."""
    assert textual_fixes.SelectCurrent is not None, "textual.widgets._select.SelectCurrent is gone"
    box = textual_fixes.SelectCurrent
    assert hasattr(box, "has_value"), "SelectCurrent.has_value is gone: ValuedSelect is a plain Select now"
    calls = spy_update_styles(monkeypatch)
    seen = {}

    def script_for(name):
        async def script(app, pilot):
            current = app.query_one(box)
            seen[name] = (
                [n for n, _ in calls if n is current],
                current.has_value,
                current.has_class("-has-value"),
                app.query_one(Select).value,
            )

        return script

    run(Selects(Select), script_for("plain"))
    calls.clear()
    run(Selects(ValuedSelect), script_for("valued"))
    assert seen["plain"][0], "Select no longer restyles its value box as it mounts: drop ValuedSelect"
    assert seen["valued"] == ([], True, True, "Good")


def test_a_renamed_select_box_degrades_to_a_plain_select(stockton_met):
    """A Textual where ``from textual.widgets._select import SelectCurrent`` fails (simulated by
    refusing that one import from textual_fixes) still starts, opens a form and records from it."""
    code = textwrap.dedent("""
        import asyncio, builtins, sys
        real = builtins.__import__

        def refuse(name, globals=None, locals=None, fromlist=(), level=0):
            if (name == "textual.widgets._select" and fromlist and "SelectCurrent" in fromlist
                    and (globals or {}).get("__name__") == "panel_tui.textual_fixes"):
                raise ImportError("cannot import name 'SelectCurrent' (renamed, simulated)")
            return real(name, globals, locals, fromlist, level)

        builtins.__import__ = refuse
        from panel_tui import textual_fixes
        assert textual_fixes.SelectCurrent is None
        from textual.widgets import Select
        from panel_tui.app import PanelApp
        from panel_tui.modals.entry_form import EntryForm
        from panel_tui.widgets.standards_table import StandardsTable

        async def go():
            app = PanelApp(sys.argv[1])
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                table = app.screen.query_one(StandardsTable)
                table.move_cursor(row=table.get_row_index("2.2"))
                await pilot.pause()
                await pilot.press("d")
                form = app.screen
                assert isinstance(form, EntryForm), type(form).__name__
                selects = list(form.query(Select))
                assert selects and all(type(s) is textual_fixes.ValuedSelect for s in selects)
                assert form.values()["to"] == "Good", form.values()
                form.query_one("#f-rationale").insert(
                    "Planning for safety fell short only on contingency; the rest was good."
                )
                await pilot.press("ctrl+s")
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert type(app.screen).__name__ == "MeetingScreen", type(app.screen).__name__
                print("recorded", app.screen.session.log.entries[-1]["kind"])

        asyncio.run(go())
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code, str(stockton_met)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "recorded discretion"


# --- set_virtual_size_quietly (no upstream issue found) -------------------------------------------


class Pane(ScrollView):
    DEFAULT_CSS = "Pane { overflow-y: scroll; }"


def test_a_new_virtual_size_still_lays_out_the_screen():
    """If this fails, setting a ScrollView's ``virtual_size`` no longer asks for a layout (of the
    whole screen): drop ``set_virtual_size_quietly`` for a plain assignment (widgets/detail.py)."""
    seen = {}

    async def script(app, pilot):
        pane = Pane()
        await app.mount(pane)
        await pilot.pause()
        asked: list[dict] = []
        original = pane.refresh
        pane.refresh = lambda *a, **k: asked.append(k) or original(*a, **k)  # type: ignore[method-assign]
        pane.virtual_size = Size(10, 100)
        seen["plain"] = any(k.get("layout") for k in asked)
        asked.clear()
        set_virtual_size_quietly(pane, Size(10, 200))
        seen["quiet"] = (
            any(k.get("layout") for k in asked),
            pane.virtual_size,
            pane.vertical_scrollbar.window_virtual_size,
        )

    run(Bare(), script)
    assert seen["plain"], "a new virtual_size no longer lays out: drop set_virtual_size_quietly"
    assert seen["quiet"] == (False, Size(10, 200), 200)


def test_the_quiet_size_falls_back_to_a_plain_assignment_without_the_private_method():
    seen = {}

    async def script(app, pilot):
        pane = Pane()
        await app.mount(pane)
        await pilot.pause()
        pane._scroll_update = None  # as on a Textual without it (for this call only: Textual uses it too)
        set_virtual_size_quietly(pane, Size(10, 50))
        del pane._scroll_update
        await pilot.pause()
        seen["size"] = pane.virtual_size
        seen["bar"] = pane.vertical_scrollbar.window_virtual_size

    run(Bare(), script)
    assert seen == {"size": Size(10, 50), "bar": 50}


def _app_modules() -> list[str]:
    import pkgutil

    import panel_tui

    return sorted(
        m.name
        for m in pkgutil.walk_packages(panel_tui.__path__, "panel_tui.")
        if not m.name.startswith("panel_tui.core") and m.name != "panel_tui.textual_fixes"
    )


@pytest.mark.parametrize("module", _app_modules())
def test_no_other_module_reaches_into_textual_internals(module):
    """Private Textual names (``textual._x``, ``textual.widgets._x``, ``._scroll_update``, Textual's
    own watch methods and handlers overridden) appear only in textual_fixes."""
    from importlib.util import find_spec

    spec = find_spec(module)  # found, not imported (panel_tui.__main__ would run the command line)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")
    assert not re.search(r"textual(\.\w+)*\._\w+", source), module
    assert not re.search(
        r"\._scroll_update|\bwatch_cursor_coordinate\b|def update_styles|def _on_screen_resume", source
    ), module


def test_the_web_driver_still_blurs_the_app_as_it_starts():
    """refocus_after_app_focus: Textual's web driver posts an AppBlur when it starts application
    mode. When it no longer does, a served app keeps its focus and the work-around can go."""
    import inspect

    from textual.drivers.web_driver import WebDriver

    assert "AppBlur()" in inspect.getsource(WebDriver.start_application_mode)


# --- KeysFooter, SizedBeforePaint: the first screen whole in its first frame (no upstream issue found)


class FirstPaint(Static):
    """Notes, as it is first painted, how many footer keys are laid out (the same frame paints both)."""

    keys_at_first_paint: int | None = None

    def render(self):
        if self.keys_at_first_paint is None:
            self.keys_at_first_paint = sum(1 for k in self.screen.query(FooterKey) if k.region)
        return super().render()


class WithFooter(App[None]):
    BINDINGS = [Binding("d", "go", "Go"), Binding("q", "quit", "Quit")]
    allowed = True

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield FirstPaint("body")
        yield self.footer()

    def action_go(self) -> None:
        pass

    def check_action(self, action, parameters):
        return (True if self.allowed else None) if action == "go" else True  # None: shown dimmed


def test_the_footer_still_composes_its_keys_a_frame_late():
    """If this fails, Textual's Footer has its keys in the screen's first frame: drop ``KeysFooter``
    (screens/meeting.py) for the plain Footer. Also checks KeysFooter shows them in that frame,
    leaves identical keys alone, and rebuilds them when one changes."""
    seen: dict[str, object] = {}

    async def script(app, pilot):
        seen[app.footer.__name__] = app.query_one(FirstPaint).keys_at_first_paint
        if app.footer is KeysFooter:
            keys = list(app.query(FooterKey))
            app.screen.refresh_bindings()  # the same keys: left as they are
            await pilot.pause()
            seen["same"] = list(app.query(FooterKey)) == keys
            app.allowed = False  # "Go" disabled: rebuilt, dimmed
            app.screen.refresh_bindings()
            await until_true(pilot, lambda: list(app.query(FooterKey)) != keys)
            seen["disabled"] = [k.description for k in app.query(FooterKey) if k.has_class("-disabled")]

    run(WithFooter(Footer), script)
    run(WithFooter(KeysFooter), script)
    assert seen["Footer"] == 0, "Textual's Footer now has its keys in the first frame: drop KeysFooter"
    assert seen["KeysFooter"] == 3  # Go, Quit and the palette's key, in the first frame
    assert seen["same"] is True
    assert seen["disabled"] == ["Go"]


async def until_true(pilot, condition, limit: int = 200) -> None:
    """Pause until ``condition()`` holds (a bounded number of turns: a failure, not a hang)."""
    for _ in range(limit):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


class WidthPane(ScrollView):
    """Lines that depend on the width, drawn where the app's evidence pane draws them."""

    DEFAULT_CSS = "WidthPane { overflow-y: scroll; }"

    def __init__(self) -> None:
        super().__init__()
        self.width_drawn = 0
        self.events: list[str] = []

    def draw(self) -> None:
        self.width_drawn = self.size.width

    def on_resize(self) -> None:
        self.events.append("resize")
        self.draw()

    def render_line(self, y: int) -> Strip:
        what = "paint" if self.width_drawn else "blank paint"
        if not self.events or self.events[-1] != what:  # one entry for a frame's lines
            self.events.append(what)
        return Strip.blank(self.size.width)


class SizedPane(SizedBeforePaint, WidthPane):
    def size_known(self) -> None:
        self.events.append("size known")
        self.draw()


class PaneApp(App[None]):
    def __init__(self, pane: WidthPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane


def test_a_widget_still_hears_of_its_size_after_its_first_paint():
    """If this fails, Textual delivers a widget's Resize before the frame that first paints it: drop
    ``SizedBeforePaint`` (widgets/detail.py lays out in on_resize alone). Also checks the mix-in
    draws at the real width before that first paint."""
    plain, sized = WidthPane(), SizedPane()

    async def nothing(app, pilot):
        pass

    run(PaneApp(plain), nothing)
    run(PaneApp(sized), nothing)
    assert plain.events[:2] == ["blank paint", "resize"], (
        f"{plain.events}: Textual now resizes before the first paint: drop SizedBeforePaint"
    )
    assert sized.events[:2] == ["size known", "paint"], sized.events


def test_sized_before_paint_without_the_private_hook_lays_out_on_resize(monkeypatch):
    monkeypatch.delattr(SizedBeforePaint, "_size_updated")  # as if Textual never called it
    pane = SizedPane()

    async def nothing(app, pilot):
        pass

    run(PaneApp(pane), nothing)
    assert "size known" not in pane.events and "resize" in pane.events and pane.width_drawn > 0


# --- KeysInOrder: keys in one burst (no upstream issue found) -------------------------------------


class TwoFields(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")


class TwoFieldsInOrder(KeysInOrder, TwoFields):
    pass


def send_burst(app: App, *keys: str) -> None:
    """Keys posted as the terminal driver posts what it reads, none waiting for the one before."""
    from textual import events

    for key in keys:
        event = events.Key(key, {"tab": "\t"}.get(key, key))
        event.set_sender(app)
        app._driver.send_message(event)


def test_keys_in_a_burst_still_go_to_the_widget_focused_before_a_tab():
    """If this fails, Textual hands a key on only after the key before it has moved the focus:
    drop ``KeysInOrder`` (app.py). Also checks the mix-in sends each key where the Tab left the focus."""
    seen = {}

    async def script(app, pilot):
        send_burst(app, "a", "tab", "b")
        await until_true(pilot, lambda: app.query_one("#one", Input).value.startswith("a") and app.focused.id == "two")
        await pilot.pause()
        seen[type(app).__name__] = (app.query_one("#one", Input).value, app.query_one("#two", Input).value)

    run(TwoFields(), script)
    run(TwoFieldsInOrder(), script)
    assert seen["TwoFields"] == ("ab", ""), "Textual now sends keys after a Tab to the next field: drop KeysInOrder"
    assert seen["TwoFieldsInOrder"] == ("a", "b")


class Swallows(Input):
    """Stops the marker that follows a key (as a widget removed with it would lose it)."""

    def on_keys_in_order_key_handled(self, marker: KeysInOrder.KeyHandled) -> None:
        marker.stop()


class LostMarker(KeysInOrder, App[None]):
    RELEASE_AFTER = 0.05

    def compose(self) -> ComposeResult:
        yield Swallows(id="one")
        yield Input(id="two")


def test_a_lost_marker_delays_the_next_keys_never_loses_them():
    seen = {}

    async def script(app, pilot):
        send_burst(app, "a", "b", "tab", "c")
        await until_true(pilot, lambda: app.query_one("#two", Input).value == "c", limit=2000)
        seen["values"] = (app.query_one("#one", Input).value, app.query_one("#two", Input).value)

    run(LostMarker(), script)
    assert seen["values"] == ("ab", "c")


def test_a_paste_after_a_tab_in_the_same_burst_goes_to_the_next_field():
    from textual import events

    seen = {}

    async def script(app, pilot):
        send_burst(app, "a", "tab")
        app._driver.send_message(events.Paste("pasted"))
        await until_true(pilot, lambda: app.query_one("#two", Input).value == "pasted")
        seen["values"] = (app.query_one("#one", Input).value, app.query_one("#two", Input).value)

    run(TwoFieldsInOrder(), script)
    assert seen["values"] == ("a", "pasted")
