"""The install is reproducible: every lock line is an exact, hash-pinned version, and the lock is
complete, so `pip install --no-deps` over it cannot leave a dependency to be resolved afresh."""
import re
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)")


def _locked(path):
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", path.read_text()):
        first = block.strip().splitlines()[0] if block.strip() else ""
        if not first or first.startswith("#"):
            continue
        match = PIN.match(first)
        assert match, f"{path.name}: not an exact pin: {first!r}"
        assert "--hash=sha256:" in block, f"{path.name}: {first!r} has no hash"
        pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_every_lock_line_is_an_exact_hash_pinned_version():
    for name in ("requirements-bootstrap.lock", "requirements.lock", "requirements-model.txt"):
        assert _locked(REPO / name), name


def test_the_lock_is_complete_for_every_runtime_and_test_dependency():
    locked = _locked(REPO / "requirements.lock")
    missing = []
    for name in list(locked):
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(req.name) not in locked:
                missing.append(f"{name} needs {req}")
    assert not missing, missing


def test_the_installed_versions_are_the_locked_ones():
    locked = _locked(REPO / "requirements.lock")
    wrong = {name: (version, metadata.version(name)) for name, version in locked.items()
             if _installed(name) and metadata.version(name) != version}
    assert not wrong, wrong


def _installed(name):
    try:
        metadata.version(name)
        return True
    except metadata.PackageNotFoundError:
        return False
