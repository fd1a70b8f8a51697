"""python-telegram-bot handlers: update → flow event → saved → shown. Nothing else."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.callbacks import Decoder
from bot.commands import COMMAND_EVENTS
from bot.content import Content
from bot.core import Core
from bot.delivery import deliver
from bot.faults import Ledger, database_busy, describe, network_transient
from bot.flows.effects import Notify, RefreshMenu, SendDuePrompts, WipeFreedBytes
from bot.flows.events import Event
from bot.flows.screens import Screen
from bot.logs import who
from bot.menus import refresh_menu
from bot.schedule import scheduler, send_due_prompts
from bot.turn import Outcome, Turn, iso, pick_language
from bot.turns import handle

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
# Updates the bot takes no part in: posts and edits in channels, and messages of a business
# account's chats (the bot is not their recipient). They get no reply at all.
NOT_FOR_US = filters.UpdateType.CHANNEL_POSTS | filters.UpdateType.BUSINESS_MESSAGES


def core_of(context: ContextTypes.DEFAULT_TYPE) -> Core:
    return context.application.bot_data["core"]


def content_of(context: ContextTypes.DEFAULT_TYPE) -> Content:
    return core_of(context).content


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome) -> None:
    # A button on an inline message has no chat: the private chat id is the user id.
    chat_id = update.effective_chat.id if update.effective_chat else update.effective_user.id
    spawn = context.application.create_task if context.application.running else None
    await deliver(context.bot, chat_id, outcome.screens, outcome.language, content_of(context),
                  ref=outcome.assessment_id, query=update.callback_query, spawn=spawn, files=outcome.files)


async def fire(update: Update, context: ContextTypes.DEFAULT_TYPE, event: str, **kwargs: object) -> None:
    user = update.effective_user
    core = core_of(context)
    core.knows_username(context.bot.username)
    outcome = handle(core, Turn.of(user.id, user.language_code, user.first_name, update.update_id), event, kwargs)
    await show(update, context, outcome)
    await carry_out(context, outcome, update)


async def carry_out(context: ContextTypes.DEFAULT_TYPE, outcome: Outcome, update: Update) -> None:
    """What the committed turn asks of Telegram beyond this chat: other people's screens,
    changed menus, prompts due now, the bytes of an erasure."""
    core = core_of(context)
    for effect in outcome.after:
        match effect:
            case Notify(user_id=other, screen=screen, thread=thread):
                try:
                    sent = await deliver(context.bot, other, [screen], core.language_of(other), core.content,
                                         proactive=True)
                except Forbidden:
                    log.info("could not notify %s: blocked the bot", who(other))
                else:
                    if thread is not None:  # a Telegram reply to it goes to that thread
                        for message in sent:
                            core.stores.threads.link(other, message.message_id, *thread, iso(core.clock()))
            case RefreshMenu(user_id=person):
                await refresh_menu(context.bot, core, person)
            case SendDuePrompts():
                if context.application.running:  # a broadcast may take a while: do not hold other users up
                    context.application.create_task(send_due_prompts(context.application), update=update)
                else:
                    await send_due_prompts(context.application)
            case WipeFreedBytes():
                scheduler(context.application).wipe(core)


async def ignore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop here: no handler after this one sees the update, nothing is sent."""
    raise ApplicationHandlerStop


async def on_anonymous(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message without a person behind it (sent on behalf of a chat): nobody to answer."""
    if update.effective_user is None:
        log.info("update %s has no sender; ignored", update.update_id)
        raise ApplicationHandlerStop


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    command = update.effective_message.text.split()[0][1:].split("@")[0].lower()
    if command == "start" and context.args:
        await fire(update, context, Event.DEEP_LINK, payload=context.args[0])
    else:
        await fire(update, context, COMMAND_EVENTS[command])


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    decode: Decoder = context.application.bot_data["decoder"]
    action = decode(update.callback_query.data)
    if action is None or update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        await fire(update, context, Event.REJECT)
    else:
        await fire(update, context, action.event, **action.kwargs)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    await fire(update, context, Event.TEXT, text=message.text, reply_to=replied)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await fire(update, context, Event.UNEXPECTED_INPUT, kind="media")


async def reply_with(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    """Reply with a fixed text in the user's language, without touching the conversation."""
    user = update.effective_user
    language = core_of(context).language_of(user.id, user.language_code)
    await deliver(context.bot, update.effective_chat.id, [Screen(key)], language, content_of(context))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply_with(update, context, "unknown_command")


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply_with(update, context, "edited_message")


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = pick_language(update.effective_user.language_code if update.effective_user else None)
    try:
        await context.bot.send_message(update.effective_chat.id, content_of(context).text("private_only", language))
    except Forbidden:  # e.g. a group where the bot may not post
        log.info("cannot post in chat %s", who(update.effective_chat.id))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the user briefly, never with a traceback. The runner learns how
    the update went from the ledger: a locked database is not the user's problem (the runner
    keeps the update and tries it again shortly); anything else fails that update only."""
    error = context.error
    if isinstance(error, Forbidden):  # the user blocked the bot: nobody to tell
        log.info("user blocked the bot: %s", error)
        return
    ledger: Ledger | None = context.application.bot_data.get("ledger")
    update_id = update.update_id if isinstance(update, Update) else None
    if database_busy(error) and ledger is not None and ledger.watching(update_id):
        ledger.transient(update_id, describe(error))
        return
    log.error("update failed: %s", describe(error), exc_info=error)
    if ledger is not None:
        ledger.failed(update_id, describe(error))
    health = context.application.bot_data.get("health")
    if health is not None:
        health.error(describe(error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    user = update.effective_user
    language = core_of(context).language_of(user.id, user.language_code) if user else pick_language(None)
    key = "send_failed" if network_transient(error) else "error_apology"  # the change itself was saved
    try:
        await context.bot.send_message(update.effective_chat.id, content_of(context).text(key, language))
    except Exception:  # the apology itself failed: logging is all that is left
        log.warning("could not send the apology", exc_info=True)


def register(application: Application) -> None:
    application.add_handler(MessageHandler(NOT_FOR_US, ignore), group=-1)
    application.add_handler(TypeHandler(Update, on_anonymous), group=-1)
    application.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE, on_group))
    application.add_handler(CommandHandler(list(COMMAND_EVENTS), on_command, filters=PRIVATE & filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED, on_edited))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, on_text))
    application.add_handler(MessageHandler(PRIVATE, on_other_message))
