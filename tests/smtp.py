"""A real SMTP server for tests (aiosmtpd), whose answers a test can script: accept, refuse, hang."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ScriptedHandler:
    """Answers DATA with the next scripted reply ('250', '451 …', '550 …', or 'hang'), then 250."""

    script: list[str] = field(default_factory=list)
    accepted: list[EmailMessage] = field(default_factory=list)
    refused: int = 0
    hang_seconds: float = 30.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            reply = self.script.pop(0) if self.script else "250"
        if reply == "hang":
            import asyncio

            await asyncio.sleep(self.hang_seconds)
            return "451 4.3.0 Took too long"
        if not reply.startswith("250"):
            self.refused += 1
            return reply
        with self.lock:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.accepted.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.accepted) >= count:
                return list(self.accepted)
            time.sleep(0.1)
        return list(self.accepted)


@contextmanager
def smtp_server(script: list[str] | None = None) -> Iterator[tuple[ScriptedHandler, int]]:
    handler = ScriptedHandler(script=list(script or []))
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
