"""End to end, the real `regiecoach run` over HTTP: after /delete no file of the bot's holds the
person — not the database, not its -wal, not the heartbeat, not the log — and every file is
readable by the bot's own user only. Logs name people by a keyed pseudonym, which maps back
to a Telegram id (`regiecoach whois`) only while that person exists."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest

from tests.conftest import CONTENT, ROOT, onboard_http, wait_question

pytestmark = pytest.mark.slow

ZOE = 777_000_123
NAME = "Zoë Uniekenaam"


def whois(bot, pseudonym: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_"))}
    env |= {"REGIECOACH_DB": str(bot.db), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", "whois", pseudonym], env=env, capture_output=True,
                          text=True, timeout=60)


def test_after_delete_no_file_holds_the_person(server, bots):
    bot = bots().start()
    onboard_http(server, ZOE, first_name=NAME)
    for n in range(1, 6):
        server.tap(ZOE, "4")
        wait_question(server, ZOE, n + 1)
    server.send_text(ZOE, "a very private remark", first_name=NAME)
    server.wait_for(lambda: len(server.messages(ZOE)) >= 3, timeout=15)
    # her menu cannot be removed: the bot logs that, naming her
    server.fail("deleteMyCommands", 400, "Bad Request: chat not found", times=5)
    server.send_text(ZOE, "/delete", first_name=NAME)
    server.wait_for(lambda: CONTENT.text("btn_delete_everything", "en") in server.last(ZOE).labels(), timeout=15)
    server.tap(ZOE, CONTENT.text("btn_delete_everything", "en"))
    server.wait_for(lambda: "no command menu for" in bot.logs(), timeout=15, message="the menu failure was not logged")
    server.wait_for(lambda: "deleted" in server.last_text(ZOE).lower() or "erased" in server.last_text(ZOE).lower(),
                    timeout=15)
    assert bot.stop() == 0

    pseudonym = re.search(r"no command menu for (u-[0-9a-f]{12})", bot.logs()).group(1)
    files = [bot.db, bot.db.with_name(bot.db.name + "-wal"), bot.log,
             bot.db.with_name(bot.db.name + ".status.json")]
    traces = [NAME.encode(), str(ZOE).encode(), ZOE.to_bytes(4, "big"), b"a very private remark"]
    for path in files:
        data = path.read_bytes() if path.exists() else b""
        assert [t for t in traces if t in data] == [], path.name
    for path in bot.db.parent.iterdir():
        if path.name.startswith(bot.db.name):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert whois(bot, pseudonym).returncode == 1  # erased: the pseudonym maps to nobody now


def test_whois_maps_a_pseudonym_while_the_person_exists(server, bots):
    bot = bots().start()
    onboard_http(server, 4242)
    assert bot.stop() == 0
    from bot.logs import use_key_beside, who

    use_key_beside(bot.db)
    found = whois(bot, who(4242))
    assert found.returncode == 0 and "4242" in found.stdout
    assert "4242" not in bot.logs()
