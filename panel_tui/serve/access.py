"""Who may open the served meeting, and as whom: one secret link per person, checked in constant time.

A link's token is the only credential. The server keeps token -> identity; a browser presents the
token once (``/join/<token>``) and then in an HttpOnly, SameSite=Strict cookie, so the page's
script never reads it and no other site's page can send it. The identity (and so the role the app
process gets) comes from this table alone, never from anything the page sends. No aiohttp import
here: the table and the URL checks are tested on their own.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from panel_tui.core.errors import InputError

COOKIE = "panel_tui_link"
TOKEN_BYTES = 32  # 256 bits from the operating system's generator (secrets), url-safe


@dataclass(frozen=True)
class Identity:
    """Whose link: ``role`` chair | member | follower, ``name`` for a member."""

    role: str
    name: str = ""

    @property
    def label(self) -> str:
        """How the printed link is named: ``NAME (member)``, ``chair``, ``follower``."""
        return f"{self.name} ({self.role})" if self.name else self.role

    def environment(self) -> dict[str, str]:
        """What the app process is told (panel_tui/roles.py reads it): set by the server per connection."""
        env = {"PANEL_TUI_ROLE": self.role, "PANEL_TUI_MEMBER": self.name}
        if self.role == "member":
            env["PANEL_TUI_ENTERED_BY"] = self.name  # format 3's entered_by: the member typed it in
        return env


class Links:
    """The tokens of one server run: issued at start, valid until it stops (restarting revokes them)."""

    def __init__(self, members: list[str], followers: bool, chair: bool = True) -> None:
        self._by_token: dict[str, Identity] = {}
        self.issued: list[tuple[Identity, str]] = []  # (who, token) in the order links are printed
        for name in members:
            self._issue(Identity("member", name))
        if chair:
            self._issue(Identity("chair"))
        if followers:
            self._issue(Identity("follower"))

    def _issue(self, who: Identity) -> None:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self._by_token[token] = who
        self.issued.append((who, token))

    def identify(self, presented: str | None) -> Identity | None:
        """The identity of a presented token, or None. Every token is compared, in constant time
        each, so the time taken says nothing about how close a guess came."""
        if not presented or len(presented) > 100:
            return None
        found = None
        given = presented.encode("utf-8", "surrogateescape")
        for token, who in self._by_token.items():
            if hmac.compare_digest(token.encode("ascii"), given):
                found = who
        return found


def check_members(names: list[str]) -> list[str]:
    """Member names as given, refused when blank, repeated, or holding control characters."""
    seen: set[str] = set()
    out = []
    for raw in names:
        name = raw.strip()
        if not name or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise InputError(
                None,
                "argument --member",
                f"{raw!r} is not a usable name (blank or control characters).",
                "give each member's name as it appears in the attendance, e.g. --member 'Sam Okafor'.",
            )
        if name in seen:
            raise InputError(
                None, "argument --member", f"{name!r} is given twice.", "give each member once: one link per person."
            )
        seen.add(name)
        out.append(name)
    return out


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` as a browser sends it in ``Origin`` (default ports dropped, lower case)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def public_url(given: str | None, host: str, port: int, tls: bool) -> str:
    """The URL members open (what every link and the Origin check rest on), without a trailing slash."""
    if given is None:
        if host in ("0.0.0.0", "::", ""):
            raise InputError(
                None,
                "argument --host",
                f"{host!r} listens on every address, so the links need a name members can reach.",
                "add --public-url https://NAME:PORT (the address members open).",
            )
        name = f"[{host}]" if ":" in host else host
        return f"{'https' if tls else 'http'}://{name}:{port}"
    try:
        parts = urlsplit(given)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.path not in ("", "/")
        or parts.username
        or parts.password
    ):
        raise InputError(
            None,
            "argument --public-url",
            f"{given!r} is not a plain http(s) address.",
            "give scheme, host and port only, e.g. https://panel.example.org or http://127.0.0.1:8000 "
            "(a reverse proxy serves the app at the root of its own host name).",
        )
    return origin_of(given)


def check_transport(host: str, url: str, tls: bool, insecure_http: bool) -> None:
    """Plain http only on this machine's loopback, unless asked for explicitly: a token and every
    keystroke of the meeting would cross the network readable."""
    if tls or is_loopback(host) or insecure_http:
        return
    raise InputError(
        None,
        "argument --host",
        f"serving plain http on {host!r} sends the links and the meeting unencrypted over the network.",
        "give --certificate FILE --key FILE, or keep --host 127.0.0.1 behind an https reverse proxy "
        "(--public-url https://...), or say --insecure-http if the network is trusted.",
    )
