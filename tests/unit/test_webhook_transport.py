"""A webhook attempt's transport and address rules, at the edges: a receiver that answers a byte at a time is
cut off at the deadline, a lookup that never answers holds back no other, IPv6 forms of private IPv4 addresses
are refused, and the outbox's publisher keeps one bad event from holding back the others."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from finsight.events import outbox, publisher
from finsight.events.models import EventType, new_event
from finsight.platform import db
from finsight.webhooks import urls
from finsight.webhooks.delivery import Attempt, post
from finsight.webhooks.urls import Target, UnsafeUrlError
from tests.conftest import Configure


@pytest.fixture
def drip_server() -> Iterator[int]:
    """Accepts, then sends an HTTP answer one byte every 0.3 s (a slowloris receiver)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\\r\\nX-Slow: " + b"a" * 200:
                if stop.wait(0.3):
                    break
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    break
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    server.close()


def test_a_receiver_answering_a_byte_at_a_time_is_cut_off_at_the_deadline(drip_server: int) -> None:
    target = Target(scheme="http", host="127.0.0.1", port=drip_server, path="/")
    started = time.monotonic()
    attempt = post(target, "127.0.0.1", b"{}", {"Content-Type": "application/json"}, timeout=1.5)
    elapsed = time.monotonic() - started
    assert (attempt.response_code, attempt.error) == (None, "no answer within 1.5 s")
    assert elapsed < 3  # per-read timeouts alone would let it run for a minute


def test_a_lookup_that_never_answers_holds_back_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    hang = threading.Event()

    def lookup(host: str, port: int) -> list[str]:
        if host.startswith("slow"):
            hang.wait(30)
        return ["93.184.215.14"]

    monkeypatch.setattr(urls, "_lookup", lookup)
    monkeypatch.setattr(urls, "RESOLVE_TIMEOUT_SECONDS", 0.3)
    try:
        for number in range(8):
            with pytest.raises(UnsafeUrlError, match="does not resolve"):
                urls.resolve(
                    urls.parse_target(f"https://slow{number}.example.com/", allow_loopback=False), allow_loopback=False
                )
        started = time.monotonic()
        target = urls.parse_target("https://hooks.example.com/", allow_loopback=False)
        assert urls.resolve(target, allow_loopback=False) == "93.184.215.14"
        assert time.monotonic() - started < 0.2
    finally:
        hang.set()


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("::ffff:93.184.215.14", True),
        ("64:ff9b::5db8:d70e", True),  # NAT64 of a public address
        ("::ffff:127.0.0.1", False),
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b:1::a00:1", False),
        ("2002:a9fe:a9fe::", False),  # 6to4 of the metadata service
        ("::7f00:1", False),
        ("::ffff:0:7f00:1", False),
        ("fec0::1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("fe80::1%eth0", False),
    ],
)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused(address: str, allowed: bool) -> None:
    assert urls.address_allowed(address, allow_loopback=False) is allowed


def test_an_international_host_is_used_in_its_ascii_form_and_the_path_is_escaped() -> None:
    target = urls.parse_target("https://bücher.example/hooks/ünï?q=a b", allow_loopback=False)
    assert (target.host, target.path) == ("xn--bcher-kva.example", "/hooks/%C3%BCn%C3%AF?q=a%20b")


class _FakeBus:
    """Refuses a whole call when its entries pass 256 KB, as EventBridge does (ValidationException)."""

    def __init__(self) -> None:
        self.taken: list[str] = []

    def put_events(self, Entries: list[dict[str, str]]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        from botocore.exceptions import ClientError

        if sum(len(e["Detail"]) + len(e["DetailType"]) + len(e["Source"]) for e in Entries) > 256 * 1024:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "too large"}}, "PutEvents")
        self.taken.extend(e["Detail"] for e in Entries)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "x"} for _ in Entries]}


def test_one_oversized_event_never_holds_back_the_others_and_is_parked_in_the_end(
    database: Any, monkeypatch: pytest.MonkeyPatch, configure: Configure
) -> None:
    bus = _FakeBus()
    monkeypatch.setattr(publisher, "events_client", lambda: bus)
    configure(EVENT_BUS_NAME="finsight-test")
    poison = new_event(EventType.IMPORT_COMPLETED, "u1", {"blob": "x" * 300_000})
    small = [new_event(EventType.TRANSACTION_DELETED, "u1", {"_id": str(n)}) for n in range(25)]
    outbox.Outbox(db.get_database()).add([poison, *small])
    counts = publisher.publish_pending()
    assert (counts["published"], counts["refused"], counts["backlog"]) == (25, 1, 1)
    collection = db.get_database()["outbox"]
    for _ in range(publisher.MAX_ATTEMPTS):
        collection.update_many({"status": "pending"}, {"$unset": {"lease_until": ""}})
        publisher.publish_pending()
    parked = collection.find_one({"_id": poison.id})
    assert parked is not None
    assert (parked["status"], parked["attempts"]) == ("failed", publisher.MAX_ATTEMPTS)
    assert len(bus.taken) == 25


@pytest.fixture
def tls_receiver(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """An HTTPS receiver on 127.0.0.1 whose certificate names hooks.example.test, trusted as a CA would be."""
    import datetime as dt
    import http.server
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hooks.example.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("hooks.example.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # OpenSSL's default trust store, for this test

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            ok = self.headers["Host"].startswith("hooks.example.test:")
            self.send_response(204 if ok else 421)
            self.end_headers()

        def log_message(self, *args: Any) -> None: ...

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_https_goes_to_the_checked_address_with_tls_verified_against_the_url_s_host(tls_receiver: int) -> None:
    # The connection is made to the address that was checked (here 127.0.0.1), while SNI, the Host header and the
    # certificate check use the URL's name: a DNS answer that changes after the check cannot redirect it.
    good = Target(scheme="https", host="hooks.example.test", port=tls_receiver, path="/")
    assert post(good, "127.0.0.1", b"{}", {}, timeout=5) == Attempt(204, None)
    other = Target(scheme="https", host="evil.example.test", port=tls_receiver, path="/")
    assert post(other, "127.0.0.1", b"{}", {}, timeout=5).error == "TLS handshake or certificate check failed"
