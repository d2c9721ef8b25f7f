"""Where the shipped files are: the ``pretrained/`` folder of weights and model cards.

In a clone of the repository, and after ``pip install -e .``, it is the ``pretrained/`` folder next to
the ``ganlab`` package. Elsewhere (a copy of the package alone) point ``GANLAB_PRETRAINED`` at one.
"""
from __future__ import annotations

import os

CHECKOUT_PRETRAINED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                   "pretrained")
PRETRAINED = os.environ.get("GANLAB_PRETRAINED") or CHECKOUT_PRETRAINED
