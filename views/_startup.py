"""Server start-up: prepare the first page while the browser loads the app.

``streamlit run app.py`` imports ``app.py`` once as a module to look for an
ASGI app; ``app.py`` then declares one whose start-up is :func:`lifespan`.
This module stays light (no pandas): the server answers while the
preparation runs in a thread of its own.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator

__all__ = ["lifespan"]


@contextlib.asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """Start preparing the first page in the background, then serve."""
    threading.Thread(target=_prepare, name="first-page", daemon=True).start()
    yield


def _prepare() -> None:
    try:
        import views.overview  # noqa: F401  (the first page's own imports)
        from views import _state

        _state.prepare_first_page()
    except Exception:  # the page computes it itself, and shows any error there
        logging.getLogger(__name__).exception("preparing the first page failed")
