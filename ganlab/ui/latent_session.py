"""What the "Latent space" tab computes: shipped generators (loaded once per process, read-only),
each browser session's picks A and B, and the images for every view. No gradio here.

Shipped models are frozen and only run forward, so all sessions share one loaded copy; what
belongs to a session (its picks, its projection) lives in a ``LatentSession``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from ganlab.errors import GanlabError
from ganlab.images.latent import arithmetic, class_means, interpolate, nearest_neighbours, principal_directions, walk
from ganlab.images.pretrained import GeneratorModel, load_generator, shipped_models
from ganlab.training.validation import choice, integer, number
from ganlab.viz.images import strip, tiles

GRID_SAMPLES = 16
GRID_LABELS = [i % 10 for i in range(GRID_SAMPLES)]  # a conditional model's grid: classes 0–9, then 0–5


@functools.lru_cache(maxsize=16)
def model(name: str) -> GeneratorModel:
    """The shipped generator ``name`` (loaded once per process)."""
    paths = shipped_models()
    if name not in paths:
        raise GanlabError(f"no shipped model named '{name}'; choose one of: {', '.join(paths) or 'none found'}")
    return load_generator(paths[name])


@functools.lru_cache(maxsize=4)
def _classifier(data: str):
    from ganlab.images.classifiers import load_classifier

    return load_classifier(data).eval().requires_grad_(False)


@functools.lru_cache(maxsize=4)
def _training_set(data: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(images in [−1, 1], classifier features) of the training split, for neighbour search."""
    from ganlab.images.data import load_images, to_float

    images = to_float(load_images(data).train_images)
    clf = _classifier(data)
    with torch.no_grad():
        feats = torch.cat([clf.features(images[i:i + 1000]) for i in range(0, len(images), 1000)])
    return images, feats


@functools.lru_cache(maxsize=16)
def _class_means(name: str) -> torch.Tensor:
    m = model(name)
    clf = _classifier(m.data)
    return class_means(m, lambda x: torch.softmax(clf(x), dim=1), m.latent_dim, n=3000, seed=0)


@dataclass
class Pick:
    """A point of latent space chosen by the user: its z, label (conditional models) and where it came from."""

    z: torch.Tensor
    label: int | None
    origin: str


class LatentSession:
    """One browser session's state in the tab: the model, the grid's seeds, picks A and B."""

    def __init__(self, name: str, base_seed: int = 0):
        self.name = name
        self.base_seed = int(base_seed)
        self.a: Pick | None = None
        self.b: Pick | None = None
        self._next = "a"

    @property
    def model(self) -> GeneratorModel:
        return model(self.name)

    # ------------------------------------------------------------------ grid and picks
    def grid_seeds(self) -> list[int]:
        return list(range(self.base_seed, self.base_seed + GRID_SAMPLES))

    def grid_labels(self) -> list[int] | None:
        return GRID_LABELS if self.model.num_classes else None

    def gallery(self, name: str | None = None) -> list[tuple[np.ndarray, str]]:
        """(image, caption) for the grid's seeds, through this session's model or another one."""
        m = self.model if name is None else model(name)
        seeds = self.grid_seeds()
        images = self._render(m, m.latent(seeds), GRID_LABELS if m.num_classes else None)
        captions = [f"seed {s}" + (f" · class {y}" if m.num_classes else "") for s, y in zip(seeds, GRID_LABELS)]
        return list(zip(tiles(images), captions))

    def side_by_side(self, other: str) -> tuple[np.ndarray, np.ndarray]:
        """The grid's z (and classes) through this model and through ``other``: two 2 × 8 strips."""
        a, b = self.model, model(other)
        if a.latent_dim != b.latent_dim:
            raise GanlabError(f"{a.name} has z ∈ R^{a.latent_dim} and {b.name} z ∈ R^{b.latent_dim}: "
                              "the same z cannot go through both")
        z = a.latent(self.grid_seeds())
        return tuple(strip(self._render(m, z, GRID_LABELS if m.num_classes else None), columns=8) for m in (a, b))

    def pick(self, index: int) -> str:
        """Make grid sample ``index`` pick A, then B, then A … ; returns a one-line summary."""
        index = integer("grid sample", index, 0, GRID_SAMPLES - 1)
        labels = self.grid_labels()
        seed = self.grid_seeds()[index]
        chosen = Pick(self.model.latent(seed)[0], None if labels is None else labels[index], f"seed {seed}")
        self.set_pick(self._next, chosen)
        return self.describe()

    def set_pick(self, which: str, chosen: Pick) -> None:
        setattr(self, which, chosen)
        self._next = "b" if which == "a" else "a"

    def describe(self) -> str:
        def text(p: Pick | None) -> str:
            if p is None:
                return "—"
            return p.origin + (f" (class {p.label})" if p.label is not None else "")
        return f"**A** = {text(self.a)} · **B** = {text(self.b)} · next click sets {self._next.upper()}"

    def _need(self, *which: str) -> list[Pick]:
        picks = [getattr(self, w) for w in which]
        if any(p is None for p in picks):
            raise GanlabError("click samples in the grid first: " + " and ".join(w.upper() for w in which)
                              + (" are" if len(which) > 1 else " is") + " not chosen yet")
        return picks

    def _render(self, m: GeneratorModel, z: torch.Tensor, labels) -> torch.Tensor:
        if not m.num_classes:
            return m(z)
        if labels is None:
            raise GanlabError(f"{m.name} is conditional: it needs a class for every sample")
        y = labels if torch.is_tensor(labels) else torch.tensor(labels)
        return m(z, y)

    def _labels_for(self, pick: Pick, n: int):
        return None if pick.label is None else [pick.label] * n

    # ------------------------------------------------------------------ views
    def interpolation(self, steps: int, method: str) -> tuple[np.ndarray, list[np.ndarray]]:
        """A → B in ``steps`` frames: (strip, frames). A conditional model blends the classes too."""
        a, b = self._need("a", "b")
        path = interpolate(a.z, b.z, integer("frames", steps, 2, 256), method)
        m = self.model
        if m.num_classes:
            t = torch.linspace(0, 1, steps)[:, None]
            eye = torch.eye(10)
            labels = (1 - t) * eye[a.label] + t * eye[b.label]
            images = m(path, labels)
        else:
            images = m(path)
        return strip(images), tiles(images)

    def arithmetic_view(self, c_seed: int) -> np.ndarray:
        """A − B + C for the grid picks A, B and the sample of seed ``c_seed``: a strip [A, B, C, A − B + C]."""
        a, b = self._need("a", "b")
        m = self.model
        c = m.latent(integer("seed of C", c_seed, 0, 2**31 - 1))[0]
        z = torch.stack([a.z, b.z, c, arithmetic(a.z, b.z, c)])
        labels = None
        if m.num_classes:
            labels = [a.label, b.label, a.label, a.label]
        return strip(self._render(m, z, labels))

    def change_class(self, source: int, target: int) -> np.ndarray:
        """Keep A's style, change its class: conditional models swap y (z fixed); the others move
        z by the difference of class means, z_A − mean(source) + mean(target). Strip [A, result]."""
        source, target = integer("A's class", source, 0, 9), integer("new class", target, 0, 9)
        (a,) = self._need("a")
        m = self.model
        if m.num_classes:
            return strip(m(torch.stack([a.z, a.z]), torch.tensor([a.label, target])))
        means = _class_means(self.name)
        if torch.isnan(means[source]).any() or torch.isnan(means[target]).any():
            raise GanlabError(f"{m.name} rarely draws a confident {source} or {target}; no class mean for it")
        return strip(m(torch.stack([a.z, a.z - means[source] + means[target]])))

    def all_classes(self) -> np.ndarray:
        """A conditional model's A drawn as every class 0–9 with the same z (style)."""
        (a,) = self._need("a")
        m = self.model
        if not m.num_classes:
            raise GanlabError(f"{m.name} is not conditional; use the class means instead")
        return strip(m(a.z.repeat(10, 1), torch.arange(10)))

    def _direction(self, kind: str, which: int) -> tuple[torch.Tensor, str]:
        """A unit direction in z, counted from 1 as on screen: principal direction ``which`` of G's first
        layer (1 … 16), or coordinate ``which`` of z (1 … the latent dimension)."""
        kind = choice("direction", kind, ("principal", "coordinate"))
        m = self.model
        if kind == "principal":
            dirs, gains = principal_directions(m.first_layer(), m.latent_dim, k=16)
            i = integer("which principal direction", which, 1, len(dirs)) - 1
            return dirs[i], (f"principal direction {i + 1}: first-layer gain {float(gains[i]):.2f} "
                             f"(largest {float(gains[0]):.2f})")
        i = integer("which coordinate", which, 1, m.latent_dim) - 1
        direction = torch.zeros(m.latent_dim)
        direction[i] = 1.0
        return direction, f"coordinate z[{i + 1}]"

    def direction_walk(self, kind: str, index: int, amount: float, frames: int = 9) -> tuple[np.ndarray, str]:
        """A moved along a direction (see ``_direction``) from −amount to +amount: a strip of ``frames``."""
        amount = number("amount", amount, 0.0, 10.0, lo_open=True)
        direction, note = self._direction(kind, index)
        (a,) = self._need("a")
        z = walk(a.z, direction, torch.linspace(-amount, amount, frames))
        return strip(self._render(self.model, z, self._labels_for(a, frames))), note + f", from −{amount:g} to +{amount:g}"

    def direction_point(self, kind: str, index: int, t: float) -> np.ndarray:
        """G(z_A + t·d) at one position t of the same direction (the slider view)."""
        t = number("position", t, -10.0, 10.0)
        direction, _ = self._direction(kind, index)
        (a,) = self._need("a")
        z = walk(a.z, direction, torch.tensor([t]))
        return strip(self._render(self.model, z, self._labels_for(a, 1)))

    def find(self, target: torch.Tensor, steps: int = 200, progress=None) -> tuple[np.ndarray, str]:
        """Project a 28 × 28 digit into z ("find it in z"); the result becomes pick A. Strip [target, G(z*)]."""
        from ganlab.images.latent import project

        m = self.model
        steps = integer("optimisation steps", steps, 10, 2000)
        result = project(m, target, steps=steps, progress=progress)
        label = None if result.labels is None else int(result.labels.argmax())
        self.set_pick("a", Pick(result.z, label, "found z"))
        # the found z is shown with the hard class, so later views draw exactly this image's class
        shown = self._render(m, result.z[None], None if label is None else [label])
        text = (f"pixel MSE {result.initial_error:.3f} at the best random start → {result.final_error:.3f} after "
                f"{steps} Adam steps on z" + (f" (and the class weights: mostly {label})" if label is not None else "")
                + f"; ‖z‖ = {float(result.z.norm()):.1f} (typical for the prior: √{m.latent_dim} ≈ "
                f"{m.latent_dim ** 0.5:.1f}). It is now pick A: walk from here with the other views.")
        return strip(torch.stack([target.reshape(1, 28, 28), shown[0]])), text

    def neighbours(self, k: int = 6) -> tuple[np.ndarray, np.ndarray, str]:
        """A and its k nearest training images in pixel space and in the classifier's feature space."""
        (a,) = self._need("a")
        m = self.model
        x = self._render(m, a.z[None], self._labels_for(a, 1))
        images, feats = _training_set(m.data)
        clf = _classifier(m.data)
        pi, pd = nearest_neighbours(x, images, k)
        with torch.no_grad():
            q = clf.features(x)
        fi, fd = nearest_neighbours(q, feats, k)
        pixel = strip(torch.cat([x, images[pi]]))
        feature = strip(torch.cat([x, images[fi]]))
        own = float(torch.cdist(images[pi[:1]].flatten(1), images.flatten(1)).topk(2, largest=False).values[0, 1])
        text = (f"pixel distances {', '.join(f'{v:.1f}' for v in pd.tolist())}; feature distances "
                f"{', '.join(f'{v:.1f}' for v in fd.tolist())}. For scale: the nearest training image is "
                f"{own:.1f} away from its own nearest neighbour — a sample much closer than that to a "
                "training image would suggest memorisation.")
        return pixel, feature, text
