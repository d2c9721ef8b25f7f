"""Named starting points: the recommended setting per objective, and the lecture demonstrations.

``recommended(objective)`` is what the CLI uses by default for ``--objective X``; the lecture
presets (``PRESETS``) are one click in the UI, each with a sentence saying what to watch for.
Every preset is a ``ToyConfig`` plus a step count; nothing here trains.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ganlab.errors import GanlabError
from ganlab.toy.config import ToyConfig

# Tuned on the 2-core CPU (README, "Recommended settings"): MLPs 3 × 64, batch 256, 6000 steps
# with linearly decaying learning rates (and instance noise); each reaches its target in < 30 s.
_FAST_ADAM = dict(lr_g=2e-3, lr_d=2e-3, betas_g=(0.0, 0.99), betas_d=(0.0, 0.99))
RECOMMENDED_STEPS = 6000
_RECOMMENDED: dict[str, dict[str, Any]] = {
    "nonsaturating": dict(instance_noise=0.1, noise_anneal_steps=RECOMMENDED_STEPS, **_FAST_ADAM),
    "minimax": dict(instance_noise=0.1, noise_anneal_steps=RECOMMENDED_STEPS, **_FAST_ADAM),
    "wgan": dict(optimizer="rmsprop", lr_g=5e-5, lr_d=5e-5, clip=0.01, n_critic=5),
    "wgan-gp": dict(gp_weight=0.1, n_critic=1, **_FAST_ADAM),
    "hinge": dict(lipschitz="sn", **_FAST_ADAM),
    "lsgan": dict(instance_noise=0.1, noise_anneal_steps=RECOMMENDED_STEPS, **_FAST_ADAM),
    "r3gan": dict(r1_weight=0.1, **_FAST_ADAM),
}

# For live demonstrations (constant learning rates, no schedule): converges within ~500 steps.
LIVE_WGAN_GP: dict[str, Any] = dict(objective="wgan-gp", gp_weight=1.0, n_critic=2, lr_g=1e-3, lr_d=1e-3,
                                    betas_g=(0.5, 0.9), betas_d=(0.5, 0.9))


def recommended(objective: str = "nonsaturating", **overrides: Any) -> ToyConfig:
    """The recommended ``ToyConfig`` for ``objective``, with ``overrides`` applied on top."""
    if objective not in _RECOMMENDED:
        raise GanlabError(f"unknown objective '{objective}'; choose one of: {', '.join(_RECOMMENDED)}")
    return ToyConfig(**{"objective": objective, **_RECOMMENDED[objective], **overrides})


@dataclass(frozen=True)
class Preset:
    """A lecture demonstration: a config, how long to run it, and what to watch for."""

    key: str
    title: str
    watch_for: str
    config: ToyConfig
    steps: int = RECOMMENDED_STEPS
    tags: tuple[str, ...] = field(default=())


PRESETS: dict[str, Preset] = {p.key: p for p in [
    Preset("mode-collapse", "Mode collapse (vanilla GAN on the ring)",
           "With k = 3 discriminator steps per generator step the generator piles onto one or two of the "
           "8 modes: the high-quality fraction is near 100% while 'modes covered' stays at 1–2 and one "
           "mode bar towers over the rest (seeds 0–3: 1, 1, 1, 2 modes).",
           ToyConfig(data="ring8", objective="nonsaturating", latent_dim=256, n_critic=3, lr_g=1e-3, lr_d=1e-3),
           tags=("collapse",)),
    Preset("mode-hopping", "The game cycles: the generator hops from mode to mode",
           "A one-dimensional latent and a fast pace (Adam 1e-2 for both): G can cover only a stretch of the ring at "
           "a time, D learns to reject it, and G flees to another stretch. Watch the band in the per-mode strip jump "
           "from row to row instead of settling: the oscillation of the Game dynamics tab in a real GAN. Returns to "
           "a mode in 6,000 steps (a mode's share rising to 30% after falling to 5%), seeds 0–3 on the 2-core AMD "
           "EPYC: 14, 8, 6 and 8.",
           ToyConfig(data="ring8", objective="nonsaturating", latent_dim=1, lr_g=1e-2, lr_d=1e-2),
           tags=("collapse", "dynamics")),
    Preset("pacgan", "The cure by packing: PacGAN4 on the same collapse",
           "The mode-collapse preset with one change: D judges packs of 4 samples (D's input is 4 points side "
           "by side). Four fakes from one or two modes are easy to tell from four real samples spread over 8, "
           "so D punishes the lack of diversity itself: seeds 0–3 cover 8, 7, 8 and 8 modes (against 1, 1, 1, 2 "
           "unpacked), though only 31–77% of samples are high quality by the end.",
           ToyConfig(data="ring8", objective="nonsaturating", latent_dim=256, n_critic=3, lr_g=1e-3, lr_d=1e-3, pack=4),
           tags=("collapse",)),
    Preset("r3gan", "R3GAN on the 25-mode grid: every mode, sharply",
           "The relativistic pairing loss with both zero-centred penalties (R1 at real, R2 at generated "
           "samples, γ = 0.1) and learning rates decaying to 0 over 12,000 steps: every one of the 25 modes "
           "fills, and as the step size shrinks the bridges between them empty out. Ten seeds on the 2-core Intel Xeon (BF16): "
           "25/25 modes with 94.7% of samples within 3σ (PacGAN4's published row: 24.8 and 93.6%).",
           ToyConfig(data="grid25", objective="r3gan", r1_weight=0.1, lr_decay_steps=12000, **_FAST_ADAM),
           steps=12000, tags=("collapse",)),
    Preset("wgan-gp", "The fix: WGAN-GP",
           "The critic surface stays smooth and sloped everywhere, every mode gets mass, and the "
           "critic's estimate E f(x) − E f(G(z)) falls together with the exact W1 (λ = 1, k = 2).",
           ToyConfig(data="ring8", **LIVE_WGAN_GP)),
    Preset("nonsaturating", "Non-saturating GAN, tuned",
           "The same vanilla discriminator covers all 8 modes once Adam's momentum is off (β1 = 0), the "
           "learning rate is higher and a little instance noise blurs D's view early on.",
           recommended("nonsaturating", data="ring8")),
    Preset("vanishing-gradients", "Vanishing gradients (saturating minimax loss)",
           "With log(1 − D(G(z))) the arrows on the fakes are tiny wherever D confidently rejects them: "
           "the generator barely moves although it is far from the data.",
           ToyConfig(data="ring8", objective="minimax", n_critic=5, lr_d=2e-3, lr_g=1e-3)),
    Preset("weight-clipping", "Weight clipping pathologies",
           "With c = 0.01 the critic can only draw nearly linear slopes: its surface saturates at the "
           "clipping box and the W1 estimate is far below the exact W1.",
           recommended("wgan", data="ring8")),
    Preset("spectral-norm", "Spectral normalization",
           "Every layer's largest singular value is held at 1, so the hinge critic stays smooth "
           "without a penalty term.",
           recommended("hinge", data="ring8")),
    Preset("wgan-gp-lecture", "WGAN-GP with the paper's settings",
           "λ = 10, k = 5, Adam 1e-4 with β = (0.5, 0.9): stable but slow on a toy; compare how many "
           "steps it needs with the faster recommended setting.",
           ToyConfig(data="ring8", objective="wgan-gp", gp_weight=10.0, n_critic=5, lr_g=1e-4, lr_d=1e-4,
                     betas_g=(0.5, 0.9), betas_d=(0.5, 0.9)), steps=10000),
    Preset("grid", "WGAN-GP on the 25-mode grid",
           "Harder than the ring: watch the per-mode bars fill in one row at a time.",
           ToyConfig(data="grid25", **LIVE_WGAN_GP)),
]}


def get_preset(key: str) -> Preset:
    if key not in PRESETS:
        raise GanlabError(f"unknown preset '{key}'; choose one of: {', '.join(PRESETS)}")
    return PRESETS[key]
