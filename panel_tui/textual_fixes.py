"""Work-arounds for Textual behaviour that costs the meeting app memory or time (Textual 8.2).

Kept in one place, each with the reason, so they can be dropped when Textual changes.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent


def forget_closed_watchers(app: Any) -> int:
    """Drop the watchers that closed widgets left on the app and on every widget of the open
    screens; returns how many were dropped.

    ``widget.watch(other, "attr", callback)`` keeps a (widget, callback) pair in ``other``'s
    watcher list, and Textual prunes closed widgets from that list only when ``attr`` next changes.
    Two such lists grew for as long as the meeting ran: every TextArea watches the app's ``theme``
    (so each closed form kept its TextAreas alive, with their styles, caches and rendered lines),
    and every FooterKey watches its Footer's ``compact`` (16 keys kept per form opened and closed).
    Measured: about 8,000 objects and 630 rendered lines kept per form, which every full garbage
    collection then walked (80-170 ms pauses while a later form opened, issue 12). The test for
    closed is Textual's own (``_closing``)."""
    dropped = _forget(app)
    for screen in getattr(app, "screen_stack", []):
        for node in screen.walk_children(with_self=True):
            dropped += _forget(node)
    _clear_styles_cache_memo()
    return dropped


def _clear_styles_cache_memo() -> None:
    """``StylesCache.get_inner_outer`` is memoised with ``lru_cache(1024)`` on the instance, so it
    keeps up to 1,024 closed widgets' style caches, each with its rendered lines (44 per form
    opened, measured: the lines kept grew by 630 a form until the memo was full). Emptying it
    costs a few style lookups on the next paint."""
    try:
        from textual._styles_cache import StylesCache
    except ImportError:  # a Textual without this module: nothing to clear
        return
    clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if callable(clear):
        clear()


def _forget(obj: Any) -> int:
    watchers: dict[str, list[tuple[Any, Any]]] | None = getattr(obj, "__watchers", None)
    if not watchers:
        return 0
    dropped = 0
    for pairs in watchers.values():
        kept = [(node, callback) for node, callback in pairs if not getattr(node, "_closing", False)]
        dropped += len(pairs) - len(kept)
        pairs[:] = kept
    return dropped


class FreshScreenStyles:
    """For a screen made anew each time it opens (the forms, the log view): its first resume comes
    straight after it was mounted, when every style was applied as each widget mounted, and
    Textual's restyle of the whole screen on that resume only repeats it (20 ms of the discretion
    form's opening, traced). Later resumes (after a screen on top closes) restyle as usual.

    A handler, not an override: Textual calls each class's ``_on_screen_resume`` in turn, this one
    (earlier in the MRO) before Screen's, which then reads the flag set here."""

    _resumed_once = False

    def _on_screen_resume(self, event: Any) -> None:
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False


class ValuedSelect(Select[Any]):
    """A Select that always holds a value (``allow_blank=False``, which it forces), with its
    current-value box styled for a value from the start.

    Select sets the box's value in its own mount handler, after every style was applied; the box
    then gains the class ``-has-value`` and Textual restyles it and its three children at once
    (about 7 ms for each of the discretion form's two selects, traced, issue 12). Here the box is
    composed with the value flag and its class already set, without watchers or a restyle (it is
    not mounted yet), so that later change finds nothing to do. Nothing else differs: the value,
    the options and the class's meaning are Select's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "allow_blank": False})

    def compose(self) -> ComposeResult:
        for child in super().compose():
            if isinstance(child, SelectCurrent):
                # the value and its class, set without watchers or a restyle (not mounted yet); as
                # the box mounts, Textual then finds the reactive set and leaves the class alone
                child.set_reactive(SelectCurrent.has_value, True)
                child.add_class("-has-value", update=False)
            yield child
