"""Copy the redistributable reference panels from the raw mirror into tests/reference/.

Usage: ``python tests/reference/make.py [RAW_DIR]`` (default ``$VENECON_RAW_DIR`` or
``../shared/raw`` beside the checkout). Each file is copied byte for byte and
checked against the sha256 pinned in ``tests/reference_data.py`` (and in
``shared/raw/MANIFEST.md``); see ``PROVENANCE.md`` for where each comes from and
why its licence allows it here. Files whose licence does not allow it stay out
(the tests read them from the mirror named by ``VENECON_TEST_DATA``).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reference_data import COMMITTED  # noqa: E402


def main(raw: Path) -> None:
    for name, (subdir, sha256) in sorted(COMMITTED.items()):
        data = (raw / subdir / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise SystemExit(f"{raw / subdir / name} does not match its pinned sha256 {sha256}")
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes, sha256 {sha256}")


if __name__ == "__main__":
    default = os.environ.get("VENECON_RAW_DIR", HERE.parents[2] / "shared" / "raw")
    main(Path(sys.argv[1] if len(sys.argv) > 1 else default))
