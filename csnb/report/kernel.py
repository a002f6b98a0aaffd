"""The Jupyter kernel reports run in: the running interpreter, whatever kernels are installed."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["KERNEL_NAME", "interpreter_kernel_manager_class"]

KERNEL_NAME = "csnb-python"

_KERNEL_MANAGER_CLASSES: dict[tuple[tuple[str, str], ...], type] = {}


def interpreter_kernel_manager_class(env: Mapping[str, str] | None = None):
    """Return a KernelManager class whose only kernel spec runs ``sys.executable``.

    Parameters
    ----------
    env : mapping of str to str, optional
        Environment variables the kernels get on top of this process's (the runner passes
        the run's shared load and the number of notebooks running at once). Per class, not
        through ``os.environ``, which the worker threads of concurrent runs would share.
    """
    key = tuple(sorted((env or {}).items()))
    if key in _KERNEL_MANAGER_CLASSES:
        return _KERNEL_MANAGER_CLASSES[key]

    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    # The kernel imports csnb from the same place as this process, whether csnb is installed
    # or only importable from a source checkout.
    package_parent = str(Path(__file__).resolve().parents[2])
    pythonpath = os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH")) if p)

    class InterpreterKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name != KERNEL_NAME:
                raise NoSuchKernel(kernel_name)
            return KernelSpec(
                # log_level=ERROR: the kernel listens on localhost only, and ipykernel's
                # start-up warning about unencrypted TCP would otherwise be printed once per
                # notebook on the user's terminal. Cell output and errors are unaffected.
                argv=[
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--IPKernelApp.log_level=ERROR",
                ],
                display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (csnb)",
                language="python",
                # Figures must land in the report as embedded images even when the calling
                # shell (or a test run) sets MPLBACKEND=Agg, which ipykernel would respect.
                env={
                    **dict(key),
                    "PYTHONPATH": pythonpath,
                    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                },
                resource_dir="",
            )

    class InterpreterKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return InterpreterKernelSpecManager(data_dir=self.data_dir)

    _KERNEL_MANAGER_CLASSES[key] = InterpreterKernelManager
    return InterpreterKernelManager

