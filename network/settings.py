"""Global settings of the :mod:`network` package.

Change a setting by assigning to the module attribute, as in OSMnx::

    import network.settings
    network.settings.online_geocoding = True

Functions that take an option defaulting to ``None`` read the setting here.

Attributes
----------
workspace_env : str
    Name of the environment variable that may hold the workspace path.
default_workspace : pathlib.Path
    Workspace used when neither ``--workspace`` nor the environment variable
    is given: a file in the per-user data directory (never inside the repo).
data_dir : pathlib.Path
    The bundled Frictionless data package (``data/`` at the repository root).
online_geocoding : bool
    Whether the online geocoder (Nominatim) may be used. Off by default: the
    app works fully offline.
user_agent : str
    User agent sent to online services, as Nominatim's usage policy asks.
nominatim_min_delay_s : float
    Minimum delay between two Nominatim requests (the policy asks for 1 s).
max_import_bytes : int
    Largest file an import accepts (100 MB). The app's upload limit
    (``server.maxUploadSize`` in ``.streamlit/config.toml``) is the same.
max_unpacked_bytes : int or None
    Largest size a member of a ZIP-based input (XLSX, keep.eu, CORDIS .zip)
    may unpack to; ``None``: 4 × ``max_import_bytes``. Checked before reading.
max_zip_ratio : float
    Largest unpacked/compressed ratio of a member over 10 MB (a zip bomb's is
    in the hundreds or thousands; real XLSX and CSV members stay under 30).
max_import_rows : int
    Largest number of data rows a table of an import may have (500,000:
    all of CORDIS Horizon 2020, 145k participations, fits three times).
    Readers stream and stop there.
max_json_bytes : int
    Largest JSON array an import parses at once (JSON lines stream and are
    bounded by ``max_import_bytes`` and ``max_import_rows`` instead).
max_network_nodes : int
    Largest number of nodes drawn in the network figure.
max_map_markers : int
    Largest number of organisations drawn on the map (the rest stay in its table).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = [
    "data_dir",
    "default_workspace",
    "max_import_bytes",
    "max_import_rows",
    "max_json_bytes",
    "max_map_markers",
    "max_network_nodes",
    "max_unpacked_bytes",
    "max_zip_ratio",
    "nominatim_min_delay_s",
    "online_geocoding",
    "resolve_workspace",
    "user_agent",
    "workspace_env",
]

workspace_env: str = "NSPE_WORKSPACE"
default_workspace: Path = (
    Path(platformdirs.user_data_dir("north-sea-partner-explorer", appauthor=False))
    / "workspace.sqlite"
)
data_dir: Path = Path(__file__).resolve().parent.parent / "data"
online_geocoding: bool = False
user_agent: str = "north-sea-partner-explorer/0.1"
nominatim_min_delay_s: float = 1.0
max_import_bytes: int = 100 * 1024 * 1024
max_unpacked_bytes: int | None = None
max_zip_ratio: float = 100.0
max_import_rows: int = 500_000
max_json_bytes: int = 25 * 1024 * 1024
max_network_nodes: int = 400
max_map_markers: int = 1500


def resolve_workspace(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the workspace path: ``path``, else the environment, else the default.

    Examples
    --------
    >>> resolve_workspace("/tmp/x.sqlite").name
    'x.sqlite'
    """
    if path:
        return Path(path).expanduser()
    env = os.environ.get(workspace_env)
    if env:
        return Path(env).expanduser()
    return default_workspace
