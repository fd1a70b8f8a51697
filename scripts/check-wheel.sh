#!/usr/bin/env bash
# Prove the artifact an operator installs. Build the sdist and the wheel (the wheel from the
# sdist, as `python -m build` does), install the wheel into a new venv in a temporary folder
# outside the source tree, and there, with nothing of the checkout on the path:
#   regiecoach --version
#   regiecoach chat     scripted to a full result, then /report: the chart and the PDF must be written
#   regiecoach status   on that database: must exit 0
#   regiecoach backup   of that database: a checked copy, mode 0600
# Needs python3 and a package registry (for build, setuptools and the bot's dependencies).
# Exits non-zero on the first failure. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-wheel: $*" >&2; exit 1; }
quietly() {  # run "$@" with its output in a log, shown only when it fails
  "$@" >>"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "failed: $*"; }
}

echo "check-wheel: building the sdist and the wheel"
# From a copy of the files git would see (tracked or new, not ignored): a leftover
# regiecoach.egg-info in the checkout would otherwise add the files it once listed to the sdist.
python3 - "$work/source" <<'COPY'
import shutil, subprocess, sys
from pathlib import Path
listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                        check=True, capture_output=True).stdout.decode().split("\0")
for name in filter(None, listed):
    if Path(name).is_file():
        (Path(sys.argv[1]) / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(name, Path(sys.argv[1]) / name)
COPY
python3 -m venv "$work/tools"
quietly "$work/tools/bin/pip" install --upgrade pip build
quietly "$work/tools/bin/python" -m build --outdir "$work/dist" "$work/source"
wheel=$(ls "$work"/dist/*.whl)

echo "check-wheel: installing $(basename "$wheel") into a new venv outside the source tree"
python3 -m venv "$work/venv"
quietly "$work/venv/bin/pip" install --upgrade pip
quietly "$work/venv/bin/pip" install "$wheel"

# From here on: the installed package only. No PYTHONPATH, no .env, no settings of the caller.
operator="$work/operator"
mkdir -p "$operator/home"
cd "$operator"
run() {
  env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$operator/home" LANG=C.UTF-8 \
    REGIECOACH_DB="$operator/data/regiecoach.db" "$@"
}
run python -c 'import bot, storage, sys
for module in (bot, storage):
    assert module.__file__.startswith(sys.prefix), f"{module.__name__} comes from {module.__file__}"' \
  || fail "the bot is not imported from the installed wheel"
run regiecoach --version

total=$(run python -c 'from bot.content import load_content; print(load_content().total)') \
  || fail "the installed content does not load"
{ printf '1\n2\n1\n'; printf '4\n%.0s' $(seq "$total"); printf '/report\n'; } >"$work/answers"
run regiecoach chat <"$work/answers" >"$work/chat.out" 2>&1 || { cat "$work/chat.out" >&2; fail "regiecoach chat failed"; }
grep -q "$total/$total" "$work/chat.out" || { cat "$work/chat.out" >&2; fail "the chat never reached question $total"; }
png=$(ls "$operator"/data/charts/*.png 2>/dev/null | head -n 1 || true)
pdf=$(ls "$operator"/data/charts/*.pdf 2>/dev/null | head -n 1 || true)
[ -n "$png" ] && [ "$(head -c 4 "$png" | od -An -c | tr -d ' ')" = '211PNG' ] || fail "no chart was written"
[ -n "$pdf" ] && [ "$(head -c 4 "$pdf")" = '%PDF' ] || fail "no PDF report was written"
echo "check-wheel: chat reached a result; chart $(basename "$png"), report $(basename "$pdf")"

run regiecoach status || fail "regiecoach status failed on the chat's database"
run regiecoach backup "$operator/backup/regiecoach.db" || fail "regiecoach backup failed"
[ "$(stat -c %a "$operator/backup/regiecoach.db")" = 600 ] || fail "the backup is not mode 0600"
echo "check-wheel: ok"
