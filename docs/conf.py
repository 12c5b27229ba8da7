"""Sphinx configuration for the venecon documentation.

The build is offline (no intersphinx) and treats warnings as errors
(``sphinx-build -W``). The API reference is generated from the ``__all__`` of
each public package (see ``_api.py``), so a new public name gets its page
without editing this folder; the example notebooks are copied from
``examples/`` and executed during the build by myst-nb.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# The executed tutorials must embed their figures. A non-interactive backend in the
# environment (MPLBACKEND=Agg, as the test commands set) would make plt.show() in the
# kernels a no-op and the rendered pages figure-less; the kernels inherit this.
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _api  # noqa: E402  (generates api/*.rst before Sphinx reads the sources)

import venecon  # noqa: E402

project = "venecon"
author = "The venecon developers"
copyright = "2026, The venecon developers"
version = release = venecon.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]

# Offline: no intersphinx, no remote images.
autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

# The tutorials are executed on the bundled data during the build; an error
# in a cell fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 900
nb_execution_show_tb = True
nb_merge_streams = True

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "pydata_sphinx_theme"
html_title = f"venecon {release}"
html_static_path = ["_static"]
html_css_files = ["venecon.css"]
templates_path = ["_templates"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # No external icons or analytics: the site works offline.
    "icon_links": [],
}
html_last_updated_fmt = None


def _copy_tutorials() -> None:
    """Copy ``examples/*.ipynb`` next to the sources (the build executes them)."""
    target = HERE / "tutorials"
    target.mkdir(exist_ok=True)
    for old in target.glob("*.ipynb"):
        old.unlink()
    for nb in sorted((HERE.parent / "examples").glob("*.ipynb")):
        shutil.copy2(nb, target / nb.name)


_copy_tutorials()
_api.write_api_pages(HERE / "api")
