"""One module per lab (``lab02.py`` …) declaring its ``EXERCISES`` and ``QUESTIONS``.

Adding a lab's exercises: write ``labNN.py`` here with a probe and a judge per exercise
(see :mod:`dlex.grading.exercises.declarations`, with shared checks in
:mod:`dlex.grading.exercises.kit`), its questions, and its encoded answer key in
``dlex/grading/questions/keys/labNN.json`` (:mod:`dlex.grading.questions.answerkey`). Optional hooks:
``warm_up()`` (the grader calls it in the background before judging, e.g. to load data).
Small parameters for the tests live in tests/grading/parameters.py.
"""
