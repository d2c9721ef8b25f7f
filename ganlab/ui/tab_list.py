"""The app's tabs, left to right, as (label, id): ``ganlab.ui.<id>_tab`` builds each, and links and
lessons name a tab by its id."""
from __future__ import annotations

TABS = [("Toy 2D", "toy"), ("Compare losses", "compare"), ("Game dynamics", "dynamics"),
        ("MNIST", "images"), ("Latent space", "latent"), ("Divergences & transport", "divergences"),
        ("Building blocks", "blocks")]
