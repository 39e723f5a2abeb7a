"""Small lab parameters for the grading tests: the checks need only a little training.

``tests/grading/test_lab_checks.py`` runs each lab's whole reference solution and the
learner's copy with these (smaller than the labs' quick parameters); Lab 5's golden
test grades its submissions with them.
"""

TEST_PARAMETERS = {
    "lab02": {
        "TRAIN_LIMIT": 1000,
        "VALIDATION_SIZE": 200,
        "EPOCHS_A": 1,
        "EPOCHS_B": 1,
        "EPOCHS_C": 1,
        "EPOCHS_D": 1,
        "EPOCHS_EX2": 1,
    },
    "lab05": {"TRAIN_LIMIT": 1280, "EPOCHS_EX4": 1, "EPOCHS_COMPARE": 1, "REG_EPOCHS": 2},
    "lab07": {
        "TRAIN_LIMIT": 1200,
        "VALIDATION_SIZE": 400,
        "TEST_LIMIT": 400,
        "MAX_EPOCHS": 1,
        "PATIENCE": 1,
        "CHAR_REVIEWS": 40,
        "CHAR_EPOCHS": 1,
        "SERIES_HOURS": 1200,
        "FORECAST_EPOCHS": 1,
    },
}
