"""Fitting an entry form to the screen: the buttons always shown, the field being read in view.

A form's body (intro and fields) scrolls between its title and its docked foot (messages and
buttons). Textual cannot size that body itself (a max-height of 1fr inside an auto-height form
resolves to the whole form), so it is fitted here whenever the screen or the foot changes size,
and the field being typed in, or the one a refusal points to, is scrolled into view once the body
has its new height. Every rule here was found at 80x24 or under load (see each docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import AwaitMount
from textual.widgets import Input, Select, TextArea


class FormFoot(Vertical):
    """The form's foot (messages and buttons). Says when its height changed, so the form fits
    its body to what is left whatever the order the messages and layouts came in."""

    class Resized(Message):
        pass

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class FittingForm(ModalScreen[Any]):
    """A modal with ``#form`` > ``#form-title``, ``#form-body`` (scrolling) and ``#form-foot``.
    ``_fault`` names the field a refusal points to (kept in view with its message), if any."""

    _fault: str | None = None

    def _show_focused(self) -> None:
        """Once the body has its height: bring the field to type in into view (a select-only form,
        e.g. the sign-off, stays at the top, where its intro says what is missing)."""
        if self._fault is not None:  # refused already (ctrl+s pressed at once): its message too
            self._scroll_to_field(self._fault)
            return
        focused = self.focused
        if isinstance(focused, (TextArea, Input)):
            focused.scroll_visible(animate=False)
        else:
            self.query_one("#form-body").scroll_home(animate=False)

    def on_resize(self) -> None:
        self._fit()

    def on_form_foot_resized(self, _: FormFoot.Resized) -> None:
        """A line above the buttons came or went: the body is refitted, and the field at fault (if
        any) brought back into view with its message. Found in tmux at 80x24: ctrl+s within half a
        second of opening the dissent form left the message under the line above the buttons,
        because the form's first fitting ran after the refusal's."""
        fault = self._fault
        self._fit(lambda: self._scroll_to_field(fault) if fault is not None and self._fault == fault else None)

    def _fit(self, then: Callable[[], object] | None = None) -> None:
        """Keep the buttons and messages on screen at any size: the body (intro and fields) gets the
        height the form has left and scrolls within it. (A max-height of 1fr inside an auto-height
        form resolves to the whole form in Textual, which pushed the buttons below the screen.)
        ``then`` runs once the body has its new height (e.g. scrolling a field into view)."""
        if not self.is_mounted or not self.size.height:
            return
        form = self.query_one("#form")
        chrome = form.styles.gutter.height + self.query_one("#form-title").outer_size.height
        left = max(3, self.size.height - chrome - self.query_one("#form-foot").outer_size.height)
        body = self.query_one("#form-body")
        if body.styles.max_height is None or body.styles.max_height.value != left:
            body.styles.max_height = left
            if then is not None:
                self.call_after_refresh(then)
        elif then is not None:
            then()

    def _fit_once_mounted(self, mounts: list[AwaitMount], then: Callable[[], object] | None = None) -> None:
        """Fit the body (then ``then``) once the messages just mounted are in the layout. Fitted
        before, on a busy machine, the body was sized for the foot without the new line above the
        buttons, and the message under the last field ended one line below what could be seen
        (a test failed so under load)."""

        async def settle() -> None:
            for mounted in mounts:
                await mounted
            self.call_after_refresh(self._fit, then)

        if mounts:
            self.call_later(settle)
        else:
            self.call_after_refresh(self._fit, then)

    def _scroll_to_field(self, name: str, tries: int = 5) -> None:
        """Bring a field's label, widget and message into view together, and check again after
        the next refresh until they are (at most ``tries`` times). On a busy machine a refusal
        right after opening came while the body was still being laid out: a part just mounted had
        no region yet, or the scroll was cut short by the body's old height, and the message
        stayed a line below the view (found in tmux at 80x24, then in a test under load)."""
        region = self._field_region(name)
        if region is None:
            if tries > 0:
                self.call_after_refresh(self._scroll_to_field, name, tries - 1)
            return
        body = self.query_one("#form-body")
        body.scroll_to_region(region, animate=False)
        if tries > 0:
            self.call_after_refresh(self._recheck_field, name, tries - 1)

    def _recheck_field(self, name: str, tries: int) -> None:
        bodies = self.query("#form-body")
        if not bodies:  # the form closed meanwhile (recorded or cancelled): nothing left to scroll
            return
        region = self._field_region(name)
        body = bodies.first()
        top, height = int(body.scroll_y), body.scrollable_content_region.height
        if region is None or not (top <= region.y and region.bottom <= top + height):
            self._scroll_to_field(name, tries)

    def _field_region(self, name: str) -> Region | None:
        """Where a field's label, widget and message are in the body, or None while any of them
        is not laid out yet."""
        parts = list(self.query(f".field-{name}")) + [w for w in self.query(f"#err-{name}") if w.display]
        if not parts or any(not w.virtual_region.area for w in parts):
            return None
        region = parts[0].virtual_region
        for w in parts[1:]:
            region = region.union(w.virtual_region)
        return region

    def _keep_focused_in_view(self) -> None:
        """The intro grew above the field being typed in: keep that field on screen (found in tmux
        at 80x24: the precedents pushed Rationale below the buttons)."""
        if self._fault is not None:
            self._scroll_to_field(self._fault)
            return
        focused = self.focused
        if isinstance(focused, (TextArea, Input, Select)) and focused in self.query_one("#form-body").children:
            focused.scroll_visible(animate=False)
