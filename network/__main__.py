"""Entry point for ``python -m network``."""

import sys

from .cli import main

sys.exit(main())
