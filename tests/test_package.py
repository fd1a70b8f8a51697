"""What an operator installs: the built wheel and sdist hold every file the bot reads at run time,
and the wheel alone (no checkout on the path) runs `regiecoach chat` to a result, chart and PDF.

The wheel is built offline from a copy of the source (``python -m build --no-isolation``: the
test extras bring setuptools and build), so nothing is written into the checkout. `.ci/run`
goes further and installs the wheel with its dependencies into a new venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from bot.content import load_content

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "bot" / "content"
NOT_SOURCE = {".git", ".venv", "build", "dist", "data", "bench", "tests", ".pytest_cache", ".hypothesis"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {n for n in names if (top and n in NOT_SOURCE) or n == "__pycache__" or n.endswith((".pyc", ".egg-info"))}


def content_files() -> set[str]:
    """Every file under bot/content/ in the checkout, as a path inside the package."""
    return {p.relative_to(ROOT).as_posix() for p in CONTENT.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(wheel, sdist) built the way a release is: the sdist first, the wheel from the sdist."""
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_ignore)
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work / "dist"),
                           str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = (work / "dist").glob("*.whl")
    (sdist,) = (work / "dist").glob("*.tar.gz")
    return wheel, sdist


def test_the_wheel_and_the_sdist_hold_every_file_under_bot_content(built):
    wheel, sdist = built
    expected = content_files()
    assert {"bot/content/questions_v2.yaml", "bot/content/coaching/gedrag.yaml"} <= expected
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert not expected - in_wheel, f"missing from the wheel: {sorted(expected - in_wheel)}"
    assert not expected - in_sdist, f"missing from the sdist: {sorted(expected - in_sdist)}"


def test_the_unpacked_wheel_alone_chats_to_a_result_with_chart_and_pdf(built, tmp_path):
    wheel, _ = built
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "operator"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_", "PYTHON"))}
    env |= {"PYTHONPATH": str(site), "REGIECOACH_DB": str(elsewhere / "data" / "regiecoach.db")}

    def regiecoach(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                              env=env, cwd=elsewhere, timeout=120)

    where = subprocess.run([sys.executable, "-c", "import bot.content, storage; print(bot.content.CONTENT_DIR);"
                            "print(storage.__file__)"], capture_output=True, text=True, env=env, cwd=elsewhere)
    assert all(line.startswith(str(site)) for line in where.stdout.split()), where.stdout + where.stderr
    total = load_content().total
    chat = regiecoach("chat", stdin="\n".join(["1", "2", "1"] + ["4"] * total + ["/report"]) + "\n")
    assert chat.returncode == 0, chat.stderr
    assert f"{total}/{total}" in chat.stdout
    charts = elsewhere / "data" / "charts"
    (png,) = charts.glob("*.png")
    (pdf,) = charts.glob("*.pdf")
    assert png.read_bytes().startswith(b"\x89PNG") and pdf.read_bytes().startswith(b"%PDF")
    status = regiecoach("status")
    assert status.returncode == 0 and status.stdout.startswith("regiecoach: idle"), status.stdout
    assert regiecoach("--version").stdout.strip() == f"regiecoach {wheel.name.split('-')[1]}"
