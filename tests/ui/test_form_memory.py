"""A meeting opens and closes forms for hours: a closed form must not stay in memory (issue 12).

Textual keeps a widget that watched another object's attribute in that object's watcher list
until the attribute changes, and memoises style lookups per widget: every closed form's text
areas, footer keys and rendered lines stayed alive (about 8,000 objects a form), and every full
garbage collection walked them while the next form opened. panel_tui.textual_fixes lets them go
whenever a screen is opened. These tests count what is left after opening the form six times.
"""

from __future__ import annotations

import gc

from textual.widgets import TextArea

from panel_tui.modals.entry_form import EntryForm
from panel_tui.textual_fixes import forget_closed_watchers
from tests.ui.pilot import choose, form_closed, form_shown, open_form, run_app, select_standard, until


def _live(kind: str) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o).__name__ == kind)


def test_closed_forms_are_not_kept_alive(stockton_met):
    counts: dict[str, list[int]] = {"TextArea": [], "FooterKey": [], "StylesCache": []}

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        for _ in range(6):
            await pilot.press("d")
            await form_shown(pilot)
            assert isinstance(app.screen, EntryForm)
            for kind, seen in counts.items():
                seen.append(_live(kind))
            await pilot.press("escape")
            await form_closed(pilot)

    run_app(stockton_met, script)
    # counted with each form open: the second form onwards, the count stays where it was
    # (before the fix the text areas grew by one a form, the style caches by about 44)
    for kind, seen in counts.items():
        assert max(seen[1:]) - min(seen[1:]) <= 2, (kind, seen)


def test_forget_closed_watchers_drops_only_closed_nodes(stockton_met):
    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await form_shown(pilot)
        area = app.screen.query_one(TextArea)
        watchers = getattr(app, "__watchers")["theme"]
        assert any(node is area for node, _ in watchers)
        forget_closed_watchers(app)
        assert any(node is area for node, _ in watchers)  # the open form's text area is kept
        await pilot.press("escape")
        await form_closed(pilot)
        assert area._closing
        assert forget_closed_watchers(app) >= 1
        assert not any(node is area for node, _ in watchers)

    run_app(stockton_met, script)


def test_a_fresh_form_or_log_view_is_not_restyled_whole_when_it_first_shows(stockton_met, monkeypatch):
    """Textual restyles a screen whole on every resume; the first comes straight after mounting,
    when every style was just applied (textual_fixes.FreshScreenStyles skips that one)."""
    from textual.app import App

    from panel_tui.screens.log_view import LogScreen

    restyled: list[object] = []
    original = App.update_styles

    def spy(self, node, animate=True):
        restyled.append(node)
        return original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", spy)

    async def script(app, pilot):
        form = await open_form(pilot, "2.2", "d")
        assert form not in restyled
        area = form.query_one("#f-rationale")
        assert area.has_focus and area.styles.height.value == 5  # app.tcss applied as it mounted
        await pilot.press("escape")
        await form_closed(pilot)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogScreen), what="the log view")
        assert isinstance(app.screen, LogScreen) and app.screen not in restyled

    run_app(stockton_met, script)


def test_a_form_restyles_only_its_focused_field_as_it_opens(stockton_met, monkeypatch):
    """Each select box is composed already marked as holding a value (textual_fixes.ValuedSelect),
    and a widget given a class before it is in the app (each field's ``field-NAME``, each Button's
    variant) is styled once, as it mounts (PanelApp.update_styles), so none is restyled a second
    time as the form opens (traced: ~7 ms per select, 1-2 ms per field or button). The focused
    field's restyle (it gains :focus) is Textual's own and expected."""
    from textual.app import App
    from textual.widgets import Select
    from textual.widgets._select import SelectCurrent

    restyled: list[object] = []
    original = App.update_styles

    def spy(self, node, animate=True):
        restyled.append(node)
        return original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", spy)

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        restyled.clear()
        await pilot.press("d")
        await form_shown(pilot)
        form = app.screen
        in_form = [n for n in restyled if n is form or form in getattr(n, "ancestors", [])]
        assert in_form == [form.query_one("#f-rationale")], in_form
        for select in form.query(Select):  # the boxes still show their values, styled as holding one
            current = select.query_one(SelectCurrent)
            assert current.has_value and current.has_class("-has-value")
        assert "Good (uplift)" in str(form.query_one("#f-to").query_one(SelectCurrent).query_one("#label").render())
        await choose(pilot, "to", "Inadequate")  # changing it works as before
        assert form.values()["to"] == "Inadequate"
        assert form.query_one("#f-to").query_one(SelectCurrent).has_class("-has-value")

    run_app(stockton_met, script)
