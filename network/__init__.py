"""North Sea Partner Explorer: the library behind the dashboard.

The package builds the network of North Sea cluster organisations and their
joint projects, stores it in a SQLite workspace, computes graph metrics,
locates organisations offline, suggests partners and exports contact lists.
It never imports streamlit; ``app.py`` does.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
