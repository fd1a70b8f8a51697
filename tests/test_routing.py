"""Routing: every event has exactly one turn, nothing is routed by fallback, the import graph
has no circle, effects are carried out in one place — and a new flow is cheap: a toy flow
with one command and one button, added the way ARCHITECTURE.md's recipe says, works end to
end through the real Application."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from transitions import EventData

import bot.commands
import bot.turns
from bot import callbacks, handlers
from bot.buttons import Spec
from bot.core import Core, FlowTurn
from bot.flows import machine
from bot.flows.events import Event
from bot.flows.screens import Choice, Screen
from bot.turn import Command, Stepped, Turn, UnclaimedEvent
from bot.turns import TURNS, buttons, claims, commands, handle, route

ROOT = Path(__file__).resolve().parent.parent


def test_every_event_is_claimed_by_exactly_one_turn():
    claimed = claims()  # raises when one is claimed twice
    assert set(claimed) == set(Event), set(Event) ^ set(claimed)
    deep = {turn.name for turn in TURNS if turn.link_kinds}
    assert deep == {"coaching", "feedback"}


def test_buttons_commands_and_machines_speak_only_known_events():
    for event in buttons():
        assert event in set(Event), event
    for command in commands():
        assert command.event in set(Event), command
    from bot.flows import assessment, feedback, plan
    from bot.flows.coaching import composer
    for flow in (assessment, feedback, plan, composer):
        for trigger in flow.MACHINE.events:
            assert trigger in set(Event), (flow.__name__, trigger)


def test_an_event_no_turn_claims_is_an_error_not_a_stale_button(tmp_path, content):
    from storage import open_database

    core = Core.build(open_database(tmp_path / "r.db", "OFF"), content)
    for event in ("", "bogus", "show_intro", "full_list"):
        with pytest.raises(UnclaimedEvent):
            route(event, {})
        with pytest.raises(UnclaimedEvent):
            handle(core, Turn.of(5), event, {})
    assert core.stores.users.load(5) is None  # nothing was stored for it
    assert route(Event.DEEP_LINK, {"payload": "fXYZ"}).name == "feedback"
    assert route(Event.DEEP_LINK, {"payload": "zzz"}).name == "coaching"  # it answers "this link is not valid"


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The modules of ours ``path`` imports: ``from bot.turns import text`` is the module
    ``bot.turns.text`` (the package only runs its own ``__init__``), ``from bot.core import
    Core`` the module ``bot.core``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules
            found |= submodules or {node.module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found & modules


def test_the_import_graph_of_the_bot_has_no_circle():
    modules = {}
    for path in (ROOT / "bot").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}
    seen: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        seen[node] = 1
        for nxt in graph[node]:
            if seen.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
                raise AssertionError(" -> ".join(cycle))
            if nxt not in seen:
                visit(nxt, trail + [nxt])
        seen[node] = 2

    for name in graph:
        if name not in seen:
            visit(name, [name])


def _writers() -> set[str]:
    """The names of every storage method that writes (its SQL inserts, updates or deletes)."""
    writing = ("insert ", "update ", "delete ", ".upsert(", ".insert(", "insert_all")
    names = set()
    for path in (ROOT / "storage").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(w in ast.unparse(node).lower() for w in writing):
                names.add(node.name)
    return names - {"__init__"}


def test_effects_are_carried_out_in_one_place():
    """Turns load and fire; every write is an effect carried out by bot/turns/carry_out.py."""
    writers = _writers()
    assert {"save_state", "answer", "save", "connect", "erase"} <= writers
    for path in (ROOT / "bot" / "turns").glob("*.py"):
        if path.name == "carry_out.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in writers:
                text = ast.unparse(node.func)
                allowed = path.name in ("summaries.py", "result_rows.py")  # called by the interpreter, the jobs, start-up
                assert allowed or "stores" not in text, f"{path.name}: {text}"


# --- a toy flow, added by the recipe (ARCHITECTURE.md "Adding a flow") -------------------------
# The recipe's five files, here in one test module:
#   1. bot/flows/events.py   the event names (here: two names of an Event-like class)
#   2. bot/flows/toy.py      the flow: a machine and its model
#   3. bot/turns/toy.py      the turn: load, fire, return screens and effects; buttons; commands
#   4. bot/turns/__init__.py TURNS gains toy.TURN
#   5. bot/content/ui_toy.yaml the texts, in both languages

class ToyEvent:
    TOY = "toy"
    TOY_PRESS = "toy_press"


class ToyModel:
    def __init__(self, presses: int) -> None:
        self.state, self.presses = "idle", presses
        self.screens: list[Screen] = []
        self.effects: list = []

    def show(self, event: EventData) -> None:
        self.screens.append(Screen("plain", {"text": f"Toy: {self.presses} presses"}, choices=(
            Choice(ToyEvent.TOY_PRESS, {"nl": "Druk", "en": "Press"}),)))

    def press(self, event: EventData) -> None:
        self.presses += 1
        self.screens.append(Screen("plain", {"text": f"Toy: {self.presses} presses"}, in_place=True))


TOY_MACHINE = machine.build(["idle"], [
    {"trigger": ToyEvent.TOY, "source": "idle", "dest": None, "after": "show"},
    {"trigger": ToyEvent.TOY_PRESS, "source": "idle", "dest": None, "after": "press"},
], "idle")


@dataclass
class Presses:
    count: int = 0


PRESSES = Presses()  # a toy's state (a real flow keeps it in storage, through an effect)


def toy_step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    model = ToyModel(PRESSES.count)
    machine.fire(TOY_MACHINE, model, event, **kwargs)
    PRESSES.count = model.presses
    return Stepped(model.screens, model.effects, core.language_of(turn.user_id, turn.language_code))


TOY = FlowTurn("toy", frozenset({ToyEvent.TOY, ToyEvent.TOY_PRESS}), toy_step,
               buttons=lambda sizes: {ToyEvent.TOY_PRESS: Spec("zz")},
               commands=(Command("toy", ToyEvent.TOY),))


async def test_a_toy_flow_with_one_command_and_one_button_works_end_to_end(make_harness, monkeypatch):
    turns = TURNS + (TOY,)
    # what registering does at import (bot/turns/__init__.py, bot/commands.py, bot/callbacks.py)
    monkeypatch.setattr(bot.turns, "TURNS", turns)
    monkeypatch.setitem(bot.commands.COMMAND_EVENTS, "toy", ToyEvent.TOY)
    monkeypatch.setitem(callbacks.CODES, ToyEvent.TOY_PRESS, "zz")
    harness = make_harness()
    async with harness.application:
        user = harness.user(4242)
        await user.send("/toy")
        assert user.last().text == "Toy: 0 presses" and user.last().labels() == ["Press"]
        await user.tap("Press")
        assert user.last().text == "Toy: 1 presses"
        await user.press("1:zz:::x", user.last())  # forged: an arg the button does not carry
        assert user.last().text == "Toy: 1 presses"
    assert harness.errors == []
    assert handlers.COMMAND_EVENTS["toy"] == ToyEvent.TOY
    assert sys.modules["bot.turns"].TURNS[-1] is TOY
