"""The JAX compilation cache that `dlex run` gives a lab's kernel (docs/performance.md)."""

from pathlib import Path

from dlex.runner.kernel_env import jax_cache_environment


def test_cache_defaults_to_dlex_home_with_every_program_kept(monkeypatch, tmp_path):
    for name in (
        "JAX_COMPILATION_CACHE_DIR",
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS",
        "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES",
        "JAX_COMPILATION_CACHE_MAX_SIZE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DLEX_HOME", str(tmp_path / "home"))
    env = jax_cache_environment()
    assert Path(env["JAX_COMPILATION_CACHE_DIR"]) == tmp_path / "home" / "cache" / "jax"
    assert env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] == "0"
    assert env["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] == "0"
    assert int(env["JAX_COMPILATION_CACHE_MAX_SIZE"]) == 1 << 30


def test_each_setting_the_user_made_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("JAX_COMPILATION_CACHE_MAX_SIZE", "-1")
    env = jax_cache_environment()
    assert "JAX_COMPILATION_CACHE_DIR" not in env and "JAX_COMPILATION_CACHE_MAX_SIZE" not in env
    assert env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] == "0"
