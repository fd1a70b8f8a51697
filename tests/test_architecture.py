"""The direction of imports that ARCHITECTURE.md promises."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder, forbidden", [
    ("bot/flows", ("telegram", "storage", "sqlite_utils", "sqlite3", "bot.app", "bot.handlers",
                   "bot.conversation", "bot.render", "bot.terminal")),
    ("bot/content", ("telegram", "storage", "bot.flows", "bot.app", "bot.handlers", "bot.conversation")),
    ("storage", ("bot", "telegram", "transitions")),
])
def test_imports_run_one_way(folder, forbidden):
    assert files(folder)
    for path in files(folder):
        for module in imported_modules(path):
            assert not module.startswith(forbidden), f"{path.relative_to(ROOT)} imports {module}"


SQL = re.compile(r"\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|create\s+table)\b",
                 re.IGNORECASE)


def test_sql_lives_only_in_storage():
    for path in files("bot"):
        assert not {"sqlite3", "sqlite_utils"} & imported_modules(path), path
        assert not SQL.search(path.read_text(encoding="utf-8")), path
