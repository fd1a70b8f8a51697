"""Regiecoach: the Telegram edge and entry point."""

import os

# python-telegram-bot 22 gives durations (e.g. a 429's retry_after) as timedelta when asked to,
# as its next major version will always do; asked here, so it never warns about the old ints.
os.environ.setdefault("PTB_TIMEDELTA", "true")
