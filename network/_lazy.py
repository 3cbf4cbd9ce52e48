"""Heavy libraries imported on first use, so a page only loads what it draws with.

``nx = lazy("networkx")`` in a module's imports stands for ``import networkx
as nx``: the library is imported the first time one of its attributes is
read (``nx.Graph()``), not when the module is. The app's first page then
starts without networkx, igraph or scipy when it does not need them.
Annotations stay plain (``-> nx.Graph``): with ``from __future__ import
annotations`` they are never evaluated.

Kept rather than ``lazy_loader.load`` (scientific-python), by measurement:
that one imports a submodule's parent at once, so ``scipy.sparse`` would
cost the start-up thread 0.1 s of ``scipy`` before the first page, and this
module's reason to exist is that start-up.

Examples
--------
>>> js = lazy("json")
>>> js.dumps([1])
'[1]'
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["lazy"]


class _LazyModule:
    """Stands for the module ``name`` and imports it when an attribute is first read."""

    __slots__ = ("__dict__", "_name")

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        name = object.__getattribute__(self, "_name")  # no recursion if it is unset
        value = getattr(importlib.import_module(name), attr)
        self.__dict__[attr] = value  # later reads are plain attribute reads
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy(name: str) -> Any:
    """The module ``name``, imported when one of its attributes is first read."""
    return _LazyModule(name)
