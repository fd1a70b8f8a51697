"""Serving Telegram without losing updates.

python-telegram-bot's Updater tells Telegram an update arrived (the next offset, or HTTP 200
on a webhook) as soon as it is queued in memory, so a crash loses every queued update. Here
each update is committed to the SQLite inbox *before* Telegram is told (the offset moves
only after the commit; a webhook answers 200 only after it), and it is marked done in the
same transaction as the change it caused. At start-up whatever is still pending is handled
first. Users are handled concurrently, each user's updates strictly in order.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import Callable

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.conversation import Conversations, iso
from storage import InboxItem

log = logging.getLogger(__name__)
POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates call open
CONCURRENT_USERS = 32
MAX_BODY = 1_000_000  # bytes of a webhook request


def inbox_item(update: Update) -> InboxItem:
    user = update.effective_user
    chat = update.effective_chat
    owner = user.id if user else (chat.id if chat else None)
    return InboxItem(update.update_id, owner, json.dumps(update.to_dict(), ensure_ascii=False))


class DurableRunner:
    def __init__(self, application: Application, *, poll_timeout: int = POLL_TIMEOUT,
                 concurrency: int = CONCURRENT_USERS) -> None:
        self.application = application
        self.conversations: Conversations = application.bot_data["conversations"]
        self.inbox = self.conversations.inbox
        self.poll_timeout = poll_timeout
        self.wake = asyncio.Event()
        self.stopping = asyncio.Event()
        self.slots = asyncio.Semaphore(concurrency)
        self.busy: set[object] = set()  # users with a worker running
        self.in_flight: set[int] = set()
        self.workers: set[asyncio.Task] = set()

    # --- receiving ------------------------------------------------------------------------
    def receive(self, updates: list[Update]) -> int:
        """Commit updates to the inbox; only after this may Telegram be told they arrived."""
        added = self.inbox.add([inbox_item(u) for u in updates], iso(self.conversations.clock()))
        if updates:
            self.wake.set()
        return added

    async def poll(self) -> None:
        """Long-poll getUpdates; the offset sent acknowledges only what the inbox holds."""
        bot = self.application.bot
        await bot.delete_webhook()
        backoff = 1.0
        while not self.stopping.is_set():
            try:
                updates = await bot.get_updates(offset=self.inbox.offset(), timeout=self.poll_timeout,
                                                allowed_updates=Update.ALL_TYPES,
                                                read_timeout=self.poll_timeout + 10)
                backoff = 1.0
            except RetryAfter as error:
                await self._sleep(error.retry_after if isinstance(error.retry_after, (int, float))
                                  else error.retry_after.total_seconds())
                continue
            except InvalidToken:
                log.error("Telegram refused the token; stopping")
                self.stopping.set()
                return
            except (NetworkError, TelegramError) as error:
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            self.receive(list(updates))

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    # --- processing -----------------------------------------------------------------------
    async def process(self) -> None:
        """Handle pending updates until stopped; on stop, finish the updates already started."""
        while True:
            self.dispatch()
            if self.stopping.is_set():
                break
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=1.0)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()
        if self.workers:
            await asyncio.wait(self.workers, timeout=10)

    def dispatch(self) -> None:
        """Start a worker for every user with pending updates and no worker yet."""
        by_user: dict[object, list[InboxItem]] = {}
        for item in self.inbox.pending():
            if item.update_id not in self.in_flight:
                by_user.setdefault(item.user_id if item.user_id is not None else f"u{item.update_id}", []).append(item)
        for user, items in by_user.items():
            if user in self.busy:
                continue
            self.busy.add(user)
            self.in_flight.update(item.update_id for item in items)
            task = asyncio.create_task(self._work(user, items))
            self.workers.add(task)
            task.add_done_callback(self.workers.discard)

    async def _work(self, user: object, items: list[InboxItem]) -> None:
        try:
            async with self.slots:
                for item in items:
                    await self.handle(item)
        finally:
            self.busy.discard(user)
            self.in_flight.difference_update(item.update_id for item in items)
            self.wake.set()  # this user may have more by now

    async def handle(self, item: InboxItem) -> None:
        try:
            update = Update.de_json(json.loads(item.payload), self.application.bot)
            await self.application.process_update(update)
        except Exception:  # a broken update must not stop the others; it is logged and skipped
            log.exception("update %s could not be processed", item.update_id)
        # Handlers that change state mark their update done in the same transaction; this
        # covers the rest (and failures), so no update is handled twice.
        self.inbox.mark_done(item.update_id, iso(self.conversations.clock()))

    async def drain(self) -> None:
        """Handle everything pending now (tests and start-up)."""
        self.dispatch()
        while self.workers:
            await asyncio.wait(set(self.workers))
            self.dispatch()


class WebhookServer:
    """A minimal HTTP endpoint for Telegram's webhook, behind a reverse proxy.

    The secret token is checked (403 otherwise) and 200 is answered only after the update is
    committed to the inbox.
    """

    def __init__(self, runner: DurableRunner, secret: str, path: str = "/telegram") -> None:
        self.runner, self.secret, self.path = runner, secret, path

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        status = 400
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            lines = request.decode("latin-1").split("\r\n")
            method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            length = int(headers.get("content-length", "0") or 0)
            if method != "POST" or target != self.path:
                status = 404
            elif not hmac.compare_digest(headers.get("x-telegram-bot-api-secret-token", ""), self.secret):
                status = 403
            elif not 0 < length <= MAX_BODY:
                status = 413 if length > MAX_BODY else 400
            else:
                body = await asyncio.wait_for(reader.readexactly(length), timeout=10)
                update = Update.de_json(json.loads(body), self.runner.application.bot)
                self.runner.receive([update])
                status = 200
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, UnicodeDecodeError):
            status = 400
        reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 413: "Too Large"}[status]
        writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        try:
            await writer.drain()
        finally:
            writer.close()


async def serve(application: Application, *, webhook: tuple[str, str, str, int] | None = None,
                on_ready: Callable[[], None] | None = None) -> None:
    """Run the bot until SIGTERM/SIGINT: initialise, finish pending updates, receive, stop cleanly.

    ``webhook`` is (public url, secret, listen host, listen port); without it, long polling.
    """
    runner = DurableRunner(application)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, runner.stopping.set)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await runner.drain()  # what was left when we stopped last time
        receiving: asyncio.Task | None = None
        server: asyncio.base_events.Server | None = None
        if webhook is None:
            receiving = asyncio.create_task(runner.poll())
        else:
            url, secret, host, port = webhook
            endpoint = WebhookServer(runner, secret)
            server = await asyncio.start_server(endpoint.serve, host, port)
            await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        log.info("regiecoach is running (%s)", "webhook" if webhook else "long polling")
        if on_ready:
            on_ready()
        await runner.process()
        if receiving is not None:
            receiving.cancel()
            await asyncio.gather(receiving, return_exceptions=True)
        if server is not None:
            server.close()
            await server.wait_closed()
        log.info("regiecoach stopped cleanly")
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()

