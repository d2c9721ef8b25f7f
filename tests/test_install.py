"""``pip install -e .`` gives a notebook the package and a ``ganlab`` command (``pyproject.toml``).

The install goes into a fresh virtual environment that sees this interpreter's packages (torch,
gradio and the rest are the pinned ones already here; ``--no-deps`` keeps it offline and fast), from
a copy of the project, so the work tree stays clean."""
import json
import os
import shutil
import subprocess
import sys

from conftest import ROOT


def test_pip_install_e_gives_the_ganlab_command(tmp_path):
    project = tmp_path / "ganlab-checkout"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(os.path.join(ROOT, name), project / name)
    shutil.copytree(os.path.join(ROOT, "ganlab"), project / "ganlab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    venv = tmp_path / "venv"
    # no pip of its own: this interpreter's pip and setuptools, seen through its site-packages
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True,
                   timeout=120)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                          "-e", str(project)], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr[-2000:]
    run = subprocess.run([str(venv / "bin" / "ganlab"), "toy", "--preset", "mode-collapse", "--steps", "50", "--json"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["steps"] == 50 and result["modes_total"] == 8
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import ganlab; print(ganlab.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert where.stdout.strip().startswith(str(project))
