"""A small, real stand-in for MNIST on machines that cannot download it.

scikit-learn ships 1,797 real handwritten digits as 8×8 images with values 0-16
(``sklearn.datasets.load_digits``, no download needed). :func:`digits_as_mnist`
puts them in MNIST's format: each digit is resized 8→20 pixels with bilinear
interpolation, scaled to 0-255, and drawn in the centre 20×20 box of a 28×28
uint8 image (4 pixels of border each side), as MNIST's digits are. The split is
stratified and fixed: 30 test images per class (300), the other 1,497 for training.
"""

import numpy as np

SPLIT_SEED = 1797
TEST_PER_CLASS = 30

NOTICE = (
    "Note: MNIST is not available on this machine (it is not in DLEX_DATA_DIR or "
    "the Keras cache, and it could not be downloaded), so this run uses a stand-in: "
    "scikit-learn's 1,797 real 8x8 handwritten digits, upscaled to MNIST's 28x28 "
    "format (1,497 training and 300 test images). Results will differ from the "
    "course's. To use the real MNIST, run `dlex data fetch mnist` on a machine with "
    "internet, or copy mnist.npz into ~/.keras/datasets or a folder named by "
    "DLEX_DATA_DIR."
)


def _bilinear_matrix(src: int, dst: int) -> np.ndarray:
    """``(dst, src)`` matrix resizing a 1-D signal with bilinear weights
    (half-pixel centres, edges clamped)."""
    centres = np.clip((np.arange(dst) + 0.5) * src / dst - 0.5, 0, src - 1)
    lo = np.floor(centres).astype(int)
    hi = np.minimum(lo + 1, src - 1)
    frac = centres - lo
    matrix = np.zeros((dst, src))
    rows = np.arange(dst)
    np.add.at(matrix, (rows, lo), 1 - frac)
    np.add.at(matrix, (rows, hi), frac)
    return matrix


def upscale(images: np.ndarray, max_value: float = 16.0) -> np.ndarray:
    """``(n, 8, 8)`` images with values 0..``max_value`` → ``(n, 28, 28)`` uint8 0-255,
    the digit in the centre 20×20 box."""
    resize = _bilinear_matrix(images.shape[-1], 20)
    big = resize @ images.astype(np.float64) @ resize.T
    big = np.clip(np.rint(big * (255.0 / max_value)), 0, 255).astype(np.uint8)
    return np.pad(big, ((0, 0), (4, 4), (4, 4)))


def split_indices(labels: np.ndarray, seed: int = SPLIT_SEED):
    """Stratified, deterministic ``(train_idx, test_idx)``: ``TEST_PER_CLASS`` test
    indices per class, both lists shuffled."""
    rng = np.random.default_rng(seed)
    test = []
    for digit in np.unique(labels):
        members = np.flatnonzero(labels == digit)
        test.append(rng.permutation(members)[:TEST_PER_CLASS])
    test = np.concatenate(test)
    train = np.setdiff1d(np.arange(len(labels)), test)
    return rng.permutation(train), rng.permutation(test)


def digits_as_mnist():
    """``(x_train, y_train), (x_test, y_test)`` like MNIST's (uint8, 28×28, 0-255),
    from scikit-learn's digits: 1,497 training and 300 test images."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = upscale(digits.images)
    labels = digits.target.astype(np.uint8)
    train, test = split_indices(labels)
    return (images[train], labels[train]), (images[test], labels[test])
