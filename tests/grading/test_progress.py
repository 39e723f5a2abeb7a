"""Progress: updated under a file lock, replaced atomically, never corrupted."""

import json
import multiprocessing
import os

import pytest

from dlex.grading import progress


def _hammer(home: str, worker: int, rounds: int) -> None:
    os.environ["DLEX_HOME"] = home
    for i in range(rounds):
        progress.record_exercise(f"lab02.ex{worker}", passed=i % 2 == 0, score=i, points=rounds)

        def add(data, key=f"w{worker}-{i}"):
            data.setdefault("counter", []).append(key)

        progress.update(add)


def test_concurrent_processes_lose_no_update(tmp_path):
    home = str(tmp_path / "dlex")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(home, w, 25)) for w in range(4)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    data = json.loads((tmp_path / "dlex" / "progress.json").read_text())
    assert sorted(data["counter"]) == sorted(f"w{w}-{i}" for w in range(4) for i in range(25))
    assert set(data["labs"]["lab02"]["exercises"]) == {f"lab02.ex{w}" for w in range(4)}
    assert not [p for p in (tmp_path / "dlex").iterdir() if p.name.endswith(".tmp")]


def test_a_crash_while_writing_keeps_the_old_file(monkeypatch):
    progress.record_exercise("lab02.ex1", True, 2, 2)
    before = progress.path().read_text()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(progress.json, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        progress.record_exercise("lab02.ex2", True, 2, 2)
    assert progress.path().read_text() == before
    assert [p.name for p in progress.path().parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_damaged_file_reads_as_empty_and_is_replaced_on_update():
    progress.path().parent.mkdir(parents=True, exist_ok=True)
    progress.path().write_text("{not json")
    assert progress.load()["labs"] == {}
    progress.record_run("lab02", progress.path().parent / "metrics.json", ok=True, quick=True)
    assert progress.load()["labs"]["lab02"]["last_run"]["ok"] is True
    kept = list(progress.path().parent.glob("progress.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"
