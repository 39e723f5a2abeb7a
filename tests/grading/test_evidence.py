"""Evidence files are read as hostile input: no pickle, no links, no bombs, size caps."""

import io
import json
import os
import zipfile

import numpy as np
import pytest

from dlex.grading.exercises import evidence_files as evidence
from dlex.grading.exercises.declarations import Evidence
from dlex.grading.exercises.evidence_files import EvidenceBundle, Probed


def write_ok(folder):
    found = Evidence({"n": 3, "nested": {"x": [1, 2.5]}}, {"weights": np.arange(6.0).reshape(2, 3)})
    bundle = EvidenceBundle(
        {"EPOCHS_EX2": 1},
        {"model_a.test_accuracy": 0.9},
        {"lab02.ex1": Probed(found, [], None), "lab02.ex2": Probed(None, ["model_ex2"], None)},
    )
    evidence.write(folder, bundle)


def test_round_trip(tmp_path):
    write_ok(tmp_path)
    read = evidence.read(tmp_path)
    probed = read.exercises["lab02.ex1"]
    found, missing, error = probed.evidence, probed.missing, probed.error
    assert found.values["nested"] == {"x": [1, 2.5]} and missing == [] and error is None
    assert np.array_equal(found.arrays["weights"], np.arange(6.0).reshape(2, 3))
    assert read.exercises["lab02.ex2"].missing == ["model_ex2"]
    assert read.params == {"EPOCHS_EX2": 1}


def test_missing_files_are_reported(tmp_path):
    with pytest.raises(evidence.EvidenceError, match="no evidence folder"):
        evidence.read(tmp_path / "nothing")
    tmp_path.joinpath("evidence.json").write_text("{}")
    with pytest.raises(evidence.EvidenceError, match="not written"):
        evidence.read(tmp_path)


def test_symbolic_links_are_refused(tmp_path):
    write_ok(tmp_path)
    (tmp_path / "evidence.json").unlink()
    (tmp_path / "evidence.json").symlink_to("/etc/passwd")
    with pytest.raises(evidence.EvidenceError, match="cannot be opened safely"):
        evidence.read(tmp_path)
    linked = tmp_path.parent / "linked-folder"
    linked.symlink_to(tmp_path)
    with pytest.raises(evidence.EvidenceError):
        evidence.read(linked)


def test_a_fifo_does_not_hang_the_grader(tmp_path):
    write_ok(tmp_path)
    (tmp_path / "evidence.npz").unlink()
    os.mkfifo(tmp_path / "evidence.npz")
    with pytest.raises(evidence.EvidenceError, match="not a regular file"):
        evidence.read(tmp_path)


def test_pickled_object_arrays_are_refused(tmp_path):
    write_ok(tmp_path)
    buffer = io.BytesIO()
    np.savez(buffer, **{"lab02.ex1:weights": np.array([{"evil": 1}], dtype=object)})
    (tmp_path / "evidence.npz").write_bytes(buffer.getvalue())
    with pytest.raises(evidence.EvidenceError):
        evidence.read(tmp_path)


def test_oversized_and_bomb_archives_are_refused(tmp_path, monkeypatch):
    write_ok(tmp_path)
    monkeypatch.setattr(evidence, "MAX_JSON_BYTES", 10)
    with pytest.raises(evidence.EvidenceError, match="over the"):
        evidence.read(tmp_path)
    monkeypatch.undo()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lab02.ex1:weights.npy", b"\0" * (evidence.MAX_UNPACKED_BYTES + 1))
    (tmp_path / "evidence.npz").write_bytes(buffer.getvalue())
    with pytest.raises(evidence.EvidenceError, match="unpacks to more"):
        evidence.read(tmp_path)


def test_a_fake_document_gives_nothing(tmp_path):
    write_ok(tmp_path)
    (tmp_path / "evidence.json").write_text(json.dumps({"score": 4, "passed": True}))
    with pytest.raises(evidence.EvidenceError, match="format"):
        evidence.read(tmp_path)
