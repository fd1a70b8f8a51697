"""The webhook endpoint over real HTTP on loopback: statuses, limits, retries and quiet logs."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sqlite3
from collections.abc import AsyncIterator

import httpx
import pytest

import bot.webhook as webhook
from bot.webhook import WebhookServer

SECRET = "s3cret-Token_1-for-tests"
GOOD = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
UPDATE = {"update_id": 7001, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                        "text": "héllo"}}


class Inbox:
    """A stand-in for the runner's `receive`: records batches, or raises while told to."""

    def __init__(self) -> None:
        self.batches: list[list[dict]] = []
        self.failures: list[Exception] = []

    def __call__(self, updates: list[dict]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.batches.append(updates)


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
async def server(inbox: Inbox) -> AsyncIterator[tuple[WebhookServer, int]]:
    endpoint = WebhookServer(inbox, SECRET, max_body=10_000)
    port = await endpoint.start("127.0.0.1", 0)
    yield endpoint, port
    await endpoint.stop()


@pytest.fixture
async def client(server: tuple[WebhookServer, int]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server[1]}", timeout=5) as http:
        yield http


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    """Whatever a client sends, nothing is logged at ERROR and no traceback is logged."""
    caplog.set_level(logging.DEBUG)
    yield
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info or r.exc_text]
    assert not bad, [r.getMessage() for r in bad]


def exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes, then read until the server closes; a reset ends the read too."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed while we were still sending
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        return received


async def raw(port: int, data: bytes) -> bytes:
    return await asyncio.to_thread(exchange, port, data)


def status_of(response: bytes) -> int:
    assert response.startswith(b"HTTP/1.1 "), response[:100]
    return int(response.split(b" ", 2)[1])


def request(headers: bytes = b"", body: bytes = b"", secret: bytes = SECRET.encode(),
            path: bytes = b"/telegram") -> bytes:
    return (b"POST " + path + b" HTTP/1.1\r\nHost: bot.example\r\nConnection: close\r\n"
            b"X-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\n" + headers +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def summaries(caplog: pytest.LogCaptureFixture, status: int) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "bot.webhook" and f"rejected with {status} " in r.getMessage()]


# --- the good path ---------------------------------------------------------------------------

async def test_an_update_is_acknowledged_after_receive_got_it(server, client, inbox):
    response = await client.post("/telegram", json=UPDATE, headers=GOOD)
    assert response.status_code == 200
    assert inbox.batches == [[UPDATE]]  # the raw dict, exactly as sent
    assert server[0].rejected == {}


def one_connection(port: int, requests: list[bytes]) -> list[bytes]:
    """Send requests one after the other on one connection; the heads of the (empty) answers."""
    heads = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        for data in requests:
            sock.sendall(data)
            head = b""
            while not head.endswith(b"\r\n\r\n") and (chunk := sock.recv(1)):
                head += chunk
            heads.append(head)
    return heads


def keep_alive(data: bytes) -> bytes:
    return data.replace(b"Connection: close\r\n", b"")


async def test_keep_alive_serves_several_updates_on_one_connection(server, inbox):
    updates = [request(body=json.dumps({"update_id": i}).encode()) for i in (1, 2, 3)]
    heads = await asyncio.to_thread(one_connection, server[1], [keep_alive(data) for data in updates])
    assert [status_of(head) for head in heads] == [200, 200, 200]
    assert [batch[0]["update_id"] for batch in inbox.batches] == [1, 2, 3]


async def test_the_port_is_free_again_after_stop(inbox):
    endpoint = WebhookServer(inbox, SECRET)
    port = await endpoint.start("127.0.0.1", 0)
    assert port > 0
    await endpoint.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_secret_telegram_would_refuse_is_refused_here():
    for secret in ("", "with space", "x" * 257, "sécret", "s" * 15, "short-Secret_1"):
        with pytest.raises(ValueError):
            WebhookServer(lambda updates: None, secret)


# --- refused on the header ---------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}])
async def test_a_missing_or_wrong_secret_is_forbidden(server, client, inbox, headers):
    response = await client.post("/telegram", json=UPDATE, headers=headers)
    assert response.status_code == 403
    assert inbox.batches == []
    assert server[0].rejected == {403: 1}


async def test_a_non_ascii_secret_is_forbidden_not_a_crash(server, inbox):
    for secret in (b"s\xe9cret", SECRET.encode() + b"\xff", "sécret".encode()):
        assert status_of(await raw(server[1], request(body=json.dumps(UPDATE).encode(), secret=secret))) == 403
    assert inbox.batches == []
    assert server[0].rejected == {403: 3}


async def test_another_method_is_405_and_another_path_404(server, client, inbox):
    assert (await client.get("/telegram", headers=GOOD)).status_code == 405
    assert (await client.put("/telegram", json=UPDATE, headers=GOOD)).status_code == 405
    assert (await client.post("/other", json=UPDATE, headers=GOOD)).status_code == 404
    assert (await client.get("/")).status_code == 404
    assert inbox.batches == []
    assert server[0].rejected == {405: 2, 404: 2}


async def test_a_refused_request_leaves_the_connection_usable(server, inbox):
    body = json.dumps(UPDATE).encode()
    refused = [request(body=body, secret=b"wrong"), request(body=body, path=b"/x"), request(body=b"[]")]
    heads = await asyncio.to_thread(one_connection, server[1],
                                    [keep_alive(data) for data in refused] + [request(body=body)])
    assert [status_of(head) for head in heads] == [403, 404, 400, 200]
    assert inbox.batches == [[UPDATE]]


# --- refused on the body -----------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"{}", b"[]", b'{"update_id":"x"}', b'{"update_id": true}', b'{"update_id": 1.0}', b'{"update_id": null}',
    b"", b"{", b"not json", b'{"update_id": 1, "text": "\xff"}',  # invalid JSON, invalid UTF-8
    json.dumps(UPDATE).encode("utf-16"),  # valid JSON, but not UTF-8
    b"[" * 100_000 + b"]" * 100_000,  # nested deeper than the parser's recursion
])
async def test_a_body_that_is_not_an_update_is_400(body, inbox):
    endpoint = WebhookServer(inbox, SECRET)
    port = await endpoint.start("127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.post(f"http://127.0.0.1:{port}/telegram", content=body, headers=GOOD)
        assert response.status_code == 400
        assert inbox.batches == []
        assert endpoint.rejected == {400: 1}
    finally:
        await endpoint.stop()


async def test_a_body_declared_larger_than_max_body_is_413_before_it_is_read(server, inbox):
    head = request().removesuffix(b"Content-Length: 0\r\n\r\n")
    for length in (b"10001", b"2000000", b"9" * 40, b"9" * 5000):
        response = await raw(server[1], head + b"Content-Length: " + length + b"\r\n\r\n")  # no body sent
        assert status_of(response) == 413
        assert b"Connection: close" in response
    assert inbox.batches == []
    assert server[0].rejected == {413: 4}


async def test_a_chunked_body_growing_past_max_body_is_413(server, inbox):
    head = request().removesuffix(b"Content-Length: 0\r\n\r\n") + b"Transfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n" % 6000 + b"a" * 6000 + b"\r\n"
    assert status_of(await raw(server[1], head + chunk * 2)) == 413  # 12,000 bytes, never terminated
    huge = b"ffffffffffffffffffffffffffffffff\r\n" + b"a" * 11_000  # a chunk claiming 2**128 bytes
    assert status_of(await raw(server[1], head + huge)) == 413
    assert inbox.batches == []
    assert server[0].rejected == {413: 2}


async def test_a_chunked_body_within_max_body_is_accepted(server, inbox):
    body = json.dumps(UPDATE).encode()
    head = request().removesuffix(b"Content-Length: 0\r\n\r\n") + b"Transfer-Encoding: chunked\r\n\r\n"
    chunks = b"".join(b"%x\r\n" % len(part) + part + b"\r\n" for part in (body[:10], body[10:])) + b"0\r\n\r\n"
    assert status_of(await raw(server[1], head + chunks)) == 200
    assert inbox.batches == [[UPDATE]]


# --- malformed HTTP ----------------------------------------------------------------------------

async def test_a_header_over_64_kib_is_answered_431(server, inbox):
    big = b"X-Padding: " + b"a" * (64 * 1024) + b"\r\n"
    response = await raw(server[1], request(headers=big, body=json.dumps(UPDATE).encode()))
    assert response.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    many = b"".join(b"X-Many-%d: %s\r\n" % (i, b"b" * 100) for i in range(1000))  # ~110 KiB in small fields
    assert status_of(await raw(server[1], request(headers=many))) == 431
    assert inbox.batches == []
    assert server[0].rejected == {431: 2}


async def test_a_header_just_under_64_kib_is_served(server, inbox):
    padding = b"X-Padding: " + b"a" * (60 * 1024) + b"\r\n"
    assert status_of(await raw(server[1], request(headers=padding, body=json.dumps(UPDATE).encode()))) == 200
    assert inbox.batches == [[UPDATE]]


async def test_a_header_over_the_hard_limit_gets_the_connection_closed_unanswered(server, inbox, caplog):
    """Tornado stops reading a header block at HEADER_HARD_LIMIT (1 MiB) and closes the socket:
    the client gets no status line at all (an empty read, or a reset if it was still sending)."""
    huge = b"X-Padding: " + b"a" * (webhook.HEADER_HARD_LIMIT + 1) + b"\r\n"
    assert await raw(server[1], request(headers=huge)) == b""
    assert inbox.batches == []
    assert server[0].rejected == {}  # never reached this module
    assert any("Unsatisfiable read" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)


@pytest.mark.parametrize("data", [
    b"POST /telegram HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: s\x01cret\r\n\r\n",  # control byte
    b"POST /telegram HTTP/1.1\r\nHost: x\r\nX-Caf\xe9: 1\r\n\r\n",  # non-ASCII byte in a field name
    b"POST /telegram HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
    b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  # a TLS hello on the plain port
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
])
async def test_malformed_http_gets_tornados_bare_400(server, inbox, data):
    assert await raw(server[1], data) == b"HTTP/1.1 400 Bad Request\r\n\r\n"
    assert inbox.batches == []


# --- receive failing ---------------------------------------------------------------------------

async def test_a_locked_database_is_503_and_the_retry_is_acknowledged(server, client, inbox, caplog):
    inbox.failures.append(sqlite3.OperationalError("database is locked"))
    response = await client.post("/telegram", json=UPDATE, headers=GOOD)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert inbox.batches == []  # not stored, so not acknowledged
    warnings = [r for r in caplog.records if r.name == "bot.webhook" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "7001" in warnings[0].getMessage() and "database is locked" in warnings[0].getMessage()
    assert warnings[0].exc_info is None
    retry = await client.post("/telegram", json=UPDATE, headers=GOOD)  # Telegram sends it again
    assert retry.status_code == 200
    assert inbox.batches == [[UPDATE]]
    assert server[0].rejected == {}  # our failure, not a bad request


# --- counting and logging ----------------------------------------------------------------------

async def test_rejections_are_counted_and_summarised_once_a_minute(server, client, caplog, monkeypatch):
    endpoint, _ = server
    now = [1000.0]
    monkeypatch.setattr(webhook, "monotonic", lambda: now[0])
    for _ in range(5):
        assert (await client.post("/telegram", json=UPDATE)).status_code == 403
    assert (await client.get("/nowhere")).status_code == 404
    assert endpoint.rejected == {403: 5, 404: 1}
    assert len(summaries(caplog, 403)) == 1  # the first one, not one per request
    assert len(summaries(caplog, 404)) == 1  # each status has its own minute
    now[0] += 30
    await client.post("/telegram", json=UPDATE)
    assert len(summaries(caplog, 403)) == 1
    now[0] += 31
    await client.post("/telegram", json=UPDATE)
    lines = summaries(caplog, 403)
    assert len(lines) == 2 and lines[1].startswith("webhook: 6 request(s) rejected with 403 Forbidden in the last 61 s")
    await client.post("/telegram", json=UPDATE)
    await endpoint.stop()  # what is not yet reported is reported on stop
    assert summaries(caplog, 403)[-1].startswith("webhook: 1 request(s) rejected with 403")
    assert endpoint.rejected == {403: 8, 404: 1}


async def test_a_flood_of_hostile_requests_logs_one_line_per_status(server, caplog):
    endpoint, port = server
    hostile = [request(secret=b"nope"), request(secret=b"\xff\xfe"), request(path=b"/admin"),
               request(body=b"[]"), request(headers=b"X-Padding: " + b"a" * 70_000 + b"\r\n"),
               request().replace(b"Content-Length: 0", b"Content-Length: 99999999")]
    responses = await asyncio.gather(*(raw(port, data) for data in hostile * 10))
    assert sorted({status_of(r) for r in responses}) == [400, 403, 404, 413, 431]
    assert endpoint.rejected == {403: 20, 404: 10, 400: 10, 431: 10, 413: 10}
    ours = [r for r in caplog.records if r.name == "bot.webhook"]
    assert len(ours) == 5 and all(r.levelno == logging.WARNING for r in ours)
