"""A hand-driven ASGI client: feed a scope and body chunks, collect what the app sends."""

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Response:
    messages: list[dict[str, Any]]

    @property
    def starts(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == "http.response.start"]

    @property
    def status(self) -> int:
        assert len(self.starts) == 1, f"expected one response start, got {self.messages}"
        return self.starts[0]["status"]

    @property
    def headers(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.starts[0]["headers"]}

    @property
    def body(self) -> bytes:
        bodies = [m for m in self.messages if m["type"] == "http.response.body"]
        return b"".join(m.get("body", b"") for m in bodies)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """Records every receive() the application makes, to prove what it was (not) given."""

    chunks: list[bytes] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)

    async def receive(self) -> dict[str, Any]:
        if self.chunks:
            body = self.chunks.pop(0)
            message = {"type": "http.request", "body": body, "more_body": bool(self.chunks)}
        else:
            # After the body, a real server parks here until the client goes away.
            await asyncio.sleep(3600)
            message = {"type": "http.disconnect"}
        self.received.append(message)
        return message


def scope(
    path: str = "/api/auth/login",
    *,
    method: str = "POST",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def call(app: Any, request_scope: dict[str, Any], chunks: list[bytes] | None = None) -> Response:
    """Run one request through `app` and return everything it sent."""
    client = Client(chunks=list(chunks or [b""]))
    messages: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    async def run() -> None:
        await asyncio.wait_for(app(request_scope, client.receive, send), timeout=30)

    asyncio.run(run())
    return Response(messages)
