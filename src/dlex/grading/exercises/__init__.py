"""Exercises: what a lab declares (:mod:`.declarations`), the probe in the learner's kernel
(:mod:`.probe`, :mod:`.keras_evidence`), the evidence files between them
(:mod:`.evidence_files`), the judge in the grader (:mod:`.judge`, :mod:`.rebuild`, the shared
:mod:`.kit`), feedback text (:mod:`.feedback`) and ``dlex.check`` (:mod:`.check`)."""
