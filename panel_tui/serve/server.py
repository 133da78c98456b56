"""The web server of `panel-tui serve`: textual-serve's, with access checked on every route.

textual-serve 1.1.3 (pinned: this subclasses it) serves any app to anyone who reaches the port,
lets any site's page open the app's WebSocket, loads its page font from the internet and logs
request paths. Here: ``/join/<token>`` sets the link cookie; ``/``, ``/ws`` and downloads need it;
``/ws`` and downloads also need the public URL's ``Origin``; the page is our own (no request leaves
the server, one nonce per page for its inline parts); the access log never holds a path's token;
every open WebSocket is closed on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import ssl
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import WSCloseCode, web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.server import Server, to_int

from panel_tui.serve.access import COOKIE, Identity, Links, origin_of
from panel_tui.serve.apps import MeetingAppService

log = logging.getLogger("panel-tui.serve")
TEMPLATES = Path(__file__).parent / "templates"
MAX_APPS_PER_LINK = 3  # pages open at once per link: each is an app process (~47 MiB) on the chair's machine


class AccessLog(AbstractAccessLogger):
    """One line per request: address, method, path (a join link's token hidden), status, time."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = request.path
        if path.startswith("/join/"):
            path = "/join/…"
        self.logger.info("%s %s %s %s %.0fms", request.remote, request.method, path, response.status, time * 1000)


def _protect(response: web.StreamResponse) -> None:
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")


def _refuse(why: str) -> web.HTTPForbidden:
    """403 with a page that says what to do (no detail of which check failed beyond ``why``)."""
    return web.HTTPForbidden(
        text=f"403 Forbidden: {why}\n\nOpen the link the chair gave you for this meeting "
        "(links end when the server restarts: ask for a new one).\n",
        headers={"Cache-Control": "no-store"},
    )


class PanelServer(Server):
    """Serve the meeting app on ``session`` to the holders of ``links``."""

    def __init__(
        self,
        session: Path,
        links: Links,
        host: str,
        port: int,
        public_url: str,
        ssl_context: ssl.SSLContext | None = None,
        title: str = "panel-tui",
    ) -> None:
        import sys

        self.argv = [sys.executable, "-m", "panel_tui", "open", str(session)]
        super().__init__(" ".join(self.argv), host=host, port=port, title=title, public_url=public_url)
        self.links = links
        self.origin = origin_of(public_url)
        self.ssl_context = ssl_context
        self.sockets: set[web.WebSocketResponse] = set()
        self.services: dict[str, MeetingAppService] = {}  # app_service_id -> service (downloads check it)
        self.template = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True).get_template(
            "index.html"
        )

    # --- who is asking -----------------------------------------------------------------------

    def identity(self, request: web.Request) -> Identity | None:
        return self.links.identify(request.cookies.get(COOKIE))

    def same_origin(self, request: web.Request) -> bool:
        return request.headers.get("Origin") == self.origin

    # --- routes -----------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.headers_middleware])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/join/{token}", self.handle_join, name="join"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def headers_middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """No page of this server in another site's frame, and no address of it sent on as a referrer."""
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException as refused:  # refusals and redirects carry them too
            _protect(refused)
            raise
        if not response.prepared:  # a WebSocket or a download has sent its headers already
            _protect(response)
        return response

    async def handle_join(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        who = self.links.identify(token)
        if who is None:
            log.warning("refused a join link from %s: not a link of this server run", request.remote)
            raise _refuse("this link is not valid for this server run.")
        log.info("%s opened the %s link", request.remote, who.label)
        response = web.HTTPSeeOther("/", headers={"Cache-Control": "no-store"})
        response.set_cookie(
            COOKIE, token, path="/", httponly=True, samesite="Strict", secure=self.origin.startswith("https:")
        )
        raise response

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.identity(request) is None:
            raise _refuse("no valid link cookie.")
        nonce = secrets.token_urlsafe(16)
        ws_scheme = "wss" if self.origin.startswith("https:") else "ws"
        ws_origin = ws_scheme + self.origin[self.origin.index(":") :]
        page = self.template.render(
            title=self.title,
            static_url=f"{self.public_url}/static/",
            nonce=nonce,
            websocket_url=f"{ws_origin}/ws",
            font_size=min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 48),
        )
        csp = (
            f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}' "
            f"'unsafe-inline'; font-src 'self'; img-src 'self' data:; connect-src {ws_origin}/ws; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
        return web.Response(
            text=page, content_type="text/html", headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"}
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        who = self.identity(request)
        if who is None:
            log.warning("refused a WebSocket from %s: no valid link cookie", request.remote)
            raise _refuse("no valid link cookie.")
        if not self.same_origin(request):
            log.warning(
                "refused a WebSocket from %s: Origin %r is not %s",
                request.remote,
                request.headers.get("Origin", "")[:100],
                self.origin,
            )
            raise _refuse("this page is not the meeting's page.")
        if sum(1 for s in self.services.values() if s.who == who) >= MAX_APPS_PER_LINK:
            log.warning(
                "refused a WebSocket from %s: the %s link has %d pages open already",
                request.remote,
                who.label,
                MAX_APPS_PER_LINK,
            )
            raise web.HTTPTooManyRequests(
                text=f"429: this link has {MAX_APPS_PER_LINK} pages open already (each "
                "runs its own app on the chair's machine). Close one and reload.\n"
            )
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), 500)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 300)
        service: MeetingAppService | None = None
        try:
            await websocket.prepare(request)
            self.sockets.add(websocket)
            service = MeetingAppService(
                self.argv,
                who,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            self.services[service.app_service_id] = service
            log.info("%s: app started for the %s link", request.remote, who.label)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a broken message from a page ends that page's app, not the server
            log.warning("%s: the %s link's connection ended: %s", request.remote, who.label, type(error).__name__)
        finally:
            self.sockets.discard(websocket)
            if service is not None:
                self.services.pop(service.app_service_id, None)
                await service.stop()
        return websocket

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file an app delivers (e.g. a screenshot): only to its own link, from the meeting's page."""
        who = self.identity(request)
        origin = request.headers.get("Origin")
        from_page = origin == self.origin or (origin is None and request.headers.get("Sec-Fetch-Site") == "same-origin")
        if who is None or not from_page:
            raise _refuse("a download is given only to the page that asked for it.")
        try:
            meta = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound(text="No such download (it may have expired).") from None
        owner = getattr(meta.app_service, "who", None)
        if owner != who:
            raise _refuse("this download belongs to another link.")
        return await super().handle_download(request)

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every page's WebSocket (each app is then asked to quit, and killed if it hangs)."""
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    async def on_startup(self, app: web.Application) -> None:  # textual-serve prints a banner: not here
        return None

    def serve(self, debug: bool = False) -> None:
        """Run until Ctrl+C or SIGTERM (the links end with it)."""
        logging.basicConfig(level="INFO", format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            ssl_context=self.ssl_context,
            handle_signals=False,
            loop=loop,
            print=None,
            shutdown_timeout=10,
            **self.runner_options(),
        )

    @staticmethod
    def runner_options() -> dict[str, Any]:
        """The access log (tokens hidden), for run_app here and for the tests' runner alike."""
        return {"access_log_class": AccessLog, "access_log": logging.getLogger("panel-tui.serve.access")}
