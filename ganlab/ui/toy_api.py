"""The Toy 2D tab's API endpoints: train a preset and return its metrics, or play one live and stream
its status line (what scripts and the classroom load test use instead of a page)."""
from __future__ import annotations

from collections.abc import Iterator

from ganlab.errors import GanlabError
from ganlab.toy.experiment import train_and_evaluate
from ganlab.toy.config import ToyConfig
from ganlab.toy.presets import PRESETS, get_preset, recommended
from ganlab.ui.toy_session import ToySession

DEFAULT_PRESET = "nonsaturating"


def toy_run(data: str = "ring8", objective: str = "nonsaturating", steps: int = 2000, seed: int = 0) -> dict:
    """Train a toy GAN with the recommended setting and return its metrics (as the CLI's --json).

    steps: 1..20000 generator steps. Returns data, objective, steps, seconds, steps_per_second,
    modes_covered, modes_total, hq_fraction, w1, grid_js, device, ... or {"error": message}.
    """
    try:
        steps = int(steps)
        if not 1 <= steps <= 20000:
            raise GanlabError(f"steps must be between 1 and 20000, got {steps}")
        config = recommended(objective, data=data, seed=int(seed), lr_decay_steps=steps)
        if config.noise_anneal_steps:
            config = config.replace(noise_anneal_steps=steps)
        _, result = train_and_evaluate(config, steps, eval_samples=2500, device="cpu")
        return result
    except (GanlabError, ValueError, TypeError, OverflowError) as exc:
        return {"error": str(exc).splitlines()[0]}


def toy_setup(link: str) -> ToyConfig:
    """The Toy 2D config a shared link (or its query) opens; ``GanlabError`` when it names another tab or
    has values the tab would refuse (the page opens those with a note; a script should know)."""
    from urllib.parse import parse_qsl, urlsplit

    from ganlab.ui.links import read_setup, setup_from_query
    from ganlab.ui.toy_controls import STRUCTURE, TRAINING

    query = urlsplit(link).query if "?" in link else link.lstrip("?")
    setup = setup_from_query(dict(parse_qsl(query)))
    if setup.tab != "toy":
        raise GanlabError(f"this link opens the '{setup.tab}' tab, not Toy 2D")
    resolved = read_setup(setup, {c.name: c.kind for c in TRAINING + STRUCTURE}, PRESETS, DEFAULT_PRESET)
    if resolved.notes:
        raise GanlabError("; ".join(resolved.notes))
    return resolved.config


def toy_live(preset: str = DEFAULT_PRESET, seconds: float = 10.0, link: str = "") -> Iterator[dict]:
    """Play a lecture preset (or the setup of a shared ``link``, when given) live for ``seconds`` (1–120)
    and stream what the Toy 2D status line shows, 5 times a second: {step, steps_per_second,
    modes_covered, modes_total, hq_fraction, w1, message}.

    The same session, training thread and frame loop as the tab (and the same cap on sessions
    training at once: beyond it, one update whose message says to wait). Each update it sends counts as
    the page asking for a frame, so a client that stops reading stops the run."""
    try:
        seconds = float(seconds)
        if not (1.0 <= seconds <= 120.0):  # also rejects NaN
            raise GanlabError(f"seconds must be between 1 and 120, got {seconds}")
        config = toy_setup(str(link)) if link else get_preset(str(preset)).config
        session = ToySession(config, film_frames=1)  # no GIF export through the API
    except (GanlabError, ValueError, TypeError, OverflowError) as exc:
        yield {"error": str(exc).splitlines()[0]}
        return
    try:
        for _ in session.stream(max_seconds=seconds):
            m, run = session.run.metrics, session.run
            has_modes = run.experiment.distribution.has_modes
            yield {"step": run.step, "steps_per_second": round(session.rate, 1),
                   "modes_covered": m["modes_covered"][-1] if m["step"] and has_modes else None,
                   "modes_total": len(run.experiment.distribution.centers) if has_modes else None,
                   "hq_fraction": m["hq_fraction"][-1] if m["step"] and has_modes else None,
                   "w1": m["w1"][-1] if m["step"] else None, "message": session.message}
    finally:
        session.close()
