"""The ``regiecoach`` command as a person runs it: a real process, piped input."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from bot.content import load_content
from bot.core import Core
from bot.render import plain_text
from bot.terminal import TerminalChat
from storage import open_database
from tests.conftest import regiecoach


def test_run_without_a_token_prints_one_line_and_exits_non_zero(tmp_path):
    result = regiecoach("run", cwd=tmp_path, env={"PYTHONPATH": str(Path.cwd())})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "regiecoach chat" in lines[0]
    assert not (tmp_path / "data").exists()  # nothing created before the check


def test_chat_with_piped_answers_reaches_43_of_43(tmp_path):
    db = tmp_path / "chat.db"
    content = load_content()
    answers = "\n".join(["1", "2", "1"] + ["4"] * content.total) + "\n"
    env = {"REGIECOACH_DB": str(db), "PYTHONPATH": str(Path.cwd())}
    result = regiecoach("chat", stdin=answers, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{content.total}/{content.total}" in result.stdout
    assert plain_text(content.text("terminal_bye", "en")) in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from assessments").fetchall() == [("completed",)]
        assert conn.execute("select count(*), min(value), max(value) from answers").fetchone() == (43, 4, 4)


def test_chat_ends_cleanly_at_end_of_input_and_resumes_next_time(tmp_path):
    env = {"REGIECOACH_DB": str(tmp_path / "chat.db"), "PYTHONPATH": str(Path.cwd())}
    first = regiecoach("chat", stdin="1\n1\n1\n5\n5\n", env=env, cwd=tmp_path)
    assert first.returncode == 0 and "3/43" in first.stdout
    second = regiecoach("chat", stdin="", env=env, cwd=tmp_path)
    assert second.returncode == 0
    assert "3/43" in second.stdout and "Welkom" not in second.stdout


@pytest.fixture
def terminal(tmp_path) -> tuple[TerminalChat, list[str]]:
    lines: list[str] = []
    core = Core.build(open_database(tmp_path / "t.db"), load_content())
    return TerminalChat(core, lines.append, tmp_path / "charts"), lines


async def test_terminal_numbers_back_skip_and_commands(terminal):
    chat, lines = terminal
    await chat.run(["1", "2", "1", "3", "7", "6", "/pause", "/resume", "hello", "99", "/help"])
    text = "\n".join(lines)
    assert "[6] ◀ Back  [7] Skip" in text
    assert "⏸" in text and "2/43" in text
    assert text.count(plain_text(chat.content.text("terminal_invalid", "en"))) == 2
    # 3 answered question 1, 7 skipped question 2, 6 went back to question 2
    assert list(chat.core.stores.assessments.answers(1).values()) == [3, None]
    assert any(line.startswith("2/43") for line in lines[-12:])


def test_every_setting_is_in_env_example_and_readme():
    root = Path(__file__).resolve().parent.parent
    names = set(re.findall(r'env\.get\("([A-Z_]+)"', (root / "bot/config.py").read_text()))
    assert len(names) >= 12
    example, readme = (root / ".env.example").read_text(), (root / "README.md").read_text()
    for name in names:
        assert f"\n{name}=" in example, name
        assert name in readme or name.rsplit("_", 1)[0] + "_" in readme, name
