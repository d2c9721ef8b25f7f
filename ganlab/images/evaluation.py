"""Measuring a trained image generator with the shipped classifier, and writing its model card."""
from __future__ import annotations

import torch

from ganlab.images.config import ARCH_LATENT
from ganlab.images.pretrained import GeneratorModel

# what a shipped generator must reach: every class, an even class histogram, and sure-looking MNIST digits
QUALITY_BAR = {"classes_covered": 10, "class_kl": {"mnist": 0.02, "fashion": 0.05}, "mean_confidence": {"mnist": 0.95}}


def generator_samples(model: GeneratorModel, n: int, seed: int = 1234) -> torch.Tensor:
    """n images from z ~ N(0, I) (and y ~ U{0..9} for a conditional model), drawn from ``seed``."""
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(n, model.latent_dim, generator=gen)
    labels = torch.randint(model.num_classes, (n,), generator=gen) if model.num_classes else None
    return model(z, labels)


def evaluate_generator(model: GeneratorModel, n: int = 1000, seed: int = 1234) -> dict:
    """Classifier metrics of n samples (``ganlab.metrics.images``) against held-out real images."""
    from ganlab.images.classifiers import load_classifier
    from ganlab.images.data import load_images, to_float
    from ganlab.metrics.images import image_metrics

    real = to_float(load_images(model.data).test_images[:n])
    return image_metrics(load_classifier(model.data), generator_samples(model, n, seed), real)


def quality_failures(data: str, metrics: dict) -> list[str]:
    """What misses the shipped-model quality bar (10/10 classes; class KL ≤ 0.02 for MNIST, ≤ 0.05 for
    Fashion-MNIST; MNIST confidence ≥ 0.95)."""
    misses = []
    if metrics["classes_covered"] < QUALITY_BAR["classes_covered"]:
        misses.append(f"{metrics['classes_covered']}/10 classes covered")
    kl_bar = QUALITY_BAR["class_kl"].get(data, 0.05)
    if metrics["class_kl"] > kl_bar:
        misses.append(f"class KL {metrics['class_kl']:.3f} > {kl_bar}")
    bar = QUALITY_BAR["mean_confidence"].get(data)
    if bar is not None and metrics["mean_confidence"] < bar:
        misses.append(f"mean confidence {metrics['mean_confidence']:.3f} < {bar}")
    return misses


def bar_words(data: str) -> str:
    """The quality bar for ``data``, in words."""
    words = f"10/10 classes, class KL ≤ {QUALITY_BAR['class_kl'].get(data, 0.05)}"
    confidence = QUALITY_BAR["mean_confidence"].get(data)
    return words + (f", mean confidence ≥ {confidence}" if confidence is not None else "")


def model_card(name: str, command: str, result: dict, grid_file: str) -> str:
    """A markdown model card: how the model was trained, on what, how long, where, and how it scores."""
    m, c = result, result["config"]
    kind = ("conditional " if c["conditional"] else "") + f"{c['arch'].upper()} ({c['objective']}"
    kind += f", {result['lipschitz']})" if result["lipschitz"] != "none" else ")"
    misses = quality_failures(c["data"], m)
    return "\n".join([
        f"# {name}.safetensors",
        "",
        f"A {kind} generator for {c['data']}, width {c['width']}, latent dimension {c['latent_dim'] or ARCH_LATENT[c['arch']]}.",
        "",
        f"- Data: {m['data_source']}.",
        f"- Trained with: `{command}`",
        f"- Seed {c['seed']}; {m['steps']:,} generator steps (batch {c['batch']}, k = {c['n_critic']}, "
        f"Adam {c['lr_g']:g}/{c['lr_d']:g}, β = {tuple(c['betas_g'])}, learning rates decayed linearly to 0"
        + (f", EMA β = {c['ema']} of G's weights" if c["ema"] else "") + ").",
        f"- Training time: {m['seconds'] / 60:.1f} min on {m['device_description']}.",
        f"- Metrics ({m['eval_samples']:,} samples, seed 1234, by `pretrained/classifier-{c['data']}.safetensors`): "
        f"{m['classes_covered']}/10 classes, class KL {m['class_kl']:.4f}, mean confidence "
        f"{m['mean_confidence']:.3f}, Fréchet distance {m['fid']:.1f} (real vs real {m['fid_real']:.1f})"
        + (f"; precision {m['precision']:.3f}, recall {m['recall']:.3f}, density {m['density']:.3f}, coverage "
           f"{m['coverage']:.3f} (classifier features; k = 3, 3, 5, 5)." if "precision" in m else "."),
        f"- Quality bar ({bar_words(c['data'])}): " + ("met." if not misses else "**not met** — " + "; ".join(misses) + "."),
        f"- Re-measure: `python -m ganlab evaluate --model pretrained/{name}.safetensors --json`",
        "",
        f"![samples of seeds 0–63]({grid_file})",
        "",
        f"Samples: `python -m ganlab sample --model pretrained/{name}.safetensors --n 64 --seed 0 --out {grid_file}`",
        "",
    ])

