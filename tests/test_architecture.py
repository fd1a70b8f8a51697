"""The direction of imports that ARCHITECTURE.md promises, as an allowlist per layer.

Each layer names what it may import besides the standard library; anything else fails, so
a new dependency between layers is a decision made here, not an accident.
"""

from __future__ import annotations

import ast
import re
import sys
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


def files(*paths: str) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        target = ROOT / path
        found += [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))
    return found


def allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or any(module == p or module.startswith(p + ".") for p in prefixes)


EDGE = ("bot", "storage", "telegram", "matplotlib", "tornado", "dotenv", "transitions", "yaml", "pydantic",
        "pydantic_core")
LAYERS = {
    # data and its loader: nothing of ours
    "content": (("bot/content",), ("bot.content", "yaml", "pydantic", "pydantic_core")),
    # the state machines: content and themselves, never Telegram or storage
    "flows": (("bot/flows",), ("bot.content", "bot.flows", "transitions")),
    # SQL: nothing of ours
    "storage": (("storage",), ("storage", "sqlite_utils")),
    # what a turn is and what it works with: below the router, no Telegram
    "turn": (("bot/turn.py", "bot/buttons.py"), ("bot.turn", "bot.buttons", "bot.flows", "bot.content")),
    "core": (("bot/core.py",), ("bot.core", "bot.turn", "bot.buttons", "bot.config", "bot.content", "storage")),
    # a turn: load, fire, save — no Telegram
    "turns": (("bot/turns", "bot/snapshots.py"),
              ("bot.turns", "bot.turn", "bot.core", "bot.buttons", "bot.snapshots", "bot.flows", "bot.content",
               "storage")),
    # below the handlers: shared delivery, the scheduler and the runner never climb back up
    "delivery": (("bot/delivery.py", "bot/schedule.py", "bot/runner.py", "bot/menus.py"),
                 tuple(p for p in EDGE if p != "bot") + ("bot.core", "bot.turn", "bot.delivery", "bot.faults",
                                                         "bot.flows", "bot.turns",
                                                         "bot.content", "bot.health", "bot.ratelimit", "bot.render",
                                                         "bot.callbacks", "bot.charts", "bot.bar_charts", "bot.commands",
                                                         "bot.webhook", "bot.menus", "bot.logs", "bot.files")),
    # the edge: anything of ours and the libraries it wraps
    "edge": (("bot",), EDGE),
    # benchmarks share the Bot API doubles with the tests, never the tests themselves
    "bench": (("bench",), ("bench", "bot", "storage", "telegram_doubles", "telegram", "httpx")),
}


@pytest.mark.parametrize("layer", list(LAYERS))
def test_each_layer_imports_only_what_it_may(layer):
    paths, prefixes = LAYERS[layer]
    checked = files(*paths)
    assert checked
    for path in checked:
        for module in imported_modules(path):
            assert allowed(module, prefixes), f"{path.relative_to(ROOT)} ({layer}) imports {module}"


SQL = re.compile(r"\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|create\s+table)\b",
                 re.IGNORECASE)


def test_sql_lives_only_in_storage():
    for path in files("bot"):
        assert not {"sqlite3", "sqlite_utils"} & imported_modules(path), path
        assert not SQL.search(path.read_text(encoding="utf-8")), path


def test_no_test_module_imports_another():
    """Shared fixtures and helpers live in tests/conftest.py; a test module imports no other."""
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        imported = imported_modules(path)
        assert not {m for m in imported if m.startswith("tests.test_")}, path.name
