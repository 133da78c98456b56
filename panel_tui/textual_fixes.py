"""Every reach into Textual's internals, in one place (written for Textual 8.2.8, the pinned version).

The rest of the app uses Textual's public API only. Each work-around here says why it exists, the
upstream issue where there is one, and has a canary in tests/ui/test_textual_canaries.py that
fails when Textual's behaviour changes, naming the work-around to drop or revisit (README: "Moving
to a newer Textual"). A private name that is gone degrades to Textual's plain behaviour: the app
still starts and works, only slower or with more memory.

``WORKAROUNDS`` lists them: name -> (upstream issue or "no upstream issue found", canary test).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Footer, Select

try:  # private: the box showing a Select's value (a rename must not break the app's import)
    from textual.widgets._select import SelectCurrent
except ImportError:  # pragma: no cover - exercised in a subprocess by the canaries
    SelectCurrent = None  # type: ignore[assignment,misc]  # ValuedSelect is then a plain Select

WORKAROUNDS: dict[str, tuple[str, str]] = {
    "forget_closed_watchers": (
        "https://github.com/Textualize/textual/issues/6666",
        "test_closed_widgets_still_stay_in_watcher_lists",
    ),
    "_clear_styles_cache_memo": (
        "https://github.com/Textualize/textual/issues/6665",
        "test_styles_cache_still_memoises_on_the_class",
    ),
    "FreshScreenStyles": ("no upstream issue found", "test_a_fresh_screen_is_still_restyled_on_its_first_resume"),
    "ValuedSelect": ("no upstream issue found", "test_select_still_marks_its_value_box_only_after_mounting"),
    "RestyleAttachedOnly": ("no upstream issue found", "test_textual_still_restyles_widgets_not_yet_in_the_app"),
    "set_virtual_size_quietly": ("no upstream issue found", "test_a_new_virtual_size_still_lays_out_the_screen"),
    "refocus_after_app_focus": ("no upstream issue found", "test_the_web_driver_still_blurs_the_app_as_it_starts"),
    "answer_start_blur": ("no upstream issue found", "test_the_web_driver_still_blurs_the_app_as_it_starts"),
    "KeysFooter": ("no upstream issue found", "test_the_footer_still_composes_its_keys_a_frame_late"),
    "SizedBeforePaint": ("no upstream issue found", "test_a_widget_still_hears_of_its_size_after_its_first_paint"),
    "KeysInOrder": ("no upstream issue found", "test_keys_in_a_burst_still_go_to_the_widget_focused_before_a_tab"),
}


# --- watchers left by closed widgets (memory; upstream #6666) ------------------------------------


def forget_closed_watchers(app: Any) -> int:
    """Drop the watchers that closed widgets left on the app and on every widget of the open
    screens; returns how many were dropped.

    ``widget.watch(other, "attr", callback)`` keeps a (widget, callback) pair in ``other``'s
    watcher list (the private ``__watchers`` dict), and Textual prunes closed widgets from that list
    only when ``attr`` next changes (https://github.com/Textualize/textual/issues/6666, open).
    Two such lists grew for as long as the meeting ran: every TextArea watches the app's ``theme``
    (so each closed form kept its TextAreas alive, with their styles, caches and rendered lines),
    and every FooterKey watches its Footer's ``compact`` (16 keys kept per form opened and closed).
    Measured: about 8,000 objects and 630 rendered lines kept per form, which every full garbage
    collection then walked (80-170 ms pauses while a later form opened, issue 12). The test for
    closed is Textual's own (``_closing``). Without the private list this does nothing."""
    dropped = _forget(app)
    for screen in getattr(app, "screen_stack", []):
        for node in screen.walk_children(with_self=True):
            dropped += _forget(node)
    _clear_styles_cache_memo()
    return dropped


def _clear_styles_cache_memo() -> None:
    """``StylesCache.get_inner_outer`` (private module) is memoised with ``lru_cache(1024)`` on the
    method, so the memo keeps up to 1,024 closed widgets' style caches, each with its rendered
    lines (44 per form opened, measured: the lines kept grew by 630 a form until the memo was full;
    https://github.com/Textualize/textual/issues/6665, open). Emptying it costs a few style lookups
    on the next paint. Without the module or the memo this does nothing."""
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


# --- restyles that repeat work just done (time; no upstream issue found) -------------------------


class FreshScreenStyles:
    """For a screen made anew each time it opens (the forms, the log view): its first resume comes
    straight after it was mounted, when every style was applied as each widget mounted, and
    Textual's restyle of the whole screen on that resume only repeats it (20 ms of the discretion
    form's opening, traced). Later resumes (after a screen on top closes) restyle as usual.

    A handler, not an override: Textual calls each class's private ``_on_screen_resume`` in turn,
    this one (earlier in the MRO) before Screen's, which then reads the flag set here on the
    event (``ScreenResume.refresh_styles``). Should either go, the flag is ignored: the screen is
    restyled as Textual does by default."""

    _resumed_once = False

    def _on_screen_resume(self, event: Any) -> None:
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False


class RestyleAttachedOnly:
    """App mix-in: restyle a node whose classes changed, unless it is not in the app yet. Textual
    styles every widget as it is registered (``App._register``), so restyling one still being
    built is work thrown away; Textual did that whenever a widget set a class in its constructor:
    each Button (its variant and style classes), every field given a class before it mounted
    (measured: 1-2 ms a widget, issue 12). Overrides ``App.update_styles``, which Textual calls
    itself when classes change; should Textual stop calling it, this simply never runs."""

    def update_styles(self, node: Any, animate: bool = True) -> None:
        if node is not self and not node.is_attached:
            return
        super().update_styles(node, animate)  # type: ignore[misc]


class ValuedSelect(Select[Any]):
    """A Select that always holds a value (``allow_blank=False``, which it forces), with its
    current-value box styled for a value from the start.

    Select sets the box's value in its own mount handler, after every style was applied; the box
    then gains the class ``-has-value`` and Textual restyles it and its three children at once
    (about 7 ms for each of the discretion form's two selects, traced, issue 12). Here the box (the
    private ``SelectCurrent``) is composed with the value flag and its class already set, without
    watchers or a restyle (it is not mounted yet), so that later change finds nothing to do.
    Nothing else differs: the value, the options and the class's meaning are Select's own. Without
    ``SelectCurrent`` (or its ``has_value``) this is a plain Select with allow_blank=False."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "allow_blank": False})

    def compose(self) -> ComposeResult:
        box = SelectCurrent
        flag = getattr(box, "has_value", None) if box is not None else None
        for child in super().compose():
            if flag is not None and isinstance(child, box):
                # the value and its class, set without watchers or a restyle (not mounted yet); as
                # the box mounts, Textual then finds the reactive set and leaves the class alone
                child.set_reactive(flag, True)
                child.add_class("-has-value", update=False)
            yield child


# --- a scroll view's height without a layout of the whole screen (time; no upstream issue found) -


def set_virtual_size_quietly(view: Any, size: Any) -> None:
    """Give a ScrollView a new ``virtual_size`` and refresh its scrollbars only.

    Setting ``virtual_size`` the usual way (a reactive with ``layout=True``) lays out the whole
    screen (about 25 ms at 100x30). The evidence pane's vertical scrollbar is always there
    (``overflow-y: scroll``), so a new height changes nothing outside the pane: the value is set
    without its watchers, then Textual's private ``_scroll_update`` resizes the scrollbar and clamps
    the scroll offset. Without ``_scroll_update`` the size is set the usual way (one layout)."""
    scroll_update = getattr(view, "_scroll_update", None)
    if not callable(scroll_update):
        view.virtual_size = size
        return
    view.set_reactive(type(view).virtual_size, size)
    scroll_update(size)


# --- the first screen whole in its first frame (time; issue 26 item 2; no upstream issue found) ---


class KeysFooter(Footer):
    """A Footer that shows its keys in the screen's first frame and rebuilds them only when they change.

    Textual's Footer composes empty and waits for the screen's bindings signal, then rebuilds its
    keys after a refresh: the first screen was painted without them and completed one layout and
    paint later (the keys were the last part of the meeting's first screen, 30-45 ms after the
    rest, in a 100x30 pty). It also rebuilt them on every signal, identical or not (three times as
    the meeting screen starts). Here the first compose reads the screen's bindings as they are (the
    private ``_bindings_ready`` flag set without watchers), and ``recompose`` is skipped when every
    key, its state and its label are the same as last composed. Without the private flag this is
    Textual's Footer, keys a frame late."""

    _composed: object = None  # what the keys were composed from (``_shown``)

    def _shown(self) -> object:
        """Everything Footer.compose reads to build its keys."""
        app = self.app
        return (
            tuple(
                (key, b.key, b.action, b.description, b.show, b.group, enabled, tip, app.get_key_display(b))
                for key, (_, b, enabled, tip) in self.screen.active_bindings.items()
            ),
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
        )

    def compose(self) -> ComposeResult:
        ready = getattr(Footer, "_bindings_ready", None)
        if ready is not None:
            self.set_reactive(ready, True)
        self._composed = self._shown()
        yield from super().compose()

    async def recompose(self) -> None:
        if self.is_attached and self._composed is not None and self._shown() == self._composed:
            return  # the same keys: nothing to rebuild, lay out or paint
        await super().recompose()


class SizedBeforePaint:
    """Mix-in for a widget whose lines depend on its width (the evidence pane): ``size_known()``
    runs as soon as Textual gives the widget its size, in the layout that precedes the widget's
    first paint, instead of in ``on_resize``, whose Resize event is handled only after that paint
    (the evidence pane came one frame, 30-40 ms, after the rest of the first screen, measured in a
    100x30 pty). It extends the private ``_size_updated``, which Textual calls for every widget of
    a layout before painting it; should that go, ``on_resize`` still lays the widget out, a frame
    later."""

    def _size_updated(self, size: Any, virtual_size: Any, container_size: Any, layout: bool = True) -> bool:
        changed: bool = super()._size_updated(size, virtual_size, container_size, layout)  # type: ignore[misc]
        self.size_known()
        return changed

    def size_known(self) -> None:
        """The widget has its size (and has not been painted at it yet)."""


# --- keys in one burst go where the user meant (data; issue 26 Part B; no upstream issue found) ---


class KeysInOrder:
    """App mix-in: each key reaches the widget focused once the key before it has been handled.

    Textual hands every key to the widget focused at the moment the app reads it (a post to that
    widget's queue), while a key that moves the focus (Tab, a binding such as a Select's Enter)
    moves it only once it has travelled back up to the app, after the keys read with it in the same
    burst were queued at the old widget. Typed one at a time it works; pasted, sent by a macro or by
    ``tmux send-keys "Helen Davies" Tab "Maria Jerram"``, every word landed in the chair's field
    ("Helen DaviesMaria Jerram" recorded as the chair). Here, after a key is handed on, a marker
    follows it along the same path (the widget's queue, then each parent's, to the app); the next
    key waits until the marker is back, and until the screen a key opened has settled (its focus
    given), so it goes where the keys before it put the focus. Extends the app's ``on_event`` and
    reads Textual's ``is_forwarded`` (public property of an event). A bracketed paste waits its turn
    like a key (else it overtook the keys typed before it). A marker that never comes back
    (its widget removed) releases the keys after RELEASE_AFTER seconds: delayed, never lost."""

    RELEASE_AFTER = 0.5

    class KeyHandled(Message):
        """Follows a key along its way to the app (it bubbles; no widget handles it)."""

        def __init__(self, on_screen: Any) -> None:
            super().__init__()
            self.on_screen = on_screen  # the screen shown when it was sent: a new one settles first

    _held: deque[Any] | None = None  # keys read, not yet handed on
    _in_flight: Any = None  # the KeyHandled marker on its way, if any
    _release_timer: Any = None

    async def on_event(self, event: Any) -> None:
        from textual import events

        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:  # a paste keeps its place too
            await super().on_event(event)  # type: ignore[misc]
            return
        if self._held is None:
            self._held = deque()
        self._held.append(event)
        await self._deliver()

    async def _deliver(self) -> None:
        """Hand on held keys, one at a time, each after the marker that followed the one before."""
        app: Any = self
        while self._held and self._in_flight is None:
            key = self._held.popleft()
            screen = app.screen
            await super().on_event(key)  # type: ignore[misc]  # Textual: priority bindings, else the focused widget
            if key.is_forwarded:  # in a widget's queue: the marker follows it there
                self._send_marker(app.focused or app.screen, screen)
            elif app.screen is not screen:  # a priority binding opened or closed a screen
                self._send_marker(app.screen, app.screen)

    def _send_marker(self, target: Any, screen: Any) -> None:
        marker = self.KeyHandled(screen)
        if target.post_message(marker):  # False: a closed widget, nothing to wait for
            self._in_flight = marker
            if self._release_timer is not None:
                self._release_timer.stop()
            self._release_timer = self.set_timer(self.RELEASE_AFTER, self._release)  # type: ignore[attr-defined]

    async def on_keys_in_order_key_handled(self, marker: KeysInOrder.KeyHandled) -> None:
        if marker is not self._in_flight:
            return  # the timer released the keys already
        self._in_flight = None
        screen = self.screen  # type: ignore[attr-defined]
        if screen is not marker.on_screen:  # the key opened or closed a screen: the next key waits
            self._send_marker(screen, screen)  # until that screen has handled what it was sent (its focus)
            return
        if self._release_timer is not None:
            self._release_timer.stop()
            self._release_timer = None
        await self._deliver()

    async def _release(self) -> None:
        """The backstop: a marker lost with its widget delays the next keys, never loses them."""
        self._in_flight = self._release_timer = None
        await self._deliver()


# --- a served app's focus (panel-tui serve, issue 27) ---------------------------------------------


def answer_start_blur(app: Any) -> bool:
    """Under Textual's web driver, answer the ``AppBlur`` it posts as it starts with an ``AppFocus``
    (once): that blur comes after any focus the page sent while the app was starting, so a served
    app began unfocused, its footer empty and its first key lost. Returns whether it answered."""
    import os

    if getattr(app, "_start_blur_answered", False) or not os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        return False
    app._start_blur_answered = True
    from textual import events

    app.post_message(events.AppFocus())
    return True


def refocus_after_app_focus(app: Any) -> None:
    """Give the current screen its auto-focus widget when the app regains the focus with nothing focused.

    Textual's web driver (textual-serve) posts an ``AppBlur`` as it starts, whatever the page says;
    while the app is blurred a screen pushed meanwhile (the attendance form a fresh session opens
    with) gets no auto-focus, and on ``AppFocus`` Textual gives the focus back only to a widget of
    the screen that had it. In the browser the form then had no focused field and every key went
    nowhere (found with Chromium: the chair's first words were lost). Public API only (query and
    focus); the reach is into the driver's behaviour, hence here, with its canary."""
    screen = app.screen
    if screen.focused is not None:
        return
    selector = screen.AUTO_FOCUS if screen.AUTO_FOCUS is not None else app.AUTO_FOCUS
    if selector:
        for widget in screen.query(selector):
            if widget.focusable:
                widget.focus(scroll_visible=False)
                return
