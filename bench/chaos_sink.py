"""The soak's SMTP sink: aiosmtpd on a loopback port that records every accepted Message-ID and can, for
a while, refuse (451 at DATA) or hang (accept the TCP connection and never say a word; a conversation
already open stops answering at its next MAIL, RCPT or DATA).

A hung conversation is never let through afterwards: once the hang ends, a silent connection is
closed without a greeting and a held command is refused with 451. (Were a held DATA accepted after the
sender had timed out, the sink itself would cause the duplicate that SMTP cannot rule out — RFC 1047 —
and the soak would blame the product for it.)
"""

from __future__ import annotations

import asyncio
import threading
from email.parser import BytesHeaderParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

NORMAL, REFUSE, HANG = "normal", "refuse", "hang"


class Sink:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mode = NORMAL
        self.accepted: list[str] = []  # Message-IDs, in order, repeats kept
        self.refused = 0
        self.held = 0  # connections or commands left hanging
        self._lock = threading.Lock()
        self._controller = _Controller(self, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def accepted_ids(self) -> list[str]:
        with self._lock:
            return list(self.accepted)

    async def _while_hanging(self) -> None:
        with self._lock:
            self.held += 1
        while self.mode == HANG:
            await asyncio.sleep(0.2)

    async def _hang_then_refuse(self) -> str | None:
        if self.mode != HANG:
            return None
        await self._while_hanging()
        return "451 4.3.0 The server was not answering; try again later"

    # aiosmtpd handler hooks.
    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        refusal = await self._hang_then_refuse()
        if refusal:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        refusal = await self._hang_then_refuse()
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        refusal = await self._hang_then_refuse()
        if refusal:
            return refusal
        if self.mode == REFUSE:
            with self._lock:
                self.refused += 1
            return "451 4.3.2 System not accepting messages (chaos)"
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self._lock:
            self.accepted.append(str(headers.get("Message-ID", "")))
        return "250 Message accepted for delivery"


class _SilentWhileHanging(SMTP):
    """aiosmtpd's server, except that while the sink hangs a new connection gets no greeting at all."""

    sink: Sink

    async def _handle_client(self) -> None:
        # _handle_client is aiosmtpd's per-connection coroutine (1.4); it starts with the 220 greeting.
        if self.sink.mode == HANG:
            await self.sink._while_hanging()
            if self.transport is not None:
                self.transport.close()
            return
        await super()._handle_client()


class _Controller(Controller):
    def __init__(self, sink: Sink, **kwargs: Any) -> None:
        super().__init__(sink, **kwargs)
        self.sink = sink

    def factory(self) -> SMTP:
        server = _SilentWhileHanging(self.handler, **self.SMTP_kwargs)
        server.sink = self.sink
        return server
