"""The scikit-learn digits stand-in for machines without MNIST."""

import numpy as np
import pytest
from datahelpers import truncated

from dlex.data import DataCorruptError, load_mnist_or_standin, standin


def _check_digits(splits):
    (x_train, y_train), (x_test, y_test) = splits
    assert x_train.shape == (1497, 28, 28) and x_test.shape == (300, 28, 28)
    assert y_train.shape == (1497,) and y_test.shape == (300,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 255
    # MNIST layout: the digit lies in the centre 20x20 box, a 4-pixel empty border.
    border = np.ones((28, 28), bool)
    border[4:24, 4:24] = False
    assert not x_train[:, border].any() and not x_test[:, border].any()
    assert np.bincount(y_test, minlength=10).tolist() == [30] * 10
    assert sorted(set(y_train.tolist())) == list(range(10))


def test_standin_when_mnist_unavailable_offline(data_dir, capsys):
    splits, source = load_mnist_or_standin()
    assert source == "digits"
    _check_digits(splits)
    out = capsys.readouterr().out
    assert "stand-in" in out and "dlex data fetch mnist" in out
    # Deterministic: the same images in the same order every time.
    again, _ = load_mnist_or_standin()
    for ours, theirs in zip(splits, again):
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)


def test_standin_when_download_fails(data_dir, online, closed_port, monkeypatch, capsys):
    monkeypatch.setenv("DLEX_DATA_MIRROR", f"http://127.0.0.1:{closed_port}/")
    _, source = load_mnist_or_standin()
    assert source == "digits" and "stand-in" in capsys.readouterr().out


def test_corrupted_mnist_raises_instead_of_falling_back(shared, data_dir, capsys):
    path = truncated(shared / "mnist.npz", data_dir / "mnist.npz")
    with pytest.raises(DataCorruptError) as info:
        load_mnist_or_standin()
    assert str(path) in info.value.message
    assert "stand-in" not in capsys.readouterr().out


def test_real_mnist_when_available(shared, capsys):
    ((x_train, _), _), source = load_mnist_or_standin()
    assert source == "mnist" and x_train.shape == (60000, 28, 28)
    assert capsys.readouterr().out == ""


def test_upscale_keeps_a_constant_image_constant():
    images = np.full((1, 8, 8), 16.0)
    big = standin.upscale(images)
    assert big.shape == (1, 28, 28)
    assert (big[0, 4:24, 4:24] == 255).all() and big.sum() == 255 * 400
