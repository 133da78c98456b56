"""`panel-tui serve` without a browser (issue 27 items 1, 2, 4): the links, the checks on every
route, the page loading nothing from elsewhere, the access log, and an app that hangs."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[test]')")

from panel_tui.cli import main  # noqa: E402
from panel_tui.core.errors import InputError  # noqa: E402
from panel_tui.serve.access import COOKIE, Identity, Links, check_members, check_transport, public_url  # noqa: E402

SESSION = Path(__file__).resolve().parents[2] / "sessions" / "stockton-2021"


def test_each_link_is_its_own_secret_and_names_its_holder():
    links = Links(["A", "B"], followers=True)
    assert [who for who, _ in links.issued] == [
        Identity("member", "A"),
        Identity("member", "B"),
        Identity("chair"),
        Identity("follower"),
    ]
    tokens = [t for _, t in links.issued]
    assert len(set(tokens)) == 4 and all(len(t) >= 43 for t in tokens)  # 256 bits each
    for who, token in links.issued:
        assert links.identify(token) == who
    for wrong in (None, "", tokens[0][:-1], tokens[0] + "x", tokens[0].upper(), "\udcff", "x" * 10_000):
        assert links.identify(wrong) is None
    assert Links([], followers=False).issued[0][0] == Identity("chair")  # followers only when asked
    assert len(Links([], followers=False).issued) == 1
    assert Links(["A"], followers=False).identify(tokens[0]) is None  # a restart revokes every link


def test_identity_is_what_the_app_process_is_told():
    assert Identity("member", "Sam").environment() == {
        "PANEL_TUI_ROLE": "member",
        "PANEL_TUI_MEMBER": "Sam",
        "PANEL_TUI_ENTERED_BY": "Sam",
    }
    assert Identity("follower").environment() == {"PANEL_TUI_ROLE": "follower", "PANEL_TUI_MEMBER": ""}


@pytest.mark.parametrize(
    "given", ["ftp://x", "https://x/panel", "https://x?a=1", "https://u:p@x", "x:80", "https://x:notaport", "https://"]
)
def test_a_public_url_is_scheme_host_and_port_only(given):
    with pytest.raises(InputError, match="--public-url"):
        public_url(given, "127.0.0.1", 8000, False)


def test_public_url_and_transport():
    assert public_url(None, "127.0.0.1", 8000, False) == "http://127.0.0.1:8000"
    assert public_url(None, "::1", 8000, True) == "https://[::1]:8000"
    assert public_url("HTTPS://Panel.Example.org:443/", "127.0.0.1", 8000, False) == "https://panel.example.org"
    with pytest.raises(InputError, match="--public-url https://NAME"):
        public_url(None, "0.0.0.0", 8000, False)
    check_transport("127.0.0.1", "http://127.0.0.1:8000", tls=False, insecure_http=False)
    check_transport("localhost", "https://panel.example.org", tls=False, insecure_http=False)  # behind a proxy
    with pytest.raises(InputError, match="unencrypted"):
        check_transport("192.168.1.5", "http://192.168.1.5:8000", tls=False, insecure_http=False)
    check_transport("192.168.1.5", "https://192.168.1.5:8000", tls=True, insecure_http=False)
    check_transport("192.168.1.5", "http://192.168.1.5:8000", tls=False, insecure_http=True)


def test_member_names_are_checked():
    assert check_members([" Sam Okafor "]) == ["Sam Okafor"]
    for bad in (["A", "A"], [" "], ["A\x1b[2J"]):
        with pytest.raises(InputError, match="--member"):
            check_members(bad)


def test_the_command_refuses_bad_arguments_with_a_message(capsys):
    assert main(["serve", str(SESSION), "--certificate", "c.pem"]) == 2
    assert "one was given without the other" in capsys.readouterr().err
    assert main(["serve", str(SESSION), "--host", "10.0.0.2"]) == 2
    assert "--insecure-http" in capsys.readouterr().err
    assert main(["serve", "/nonexistent/session"]) == 2
    assert "Traceback" not in capsys.readouterr().err


# --- the routes, through aiohttp's test client ---------------------------------------------------


def run_server(check, public: str = "http://127.0.0.1:8000") -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from panel_tui.serve.server import PanelServer

    links = Links(["A"], followers=True)
    server = PanelServer(SESSION, links, "127.0.0.1", 8000, public)

    async def go() -> None:
        web = TestServer(await server._make_app())
        await web.start_server(**server.runner_options())  # the access log serve() runs with
        async with TestClient(web) as client:
            await check(client, {who.label: token for who, token in links.issued})

    asyncio.run(go())


def test_every_route_needs_the_link_cookie_and_the_page_loads_nothing_from_elsewhere():
    async def check(client, tokens):
        for path in ("/", "/ws", "/download/abc"):
            assert (await client.get(path)).status == 403, path
            assert (await client.get(path, cookies={COOKIE: "guess"})).status == 403, path
        bad = await client.get("/join/guess", allow_redirects=False)
        assert bad.status == 403 and "Set-Cookie" not in bad.headers
        joined = await client.get(f"/join/{tokens['A (member)']}", allow_redirects=False)
        assert joined.status == 303 and joined.headers["Location"] == "/"
        cookie = joined.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http on loopback: a Secure cookie would never be sent back
        page = await client.get("/", cookies={COOKIE: tokens["A (member)"]})
        assert page.status == 200
        html = await page.text()
        assert not re.search(r"(src|href)=\"(https?:)?//(?!127\.0\.0\.1:8000/)", html)  # no other host
        assert "googleapis" not in html and "fonts/RobotoMono" in html
        csp = page.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp)[1]
        assert f'nonce="{nonce}"' in html and "frame-ancestors 'none'" in csp
        assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Referrer-Policy"] == "no-referrer"
        assert (await client.get("/static/")).status in (403, 404)  # no folder listing

    run_server(check)


def test_the_websocket_needs_the_meeting_s_origin():
    async def check(client, tokens):
        cookie = {COOKIE: tokens["follower"]}
        for origin in ("http://evil.example", "http://127.0.0.1:8001", "null", ""):
            response = await client.get(
                "/ws",
                cookies=cookie,
                headers={
                    "Origin": origin,
                    "Connection": "Upgrade",
                    "Upgrade": "websocket",
                    "Sec-WebSocket-Version": "13",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                },
            )
            assert response.status == 403, origin

    run_server(check)


def test_an_https_public_url_gives_a_secure_cookie():
    async def check(client, tokens):
        joined = await client.get(f"/join/{tokens['chair']}", allow_redirects=False)
        assert "Secure" in joined.headers["Set-Cookie"]

    run_server(check, public="https://panel.example.org")


def test_no_token_in_any_log_line(caplog):
    async def check(client, tokens):
        for token in tokens.values():
            await client.get(f"/join/{token}", allow_redirects=False)
        await client.get("/join/some-guess", allow_redirects=False)
        await client.get("/", cookies={COOKIE: tokens["chair"]})
        await client.get("/ws", headers={"Origin": "http://evil.example"}, cookies={COOKIE: tokens["chair"]})
        check.tokens = list(tokens.values())

    caplog.set_level(logging.INFO)
    run_server(check)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "opened the A (member) link" in text and "refused a join link" in text
    assert not any(token in text for token in check.tokens)
    assert "some-guess" not in text


def test_an_app_that_does_not_quit_is_killed(monkeypatch):
    from textual_serve.download_manager import DownloadManager

    from panel_tui.serve import apps

    monkeypatch.setattr(apps, "STOP_TIMEOUT", 0.5)
    hung = [sys.executable, "-c", "import time; print('__GANGLION__', flush=True); time.sleep(60)"]

    async def nothing(*_args) -> None:
        return None

    async def go() -> int | None:
        service = apps.MeetingAppService(
            hung,
            Identity("follower"),
            write_bytes=nothing,
            write_str=nothing,
            close=nothing,
            download_manager=DownloadManager(),
        )
        await service.start(80, 24)
        await service.stop()
        process = service._process
        assert process is not None
        return process.returncode

    assert asyncio.run(asyncio.wait_for(go(), 10)) is not None  # ended, not left sleeping


def test_an_app_that_shows_nothing_is_killed_and_its_page_told(monkeypatch):
    """An app that hangs before its first screen (a lock, a stuck disk) does not leave a blank page
    and a process behind: after START_TIMEOUT it is killed, the page reads why, and it is closed."""
    from textual_serve.download_manager import DownloadManager

    from panel_tui.serve import apps

    monkeypatch.setattr(apps, "START_TIMEOUT", 0.5)
    hung = [sys.executable, "-c", "import time; print('__GANGLION__', flush=True); time.sleep(60)"]
    page: list[bytes] = []
    closed = asyncio.Event()

    async def shown(data: bytes) -> None:
        page.append(data)

    async def nothing(*_args) -> None:
        return None

    async def close() -> None:
        closed.set()

    async def go() -> int | None:
        service = apps.MeetingAppService(
            hung, Identity("member", "A"), write_bytes=shown, write_str=nothing, close=close,
            download_manager=DownloadManager(),
        )  # fmt: skip
        await service.start(80, 24)
        await closed.wait()  # the event itself: the watchdog closed the page
        await service.stop()
        assert service._process is not None
        return service._process.returncode

    assert asyncio.run(asyncio.wait_for(go(), 10)) is not None  # killed, not left sleeping
    text = b"".join(page).decode()
    assert "did not start within 0.5 seconds, so it was stopped" in text
    assert "Reload this page" in text


def test_an_app_that_paints_is_left_alone(monkeypatch):
    from textual_serve.download_manager import DownloadManager

    from panel_tui.serve import apps

    monkeypatch.setattr(apps, "START_TIMEOUT", 0.5)
    # an app that paints at once (one data packet) and then runs on until asked to quit
    quick = [
        sys.executable,
        "-c",
        "import sys, time; out = sys.stdout.buffer; out.write(b'__GANGLION__\\n'); "
        "out.write(b'D' + (5).to_bytes(4, 'big') + b'hello'); out.flush(); time.sleep(3)",
    ]
    page: list[bytes] = []

    async def shown(data: bytes) -> None:
        page.append(data)

    async def nothing(*_args) -> None:
        return None

    async def go() -> int | None:
        service = apps.MeetingAppService(
            quick, Identity("chair"), write_bytes=shown, write_str=nothing, close=nothing,
            download_manager=DownloadManager(),
        )  # fmt: skip
        await service.start(80, 24)
        await service.shown.wait()
        await asyncio.sleep(1.0)  # a timer test: longer than START_TIMEOUT, and the app must still run
        assert service._process is not None
        running = service._process.returncode
        await service.stop()
        return running

    assert asyncio.run(asyncio.wait_for(go(), 15)) is None
    assert page == [b"hello"]


def test_one_link_runs_a_few_apps_at_most():
    """Each page is an app process on the chair's machine: a link (leaked, or a stuck reload loop)
    cannot start them without end."""
    from aiohttp.test_utils import TestClient, TestServer

    from panel_tui.serve import server as served

    links = Links(["A"], followers=False)
    server = served.PanelServer(SESSION, links, "127.0.0.1", 8000, "http://127.0.0.1:8000")
    member = links.issued[0]
    for i in range(served.MAX_APPS_PER_LINK):  # pages this link has open (stand-ins: only `who` is read)
        server.services[f"open-{i}"] = type("Open", (), {"who": member[0]})()

    async def go() -> list[int]:
        async with TestClient(TestServer(await server._make_app())) as client:
            headers = {
                "Origin": "http://127.0.0.1:8000",
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            }
            one_more = await client.get("/ws", cookies={COOKIE: member[1]}, headers=headers)
            return [one_more.status]

    assert asyncio.run(go()) == [429]


def test_a_download_goes_only_to_its_own_link_from_the_meeting_s_page():
    """A file an app delivers (a screenshot) is fetched by the page that asked for it: another
    link's cookie, or a request from another site, is refused before anything is read."""
    from aiohttp.test_utils import TestClient, TestServer

    from panel_tui.serve.server import PanelServer

    links = Links(["A"], followers=False)
    (member, member_token), (_, chair_token) = links.issued
    server = PanelServer(SESSION, links, "127.0.0.1", 8000, "http://127.0.0.1:8000")
    owner = type("Service", (), {"who": member, "app_service_id": "s1"})()

    async def go() -> list[int]:
        await server.download_manager.create_download(
            app_service=owner,
            delivery_key="k1",
            file_name="shot.svg",
            open_method="download",
            mime_type="image/svg+xml",
        )
        async with TestClient(TestServer(await server._make_app())) as client:
            page = {"Origin": "http://127.0.0.1:8000"}
            return [
                (await client.get("/download/k1", cookies={COOKIE: chair_token}, headers=page)).status,
                (
                    await client.get(
                        "/download/k1", cookies={COOKIE: member_token}, headers={"Origin": "http://evil.example"}
                    )
                ).status,
                (
                    await client.get(
                        "/download/k1", cookies={COOKIE: member_token}, headers={"Sec-Fetch-Site": "cross-site"}
                    )
                ).status,
                (await client.get("/download/nope", cookies={COOKIE: member_token}, headers=page)).status,
            ]

    assert asyncio.run(go()) == [403, 403, 403, 404]
