"""The ``regiecoach`` command: ``run`` (Telegram), ``chat`` (terminal), ``stats`` (admin figures),
``status`` (health check), ``backup FILE`` (a consistent copy while the bot runs)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.files import write_private
from bot.logs import configure, key_path, use_key_beside

BACKUP_NICENESS = 10  # added to the backup's CPU (and, by default, I/O) priority: the bot's taps go first


def _run(settings: Settings, webhook: bool) -> int:
    from bot.app import build_application, default_rate_limiter
    from bot.health import Health, status_path
    from bot.runner import serve
    from storage.lock import AlreadyRunning, single_instance

    settings.require_token()
    endpoint = settings.webhook() if webhook else None
    use_key_beside(settings.db_path)
    try:
        with single_instance(settings.db_path):
            db = _open_when_possible(settings)
            health = Health(status_path(settings.db_path))
            application = build_application(settings, db, rate_limiter=default_rate_limiter(settings), health=health)
            return asyncio.run(serve(application, webhook=endpoint))
    except AlreadyRunning as error:
        print(f"regiecoach: {error}", file=sys.stderr)
        return 3


def _open_when_possible(settings: Settings):  # noqa: ANN202 - a storage Database
    """Open the database, waiting out a lock held by someone else (e.g. a backup) at start-up."""
    import time

    from bot.faults import Backoff, database_busy
    from storage import DatabaseError, open_database

    backoff = Backoff()
    while True:
        try:
            return open_database(settings.db_path, settings.synchronous)
        except DatabaseError as error:
            if not database_busy(error):
                raise
            delay = backoff.next()
            logging.getLogger("bot").warning("the database is locked (%s); trying again in %.1f s", error, delay)
            time.sleep(delay)


def _status(settings: Settings) -> int:
    from bot.status import report

    result = report(settings.db_path)
    print("\n".join(result.lines))
    return 0 if result.healthy else 1


def _whois(settings: Settings, pseudonym: str) -> int:
    """Map a log pseudonym back to a Telegram id, by trying every user stored now; an erased
    user is not stored, so their pseudonym maps to nobody."""
    from bot.logs import who
    from storage import PrivacyStore
    from storage.health import open_readonly

    if not settings.db_path.exists() or not key_path(settings.db_path).exists():
        print(f"regiecoach: no database (or no pseudonym key) at {settings.db_path}", file=sys.stderr)
        return 1
    use_key_beside(settings.db_path)
    found = [user for user in PrivacyStore(open_readonly(settings.db_path)).user_ids() if who(user) == pseudonym]
    if not found:
        print(f"{pseudonym}: no such user (never here, or erased)")
        return 1
    print(f"{pseudonym}: Telegram user {found[0]}")
    return 0


def _backup(settings: Settings, target: str) -> int:
    """Copy the live database to ``target`` (0600, checked); print where, how big and how long.
    The backup yields the processor to the bot: it lowers its own priority first."""
    from storage import DatabaseError
    from storage.backup import BackupError, backup

    os.nice(BACKUP_NICENESS)
    try:
        made = backup(settings.db_path, target)
    except (BackupError, DatabaseError, OSError) as error:
        print(f"regiecoach: no backup made: {error}", file=sys.stderr)
        return 1
    print(f"backup of {settings.db_path} written to {made.path}: {made.size / 1e6:,.1f} MB ({made.size:,} bytes) "
          f"in {made.seconds:.2f} s (copy {made.copy_seconds:.2f} s, integrity check {made.check_seconds:.2f} s: ok)")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("regiecoach")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _chat(settings: Settings) -> int:
    from bot.content import load_content
    from bot.core import Core, Rules
    from bot.terminal import chat
    from bot.turns.result_rows import rescore_results
    from storage import open_database

    use_key_beside(settings.db_path)
    core = Core.build(open_database(settings.db_path), load_content(), Rules.of(settings))  # the app's own settings
    rescore_results(core)
    try:
        asyncio.run(chat(core, sys.stdin, sys.stdout, chart_dir=settings.db_path.parent / "charts"))
    except KeyboardInterrupt:
        print()
    return 0


def _stats(settings: Settings, csv_path: str | None) -> int:
    """Print the published admin figures (taking a new snapshot when due), or write them as CSV."""
    from datetime import datetime, timezone

    from bot import snapshots
    from bot.content import load_content
    from bot.render import plain_text, screen_text
    from storage import open_database

    db, content, now = open_database(settings.db_path), load_content(), datetime.now(timezone.utc)
    if csv_path:
        _, data = snapshots.csv_export(db, content, settings.min_group, now, settings.stats_period,
                                        settings.timezone)
        write_private(Path(csv_path), data)
        print(f"published statistics written to {csv_path}")
        return 0
    for screen in snapshots.admin_screens(db, content, settings.min_group, now, settings.stats_period,
                                           settings.timezone):
        if screen.chart is None:
            print(plain_text(screen_text(screen, "en", content)) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="regiecoach", description="Coaching bot for the IT Regisseur.")
    parser.add_argument("--version", action="version", version=f"regiecoach {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve Telegram (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="receive updates on a webhook behind a reverse proxy")
    commands.add_parser("chat", help="try the bot in this terminal, no token needed")
    stats = commands.add_parser("stats", help="print the published admin statistics (totals only)")
    stats.add_argument("--csv", metavar="FILE", help="write the same published totals as CSV to FILE")
    commands.add_parser("status", help="is the bot serving? faults, waiting and failed work (exit 1 when unhealthy)")
    whois = commands.add_parser("whois", help="the Telegram id behind a pseudonym in the logs (while that user exists)")
    whois.add_argument("pseudonym", help="as the logs write it, e.g. u-1a2b3c4d5e6f")
    backup = commands.add_parser("backup", help="write a consistent copy of the database to FILE, also while the bot runs")
    backup.add_argument("file", metavar="FILE", help="the copy to write (mode 0600; replaced if it exists)")
    args = parser.parse_args(argv)
    os.umask(0o077)  # every file this process creates is readable by its own user only
    try:
        settings = load_settings()
        configure(logging.INFO if args.command == "run" else logging.WARNING,
                  json_lines=args.command == "run" and settings.log_format == "json")
        if args.command == "run":
            return _run(settings, args.webhook)
        if args.command == "stats":
            return _stats(settings, args.csv)
        if args.command == "status":
            return _status(settings)
        if args.command == "whois":
            return _whois(settings, args.pseudonym)
        if args.command == "backup":
            return _backup(settings, args.file)
        return _chat(settings)
    except ConfigError as error:
        print(f"regiecoach: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
