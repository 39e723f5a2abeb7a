"""A result question names the model whose number its key reads, and says nothing about that
model that the lab's code contradicts (lab07.q8 once called the L2-penalised gru_fixed "without
a penalty", so a learner answering what the text said was marked wrong)."""

import re

import pytest

from dlex.grading import registry
from dlex.labs import get_lab

# How a question may name the model behind a metrics prefix, where the prefix's own words
# ("model_a" -> "model a") are not what a learner reads in the lab.
NAMED_AS = {
    "xor": "xor",
    "depth_vs_width": "depth-versus-width",
    "lasso": "lasso",
    "nn_early_stopping": "early-stopped network",
    "augmentation": "augmentation",
    "no_augmentation": "without augmentation",
    "steps_to_tol": "optimizer",
    "ex1": "exercise 1",
    "mnist_adam": "exercise 4",
    "cnn": "cnn",
    "cnn_same": "padding='same'",
    "gru_fixed": "practitioner's gru",
    "bigru": "bidirectional gru",
    "forecast": "forecast",
}
NO_PENALTY = re.compile(r"\b(without a penalty|no penalty|unpenali[sz]ed)\b", re.I)


def _result_questions():
    for lab in registry.graded_labs():
        for question in registry.questions(lab):
            if question.kind == "result":
                yield lab, question


def _wordings(question):
    """(words naming one model, the metrics key read for it) for each model the question reads."""
    if hasattr(question, "key"):
        return [(question.text, question.key)]
    return [(f"{question.text} {label}", key) for label, key in question.options]


@pytest.mark.parametrize("lab,question", list(_result_questions()), ids=lambda v: getattr(v, "id", v))
def test_wording_names_the_model_its_key_reads(lab, question):
    for words, key in _wordings(question):
        prefix = key.split(".")[0]
        name = NAMED_AS.get(prefix, prefix.replace("_", " "))
        assert name in words.lower(), f"{question.id}: {words!r} never names {prefix!r} (as {name!r})"


@pytest.mark.parametrize("lab,question", list(_result_questions()), ids=lambda v: getattr(v, "id", v))
def test_a_model_called_unpenalised_is_built_without_a_regularizer(lab, question):
    source = get_lab(lab).path.read_text(encoding="utf-8")
    for words, key in _wordings(question):
        label = words if hasattr(question, "key") else words[len(question.text) :]
        if not NO_PENALTY.search(label):
            continue
        prefix = key.split(".")[0]
        statement = _statement_building(source, prefix)
        assert "regularizer" not in statement, (
            f"{question.id} calls {prefix} unpenalised, but the lab builds it with a penalty:\n{statement}"
        )


def _statement_building(source: str, name: str) -> str:
    """The lines of the statement that ends with ``name="<name>")``: the model's definition."""
    lines = source.splitlines()
    end = next(i for i, line in enumerate(lines) if f'name="{name}")' in line)
    start = end
    while start > 0 and not re.match(r"^\w+ = ", lines[start]):
        start -= 1
    return "\n".join(lines[start : end + 1])


def test_the_check_catches_the_old_wording():
    """The regression this file exists for: gru_fixed carries L2, so 'without a penalty' is refused."""
    source = get_lab("lab07").path.read_text(encoding="utf-8")
    assert "regularizer" in _statement_building(source, "gru_fixed")
    assert NO_PENALTY.search("your GRU without a penalty (gru_fixed)")
