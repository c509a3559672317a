"""A local receiver for FinSight webhook deliveries, for tests.

Written from the public webhook documentation only (not from the sender's code), so that it checks the sender
against what the docs promise:

* a delivery is a ``POST`` whose raw body is signed in ``X-FinSight-Signature: t=<unix seconds>,v1=<hex>``;
* ``v1`` is the lower-case hex HMAC-SHA256, keyed with the whole ``whsec_…`` secret as UTF-8 bytes, of
  ``<t>`` + ``"."`` + the raw body bytes;
* the header is split on ``,`` into ``key=value`` pairs; there is one ``t`` and one or more ``v1``; the delivery
  is accepted when any ``v1`` matches (compared in constant time) **and** ``t`` is within 300 s of the clock;
* anything else is answered with 400 and its body ignored.

Usage::

    with Receiver() as receiver:
        created = client.post("/api/webhooks", json={"url": receiver.url, ...})
        receiver.secret = created["secret"]
        ...
        (delivery,) = receiver.wait_for(1)
        assert delivery.verified
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["HOOK_PATH", "SIGNATURE_HEADER", "Received", "Receiver", "sign", "verify_signature"]

HOOK_PATH = "/hooks/finsight"
SIGNATURE_HEADER = "X-FinSight-Signature"

_MAX_BODY = 16 * 1024 * 1024  # far above any delivery; a bound so that a broken sender cannot exhaust memory


def _signature(secret: str, timestamp: str, body: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of ``<timestamp>.<body>`` keyed with the secret's UTF-8 bytes."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int) -> str:
    """Build an ``X-FinSight-Signature`` value for ``body`` as the docs describe (for self-checks and tests)."""
    return f"t={timestamp},v1={_signature(secret, str(timestamp), body)}"


def verify_signature(secret: str, header: str, body: bytes, *, now: float, tolerance_seconds: int = 300) -> bool:
    """Check an ``X-FinSight-Signature`` header against the raw ``body``, as the webhook docs describe.

    Returns True only when the header holds exactly one ``t`` (unix seconds, ASCII digits), at least one ``v1``,
    one of the ``v1`` values equals the recomputed signature (constant-time comparison) and ``t`` is no more than
    ``tolerance_seconds`` away from ``now`` (either direction). An empty secret verifies nothing: every FinSight
    secret is a non-empty ``whsec_…`` string, and a receiver whose secret is not set yet must not accept anything.
    Parts without ``=`` and keys other than ``t``/``v1`` are ignored; whitespace around keys and values is ignored.
    """
    if not secret or not header:
        return False
    timestamps: list[str] = []
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            candidates.append(value)
    if len(timestamps) != 1 or not candidates:
        return False
    (timestamp,) = timestamps
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()):
        return False
    try:
        skew = abs(now - int(timestamp))
    except OverflowError:  # absurdly long digit strings cannot be compared with a float clock
        return False
    if skew > tolerance_seconds:
        return False
    expected = _signature(secret, timestamp, body).encode("ascii")
    matched = False
    for candidate in candidates:
        # Compare bytes (compare_digest refuses non-ASCII str) and do not stop early: every v1 is compared.
        if hmac.compare_digest(expected, candidate.encode("utf-8", "replace")):
            matched = True
    return matched


@dataclass
class Received:
    """One request that reached the hook path."""

    headers: dict[str, str]  # header names lower-cased; a repeated header's values are joined with ", "
    body: bytes  # the raw body, exactly as received
    verified: bool  # signature valid and timestamp within tolerance, per the docs
    event: dict[str, Any] | None  # the parsed JSON body when verified (and a JSON object), else None


class _BadRequestError(Exception):
    """The request's framing (Content-Length / chunking) could not be read."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server_version = "FinSightTestReceiver/1.0"
    timeout = 15  # a sender that stalls mid-body must not hold a thread forever

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request logging of http.server."""

    def do_POST(self) -> None:
        if self.path.split("?", 1)[0] != HOOK_PATH:
            self._answer(404)
            return
        try:
            body = self._read_body()
        except _BadRequestError:
            self._answer(400)
            self.close_connection = True
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        status = self._receiver().record(headers, body)
        self._answer(status)

    def _receiver(self) -> Receiver:
        server = self.server
        if not isinstance(server, _Server):  # pragma: no cover - only ever served by _Server
            raise TypeError("handler used outside the receiver's server")
        return server.receiver

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        raw_length = raw_length.strip()
        if not raw_length.isascii() or not raw_length.isdigit() or int(raw_length) > _MAX_BODY:
            raise _BadRequestError(raw_length)
        return self._read_exactly(int(raw_length))

    def _read_exactly(self, length: int) -> bytes:
        data = self.rfile.read(length) if length else b""
        if len(data) != length:
            raise _BadRequestError("body shorter than its length")
        return data

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError as error:
                raise _BadRequestError("bad chunk size") from error
            if size < 0 or total + size > _MAX_BODY:
                raise _BadRequestError("chunk too large")
            if size == 0:
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):  # trailers
                    pass
                return b"".join(chunks)
            chunks.append(self._read_exactly(size))
            total += size
            self.rfile.readline(8192)  # the CRLF after the chunk

    def _answer(self, status: int) -> None:
        payload = json.dumps({"status": status}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class Receiver:
    """An HTTP server on 127.0.0.1 that records and verifies FinSight webhook deliveries."""

    def __init__(
        self,
        secret: str = "",
        *,
        statuses: list[int] | None = None,
        tolerance_seconds: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret: str = secret  # may be set after start(): the secret is only known once the webhook exists
        self.tolerance_seconds = tolerance_seconds
        self._statuses: list[int] = list(statuses or [])
        self._clock = clock
        self._received: list[Received] = []
        self._condition = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def respond_with(self, statuses: list[int]) -> None:
        """Answer the next requests with these statuses, in order (a failing endpoint), then as before."""
        with self._condition:
            self._statuses = list(statuses)

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Receiver:
        if self._server is not None:
            raise RuntimeError("receiver already started")
        server = _Server(self)
        thread = threading.Thread(target=server.serve_forever, name="finsight-webhook-receiver", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- inspection ------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("receiver not started")
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}{HOOK_PATH}"

    @property
    def received(self) -> list[Received]:
        with self._condition:
            return list(self._received)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until at least ``count`` requests have arrived; return them all (a snapshot)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while len(self._received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"expected {count} webhook request(s) within {timeout}s, got {len(self._received)}"
                    )
                self._condition.wait(remaining)
            return list(self._received)

    # --- called by the handler -------------------------------------------------------------------------------

    def record(self, headers: dict[str, str], body: bytes) -> int:
        """Verify and record one request; return the status to answer. Recorded before the answer is sent."""
        header = headers.get(SIGNATURE_HEADER.lower(), "")
        verified = verify_signature(
            self.secret, header, body, now=self._clock(), tolerance_seconds=self.tolerance_seconds
        )
        event: dict[str, Any] | None = None
        if verified:
            try:
                parsed = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                parsed = None
            event = parsed if isinstance(parsed, dict) else None
        with self._condition:
            self._received.append(Received(headers=headers, body=body, verified=verified, event=event))
            status = self._statuses.pop(0) if self._statuses else (200 if verified else 400)
            self._condition.notify_all()
        return status


if __name__ == "__main__":
    import urllib.error
    import urllib.request

    secret = "whsec_selfcheck_0123456789abcdef"
    body = json.dumps(
        {"id": "evt_1", "type": "transaction.created", "created_at": "2026-11-20T09:55:00.120Z", "data": {"_id": "t1"}},
        separators=(",", ":"),
    ).encode()
    now = 1_790_000_000
    # Signature computed independently here from the documented formula, not through _signature().
    digest = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    header = f"t={now},v1={digest}"

    checks: dict[str, bool] = {
        "accepts a valid signature": verify_signature(secret, header, body, now=now),
        "accepts at exactly 300 s": verify_signature(secret, header, body, now=now + 300),
        "sign() matches the formula": sign(secret, body, timestamp=now) == header,
        "accepts any matching v1 among several": verify_signature(
            secret, f"t={now},v1={'0' * 64},v1={digest}", body, now=now
        ),
        "rejects a tampered body": not verify_signature(secret, header, body.replace(b"t1", b"t2"), now=now),
        "rejects a timestamp 301 s old": not verify_signature(secret, header, body, now=now + 301),
        "rejects a timestamp 301 s ahead": not verify_signature(secret, header, body, now=now - 301),
        "rejects a wrong secret": not verify_signature(secret + "x", header, body, now=now),
        "rejects an empty header": not verify_signature(secret, "", body, now=now),
        "rejects no t": not verify_signature(secret, f"v1={digest}", body, now=now),
        "rejects a non-numeric t": not verify_signature(secret, f"t=abc,v1={digest}", body, now=now),
        "rejects several t": not verify_signature(secret, f"t={now},t={now},v1={digest}", body, now=now),
        "rejects no v1": not verify_signature(secret, f"t={now}", body, now=now),
        "rejects a non-ASCII v1": not verify_signature(secret, f"t={now},v1=é", body, now=now),
        "rejects an empty secret": not verify_signature("", header, body, now=now),
    }

    # End to end through the HTTP server: a forced failure status, then the default answers (200 / 400).
    with Receiver(statuses=[503], clock=lambda: float(now)) as receiver:
        receiver.secret = secret
        answers: list[int] = []
        for signature in (header, header, "t=1,v1=00"):
            request = urllib.request.Request(  # noqa: S310 - a fixed http://127.0.0.1 URL
                receiver.url,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    answers.append(response.status)
            except urllib.error.HTTPError as error:
                answers.append(error.code)
        got = receiver.wait_for(3)
        checks["server answers the configured statuses, then 200/400"] = answers == [503, 200, 400]
        checks["server verifies per request"] = [r.verified for r in got] == [True, True, False]
        checks["server parses verified events"] = got[0].event is not None and got[0].event["id"] == "evt_1"
        checks["server leaves unverified events unparsed"] = got[2].event is None
        checks["server keeps the raw body and lower-cased headers"] = (
            got[0].body == body and got[0].headers.get("x-finsight-signature") == header
        )

    failed = [name for name, ok in checks.items() if not ok]
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    if failed:
        raise SystemExit(f"{len(failed)} check(s) failed: {', '.join(failed)}")
    print("all checks passed")
