"""Entry point for ``python -m ganlab``."""
import sys

from ganlab.cli import main

sys.exit(main())
