"""pytest-benchmark set-up: make ``workloads`` importable; not part of the test suite.

Run with ``python -m pytest benchmarks --benchmark-only`` (pyproject's
``testpaths`` are ``tests`` and ``examples``, so a plain ``pytest`` never
collects these files).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
