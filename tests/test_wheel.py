"""``pip install .`` (not editable) into a fresh virtual environment works offline.

The wheel is built without network access (hatchling comes from the test
environment), installed with ``--no-deps`` into a new venv whose dependencies
are borrowed from the running environment through a ``.pth`` file, and
exercised from an unrelated working directory.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest
from reference_data import need_module

CHECK = textwrap.dedent(
    """
    import pathlib, sys, venecon
    root = pathlib.Path(venecon.__file__).resolve().parent
    assert str(root).startswith(sys.prefix), (root, sys.prefix)
    from venecon.data import _package
    assert _package.data_root() == root / "_datasets", _package.data_root()
    catalogue = venecon.datasets()
    for name in catalogue["name"]:
        assert len(venecon.load(name)) > 0, name
    print(len(catalogue))
    """
)


@pytest.mark.timeout(600)
def test_wheel_installs_into_a_fresh_venv_and_loads_every_dataset(repo_root, tmp_path):
    need_module("hatchling")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(repo_root)],
        check=True, capture_output=True, text=True,
    )
    (wheel,) = wheels.glob("venecon-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # Dependencies (pandas, numpy, ...) come from this environment, after the venv's own packages.
    borrowed = [p for p in {*site.getsitepackages(), sysconfig.get_paths()["purelib"]}
                if Path(p).is_dir()]
    Path(purelib, "zz_borrowed_dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", purelib,
         str(wheel)],
        check=True, capture_output=True, text=True,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(python), "-c", CHECK], cwd=elsewhere, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}},
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 1
