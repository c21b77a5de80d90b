"""structlog without rich's console: a tenth of a second off every command that logs.

structlog's package imports its development renderer, and that imports rich's console,
tracebacks and pygments whenever rich is installed (it is: our progress bars use it). Our
renderers are our own (`vestnesis.common.logs`), so that work is wasted at every start of
`vestnesis ask` and the other commands. `install()` puts a finder first on `sys.meta_path`
that, for the first import of structlog only, runs structlog's module code with rich hidden
(structlog then leaves its rich-based helpers unset, as when rich is absent) and then gets out
of the way: rich stays importable for everything else, and nothing else is touched.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import importlib.abc
    import importlib.machinery
    from types import ModuleType


# Duck-typed, not subclasses of importlib.abc's: that module imports importlib.resources,
# as much time as this module saves in the first place.
class _HidingRich:
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        if "rich" in sys.modules:  # already loaded by someone: nothing left to save
            self._loader.exec_module(module)
            return
        # Process-wide for a moment, but harmless: the first import of structlog happens while
        # `vestnesis` is imported, before any thread of ours exists.
        sys.modules["rich"] = None  # type: ignore[assignment]  # `import rich` now fails
        try:
            self._loader.exec_module(module)
        finally:
            hidden: object = sys.modules.get("rich", False)
            if hidden is None:  # still our marker, not a rich imported meanwhile
                sys.modules.pop("rich")
            # The module keeps the real loader (its resources, its source).
            module.__loader__ = self._loader
            if module.__spec__ is not None:
                module.__spec__.loader = self._loader


class _StructlogFinder:
    def find_spec(
        self, name: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != "structlog":
            return None
        with contextlib.suppress(ValueError):  # once: structlog is found the ordinary way
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _HidingRich(spec.loader)  # type: ignore[assignment]  # a Loader in all but name
        return spec


def install() -> None:
    """Hide rich from structlog's first import (a no-op once structlog is loaded)."""
    if "structlog" in sys.modules:
        return
    if not any(isinstance(finder, _StructlogFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _StructlogFinder())
