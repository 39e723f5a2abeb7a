"""``dlex bench``'s lab models: built as the labs build them, found by lab prefix, and
timed by a real benchmark worker (real Keras on JAX, real MNIST/IMDB, no mocks)."""

import json
import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from dlex.bench.models import SPECS, resolve
from dlex.labs import get_lab

# Parameter counts of the labs' own models: recorded by the labs as `<name>.params` in
# metrics.json (Lab 2 model_a/model_c, Lab 4 nn, Lab 6 all four, Lab 7 all seven) or
# worked out from the architectures the labs describe (the others).
LAB_PARAMS = {
    "lab02.model_a": 407_050,  # 784·512 + 512 + 512·10 + 10
    "lab02.model_c": 669_706,
    "lab02.model_d": 669_706,
    "lab04.nn": 1_409,  # the lab prints 9·128 + 128 + 128·1 + 1
    "lab04.nn_l2": 1_409,
    "lab04.nn_l1": 1_409,
    "lab04.nn_dropout": 1_409,
    "lab04.nn_batchnorm": 1_921,  # Dense(128) 1,280 + BatchNormalization 4·128 + Dense(1) 129
    "lab04.ex2": 1_409,
    "lab04.digits": 203_530,  # 784·256 + 256 + 256·10 + 10
    "lab05.keras_sgd_m05": 16_897,  # 1·128 + 128 + 128·128 + 128 + 128 + 1
    "lab05.keras_sgd_m0005": 16_897,
    "lab05.keras_rmsprop": 16_897,
    "lab05.mnist_adam": 669_706,
    "lab05.mnist_adam_small_l2": 669_706,
    "lab05.mnist_rmsprop_lab02_d": 669_706,
    "lab06.cnn": 93_322,
    "lab06.cnn_same": 257_162,
    "lab06.dense_lab02_a": 407_050,
    "lab06.dense_lab05_ex4": 669_706,
    "lab07.embedding": 82_001,  # the lab prints 10000·8 + 250·8 + 1
    "lab07.simple_rnn": 322_113,  # embedding 320,000 + SimpleRNN 32·32 + 32·32 + 32 + Dense 33
    "lab07.gru": 326_369,  # GRU 3·(32·32 + 32·32 + 2·32)
    "lab07.gru_fixed": 326_369,
    "lab07.lstm": 328_353,  # LSTM 4·(32·32 + 32·32 + 32)
    "lab07.gru_dropout": 326_369,
    "lab07.bigru": 332_737,  # two GRUs + Dense(64 → 1)
}


def test_every_lab_model_has_the_labs_parameter_count():
    """The plain model, and the lab's model built by the lab's own cells, compiled to fit."""
    assert sorted(SPECS) == sorted(LAB_PARAMS)
    for name, spec in SPECS.items():
        assert spec.build().count_params() == LAB_PARAMS[name], name
        lab_model = spec.lab_build()
        assert lab_model.count_params() == LAB_PARAMS[name] and lab_model.compiled, name


def test_the_benchmarked_model_is_the_labs_model(tmp_path):
    """Change a layer in a copy of Lab 2's Model A cell: the spec built from that copy changes with it."""
    lab = get_lab("lab02")
    source = lab.path.read_text(encoding="utf-8")
    cell = lab.code("model-a")
    assert 'keras.layers.Dense(512, activation="relu")' in cell
    copy = tmp_path / lab.path.name
    copy.write_text(source.replace(cell, cell.replace("Dense(512,", "Dense(256,")), encoding="utf-8")
    spec = SPECS["lab02.model_a"]
    changed = replace(spec.lab_build, lab=replace(lab, path=copy))
    assert spec.lab_build().count_params() == 407_050
    assert changed().count_params() == 784 * 256 + 256 + 256 * 10 + 10


@pytest.mark.parametrize(
    "names, expected",
    [
        (["lab06"], ["lab06.cnn", "lab06.cnn_same", "lab06.dense_lab02_a", "lab06.dense_lab05_ex4"]),
        (
            ["lab07"],
            [
                "lab07.embedding",
                "lab07.simple_rnn",
                "lab07.gru",
                "lab07.gru_fixed",
                "lab07.lstm",
                "lab07.gru_dropout",
                "lab07.bigru",
            ],
        ),
        (["lab07.gru"], ["lab07.gru"]),  # a full name is not a prefix of lab07.gru_fixed
        (
            ["lab04.nn", "lab04"],
            [
                "lab04.nn",
                "lab04.nn_l2",
                "lab04.nn_l1",
                "lab04.nn_dropout",
                "lab04.nn_batchnorm",
                "lab04.ex2",
                "lab04.digits",
            ],
        ),
    ],
)
def test_resolve_by_name_or_lab(names, expected):
    assert [spec.name for spec in resolve(names)] == expected


def test_lab_variants_differ_from_plain_where_the_labs_do():
    """Every spec has the lab's model; Lab 4 compiles its batch-size-1 networks otherwise;
    Lab 7 feeds its recurrent models length buckets, its practitioner's models and exercises in batches of 32;
    Lab 6 runs on TensorFlow, Lab 7 on the default backend."""
    assert all(spec.lab_build for spec in SPECS.values())
    recurrent = [s for s in resolve(["lab07"]) if s.name != "lab07.embedding"]
    assert all(s.lab_data and s.lab_build for s in recurrent)
    assert {s.name.split(".")[1]: s.batch_size for s in recurrent} == {
        "simple_rnn": 1024,
        "gru": 1024,
        "gru_fixed": 32,
        "lstm": 32,
        "gru_dropout": 32,
        "bigru": 32,
    }
    assert {s.lab_backend for s in resolve(["lab06"])} == {"tensorflow"}
    assert {s.lab_backend for s in resolve(["lab07"])} == {None}


def test_length_buckets_are_the_labs_batches_of_the_padded_reviews():
    """Lab 7's own LengthBuckets: every review once per epoch, its last 250 words, in a
    batch padded to the smallest width that holds it; before the first epoch a narrowest
    and a widest batch first, for TensorFlow's shapes; reshuffled after each epoch."""
    import keras

    from dlex.bench.lab_models import from_padded

    rng = np.random.default_rng(0)
    reviews = [np.concatenate([[1], rng.integers(3, 10000, n - 1)]) for n in rng.integers(20, 300, 100)]
    buckets = from_padded(keras.utils.pad_sequences(reviews, maxlen=250), np.ones(100), batch_size=16)
    assert type(buckets).__name__ == "LengthBuckets" and buckets.widths == [100, 150, 200, 250]
    assert [list(r) for r in buckets.reviews] == [list(r[-250:]) for r in reviews]
    first = [buckets[i][0].shape[1] for i in range(len(buckets))]
    assert first[:2] == [min(first), max(first)]
    orders = []
    for _ in range(3):  # the first grouping and two regroupings after an epoch
        assert sorted(np.concatenate(buckets.batches)) == list(range(100))
        orders.append([list(b) for b in buckets.batches])
        for i, batch in enumerate(buckets.batches):
            longest = max(len(buckets.reviews[j]) for j in batch)
            assert buckets[i][0].shape[1] == min(w for w in buckets.widths if w >= longest)
        buckets.on_epoch_end()
    assert orders[0] != orders[1] != orders[2]


def test_worker_times_lab_and_plain_on_a_subset(data_dir):
    """One model of each new kind: other compile arguments (lab04.nn), the same model
    (lab05.keras_rmsprop), and length buckets (lab07.simple_rnn)."""
    models = ["lab04.nn", "lab05.keras_rmsprop", "lab07.simple_rnn"]
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlex.bench.epochs",
            "--repeat",
            "1",
            "--samples",
            "256",
            "--models",
            *models,
            "--lab-models",
            *models,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("DLEX-BENCH ")]
    assert proc.returncode == 0 and lines, proc.stderr[-2000:]
    result = json.loads(lines[0].removeprefix("DLEX-BENCH "))
    assert result["backend"] == "jax"
    assert {name: r["samples"] for name, r in result["models"].items()} == {
        "lab04.nn": 20,
        "lab05.keras_rmsprop": 256,
        "lab07.simple_rnn": 256,
    }
    for name, r in result["models"].items():
        assert sorted(r["epochs"]) == ["lab", "plain"], name
        assert all(len(times) == 1 and times[0] > 0 for times in r["epochs"].values()), name
