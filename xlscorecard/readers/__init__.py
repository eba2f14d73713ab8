"""Read the returns people actually send into indicator records, and account for every cell.

:func:`read_return` reads one file and :func:`read_folder` a folder of returns (applying the
indicator register and reporting conflicting values); neither lets an exception escape. Layouts
are tried in the order of :data:`LAYOUTS` on each recognised table.
"""

from .folder import read_folder, read_register
from .register import Register
from .one_return import describe_file, read_return
from .registry import LAYOUTS, Layout
from .results import FolderResult, ReturnResult
from .safety import DEFAULT_LIMITS, Limits

__all__ = ["DEFAULT_LIMITS", "FolderResult", "LAYOUTS", "Layout", "Limits", "Register", "ReturnResult",
           "describe_file", "read_folder", "read_register", "read_return"]
