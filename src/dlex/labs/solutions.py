"""Reference solutions live in the lab source between markers; learners get them removed.

    ### BEGIN SOLUTION
    model = keras.Sequential([...])
    ### END SOLUTION

In the learner's copy each marked block becomes ``# YOUR CODE HERE`` and a
``raise NotImplementedError`` at the block's indentation, so a forgotten exercise
fails loudly at its own cell.
"""

import re

import nbformat

from dlex.errors import LabError

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_PLACEHOLDER = 'raise NotImplementedError("Exercise: replace this line with your code")'


def strip_source(source: str) -> str:
    """Replace every marked solution block in one cell's source."""
    out, inside, indent = [], False, ""
    for number, line in enumerate(source.splitlines(), 1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise LabError(f"line {number}: '{BEGIN}' inside another solution block")
            inside, indent = True, re.match(r"\s*", line).group(0)
            out += [f"{indent}# YOUR CODE HERE", f"{indent}{_PLACEHOLDER}"]
        elif marker == END:
            if not inside:
                raise LabError(f"line {number}: '{END}' without a matching '{BEGIN}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise LabError(f"a '{BEGIN}' block is never closed with '{END}'")
    return "\n".join(out)


def has_solution(source: str) -> bool:
    return any(line.strip() == BEGIN for line in source.splitlines())


def learner_copy(nb, solutions: bool = False):
    """The notebook a learner works in: solutions removed, or only the markers dropped."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if cell.cell_type != "code" or not has_solution(cell.source):
            continue
        if solutions:
            cell.source = "\n".join(
                line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END)
            )
        else:
            cell.source = strip_source(cell.source)
    return copy
