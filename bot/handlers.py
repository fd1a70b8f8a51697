"""python-telegram-bot handlers: update → flow event → saved → shown. Nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.callbacks import Decoder, choice_data
from bot.commands import COMMAND_EVENTS
from bot.content import Content
from bot.conversation import Conversations, Outcome, pick_language
from bot.flows.screens import Screen
from bot.ratelimit import PROACTIVE
from bot.render import MESSAGE_LIMIT, chart_job, choice_label, notice_text, run_job, screen_text, split_message

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
_chart_pool: ProcessPoolExecutor | None = None


def conversations(context: ContextTypes.DEFAULT_TYPE) -> Conversations:
    return context.application.bot_data["conversations"]


def content_of(context: ContextTypes.DEFAULT_TYPE) -> Content:
    return conversations(context).content


def keyboard(screen: Screen, outcome: Outcome, content: Content) -> InlineKeyboardMarkup | None:
    if not screen.choices:
        return None
    buttons = [
        InlineKeyboardButton(choice_label(choice, screen, outcome.language, content),
                             callback_data=choice_data(choice, screen, outcome.assessment_id))
        for choice in screen.choices
    ]
    if screen.question is not None:  # ratings on one row, Back/Skip below
        rows = [buttons[:5], buttons[5:]]
    elif all(choice.literal for choice in screen.choices):  # ratings, times: one row of short labels
        rows = [buttons[i:i + 5] for i in range(0, len(buttons), 5)]
    else:
        rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def chart_pool() -> ProcessPoolExecutor:
    """One worker process renders charts, one at a time: matplotlib holds the GIL for most of
    a render, so a thread would still slow every other user's updates; a process does not."""
    global _chart_pool
    if _chart_pool is None:
        _chart_pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _chart_pool


async def send_chart(bot: Bot, chat_id: int, screen: Screen, language: str, content: Content,
                     markup: InlineKeyboardMarkup | None, send: dict) -> None:
    """Render in the chart process, then send. A chart process that died is replaced once."""
    global _chart_pool
    job = chart_job(screen.chart, language, content)
    try:
        png = await asyncio.get_running_loop().run_in_executor(chart_pool(), run_job, job)
    except BrokenProcessPool:
        log.warning("the chart process died; starting a new one")
        _chart_pool = None
        png = await asyncio.get_running_loop().run_in_executor(chart_pool(), run_job, job)
    await bot.send_photo(chat_id, png, caption=screen_text(screen, language, content), reply_markup=markup, **send)


async def deliver(bot: Bot, chat_id: int, outcome: Outcome, content: Content,
                  query: CallbackQuery | None = None, rate_limit_args: object = None,
                  spawn: Callable[[Coroutine], object] | None = None) -> None:
    """Show ``outcome`` in ``chat_id``: notices answer the button press, in-place screens edit
    its message (after the new messages are out). Charts are rendered off the event loop; with
    ``spawn`` they are sent in the background, so the texts come at once and the update is
    done without waiting."""
    limited = rate_limit_args is not None and getattr(bot, "rate_limiter", None) is not None
    send = {"rate_limit_args": rate_limit_args} if limited else {}
    toast = next((s for s in outcome.screens if s.notice), None) if query is not None else None
    if query is not None:
        await query.answer(notice_text(screen_text(toast, outcome.language, content)) if toast else None)
    origin = query.message if query is not None and isinstance(query.message, Message) else None
    # New messages before edits of older ones: what the user waits for comes first (every
    # message is paced, so the edit of the answered question follows ~35 ms later).
    ordered = sorted(outcome.screens, key=lambda s: bool(s.in_place and origin is not None))
    for screen in ordered:
        if screen is toast:
            continue
        text = screen_text(screen, outcome.language, content)
        markup = keyboard(screen, outcome, content)
        if screen.attachment is not None:
            filename, data = outcome.files[screen.attachment]
            await bot.send_document(chat_id, InputFile(data, filename=filename), caption=text, **send)
            continue
        if screen.chart is not None:
            sending = send_chart(bot, chat_id, screen, outcome.language, content, markup, send)
            if spawn is not None:
                spawn(sending)
            else:
                await sending
            continue
        if screen.in_place and origin is not None and len(text) <= MESSAGE_LIMIT:
            try:
                await origin.edit_text(text, reply_markup=markup)
            except BadRequest as error:
                if "not modified" not in str(error).lower():
                    raise
            continue
        parts = split_message(text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await bot.send_message(chat_id, part, reply_markup=markup if last else None, **send)


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome) -> None:
    # A button on an inline message has no chat: the private chat id is the user id.
    chat_id = update.effective_chat.id if update.effective_chat else update.effective_user.id
    spawn = context.application.create_task if context.application.running else None
    await deliver(context.bot, chat_id, outcome, content_of(context), update.callback_query, spawn=spawn)


async def fire(update: Update, context: ContextTypes.DEFAULT_TYPE, event: str, **kwargs: object) -> None:
    user = update.effective_user
    convs = conversations(context)
    convs.bot_username = context.bot.username
    outcome = await convs.handle(user.id, event, language_code=user.language_code, name=user.first_name,
                                 update_id=update.update_id, **kwargs)
    await show(update, context, outcome)
    for other, language, screen in outcome.others:
        try:
            await deliver(context.bot, other, Outcome([screen], language, None), convs.content,
                          rate_limit_args=PROACTIVE)
        except Forbidden:
            log.info("could not notify user %s: blocked the bot", other)
    if outcome.dispatch:
        from bot.schedule import send_due_prompts  # the scheduler imports this module

        if context.application.running:  # a broadcast may take a while: do not hold other users up
            context.application.create_task(send_due_prompts(context.application), update=update)
        else:
            await send_due_prompts(context.application)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    command = update.effective_message.text.split()[0][1:].split("@")[0].lower()
    if command == "start" and context.args:
        await fire(update, context, "deep_link", payload=context.args[0])
    else:
        await fire(update, context, COMMAND_EVENTS[command])


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    decode: Decoder = context.application.bot_data["decoder"]
    action = decode(update.callback_query.data)
    if action is None or update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        await fire(update, context, "reject")
    else:
        await fire(update, context, action.event, **action.kwargs)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await fire(update, context, "text", text=update.effective_message.text)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await fire(update, context, "unexpected_input", kind="media")


async def reply_with(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    """Reply with a fixed text in the user's language, without touching the conversation."""
    user = update.effective_user
    language = (
        conversations(context).language_of(user.id, user.language_code)
        if user is not None else pick_language(None)
    )
    await context.bot.send_message(update.effective_chat.id, content_of(context).text(key, language))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply_with(update, context, "unknown_command")


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply_with(update, context, "edited_message")


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = pick_language(update.effective_user.language_code if update.effective_user else None)
    try:
        await context.bot.send_message(update.effective_chat.id, content_of(context).text("private_only", language))
    except Forbidden:  # e.g. a channel where the bot may not post
        log.info("cannot post in chat %s", update.effective_chat.id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the user briefly, never with a traceback."""
    if isinstance(context.error, Forbidden):  # the user blocked the bot: nobody to tell
        log.info("user blocked the bot: %s", context.error)
        return
    log.error("update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    user = update.effective_user
    language = pick_language(user.language_code if user else None)
    try:
        await context.bot.send_message(update.effective_chat.id, content_of(context).text("error_apology", language))
    except Exception:  # the apology itself failed: logging is all that is left
        log.warning("could not send the apology", exc_info=True)


def register(application: Application) -> None:
    groups_and_channels = filters.ChatType.GROUPS | filters.ChatType.CHANNEL
    application.add_handler(MessageHandler(groups_and_channels, on_group))
    application.add_handler(CommandHandler(list(COMMAND_EVENTS), on_command, filters=PRIVATE & filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED, on_edited))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, on_text))
    application.add_handler(MessageHandler(PRIVATE, on_other_message))
