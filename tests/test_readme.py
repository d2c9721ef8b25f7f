"""The README is the truth about set-up: its commands run as written, and the docs name only real flags.

Every command in a ``bash`` block of README.md runs here as written (within a minute) unless its
line ends with a comment that says how long it takes or that it runs until stopped. Every
``python -m ganlab <command> --flag`` written anywhere in the README or docs/ names a flag that
command has, so a renamed flag cannot go stale.
"""
import os
import re
import shlex
import subprocess

import pytest
from conftest import ROOT

from ganlab.cli import build_parser

LONG = re.compile(r"#.*(until stopped|\bmin\b|minutes|\bhours?\b)")


def _bash_lines(path: str) -> list[str]:
    """The commands of the file's ```bash blocks, continuation lines joined."""
    text = open(path, encoding="utf-8").read()
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        joined = block.replace("\\\n", " ")
        lines += [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return lines


README = _bash_lines(os.path.join(ROOT, "README.md"))
QUICK = [line for line in README if not LONG.search(line)]


def test_the_readme_has_its_two_set_up_commands_and_stays_short():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert len(text.splitlines()) <= 250
    assert any("pip install -r requirements.txt" in line and "python app.py" in line for line in README)
    assert any("pip install -r requirements-test.txt" in line and "python -m pytest -q" in line for line in README)
    ci = open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8").read()
    test_command = next(line for line in README if "python -m pytest -q" in line)
    assert test_command.split("  #")[0].strip() in ci  # CI runs exactly the README's test command


@pytest.mark.parametrize("command", QUICK)
def test_every_quick_readme_command_runs_as_written(command):
    done = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


def _ganlab_commands() -> list[list[str]]:
    found = []
    for folder, names in ((ROOT, ["README.md"]), (os.path.join(ROOT, "docs"), os.listdir(os.path.join(ROOT, "docs")))):
        for name in names:
            if name.endswith(".md"):
                text = open(os.path.join(folder, name), encoding="utf-8").read().replace("\\\n", " ")
                for match in re.finditer(r"(?:python -m ganlab|^ganlab|-m ganlab) ([^`\n|#]+)", text, flags=re.M):
                    found.append(shlex.split(match.group(1), posix=True))
    return found


def test_every_flag_in_the_docs_is_a_real_flag():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    wrong = []
    for words in _ganlab_commands():
        if not words or words[0] not in sub:
            continue
        known = {opt for action in sub[words[0]]._actions for opt in action.option_strings}
        wrong += [f"{words[0]} {w}" for w in words[1:] if w.startswith("--") and w.split("=")[0] not in known]
    assert not wrong, wrong


def test_every_picture_the_docs_show_exists():
    missing = []
    for folder, names in ((ROOT, ["README.md"]), (os.path.join(ROOT, "docs"), os.listdir(os.path.join(ROOT, "docs")))):
        for name in names:
            if name.endswith(".md"):
                text = open(os.path.join(folder, name), encoding="utf-8").read()
                for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text):
                    if not os.path.exists(os.path.join(folder, target)):
                        missing.append(f"{name}: {target}")
    assert not missing, missing
