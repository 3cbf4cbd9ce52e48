"""Server start-up: prepare the first page while the browser loads the app.

``streamlit run app.py`` imports ``app.py`` once as a module to look for an
ASGI app; ``app.py`` then declares one whose start-up is :func:`lifespan`.
This module stays light (no pandas): the server answers while the
preparation runs in a thread of its own.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import AsyncIterator

__all__ = ["lifespan"]


@contextlib.asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """Start preparing the first page in the background, then serve."""
    _skip_repl_check()
    threading.Thread(target=_prepare, name="first-page", daemon=True).start()
    yield
    _remove_uploads()


def _remove_uploads() -> None:
    """Remove the files uploaded to this server as it stops.

    Python's exit handlers would remove them on Ctrl+C, but on SIGTERM (a
    service manager, a container's stop) uvicorn ends the process by the
    signal once it has shut down, and they never run.
    """
    data = sys.modules.get("views.data")  # imported once the Data page was shown
    if data is not None:
        data.remove_uploads()


def _skip_repl_check() -> None:
    """Spare the first page Streamlit's once-per-process check for a Python REPL.

    At a process's first element Streamlit asks whether it runs in a REPL, through
    ``inspect.stack()``: with pandas, plotly and the library loaded that resolves
    the paths of some 1,400 modules, 0.15-0.3 s of the first page's script. Served
    by ``streamlit run``, the answer is always no. The flag is Streamlit's own
    (private): should it be renamed, this sets an unused attribute and the check
    runs as before.
    """
    import streamlit.delta_generator

    streamlit.delta_generator._use_warning_has_been_displayed = True


def _prepare() -> None:
    try:
        import views.overview  # noqa: F401  (the first page's own imports)
        from views import _state

        _state.prepare_first_page()
    except Exception:  # the page computes it itself, and shows any error there
        logging.getLogger(__name__).exception("preparing the first page failed")
