"""`regiecoach status` on a database no run serves: idle (exit 0) until a run has used it,
unhealthy (exit 1) once a run that served it is gone, or when the database cannot be read."""

from __future__ import annotations

from pathlib import Path

from bot.health import Health, status_path
from storage import open_database
from storage.lock import single_instance
from tests.conftest import regiecoach

ROOT = Path(__file__).resolve().parent.parent


def status(db: Path, cwd: Path) -> tuple[int, list[str]]:
    done = regiecoach("status", env={"REGIECOACH_DB": str(db), "PYTHONPATH": str(ROOT)}, cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout.splitlines()


def test_a_database_only_chat_used_is_idle_and_healthy(tmp_path):
    db = tmp_path / "data" / "regiecoach.db"
    answers = "\n".join(["1", "2", "1", "4", "4"]) + "\n"
    assert regiecoach("chat", stdin=answers, env={"REGIECOACH_DB": str(db), "PYTHONPATH": str(ROOT)},
                      cwd=tmp_path).returncode == 0
    code, lines = status(db, tmp_path)
    assert code == 0, lines
    assert lines[0] == "regiecoach: idle" and not any(line.startswith("problem:") for line in lines)
    assert "none has served this database yet" in lines[1]
    assert lines[2] == "updates: 0 pending, 0 unparseable, 0 failed"


def test_once_a_run_served_it_no_run_is_unhealthy(tmp_path):
    db = tmp_path / "regiecoach.db"
    open_database(db).conn.close()
    with single_instance(db):  # what `regiecoach run` holds while it serves
        Health(status_path(db)).write()
    code, lines = status(db, tmp_path)
    assert code == 1 and lines[:2] == ["regiecoach: UNHEALTHY", "problem: no regiecoach run is serving this database"]


def test_a_run_that_died_before_its_first_heartbeat_is_unhealthy_too(tmp_path):
    db = tmp_path / "regiecoach.db"
    open_database(db).conn.close()
    with single_instance(db):
        pass
    code, lines = status(db, tmp_path)
    assert code == 1 and "heartbeat: none written yet" in lines


def test_no_database_is_unhealthy(tmp_path):
    code, lines = status(tmp_path / "missing.db", tmp_path)
    assert code == 1 and lines[0] == "regiecoach: UNHEALTHY"
    assert any("the database cannot be read" in line for line in lines)
    assert not (tmp_path / "missing.db").exists()
