"""GAN objectives as pure functions of the discriminator's raw outputs.

Conventions. ``real`` and ``fake`` are the raw outputs of D on a real batch x ~ p_r and a
generated batch G(z), z ~ p_z. For a *discriminator* (minimax, nonsaturating) they are logits
and D(x) = σ(logit) is a probability; for a *critic* (wgan, hinge) or a least-squares
discriminator (lsgan) they are unbounded scores f(x). Every loss is a mean over the batch,
and every loss is minimised (the discriminator's maximisation is written as a minimisation).

Working in logits keeps the logs finite: log σ(a) = −softplus(−a), log(1 − σ(a)) = −softplus(a).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ganlab.errors import GanlabError

Tensor = torch.Tensor


def bce_d_loss(real: Tensor, fake: Tensor, real_target: float = 1.0) -> Tensor:
    """Discriminator loss of the minimax game (the same for minimax and nonsaturating):

    L_D = −E_x[log D(x)] − E_z[log(1 − D(G(z)))].

    With one-sided label smoothing the real target t < 1 replaces 1 (fakes keep target 0):
    L_D = −E_x[t log D(x) + (1 − t) log(1 − D(x))] − E_z[log(1 − D(G(z)))].
    """
    if real_target == 1.0:
        return F.softplus(-real).mean() + F.softplus(fake).mean()
    real_term = real_target * F.softplus(-real) + (1.0 - real_target) * F.softplus(real)
    return real_term.mean() + F.softplus(fake).mean()


def minimax_g_loss(fake: Tensor) -> Tensor:
    """Saturating generator loss of the original minimax game: L_G = E_z[log(1 − D(G(z)))].

    Its gradient vanishes where D confidently rejects the fakes (D(G(z)) → 0), which is
    exactly where the generator is bad: the "vanishing gradients" lecture.
    """
    return -F.softplus(fake).mean()


def nonsaturating_g_loss(fake: Tensor) -> Tensor:
    """Non-saturating generator loss: L_G = −E_z[log D(G(z))] (same fixed point, strong early gradients)."""
    return F.softplus(-fake).mean()


def wgan_d_loss(real: Tensor, fake: Tensor, real_target: float = 1.0) -> Tensor:
    """Critic loss of WGAN: L_f = E_z[f(G(z))] − E_x[f(x)].

    Minimising it maximises E_x[f(x)] − E_z[f(G(z))], which for a 1-Lipschitz f is the
    Kantorovich–Rubinstein dual of W1(p_r, p_g).
    """
    return fake.mean() - real.mean()


def wgan_g_loss(fake: Tensor) -> Tensor:
    """Generator loss of WGAN (and of hinge GANs): L_G = −E_z[f(G(z))]."""
    return -fake.mean()


def hinge_d_loss(real: Tensor, fake: Tensor, real_target: float = 1.0) -> Tensor:
    """Hinge critic loss: L_f = E_x[max(0, 1 − f(x))] + E_z[max(0, 1 + f(G(z)))]."""
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def lsgan_d_loss(real: Tensor, fake: Tensor, real_target: float = 1.0) -> Tensor:
    """Least-squares discriminator loss (a = 0, b = t, default t = 1):

    L_D = ½ E_x[(D(x) − t)²] + ½ E_z[D(G(z))²].
    """
    return 0.5 * (real - real_target).pow(2).mean() + 0.5 * fake.pow(2).mean()


def lsgan_g_loss(fake: Tensor) -> Tensor:
    """Least-squares generator loss (c = 1): L_G = ½ E_z[(D(G(z)) − 1)²]."""
    return 0.5 * (fake - 1.0).pow(2).mean()


def relativistic_d_loss(real: Tensor, fake: Tensor, real_target: float = 1.0) -> Tensor:
    """Relativistic pairing loss of the discriminator (RpGAN; R3GAN's loss), real xᵢ paired with G(zᵢ):

    L_D = E_i[softplus(−(D(xᵢ) − D(G(zᵢ))))],

    i.e. −log σ of how much more real xᵢ looks than its partner fake. Only differences of outputs
    count, so D cannot win by pushing every output up or down, and each fake is judged against a
    real sample rather than against a fixed boundary, which is what keeps the generator from
    parking every sample on one mode the boundary favours (R3GAN, Huang et al. 2024).
    """
    return F.softplus(fake - real).mean()


def relativistic_g_loss(fake: Tensor, real: Tensor) -> Tensor:
    """Relativistic pairing loss of the generator: L_G = E_i[softplus(−(D(G(zᵢ)) − D(xᵢ)))]."""
    return F.softplus(real - fake).mean()


# ---------------------------------------------------------------- closed-form output gradients
# ∂L/∂(each output) for the losses above, used by the hand-written backprop (tests check them
# against autograd). B is the batch size of each half; σ is the logistic sigmoid.


def bce_d_grad(real: Tensor, fake: Tensor, real_target: float = 1.0) -> tuple[Tensor, Tensor]:
    """∂L_D/∂r = (σ(r) − t)/B,  ∂L_D/∂f = σ(f)/B."""
    return (torch.sigmoid(real) - real_target) / len(real), torch.sigmoid(fake) / len(fake)


def minimax_g_grad(fake: Tensor) -> Tensor:
    """∂/∂f E[log(1 − σ(f))] = −σ(f)/B."""
    return torch.sigmoid(fake).neg_().div_(len(fake))


def nonsaturating_g_grad(fake: Tensor) -> Tensor:
    """∂/∂f −E[log σ(f)] = (σ(f) − 1)/B."""
    return (torch.sigmoid(fake) - 1.0).div_(len(fake))


def bce_d_loss_grad(out: Tensor, real_target: float = 1.0) -> tuple[Tensor, Tensor]:
    """L_D and ∂L_D/∂o together, for o = [logits on the real batch; logits on the fake batch] (B each).

    With t_i = t on the real rows and 0 on the fake ones, and −log σ(o) = softplus(o) − o:
    L_D = (1/B) Σ_i [softplus(o_i) − t_i o_i],   ∂L_D/∂o_i = (σ(o_i) − t_i)/B.
    (One pass over both batches: the hand-written training step's fast path.)
    """
    B = len(out) // 2
    loss = F.softplus(out).sum().sub_(out[:B].sum(), alpha=real_target).div_(B)
    grad = torch.sigmoid(out)
    grad[:B].sub_(real_target)
    return loss, grad.div_(B)


def minimax_g_loss_grad(fake: Tensor) -> tuple[Tensor, Tensor]:
    """L_G = E[log(1 − σ(f))] = −E[softplus(f)] and ∂L_G/∂f = −σ(f)/B, together."""
    return F.softplus(fake).mean().neg_(), torch.sigmoid(fake).div_(-len(fake))


def nonsaturating_g_loss_grad(fake: Tensor) -> tuple[Tensor, Tensor]:
    """L_G = −E[log σ(f)] = E[softplus(−f)] and ∂L_G/∂f = (σ(f) − 1)/B = −σ(−f)/B, together."""
    neg = fake.neg()
    return F.softplus(neg).mean(), torch.sigmoid(neg).div_(-len(fake))


def wgan_d_grad(real: Tensor, fake: Tensor, real_target: float = 1.0) -> tuple[Tensor, Tensor]:
    """∂/∂r = −1/B, ∂/∂f = 1/B."""
    return torch.full_like(real, -1.0 / len(real)), torch.full_like(fake, 1.0 / len(fake))


def wgan_g_grad(fake: Tensor) -> Tensor:
    """∂/∂f −E f = −1/B."""
    return torch.full_like(fake, -1.0 / len(fake))


def hinge_d_grad(real: Tensor, fake: Tensor, real_target: float = 1.0) -> tuple[Tensor, Tensor]:
    """∂/∂r = −1[r < 1]/B, ∂/∂f = 1[f > −1]/B."""
    return (real < 1.0).to(real.dtype).neg_().div_(len(real)), (fake > -1.0).to(fake.dtype).div_(len(fake))


def lsgan_d_grad(real: Tensor, fake: Tensor, real_target: float = 1.0) -> tuple[Tensor, Tensor]:
    """∂/∂r = (r − t)/B, ∂/∂f = f/B."""
    return (real - real_target) / len(real), fake / len(fake)


def lsgan_g_grad(fake: Tensor) -> Tensor:
    """∂/∂f ½E(f − 1)² = (f − 1)/B."""
    return (fake - 1.0) / len(fake)


def relativistic_d_grad(real: Tensor, fake: Tensor, real_target: float = 1.0) -> tuple[Tensor, Tensor]:
    """With s = σ(f − r): ∂L_D/∂r = −s/B, ∂L_D/∂f = s/B."""
    s = torch.sigmoid(fake - real).div_(len(real))
    return s.neg(), s


def relativistic_g_grad(fake: Tensor, real: Tensor) -> Tensor:
    """∂/∂f E softplus(r − f) = −σ(r − f)/B."""
    return torch.sigmoid(real - fake).div_(-len(fake))


@dataclass(frozen=True)
class Objective:
    """A named pair of losses plus how to read the discriminator's output.

    ``kind`` is ``discriminator`` when outputs are logits of a probability, ``critic`` when they
    are Wasserstein critic scores (then E f(real) − E f(fake) estimates W1), and ``score`` for
    other unbounded outputs (hinge, least squares).
    """

    name: str
    d_loss: Callable[..., Tensor]
    g_loss: Callable[[Tensor], Tensor]
    kind: str
    lipschitz: str  # the Lipschitz method this objective implies by default
    summary: str
    d_grad: Callable[..., tuple[Tensor, Tensor]]  # closed-form ∂L_D/∂(real outputs, fake outputs)
    g_grad: Callable[[Tensor], Tensor]  # closed-form ∂L_G/∂(fake outputs)
    d_loss_grad: Callable[..., tuple[Tensor, Tensor]] | None = None  # both at once (see d_loss_and_grad)
    g_loss_grad: Callable[[Tensor], tuple[Tensor, Tensor]] | None = None

    @property
    def outputs_probability(self) -> bool:
        return self.kind == "discriminator"

    @property
    def is_critic(self) -> bool:
        return self.kind == "critic"

    def d_loss_and_grad(self, out: Tensor, real_target: float = 1.0) -> tuple[Tensor, Tensor]:
        """(L_D, ∂L_D/∂out) for out = D's outputs on [real batch; fake batch], B rows each."""
        if self.d_loss_grad is not None:
            return self.d_loss_grad(out, real_target)
        B = len(out) // 2
        real, fake = out[:B], out[B:]
        return self.d_loss(real, fake, real_target), torch.cat(self.d_grad(real, fake, real_target))

    @property
    def relativistic(self) -> bool:
        """True when the generator's loss needs D's outputs on real samples too: L_G(fake, real)."""
        return self.name == "r3gan"

    def g_loss_and_grad(self, fake: Tensor, real: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """(L_G, ∂L_G/∂fake) for fake = D's outputs on a generated batch (and ``real`` = D's outputs
        on the paired real batch, for a relativistic objective)."""
        if self.relativistic:
            return self.g_loss(fake, real), self.g_grad(fake, real)
        if self.g_loss_grad is not None:
            return self.g_loss_grad(fake)
        return self.g_loss(fake), self.g_grad(fake)


OBJECTIVES: dict[str, Objective] = {
    "minimax": Objective("minimax", bce_d_loss, minimax_g_loss, "discriminator", "none",
                         "original minimax game, saturating generator loss log(1 − D(G(z)))",
                         bce_d_grad, minimax_g_grad, bce_d_loss_grad, minimax_g_loss_grad),
    "nonsaturating": Objective("nonsaturating", bce_d_loss, nonsaturating_g_loss, "discriminator", "none",
                               "minimax discriminator, non-saturating generator loss −log D(G(z))",
                               bce_d_grad, nonsaturating_g_grad, bce_d_loss_grad, nonsaturating_g_loss_grad),
    "wgan": Objective("wgan", wgan_d_loss, wgan_g_loss, "critic", "clip",
                      "Wasserstein GAN: critic maximises E f(x) − E f(G(z)), weights clipped",
                      wgan_d_grad, wgan_g_grad),
    "wgan-gp": Objective("wgan-gp", wgan_d_loss, wgan_g_loss, "critic", "gp",
                         "Wasserstein GAN with gradient penalty λ E(‖∇f(x̂)‖ − 1)²",
                         wgan_d_grad, wgan_g_grad),
    "hinge": Objective("hinge", hinge_d_loss, wgan_g_loss, "score", "none",
                       "hinge loss: E max(0, 1 − f(x)) + E max(0, 1 + f(G(z)))",
                       hinge_d_grad, wgan_g_grad),
    "lsgan": Objective("lsgan", lsgan_d_loss, lsgan_g_loss, "score", "none",
                       "least squares: ½E(D(x) − 1)² + ½E D(G(z))²",
                       lsgan_d_grad, lsgan_g_grad),
    "r3gan": Objective("r3gan", relativistic_d_loss, relativistic_g_loss, "score", "r1r2",
                       "R3GAN: relativistic pairing E softplus(−(D(x) − D(G(z)))) with γ/2 (R1 + R2)",
                       relativistic_d_grad, relativistic_g_grad),
}
OBJECTIVE_NAMES: tuple[str, ...] = tuple(OBJECTIVES)


def get_objective(name: str) -> Objective:
    """The objective called ``name`` (one of OBJECTIVE_NAMES)."""
    if name not in OBJECTIVES:
        raise GanlabError(f"unknown objective '{name}'; choose one of: {', '.join(OBJECTIVE_NAMES)}")
    return OBJECTIVES[name]
