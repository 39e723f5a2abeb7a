"""Answer keys of the evaluation questions: stored encoded, never in plain text.

A lab's key is ``dlex/grading/questions/keys/labNN.json``::

    {"format": "dlex-answer-key/1", "lab": "lab02", "entries": {"lab02.q1": "<token>", ...}}

Each token is base64 of a small JSON record XOR-ed with a keystream made from SHA-256 of
a fixed pepper, the question id and a counter, so no answer can be read or found with
``grep``. Inside the record, the correct option of a multiple-choice question is kept
only as a salted SHA-256 digest (``digest(question id, option index)``): checking an
answer hashes the learner's choice and compares. Numeric answers keep their value and
tolerance (a hash cannot test "within a tolerance").

This is obfuscation, not secrecy: ``dlex quiz`` must check answers on the learner's own
machine, offline, so everything needed to check is in the package. It keeps answers out
of sight (no plain text in the source, the wheel or a notebook); it does not stop a
determined reader of this module. Questions about a learner's own run need no key: their
answers are that run's numbers.

Instructors write keys from a plain file kept outside the package::

    python -m dlex.grading.questions.answerkey encode plain.json src/dlex/grading/questions/keys/lab02.json

where ``plain.json`` maps ids to ``{"choice": 2}`` (1-based option number) or
``{"value": 1234.5, "tolerance": 0.1}``.
"""

import base64
import hashlib
import json
import sys
from functools import cache
from pathlib import Path

from dlex.errors import DlexError

FORMAT = "dlex-answer-key/1"
KEY_DIR = Path(__file__).parent / "keys"  # dlex/grading/questions/keys
_PEPPER = b"dlex/answer-key/v1:7c1e0b9a"


def digest(question_id: str, option_index: int) -> str:
    """Salted hash of one option (0-based index) of one question."""
    return hashlib.sha256(_PEPPER + f"|{question_id}|{int(option_index)}".encode()).hexdigest()


def _keystream(question_id: str, length: int) -> bytes:
    out, counter = b"", 0
    while len(out) < length:
        out += hashlib.sha256(_PEPPER + f"|stream|{question_id}|{counter}".encode()).digest()
        counter += 1
    return out[:length]


def encode_entry(question_id: str, record: dict) -> str:
    data = json.dumps(record, sort_keys=True).encode()
    mixed = bytes(a ^ b for a, b in zip(data, _keystream(question_id, len(data))))
    return base64.b64encode(mixed).decode()


def decode_entry(question_id: str, token: str) -> dict:
    mixed = base64.b64decode(token)
    data = bytes(a ^ b for a, b in zip(mixed, _keystream(question_id, len(mixed))))
    return json.loads(data)


def record_from_plain(question_id: str, plain: dict) -> dict:
    """The stored record for a plain answer ``{"choice": n}`` or ``{"value": v, "tolerance": t}``."""
    if "choice" in plain:
        return {"kind": "choice", "digest": digest(question_id, int(plain["choice"]) - 1)}
    if "value" in plain:
        return {
            "kind": "numeric",
            "value": float(plain["value"]),
            "tolerance": float(plain.get("tolerance", 0.0)),
        }
    raise ValueError(f"{question_id}: a plain answer needs 'choice' or 'value'")


def encode_key(lab: str, plain_answers: dict) -> dict:
    entries = {
        qid: encode_entry(qid, record_from_plain(qid, answer))
        for qid, answer in sorted(plain_answers.items())
    }
    return {"format": FORMAT, "lab": lab, "entries": entries}


@cache
def load_key(lab: str) -> dict:
    """``{question id: record}`` for ``lab``; a DlexError if the key file is missing or bad."""
    path = KEY_DIR / f"{lab}.json"
    try:
        document = json.loads(path.read_text())
        if document.get("format") != FORMAT:
            raise ValueError("unknown format")
        return {qid: decode_entry(qid, token) for qid, token in document["entries"].items()}
    except FileNotFoundError:
        raise DlexError(
            f"the answer key of {lab} is missing ({path})", "reinstall dlex; the key ships with the package"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DlexError(f"the answer key of {lab} is damaged ({exc})", "reinstall dlex") from None


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "encode":
        print("usage: python -m dlex.grading.questions.answerkey encode PLAIN.json KEY.json", file=sys.stderr)
        return 2
    plain = json.loads(Path(argv[1]).read_text())
    lab = plain.pop("lab")
    Path(argv[2]).write_text(json.dumps(encode_key(lab, plain), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
