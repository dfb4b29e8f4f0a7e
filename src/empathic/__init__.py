"""empathic: local-first customer empathy at scale.

>>> import empathic
>>> ws = empathic.Workspace.open("acme.empathic")          # doctest: +SKIP
>>> ws.ingest("survey.csv", text="comment", score="nps")  # doctest: +SKIP
>>> ws.analyze()                                          # doctest: +SKIP
"""

from empathic.config import Settings, load_settings
from empathic.errors import EmpathicError, InputError, NotInstalledError, StageError, WorkspaceError
from empathic.workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "EmpathicError",
    "InputError",
    "NotInstalledError",
    "Settings",
    "StageError",
    "Workspace",
    "WorkspaceError",
    "__version__",
    "load_settings",
]
