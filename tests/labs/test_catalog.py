"""The lab catalog: headers are complete, names resolve, unknown names fail clearly."""

import subprocess
import sys

import pytest

from dlex.errors import LabError
from dlex.labs import all_labs, get_lab
from dlex.runner.parameters import parameters_cell_index, read_parameters


def test_every_lab_has_a_valid_header_and_parameters_cell():
    labs = all_labs()
    assert [lab.number for lab in labs] == sorted(lab.number for lab in labs)
    assert labs[0].name == "lab02"
    for lab in labs:
        nb = lab.notebook()
        values = read_parameters(nb.cells[parameters_cell_index(nb)].source)
        assert set(lab.quick) <= set(values), f"{lab.name}: quick overrides unknown parameters"
        assert 0 < lab.minutes_quick < lab.minutes_full
        assert lab.headline, f"{lab.name}: name its headline metrics for `dlex run all`"


@pytest.mark.parametrize("name", ["lab02", "lab2", "02", "2", " LAB02 "])
def test_lab_names_resolve(name):
    assert get_lab(name).number == 2


@pytest.mark.parametrize("name", ["lab99", "keras", "", "lab-2"])
def test_unknown_lab_names_list_the_known_ones(name):
    with pytest.raises(LabError) as info:
        get_lab(name)
    assert "lab02" in info.value.hint


def test_named_cells_are_read_in_lab_order_and_their_code_joined():
    lab = get_lab("lab02")
    assert lab.parts()[:3] == ("setup", "parameters", "model-a")
    assert all(len(get_lab(other.name).parts()) == len(set(other.parts())) for other in all_labs())
    code = lab.code("model-c", "model-a")  # lab order, whatever order they are asked in
    assert code.index("model_a = keras.Sequential") < code.index("model_c = keras.Sequential")
    assert "# %%" not in code


def test_an_unknown_cell_name_lists_the_known_ones():
    with pytest.raises(LabError) as info:
        get_lab("lab02").code("model-a", "model-z")
    assert "'model-z'" in str(info.value) and "model-a" in info.value.hint


def test_execute_runs_the_parameters_the_overrides_and_the_named_cells():
    namespace = get_lab("lab02").execute("setup", "model-a", overrides={"EPOCHS_A": 1})
    assert namespace["EPOCHS_A"] == 1 and namespace["SEED_B"] == 4678  # overridden, and as the lab sets it
    assert namespace["model_a"].count_params() == 407_050
    assert "model_c" not in namespace
    with pytest.raises(LabError) as info:
        get_lab("lab02").execute(overrides={"EPOCS_A": 1})
    assert "EPOCS_A" in str(info.value) and "EPOCHS_A" in info.value.hint


def test_reading_cell_names_needs_neither_nbformat_nor_jupytext():
    code = (
        "import sys; from dlex.labs import all_labs; [lab.parts() for lab in all_labs()]; "
        "print(sorted({'nbformat', 'jupytext'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
