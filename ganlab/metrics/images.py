"""Image-GAN metrics from a classifier trained on the real data (shipped in pretrained/).

- classes covered: classes predicted for at least 1% of the generated images;
- class KL: KL(histogram of predicted classes ‖ uniform) — 0 for a balanced generator, log 10 for one class;
- mean confidence: mean max-softmax probability (blurry or garbage images score low);
- Fréchet distance between Gaussians fitted to penultimate-layer features of generated and held-out
  real images: ‖μ_g − μ_r‖² + Tr(Σ_g + Σ_r − 2 (Σ_g Σ_r)^{1/2}); printed beside the same distance
  between two disjoint halves of real images, for scale;
- precision, recall, density, coverage on the same features (``metrics.prdc``): quality and diversity
  apart, where the Fréchet distance mixes them (a collapse: high precision, low recall).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ganlab.maths.divergences import kl
from ganlab.metrics.prdc import split_quality


def _sqrtm_psd_product(a: np.ndarray, b: np.ndarray) -> float:
    """Tr((A B)^{1/2}) for symmetric PSD A, B, via the eigenvalues of A^{1/2} B A^{1/2}."""
    w, v = np.linalg.eigh(a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = root_a @ b @ root_a
    return float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None))))


def frechet_distance(f1: np.ndarray, f2: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (rows are samples)."""
    f1, f2 = np.asarray(f1, dtype=np.float64), np.asarray(f2, dtype=np.float64)
    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = np.cov(f1, rowvar=False), np.cov(f2, rowvar=False)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * _sqrtm_psd_product(s1, s2))


@torch.no_grad()
def classify(classifier: torch.nn.Module, images: torch.Tensor, batch: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """(softmax probabilities, penultimate features) for images in [−1, 1]."""
    classifier.eval()
    probs, feats = [], []
    for i in range(0, len(images), batch):
        f = classifier.features(images[i:i + batch].float())
        feats.append(f)
        probs.append(torch.softmax(classifier.head(f), dim=1))
    return torch.cat(probs).cpu(), torch.cat(feats).cpu()


def image_metrics(classifier: torch.nn.Module, fake: torch.Tensor, real: torch.Tensor,
                  radii: dict | None = None) -> dict[str, float]:
    """classes_covered, class_kl, mean_confidence, fid (fake vs real), fid_real (real half vs half), and
    in the classifier's feature space precision and recall (k = 3), density and coverage (k = 5)
    (``metrics.prdc``). ``radii``: a cache of the real set's k-NN radii by (n, k), for callers that
    measure the same real images again and again."""
    probs, f_fake = classify(classifier, fake)
    _, f_real = classify(classifier, real)
    quality = split_quality(f_real, f_fake, radii)
    k = probs.shape[1]
    hist = torch.bincount(probs.argmax(1), minlength=k).double()
    half = len(f_real) // 2
    return {"classes_covered": int((hist >= 0.01 * len(fake)).sum()),
            "class_kl": kl(hist.numpy() + 1e-12, np.full(k, 1.0 / k)),
            "class_kl_max": math.log(k),
            "mean_confidence": float(probs.max(1).values.mean()),
            "class_histogram": hist.long().tolist(),
            "fid": frechet_distance(f_fake.numpy(), f_real.numpy()),
            "fid_real": frechet_distance(f_real[:half].numpy(), f_real[half:2 * half].numpy()), **quality}
