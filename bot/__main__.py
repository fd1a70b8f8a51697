"""The ``regiecoach`` command: ``run`` (Telegram), ``chat`` (terminal)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import ConfigError, Settings, load_settings


def _run(settings: Settings) -> int:
    from telegram import Update

    from bot.app import build_application, default_rate_limiter
    from storage import open_database

    settings.require_token()
    db = open_database(settings.db_path)
    application = build_application(settings, db, rate_limiter=default_rate_limiter())
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _chat(settings: Settings) -> int:
    from bot.content import load_content
    from bot.conversation import Conversations
    from bot.terminal import chat
    from storage import open_database

    conversations = Conversations(open_database(settings.db_path), load_content(), zone=settings.timezone)
    try:
        asyncio.run(chat(conversations, sys.stdin, sys.stdout, chart_dir=settings.db_path.parent / "charts"))
    except KeyboardInterrupt:
        print()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="regiecoach", description="Coaching bot for the IT Regisseur.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="serve Telegram (long polling)")
    commands.add_parser("chat", help="try the bot in this terminal, no token needed")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command == "run" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("transitions").setLevel(logging.ERROR)  # an ignored stale button is not a warning
    try:
        settings = load_settings()
        if args.command == "run":
            return _run(settings)
        return _chat(settings)
    except ConfigError as error:
        print(f"regiecoach: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
