"""TensorFlow's start-up notices are filtered from stderr; everything else written there still shows."""

import subprocess
import sys


def run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_importing_tensorflow_after_dlex_prints_no_startup_notices():
    proc = run("import dlex, tensorflow, os; os.write(2, b'after the import\\n')")
    assert proc.returncode == 0, proc.stderr
    assert "oneDNN custom operations" not in proc.stderr and "absl::InitializeLog" not in proc.stderr
    assert "after the import" in proc.stderr


def test_the_filter_keeps_every_other_line_and_errors_still_raise():
    proc = run(
        "import os\n"
        "from dlex._backend import without_tensorflow_startup_lines\n"
        "try:\n"
        "    with without_tensorflow_startup_lines():\n"
        "        os.write(2, b'I0000 port.cc:153] oneDNN custom operations are on.\\n')\n"
        "        os.write(2, b'E0000 a real error\\n')\n"
        "        raise ImportError('broken install')\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    assert proc.stderr == "E0000 a real error\n"
    assert proc.stdout == "broken install\n"
