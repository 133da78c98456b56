"""The `serve` command: check everything, print one link per person, then serve until Ctrl+C."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from panel_tui.core.errors import InputError

if TYPE_CHECKING:
    import ssl

DEFAULT_PORT = 8000


def add_serve_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("serve", help="serve the meeting app to members' browsers (one secret link each)")
    s.add_argument("path", type=Path, help="the session folder")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    s.add_argument(
        "--public-url",
        metavar="URL",
        help="the address members open, e.g. https://panel.example.org behind a reverse proxy",
    )
    s.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="NAME",
        help="a member who may record a dissent as themselves (one link each; repeat)",
    )
    s.add_argument("--followers", action="store_true", help="also print a read-only follower link")
    s.add_argument("--certificate", type=Path, metavar="FILE", help="TLS certificate (PEM), with --key")
    s.add_argument("--key", type=Path, metavar="FILE", help="TLS private key (PEM), with --certificate")
    s.add_argument(
        "--insecure-http", action="store_true", help="allow plain http on an address other than this machine's loopback"
    )
    s.set_defaults(func=cmd_serve)


def _ssl_context(certificate: Path | None, key: Path | None) -> ssl.SSLContext | None:
    if certificate is None and key is None:
        return None
    if certificate is None or key is None:
        raise InputError(
            None,
            "argument --certificate/--key",
            "one was given without the other.",
            "give both: --certificate cert.pem --key key.pem.",
        )
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(certificate, key)
    except (OSError, ssl.SSLError) as exc:
        raise InputError(
            certificate,
            None,
            f"the certificate and key could not be loaded ({exc}).",
            "give a PEM certificate chain and its matching unencrypted PEM key.",
        ) from None
    return context


def _not_present(session_dir: Path, members: list[str]) -> list[str]:
    from panel_tui.core.session import load_session

    state = load_session(session_dir).log
    present = set(state.present) if state is not None and state.attendance else set()
    return [m for m in members if m not in present] if present else []


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        raise InputError(
            None, "panel-tui serve", "needs textual-serve, which is not installed.", "pip install 'panel-tui[serve]'."
        ) from None
    from panel_tui.core.display import visible
    from panel_tui.core.session import load_session
    from panel_tui.serve.access import Links, check_members, check_transport, public_url

    session = load_session(args.path)  # a bad session is a message now, not in every browser
    members = check_members(args.member)
    if not 0 < args.port < 65536:
        raise InputError(None, "argument --port", f"{args.port} is not a port.", "give a number from 1 to 65535.")
    context = _ssl_context(args.certificate, args.key)
    url = public_url(args.public_url, args.host, args.port, context is not None)
    check_transport(args.host, url, context is not None, args.insecure_http)
    for name in _not_present(session.dir, members):
        print(
            f"panel-tui: warning: {visible(name)} is not in the attendance: their dissent is refused until the "
            "chair records them present.",
            file=sys.stderr,
        )
    links = Links(members, followers=args.followers)
    for who, token in links.issued:  # the links themselves: to the chair's terminal only, never a log
        print(f"{visible(who.label)}: {url}/join/{token}")
    sys.stdout.flush()
    print(
        f"panel-tui: serving {visible(str(session.dir))} on {args.host}:{args.port} as {url}. Ctrl+C stops it "
        "and ends every link.",
        file=sys.stderr,
    )
    from panel_tui.serve.server import PanelServer

    PanelServer(session.dir.resolve(), links, args.host, args.port, url, context).serve()
    return 0
