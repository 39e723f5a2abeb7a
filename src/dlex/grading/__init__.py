"""Exercises, evaluation questions, progress, and the instructors' grader.

For learners, in a notebook::

    dlex.check("lab02.ex1")          # checks your objects, prints what passed and hints
    dlex.quiz("lab02")               # shows the lab's evaluation questions
    dlex.answer("lab02.q3", 2)       # checks one answer and explains it

and in the shell: ``dlex check lab02 my.ipynb``, ``dlex quiz lab02``, ``dlex progress``.
For instructors: ``dlex grade lab02 submissions/*.ipynb --jobs 2 --out grades``.

How a check works (the same code in the notebook and in the grader):

* :mod:`dlex.grading.exercises.declarations` and :mod:`dlex.grading.questions.kinds`
  say what an exercise and a question are; each lab's are a small module in
  :mod:`dlex.grading.labs` (``lab02.py``), found by :mod:`dlex.grading.registry`.
* An exercise's **probe** runs where the learner's objects live and turns them into
  plain *evidence*: JSON values and NumPy arrays (a model's config and weights, its
  outputs on inputs drawn from a *challenge* seed, a history's numbers).
* Its **judge** turns evidence into outcomes (passed or not, with a message and a hint).
  It never sees the learner's objects, only the evidence.

``dlex.check`` probes and judges in the learner's own kernel. ``dlex grade`` runs each
submission in a sandbox (:mod:`dlex.grading.sandbox`, its worker inside), sends
the challenge seed only after the notebook has finished, reads the evidence files
without pickle, and judges them in the grader's own process
(:mod:`dlex.grading.grader`), which writes the gradebook (:mod:`dlex.grading.gradebook`).
Nothing a submission prints or writes about its score is read.

The package: ``exercises/`` (declaring, probing, judging exercises; ``dlex.check``),
``questions/`` (question kinds, answer keys, ``dlex.quiz``), ``sandbox/`` (limits, the
inside, the supervisor, detection, the worker), ``labs/`` (each lab's declarations),
``registry.py``, ``submissions.py``, ``grader.py``, ``gradebook.py`` and ``progress.py``.
"""
