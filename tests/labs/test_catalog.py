"""The lab catalog: headers are complete, names resolve, unknown names fail clearly."""

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
