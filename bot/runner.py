"""Serving Telegram without losing updates, and without ever going deaf.

python-telegram-bot's Updater tells Telegram an update arrived (the next offset, or HTTP 200
on a webhook) as soon as it is queued in memory, and stops for good on an update it cannot
parse. Here each update is committed raw to the SQLite inbox *before* Telegram is told, and
parsed only when it is handled: one that cannot be parsed is marked so and passed over. It
is marked done in the same transaction as the change it caused.

Receiving and handling are supervised loops: any fault (a locked database, a network error,
a failed ``deleteWebhook`` at start-up) is logged with its cause, shown in the heartbeat
file and retried with capped, jittered backoff. An update whose handling met a locked
database stays pending and is tried again. Each user's updates are handled in order; users
take turns one update at a time, so one user's flood delays only that user.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from telegram import Update
from telegram.error import InvalidToken, RetryAfter
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.core import Core
from bot.faults import (
    Backoff,
    Failed,
    Ledger,
    Transient,
    database_busy,
    describe,
    retry_seconds,
)
from bot.health import HEARTBEAT_SECONDS, Health
from bot.logs import who
from bot.turn import iso
from bot.webhook import WebhookServer
from storage import InboxItem

log = logging.getLogger(__name__)
POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates call open
CONCURRENT_USERS = 32  # updates handled at the same time (each of another user)
PER_USER_BATCH = 20  # pending updates of one user read at a time
UPDATE_KINDS = list(Update.ALL_TYPES)


def owner_of(raw: dict) -> int | None:
    """The sender of a raw update (or its chat when it has no sender): orders and erases it.
    Never raises: the update may be malformed."""
    for key, value in raw.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        for holder in (value, value.get("message") if isinstance(value.get("message"), dict) else None):
            if not holder:
                continue
            for field in ("from", "user", "chat", "sender_chat"):
                person = holder.get(field)
                if isinstance(person, dict) and isinstance(person.get("id"), int):
                    return person["id"]
    return None


_OWN_MESSAGE_KEYS = ("message_id", "date", "chat", "message_thread_id")


def _bare(message: Any) -> Any:
    """A message of the bot's own, kept only as far as needed to edit or recognise it."""
    if not isinstance(message, dict):
        return message
    bare = {key: message[key] for key in _OWN_MESSAGE_KEYS if key in message}
    if isinstance(bare.get("chat"), dict):
        bare["chat"] = {key: bare["chat"][key] for key in ("id", "type") if key in bare["chat"]}
    return bare


def minimized(raw: dict) -> dict:
    """The update as sent, without the copies of other messages Telegram puts inside it (the
    pressed message, the message replied to, a quote): those are the bot's own texts, may
    name other people, and are not needed to handle the update."""
    update = dict(raw)
    query = update.get("callback_query")
    if isinstance(query, dict) and "message" in query:
        update["callback_query"] = query | {"message": _bare(query["message"])}
    for key in ("message", "edited_message"):
        message = update.get(key)
        if isinstance(message, dict) and ({"reply_to_message", "quote", "external_reply"} & message.keys()):
            message = {k: v for k, v in message.items() if k not in ("quote", "external_reply")}
            if "reply_to_message" in message:
                message["reply_to_message"] = _bare(message["reply_to_message"])
            update[key] = message
    return update


def raw_item(raw: dict) -> InboxItem:
    return InboxItem(raw["update_id"], owner_of(raw), json.dumps(minimized(raw), ensure_ascii=False))


def valid_update(raw: Any) -> bool:
    return isinstance(raw, dict) and type(raw.get("update_id")) is int


class DurableRunner:
    def __init__(self, application: Application, *, poll_timeout: int = POLL_TIMEOUT,
                 concurrency: int = CONCURRENT_USERS, health: Health | None = None) -> None:
        self.application = application
        self.core: Core = application.bot_data["core"]
        self.inbox = self.core.stores.inbox
        self.ledger: Ledger = application.bot_data.setdefault("ledger", Ledger())
        self.poll_timeout = poll_timeout
        self.health = health or application.bot_data.get("health") or Health()
        self.wake = asyncio.Event()
        self.stopping = asyncio.Event()
        self.slots = asyncio.Semaphore(concurrency)  # FIFO: users take turns
        self.busy: set[int | None] = set()  # owners with a worker running
        self.workers: set[asyncio.Task] = set()
        self.retry_at: dict[int | None, float] = {}  # owner -> loop time before which to wait
        self.attempts: dict[int, int] = {}  # update_id -> transient faults met so far (in memory:
        # during a lock nothing can be written)

    # --- receiving ------------------------------------------------------------------------
    def receive(self, raw_updates: list[dict]) -> int:
        """Commit raw updates to the inbox; only after this may Telegram be told they arrived.
        Raises when the database cannot store them (then they are not acknowledged)."""
        items = [raw_item(raw) for raw in raw_updates if valid_update(raw)]
        added = self.inbox.add(items, iso(self.core.clock()))
        if items:
            self.health.received()
            self.wake.set()
        return added

    def receive_updates(self, updates: list[Update]) -> int:
        """Tests: receive parsed updates as Telegram would have sent them."""
        return self.receive([update.to_dict() for update in updates])

    async def fetch(self, offset: int | None) -> list[dict]:
        """One long poll, answered raw: nothing is parsed before it is stored."""
        bot = self.application.bot
        request: BaseRequest = self.application.bot_data["updates_request"]
        parameters: dict[str, Any] = {"timeout": self.poll_timeout, "allowed_updates": json.dumps(UPDATE_KINDS)}
        if offset is not None:
            parameters["offset"] = offset
        # The Bot API takes parameters in the query string as well as in the body.
        url = f"{bot.base_url}/getUpdates?{urlencode(parameters)}"
        result = await request.post(url, read_timeout=self.poll_timeout + 10)
        if not isinstance(result, list):
            raise ValueError(f"getUpdates answered {type(result).__name__}, not a list")
        return result

    async def poll(self) -> None:
        """Long-poll until stopped; every fault is logged, reported and retried with backoff."""
        backoff, webhook_deleted = Backoff(), False
        while not self.stopping.is_set():
            try:
                if not webhook_deleted:
                    await self.application.bot.delete_webhook()
                    webhook_deleted = True
                offset = self.inbox.offset(self.core.clock())
                raw_updates = await self.fetch(offset)
                if offset is not None:
                    self.inbox.acknowledged(offset)
                self.receive(raw_updates)
                self.health.ok("receiving")
                backoff.reset()
            except RetryAfter as error:
                await self._sleep(retry_seconds(error))
            except InvalidToken:
                log.error("Telegram refused the token (or TELEGRAM_API_BASE_URL is wrong); stopping")
                self.health.fault("receiving", "the token was refused")
                self.stopping.set()
                raise
            except Exception as error:
                delay = backoff.next()
                log.warning("receiving failed: %s; trying again in %.1f s", describe(error), delay)
                self.health.fault("receiving", describe(error))
                await self._sleep(delay)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    # --- handling -------------------------------------------------------------------------
    async def process(self) -> None:
        """Handle pending updates until stopped; on stop, finish the updates already started."""
        backoff = Backoff()
        while not self.stopping.is_set():
            try:
                self.dispatch()
                self.health.ok("inbox")
                backoff.reset()
                timeout = 1.0
            except Exception as error:  # e.g. the inbox cannot be read
                timeout = backoff.next()
                log.warning("reading the inbox failed: %s; trying again in %.1f s", describe(error), timeout)
                self.health.fault("inbox", describe(error))
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=timeout)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()
        if self.workers:
            await asyncio.wait(self.workers, timeout=10)

    def dispatch(self) -> None:
        """Start a worker for every sender with pending updates and no worker yet."""
        now = asyncio.get_running_loop().time()
        for owner in self.inbox.pending_owners():
            if owner in self.busy or self.retry_at.get(owner, 0) > now:
                continue
            self.busy.add(owner)
            task = asyncio.create_task(self._work(owner))
            self.workers.add(task)
            task.add_done_callback(self.workers.discard)

    async def _work(self, owner: int | None) -> None:
        """Handle one sender's pending updates in order, one slot per update (turns)."""
        try:
            while not self.stopping.is_set():
                items = self.inbox.pending_of(owner, PER_USER_BATCH)
                if not items:
                    break
                for item in items:
                    async with self.slots:
                        if not await self.handle(item):
                            return  # a transient fault: this sender waits, the others go on
                    await asyncio.sleep(0)  # the others' turn, even when nothing above had to wait
        except Exception as error:  # the inbox itself failed: dispatch tries again later
            log.warning("handling updates of %s stopped: %s", who(owner), describe(error))
            self._wait(owner)
        finally:
            self.busy.discard(owner)
            self.wake.set()

    def _wait(self, owner: int | None, attempts: int = 0) -> None:
        delay = Backoff(failures=min(attempts, 5)).next()
        self.retry_at[owner] = asyncio.get_running_loop().time() + delay
        asyncio.get_running_loop().call_later(delay, self.wake.set)

    async def handle(self, item: InboxItem) -> bool:
        """Handle one update; False when it met a transient fault and stays pending."""
        now = iso(self.core.clock())
        try:
            update = Update.de_json(json.loads(item.payload), self.application.bot)
        except Exception as error:
            log.warning("update %s cannot be parsed and is passed over: %s", item.update_id, describe(error))
            self.inbox.mark_unparseable(item.update_id, describe(error), now)
            return True
        self.ledger.watch(item.update_id)
        try:
            await self.application.process_update(update)
        except Exception as error:  # process_update itself failed (not a handler)
            if database_busy(error):
                self.ledger.transient(item.update_id, describe(error))
            else:
                self.ledger.failed(item.update_id, describe(error))
                log.error("update %s failed: %s", item.update_id, describe(error))
        fault = self.ledger.take(item.update_id)
        if isinstance(fault, Transient) and not self.inbox.is_done(item.update_id):
            log.warning("update %s met a transient fault (%s); trying again soon", item.update_id, fault.reason)
            self.health.fault("database", fault.reason)
            self.attempts[item.update_id] = self.attempts.get(item.update_id, 0) + 1
            self._wait(item.user_id, self.attempts[item.update_id])
            return False
        self.retry_at.pop(item.user_id, None)
        self.attempts.pop(item.update_id, None)
        self.health.ok("database")  # the update's change was written
        if isinstance(fault, Failed):
            self.inbox.mark_failed(item.update_id, fault.reason, now)
        elif not self.inbox.is_done(item.update_id):  # no turn ran (e.g. an edited message): done now
            self.inbox.mark_done(item.update_id, now)
        return True

    async def drain(self) -> None:
        """Handle everything pending now, waiting out transient faults (tests)."""
        while True:
            self.dispatch()
            if self.workers:
                await asyncio.wait(set(self.workers))
                continue
            if not self.inbox.pending_owners():
                return
            await asyncio.sleep(0.05)  # someone waits for a retry

    # --- heartbeat ----------------------------------------------------------------------------
    async def beat(self) -> None:
        while not self.stopping.is_set():
            self.health.write()
            await self._sleep(HEARTBEAT_SECONDS)


async def _start(application: Application, runner: DurableRunner) -> None:
    """Initialise the application (getMe), retrying faults until it works or we are stopped."""
    backoff = Backoff()
    while not runner.stopping.is_set():
        try:
            await application.initialize()
            runner.health.ok("starting")
            return
        except InvalidToken:
            raise
        except Exception as error:
            delay = backoff.next()
            log.warning("start-up failed: %s; trying again in %.1f s", describe(error), delay)
            runner.health.fault("starting", describe(error))
            await runner._sleep(delay)


async def serve(application: Application, *, webhook: tuple[str, str, str, int] | None = None,
                on_ready: Callable[[], None] | None = None) -> int:
    """Run the bot until SIGTERM/SIGINT; returns the process exit code.

    ``webhook`` is (public url, secret, listen host, listen port); without it, long polling.
    """
    runner = DurableRunner(application)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, runner.stopping.set)
    runner.health.write()
    beating = asyncio.create_task(runner.beat())
    server: WebhookServer | None = None
    try:
        await _start(application, runner)
        if runner.stopping.is_set():
            return 0
        if application.post_init:
            try:
                await application.post_init(application)
            except Exception as error:  # the command menus can wait for the next start
                log.warning("start-up step failed: %s", describe(error))
        await application.start()
        if webhook is None:
            receiving = asyncio.create_task(runner.poll())
        else:
            url, secret, host, port = webhook
            server = WebhookServer(runner.receive, secret)
            await server.start(host, port)
            receiving = asyncio.create_task(_register_webhook(application, runner, url, secret))
        log.info("regiecoach is running (%s)", "webhook" if webhook else "long polling")
        if on_ready:
            on_ready()
        processing = asyncio.create_task(runner.process())
        stopping = asyncio.create_task(runner.stopping.wait())
        done, _ = await asyncio.wait({receiving, processing, stopping}, return_when=asyncio.FIRST_COMPLETED)
        code = 0
        for task in done - {stopping}:
            error = None if task.cancelled() else task.exception()
            if error is None and not runner.stopping.is_set():
                error = RuntimeError("a supervisor loop ended by itself")
            if error is not None:
                if not isinstance(error, InvalidToken):
                    log.critical("a supervisor loop ended: %s; stopping so that the service restarts",
                                 describe(error), exc_info=error)
                code = 4 if isinstance(error, InvalidToken) else 1
        runner.stopping.set()
        receiving.cancel()  # a long poll in progress need not be waited for
        await asyncio.gather(processing, receiving, stopping, return_exceptions=True)
        if code == 0:
            log.info("regiecoach stopped cleanly")
        return code
    except InvalidToken:
        log.error("Telegram refused the token (or TELEGRAM_API_BASE_URL is wrong); stopping")
        return 4
    finally:
        runner.stopping.set()
        if server is not None:
            await server.stop()
        beating.cancel()
        await asyncio.gather(beating, return_exceptions=True)
        if application.running:
            await application.stop()
        try:
            await application.shutdown()
        except Exception as error:
            log.warning("shutting down: %s", describe(error))


async def _register_webhook(application: Application, runner: DurableRunner, url: str, secret: str) -> None:
    """Tell Telegram where to post, retrying until it worked (the webhook keeps listening)."""
    backoff = Backoff()
    while not runner.stopping.is_set():
        try:
            await application.bot.set_webhook(url, secret_token=secret, allowed_updates=UPDATE_KINDS)
            runner.health.ok("receiving")
            break
        except Exception as error:
            delay = backoff.next()
            log.warning("setWebhook failed: %s; trying again in %.1f s", describe(error), delay)
            runner.health.fault("receiving", describe(error))
            await runner._sleep(delay)
    await runner.stopping.wait()
