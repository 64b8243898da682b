"""ASGI middleware: the Host check (421), a cap on request bodies (413) and the security headers of
every response."""
from __future__ import annotations

import json
from typing import Any

__all__ = ["BodyLimit", "SecurityHeaders", "HostCheck", "LOOPBACK_HOSTS", "host_name"]

# The dashboard loads nothing from elsewhere: the policy says so, and a stray CDN link fails loudly.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


async def _send_json(send: Any, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# Names that can only mean this machine. A web page cannot make a browser send them for its own
# site (DNS rebinding points a name the attacker owns at 127.0.0.1, and the Host stays that name).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def host_name(value: str) -> str:
    """The host of a Host header, without its port, lower case: "[::1]:8000" -> "::1"."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


class HostCheck:
    """Answer only requests whose Host header names this server: the loopback names and `allowed`
    (exact names; "*" allows any, for a server behind a proxy that checks them itself). Anything
    else gets 421, so that a page whose name was rebound to this address cannot read the API."""

    def __init__(self, app: Any, allowed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.any = "*" in allowed
        self.allowed = frozenset(LOOPBACK_HOSTS) | {host_name(h) for h in allowed if h != "*"}

    def permits(self, host: str) -> bool:
        name = host_name(host)
        return self.any or name in self.allowed or name.endswith(".localhost")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or self.any:
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if not host:
            await _send_json(send, 400, "missing Host header")
            return
        if not self.permits(host):
            await _send_json(send, 421, f"unknown host {host_name(host)!r}: this server answers to "
                                        f"{', '.join(sorted(self.allowed))} (serve --allow-host NAME adds one)")
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over `max_body` bytes with 413, whether announced by Content-Length or
    streamed in chunks (counted as they arrive, so a large body is never held in memory)."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                announced = int(length)
            except ValueError:
                await _send_json(send, 400, "Content-Length is not a number")
                return
            if announced > self.max_body:
                await _send_json(send, 413, f"request body too large: {announced} bytes, at most {self.max_body}")
                return
        seen = 0
        started = refused = False

        async def counting_receive() -> dict:
            # Past the cap, answer 413 at once and tell the app the client went away: raising here
            # would be turned into a 400 by the framework's body parser.
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    refused = True
                    if not started:
                        await _send_json(send, 413, f"request body too large: more than {self.max_body} bytes")
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except Exception:
            if not refused:
                raise


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
