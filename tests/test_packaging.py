"""What the package declares about itself is true: files it ships exist, its version is one fact."""

import tomllib
from pathlib import Path

import dlex

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_declared_package_files_exist():
    package_data = PYPROJECT["tool"]["setuptools"]["package-data"]["dlex"]
    for pattern in package_data:
        found = list((ROOT / "src" / "dlex").glob(pattern))
        assert found, f"pyproject.toml ships {pattern!r} but src/dlex has no such file"


def test_version_is_the_one_in_pyproject():
    assert dlex.__version__ == PYPROJECT["project"]["version"]
