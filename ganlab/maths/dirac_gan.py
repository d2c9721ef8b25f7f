"""The Dirac-GAN: the smallest GAN whose training dynamics can be solved exactly (Mescheder, Geiger and
Nowozin, "Which Training Methods for GANs do actually Converge?", ICML 2018).

The data are a point mass at 0, the generator a point mass at θ, the discriminator D(x) = ψ·x. With
f(t) = −log(1 + e^(−t)) (the standard GAN) the game is

    L(θ, ψ) = f(ψθ) + f(0),      G minimises L over θ, D maximises it over ψ,

and gradient play follows the vector field v(θ, ψ) = (−∂L/∂θ, ∂L/∂ψ) = (−ψ f′(ψθ), θ f′(ψθ)). Its only
equilibrium is (0, 0), where the Jacobian is [[0, −f′(0)], [f′(0), 0]] with f′(0) = ½: eigenvalues
±½i, purely imaginary. So continuous-time play circles the equilibrium, simultaneous steps of size h
multiply the distance by √(1 + h²/4) each (they spiral out), and alternating steps circle it for
good. A regulariser that damps ψ, R1's γ/2·(∂D/∂x)² = γ/2·ψ², turns the Jacobian into
[[0, −½], [½, −γ]], with eigenvalues −γ/2 ± √(γ²/4 − ¼): the iterates converge.

Everything here is closed-form numpy on two numbers: ``field`` (v with the objective's and the
regulariser's terms), ``jacobian`` and ``eigenvalues`` of the continuous dynamics, ``make_rule`` (one
update of simultaneous, alternating, k-step, momentum, Adam, extragradient or optimistic gradient
play), ``update_jacobian`` and ``spectral_radius`` of a discrete rule at the equilibrium (below 1:
converges locally), and ``simulate``. Sign convention: the paper's, D's output at the fake is −ψθ in
ganlab's objectives (``training.objectives``), so each objective's field here is the negated gradient
of those losses; ``tests/maths/test_dirac_gan.py`` checks every field against autograd on them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ganlab.training.validation import choice, integer, number

OBJECTIVES = ("standard", "nonsaturating", "wgan", "hinge", "lsgan")
REGULARIZERS = ("none", "clip", "gp", "r1", "r2", "noise", "consensus")
RULES = ("simultaneous", "alternating", "momentum", "adam", "extragradient", "optimistic")
NOISE_NODES, NOISE_WEIGHTS = np.polynomial.hermite_e.hermegauss(24)  # E over ε ~ N(0, 1), exactly for polynomials
NOISE_WEIGHTS = NOISE_WEIGHTS / NOISE_WEIGHTS.sum()

Vector = np.ndarray  # (θ, ψ)


@dataclass(frozen=True)
class DynamicsConfig:
    """One way of playing the Dirac-GAN: the objective, a regulariser with its weight, the update rule
    with its step sizes (h for G and for D, k D-steps per G-step, momentum β or Adam's β1), and where
    the play starts."""

    objective: str = "standard"
    regularizer: str = "none"
    weight: float = 1.0  # γ of R1/R2/consensus, λ of the gradient penalty, c of clipping, σ of instance noise
    rule: str = "simultaneous"
    lr_g: float = 0.1  # h for θ
    lr_d: float = 0.1  # h for ψ
    k: int = 1  # D-steps per G-step (alternating rules)
    momentum: float = 0.0  # β of heavy-ball momentum (negative: negative momentum) or Adam's β1
    theta0: float = 1.0
    psi0: float = 1.0

    def __post_init__(self) -> None:
        choice("objective", self.objective, OBJECTIVES)
        choice("regularizer", self.regularizer, REGULARIZERS)
        choice("update rule", self.rule, RULES)
        number("regularizer weight", self.weight, 0.0, 100.0)
        number("generator step size h_G", self.lr_g, 0.0, 10.0, lo_open=True)
        number("discriminator step size h_D", self.lr_d, 0.0, 10.0, lo_open=True)
        object.__setattr__(self, "k", integer("k (D-steps per G-step)", self.k, 1, 100))
        number("momentum β", self.momentum, -0.99, 0.99)
        number("start θ", self.theta0, -10.0, 10.0)
        number("start ψ", self.psi0, -10.0, 10.0)

    def replace(self, **changes: Any) -> DynamicsConfig:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# ---------------------------------------------------------------------- the game's gradient field
def _sigmoid(t: np.ndarray | float) -> np.ndarray | float:
    return 0.5 * (1.0 + np.tanh(0.5 * t))


def objective_field(objective: str, theta: float, psi: float) -> Vector:
    """v = (−∂L_G/∂θ, ∂L_D/∂ψ as ascent) of the plain game, with t = ψθ:

    standard        (−ψ σ(−t),     θ σ(−t))        f(t) = −log(1 + e^(−t)), f′(t) = σ(−t)
    nonsaturating   (−ψ σ(t),      θ σ(−t))        G maximises f(−t) instead: the same field at (0, 0)
    wgan            (−ψ,           θ)              f(t) = t
    hinge           (−ψ,           θ·1[t < 1])     D's loss 1 + max(0, 1 − t), G's −(−t)
    lsgan           (−ψ (t + 1),   −ψ θ²)          D's loss ½ + ½ t², G's ½ (t + 1)²
    """
    t = psi * theta
    if objective == "standard":
        s = _sigmoid(-t)
        return np.array([-psi * s, theta * s])
    if objective == "nonsaturating":
        return np.array([-psi * _sigmoid(t), theta * _sigmoid(-t)])
    if objective == "wgan":
        return np.array([-psi, theta])
    if objective == "hinge":
        return np.array([-psi, theta * float(t < 1.0)])
    return np.array([-psi * (t + 1.0), -psi * theta * theta])  # lsgan


def field(config: DynamicsConfig, x: Vector) -> Vector:
    """The vector field the play follows at x = (θ, ψ): the objective's, with the regulariser's terms.

    R1 and R2 (zero-centred: γ/2·(∂D/∂x)² = γ/2·ψ², at the data and at the fake alike, since D is linear)
    add −γψ to ψ's component; the gradient penalty λ(|∂D/∂x| − 1)² adds −2λ(|ψ| − 1)·sign(ψ); instance
    noise (σ) replaces the losses by their expectations over Gaussian noise on both samples (Gauss–
    Hermite quadrature); consensus optimisation (γ) follows v − γ Jᵀv, which also pulls ‖v‖ down.
    Clipping acts on the iterates, not the field (``clip_psi``)."""
    theta, psi = float(x[0]), float(x[1])
    reg, w = config.regularizer, config.weight
    if reg == "noise" and w > 0:
        v = _noisy_field(config.objective, theta, psi, w)
    else:
        v = objective_field(config.objective, theta, psi)
    if reg in ("r1", "r2"):
        v = v + np.array([0.0, -w * psi])
    elif reg == "gp":
        v = v + np.array([0.0, -2.0 * w * (abs(psi) - 1.0) * math.copysign(1.0, psi)])
    elif reg == "consensus":
        plain = config.replace(regularizer="none")
        v = v - w * jacobian(plain, x).T @ v
    return v


def _noisy_field(objective: str, theta: float, psi: float, sigma: float) -> Vector:
    """The field of the expected losses under instance noise ε ~ N(0, σ²) on the fake (θ + ε) and on the
    real sample (0 + ε′). D's real term no longer vanishes: it pulls ψ towards 0 by ψ σ² f″-like terms."""
    fake = np.array([objective_field(objective, theta + sigma * e, psi) for e in NOISE_NODES])
    real = np.array([_real_term(objective, sigma * e, psi) for e in NOISE_NODES])
    return NOISE_WEIGHTS @ fake + np.array([0.0, NOISE_WEIGHTS @ real])


def _real_term(objective: str, eps: float, psi: float) -> float:
    """∂/∂ψ of D's term at a real sample ε (ascent), zero at ε = 0: the term instance noise adds."""
    t = psi * eps  # D's logit at the real sample ε is ψε in the paper's sign convention (and 0 at ε = 0)
    if objective in ("standard", "nonsaturating"):
        return -eps * _sigmoid(t)  # d/dψ f(−ψε) = −ε f′(−ψε) = −ε σ(ψε)
    if objective == "wgan":
        return -eps
    if objective == "hinge":
        return -eps * float(-t < 1.0)
    return -eps * (psi * eps + 1.0)  # lsgan: d/dψ of −½(ψε + 1)²


def jacobian(config: DynamicsConfig, x: Vector, step: float = 1e-6) -> np.ndarray:
    """∂v/∂x at x by central differences (exact to ~1e-10 for these smooth fields)."""
    out = np.zeros((2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = step
        out[:, j] = (field(config, x + e) - field(config, x - e)) / (2 * step)
    return out


def eigenvalues(config: DynamicsConfig) -> np.ndarray | None:
    """Eigenvalues of the continuous dynamics' Jacobian at the equilibrium (0, 0); None for the gradient
    penalty, whose term jumps at ψ = 0 (no Jacobian there)."""
    if config.regularizer == "gp":
        return None
    return np.linalg.eigvals(jacobian(config, np.zeros(2)))


def clip_psi(config: DynamicsConfig, psi: float) -> float:
    """WGAN's weight clipping: ψ held in [−c, c] after every discriminator update."""
    return float(np.clip(psi, -config.weight, config.weight)) if config.regularizer == "clip" else psi


# ---------------------------------------------------------------------- update rules
@dataclass
class PlayState:
    """Where the play is: x = (θ, ψ) and whatever memory the rule keeps (momentum, Adam's moments,
    the last field for optimistic play)."""

    x: Vector
    memory: dict


def start(config: DynamicsConfig, x: Vector | None = None) -> PlayState:
    return PlayState(np.array([config.theta0, config.psi0], dtype=float) if x is None else np.asarray(x, float), {})


def _d_step(config: DynamicsConfig, x: Vector, h: float) -> Vector:
    psi = x[1] + h * field(config, x)[1]
    return np.array([x[0], clip_psi(config, psi)])


def _g_step(config: DynamicsConfig, x: Vector, h: float) -> Vector:
    return np.array([x[0] + h * field(config, x)[0], x[1]])


def _scaled(config: DynamicsConfig, v: Vector) -> Vector:
    return np.array([config.lr_g * v[0], config.lr_d * v[1]])


def update(config: DynamicsConfig, state: PlayState) -> PlayState:
    """One iteration of ``config.rule`` (see the module's docstring); a new state."""
    x, mem, rule = state.x, dict(state.memory), config.rule
    if rule == "simultaneous":
        x = x + _scaled(config, field(config, x))
        x[1] = clip_psi(config, x[1])
    elif rule == "alternating":
        for _ in range(config.k):  # D first (k steps), then G against the new D
            x = _d_step(config, x, config.lr_d)
        x = _g_step(config, x, config.lr_g)
    elif rule == "momentum":  # heavy ball, alternating: m ← β m + v, x ← x + h m (β < 0: negative momentum)
        m = mem.get("m", np.zeros(2))
        for _ in range(config.k):
            m[1] = config.momentum * m[1] + field(config, x)[1]
            x = np.array([x[0], clip_psi(config, x[1] + config.lr_d * m[1])])
        m[0] = config.momentum * m[0] + field(config, x)[0]
        x = np.array([x[0] + config.lr_g * m[0], x[1]])
        mem["m"] = m
    elif rule == "adam":
        x, mem = _adam(config, x, mem)
    elif rule == "extragradient":  # look ahead, then step with the field found there
        ahead = x + _scaled(config, field(config, x))
        x = x + _scaled(config, field(config, ahead))
        x[1] = clip_psi(config, x[1])
    else:  # optimistic: x ← x + 2h v(x_t) − h v(x_{t−1})
        v = field(config, x)
        x = x + _scaled(config, 2 * v - mem.get("v", v))
        x[1] = clip_psi(config, x[1])
        mem["v"] = v
    return PlayState(x, mem)


def _adam(config: DynamicsConfig, x: Vector, mem: dict) -> tuple[Vector, dict]:
    """Adam for each player (β1 = ``momentum``, β2 = 0.999, ε = 1e-8), alternating: D's k steps, then G's."""
    b1, b2, eps = config.momentum, 0.999, 1e-8
    m, s, t = mem.get("m", np.zeros(2)), mem.get("s", np.zeros(2)), mem.get("t", np.zeros(2))

    def adam_step(i: int, g: float, h: float) -> float:
        m[i], s[i], t[i] = b1 * m[i] + (1 - b1) * g, b2 * s[i] + (1 - b2) * g * g, t[i] + 1
        return h * (m[i] / (1 - b1 ** t[i])) / (math.sqrt(s[i] / (1 - b2 ** t[i])) + eps)

    for _ in range(config.k):
        x = np.array([x[0], clip_psi(config, x[1] + adam_step(1, field(config, x)[1], config.lr_d))])
    x = np.array([x[0] + adam_step(0, field(config, x)[0], config.lr_g), x[1]])
    return x, {"m": m, "s": s, "t": t}


def update_jacobian(config: DynamicsConfig, step: float = 1e-7) -> np.ndarray | None:
    """The Jacobian of one iteration at the equilibrium, over the rule's whole state (x, and the momentum
    or the last field it carries): the discrete map whose spectral radius decides local convergence.
    None where the map has no linearisation at 0: Adam's step divides by the gradient's own size, and
    the gradient penalty's term −2λ(|ψ| − 1)·sign(ψ) jumps at ψ = 0."""
    if config.rule == "adam" or config.regularizer == "gp":
        return None
    size = 4 if config.rule in ("momentum", "optimistic") else 2

    def one(z: np.ndarray) -> np.ndarray:
        key = "m" if config.rule == "momentum" else "v"
        state = PlayState(z[:2].copy(), {key: z[2:].copy()} if size == 4 else {})
        out = update(config, state)
        return np.concatenate([out.x, out.memory[key]]) if size == 4 else out.x

    jac = np.zeros((size, size))
    for j in range(size):
        e = np.zeros(size)
        e[j] = step
        jac[:, j] = (one(e) - one(-e)) / (2 * step)
    return jac


def spectral_radius(config: DynamicsConfig) -> float | None:
    """max |λ| of ``update_jacobian``: below 1 the rule converges near the equilibrium, above 1 it moves
    away, at 1 (to rounding) it circles. None where undefined (Adam, the gradient penalty)."""
    jac = update_jacobian(config)
    return None if jac is None else float(np.max(np.abs(np.linalg.eigvals(jac))))


def simulate(config: DynamicsConfig, steps: int, x0: Vector | None = None) -> np.ndarray:
    """The iterates x_0 … x_steps of ``config`` from x0 (default: its start point), shape (steps + 1, 2);
    a run that leaves the plane (‖x‖ > 1e6 or not finite) stops there."""
    state = start(config, x0)
    path = [state.x.copy()]
    for _ in range(steps):
        state = update(config, state)
        path.append(state.x.copy())
        if not np.all(np.isfinite(state.x)) or np.hypot(*state.x) > 1e6:
            break
    return np.array(path)


def summary(config: DynamicsConfig, steps: int) -> dict:
    """What ``python -m ganlab dynamics`` prints: the settings, the start and final distance to the
    equilibrium, the spectral radius of the update at it, the continuous-time eigenvalues, and whether
    the play converged (``converged``)."""
    path = simulate(config, steps)
    d0, d1 = float(np.hypot(*path[0])), float(np.hypot(*path[-1]))
    eig = eigenvalues(config)
    rho = spectral_radius(config)
    return {**config.to_dict(), "steps": len(path) - 1, "start_distance": round(d0, 6), "final_distance": d1,
            "spectral_radius": None if rho is None else round(rho, 6),
            "eigenvalues": None if eig is None else [[round(float(e.real), 6), round(float(e.imag), 6)] for e in eig],
            "converged": converged(path)}


def converged(path: np.ndarray) -> bool:
    """Whether play got to the equilibrium: its last iterate is within 1e-3 of (0, 0), or at least ten
    times closer than it started and still getting closer over the last tenth of the run."""
    d = np.hypot(path[:, 0], path[:, 1])
    if not np.isfinite(d[-1]):
        return False
    tail = d[-max(2, len(d) // 10):]
    return bool(d[-1] < 1e-3 or (d[-1] < 0.1 * d[0] and tail[-1] <= tail[0]))


@dataclass(frozen=True)
class GamePreset:
    """A lecture demonstration of the Game dynamics tab: settings and what to watch for."""

    key: str
    title: str
    watch_for: str
    config: DynamicsConfig


H = dict(lr_g=0.3, lr_d=0.3)
GAME_PRESETS: dict[str, GamePreset] = {p.key: p for p in [
    GamePreset("spiral-out", "A plain GAN spirals out (simultaneous steps)",
               "Both players step at once, h = 0.3: every step multiplies the distance to the equilibrium by "
               "√(1 + h²/4) = 1.0112 (the spectral radius), and the trajectory spirals outwards for ever.",
               DynamicsConfig(rule="simultaneous", **H)),
    GamePreset("cycle", "Alternating steps cycle",
               "D first, then G against the new D: the update's eigenvalues sit on the unit circle (spectral "
               "radius 1), so the iterates circle the equilibrium for good and the distance line stays flat.",
               DynamicsConfig(rule="alternating", **H)),
    GamePreset("more-d-steps", "More discriminator steps do not help",
               "Five D-steps per G-step: still a spectral radius of 1, the same endless cycle. Training D "
               "harder does not make the game converge.",
               DynamicsConfig(rule="alternating", k=5, **H)),
    GamePreset("wgan-clip", "WGAN with weight clipping cycles",
               "f(t) = t with ψ clipped to [−0.5, 0.5] and 5 critic steps: the iterates orbit the equilibrium "
               "without ever settling (spectral radius 1).",
               DynamicsConfig(objective="wgan", regularizer="clip", weight=0.5, rule="alternating", k=5)),
    GamePreset("wgan-gp", "WGAN-GP stalls away from the data",
               "The penalty λ(|ψ| − 1)² pushes D's slope to ±1, and where ψ crosses 0 it flattens D: the "
               "generator stops at θ ≈ −2, far from the data at 0. No Jacobian at the kink, so no spectral radius.",
               DynamicsConfig(objective="wgan", regularizer="gp", weight=1.0, rule="alternating", k=5)),
    GamePreset("noise", "Instance noise converges",
               "Gaussian noise σ = 0.7 on both samples smooths D's view: the eigenvalues get a negative real "
               "part (−0.12 ± 0.49i) and the spectral radius drops to 0.963; the spiral closes in.",
               DynamicsConfig(regularizer="noise", weight=0.7, rule="alternating", **H)),
    GamePreset("r1", "R1 converges",
               "The zero-centred penalty γ/2·ψ² (γ = 0.5) damps D's slope: eigenvalues −γ/2 ± √(γ²/4 − ¼) = "
               "−0.25 ± 0.43i, spectral radius 0.922, and the iterates fall into the equilibrium.",
               DynamicsConfig(regularizer="r1", weight=0.5, rule="alternating", **H)),
    GamePreset("consensus", "Consensus optimisation converges",
               "Following v − γJᵀv (γ = 0.5) also pulls ‖v‖ down: eigenvalues −0.125 ± 0.5i, spectral radius 0.974.",
               DynamicsConfig(regularizer="consensus", weight=0.5, rule="simultaneous", **H)),
    GamePreset("extragradient", "Extragradient converges",
               "Look ahead one step, then step with the field found there: the same plain GAN, yet a spectral "
               "radius of 0.989 instead of 1.011.",
               DynamicsConfig(rule="extragradient", **H)),
    GamePreset("optimistic", "Optimistic gradient converges",
               "Step with 2v(x_t) − v(x_{t−1}): the last step's field corrects the next one (spectral radius 0.988).",
               DynamicsConfig(rule="optimistic", **H)),
    GamePreset("negative-momentum", "Negative momentum converges, slowly",
               "Alternating steps with momentum β = −0.5 (Gidel et al. 2019): spectral radius 0.9967, a slow "
               "inward spiral where plain alternating steps circle for ever.",
               DynamicsConfig(rule="momentum", momentum=-0.5, **H)),
]}

