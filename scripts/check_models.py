"""Hold every shipped generator to its bar, through the documented command, on 10,000 samples.

For each generator in pretrained/ this runs exactly what a user would:

    python -m ganlab evaluate --model pretrained/NAME.safetensors --n 10000 --json

and checks the MNIST bar (10/10 classes, class KL ≤ 0.02, mean confidence ≥ 0.95, and precision,
recall, density and coverage reported). It prints a markdown table of every model's metrics (the
README's) and exits 1 when an MNIST model misses its bar. ``--cards`` also rewrites each model card's
metrics and bar lines with these numbers.

    python scripts/check_models.py [--cards]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from ganlab.images.evaluation import bar_words, quality_failures  # noqa: E402
from ganlab.images.pretrained import PRETRAINED, shipped_models  # noqa: E402
from ganlab.training.device import machine_description  # noqa: E402

SAMPLES = 10_000
QUALITY_KEYS = ("precision", "recall", "density", "coverage")


def evaluate(path: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "ganlab", "evaluate", "--model", path, "--n", str(SAMPLES), "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def row(name: str, m: dict, misses: list[str]) -> str:
    return (f"| `{name}` | {m['data']} | {m['classes_covered']}/10 | {m['class_kl']:.4f} | {m['mean_confidence']:.3f} | "
            f"{m['fid']:.1f} ({m['fid_real']:.1f}) | {m['precision']:.3f} | {m['recall']:.3f} | {m['density']:.3f} | "
            f"{m['coverage']:.3f} | {'met' if not misses else '**not met**: ' + '; '.join(misses)} |")


def rewrite_card(name: str, m: dict, misses: list[str]) -> None:
    path = os.path.join(PRETRAINED, name + ".md")
    text = open(path, encoding="utf-8").read()
    metrics = (f"- Metrics ({SAMPLES:,} samples, seed 1234, against the {min(SAMPLES, 2000):,} held-out images, by "
               f"`pretrained/classifier-{m['data']}.safetensors`): {m['classes_covered']}/10 classes, class KL "
               f"{m['class_kl']:.4f}, mean confidence {m['mean_confidence']:.3f}, Fréchet distance {m['fid']:.1f} (real vs "
               f"real {m['fid_real']:.1f}); precision {m['precision']:.3f}, recall {m['recall']:.3f}, density "
               f"{m['density']:.3f}, coverage {m['coverage']:.3f} (classifier features; k = 3, 3, 5, 5).")
    bar = f"- Quality bar ({bar_words(m['data'])}): " + ("met." if not misses else "**not met** — " + "; ".join(misses) + ".")
    text = re.sub(r"^- Metrics .*$", metrics.replace("\\", "\\\\"), text, count=1, flags=re.M)
    text = re.sub(r"^- Quality bar .*$", bar.replace("\\", "\\\\"), text, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", action="store_true", help="rewrite the model cards' metrics and bar lines")
    args = parser.parse_args()
    machine = machine_description()
    print(f"{SAMPLES:,} samples per model, on the {machine['cpu']} ({machine['cores']} cores)", file=sys.stderr)
    print("| model | data | classes | class KL | confidence | Fréchet (real vs real) | precision | recall | density | "
          "coverage | bar |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    failed = []
    for name, path in sorted(shipped_models().items()):
        m = evaluate(path)
        misses = quality_failures(m["data"], m)
        missing = [k for k in QUALITY_KEYS if k not in m]
        if missing:
            misses.append("no " + ", ".join(missing))
        print(row(name, m, misses))
        if args.cards:
            rewrite_card(name, m, misses)
        if m["data"] == "mnist" and misses:
            failed.append(name)
    if failed:
        print(f"below the bar: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
