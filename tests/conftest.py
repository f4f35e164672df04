import gc
import os
import sys

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Two logical CPUs, configured before TensorFlow initializes its devices (it cannot be changed
# afterwards), so MirroredStrategy tests have two replicas on this CPU-only machine. Ops
# without a strategy still run on /CPU:0 as before.
import tensorflow as tf  # pylint: disable=g-import-not-at-top,wrong-import-position

tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0],
    [tf.config.LogicalDeviceConfiguration()] * 2)

from tests import testutil  # noqa: E402  pylint: disable=g-import-not-at-top,wrong-import-position

# The tfds folder every test reads: built once (from the real files or synthetic ones).
testutil.prepare_test_data()


@pytest.fixture(autouse=True)
def _release_models():
  """Frees the models a test trained once it ends (`testutil.release_traced_graphs`), so a
  test process's memory does not grow with every test (BUILD.md, "Tests")."""
  yield
  if testutil.release_traced_graphs():
    gc.collect()


def pytest_terminal_summary(terminalreporter):
  """Says which data the tests ran on, and how many tests needed the original files."""
  skipped = [r for r in terminalreporter.stats.get("skipped", [])
             if "needs the original MNIST files" in str(r.longrepr)]
  line = f"tfgan_info test data: {testutil.DATA_SOURCE}"
  if skipped:
    line += f"; {len(skipped)} tests that need the original files were skipped"
  terminalreporter.write_line(line)
