"""Evaluation questions: their kinds (:mod:`.kinds`), encoded answer keys (:mod:`.answerkey`),
and asking them in a notebook or terminal (:mod:`.quiz`)."""
