"""The dataset files dlex knows: where Keras downloads them and how to recognise them.

A file is accepted if its bytes hash to the official value that Keras checks, OR if
the arrays inside it hash to the official *content* hashes. The second rule accepts
a copy whose arrays equal Keras's even though its zip bytes differ (other archive
timestamps or pickle details), such as the course's shared offline copies.

Content hashes (all sha256, hex):

* MNIST: each array's raw C-order bytes (uint8, shapes as Keras returns them).
* IMDB: ``x_*`` as all tokens as little-endian int32 concatenated in file order
  (``x_*:tokens``) plus every sequence length as little-endian int32
  (``x_*:lengths``); ``y_*`` as little-endian int64.
* IMDB word index: the JSON object re-serialised canonically
  (``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)``),
  computed from a file whose md5 equals the official one Keras checks.

The MNIST and IMDB content hashes are the published values for the official arrays.
"""

from dataclasses import dataclass, field

from dlex.errors import DataError

OFFICIAL_BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@dataclass(frozen=True)
class DatasetFile:
    """One downloadable file: its name on the CLI, its file name and its hashes."""

    name: str
    filename: str
    title: str
    kind: str  # "mnist" | "imdb" | "word_index": which content check applies
    file_hash: str  # the hash Keras's get_file checks
    hash_algorithm: str  # "sha256" or "md5", as Keras checks it
    content_hashes: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The official download address (Keras's)."""
        return OFFICIAL_BASE_URL + self.filename


MNIST = DatasetFile(
    name="mnist",
    filename="mnist.npz",
    title="MNIST",
    kind="mnist",
    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    hash_algorithm="sha256",
    content_hashes={
        "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
        "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
        "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
        "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
    },
)

IMDB = DatasetFile(
    name="imdb",
    filename="imdb.npz",
    title="IMDB reviews",
    kind="imdb",
    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    hash_algorithm="sha256",
    content_hashes={
        "x_train:tokens": "839f238f42e49ed32804afd9148bb93e9a84328e97603b7bcd0a830b148a4281",
        "x_train:lengths": "87136a21e7fad3eb46e62acfdad6d6204f559302a5cd59e1d572317ea13f703a",
        "x_test:tokens": "88455a6ba2a9e95ffeb943b563f338f13951733bc0c8fee0892a4f9f2d72f23c",
        "x_test:lengths": "cf21e05a29659f00b5057a123013888ad9c2f25e5dc1191f9398adadfea636c9",
        "y_train": "c90c484a677c5e7c7aa54b3d0b0f558ceb368ce161b136435c53a2021a6c5984",
        "y_test": "c90c484a677c5e7c7aa54b3d0b0f558ceb368ce161b136435c53a2021a6c5984",
    },
)

IMDB_WORD_INDEX = DatasetFile(
    name="imdb_word_index",
    filename="imdb_word_index.json",
    title="IMDB word index",
    kind="word_index",
    file_hash="bfafd718b763782e994055a2d397834f",
    hash_algorithm="md5",
    content_hashes={
        "json": "78592c7bf74d1ae23904d6b88b5bcb542c2628b20e68e80ee85a24a8875bfcca",
    },
)

FILES: dict[str, DatasetFile] = {f.name: f for f in (MNIST, IMDB, IMDB_WORD_INDEX)}


def names() -> list[str]:
    """Every valid dataset name, in a stable order."""
    return list(FILES)


def get(name: str) -> DatasetFile:
    """The registry entry for ``name``; a :class:`DataError` listing valid names if unknown."""
    try:
        return FILES[name]
    except KeyError:
        raise DataError(
            f"Unknown dataset {name!r}.",
            f"Use one of: {', '.join(names())}.",
        ) from None
