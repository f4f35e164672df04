"""tools/pytest_rss.py: the summary of the recorded RSS of test processes."""

import json
import os

import tensorflow as tf

from tests import testutil

pytest_rss = testutil.load_tool("pytest_rss")


class PytestRssTest(tf.test.TestCase):

  def test_summary_gives_peak_final_and_largest_rises(self):
    folder = self.get_temp_dir()
    rows = [["a", 100.0, 120.0], ["b", 400.0, 450.0], ["c", 350.0, 450.0], ["d", 380.0, 460.0]]
    with open(os.path.join(folder, "gw0.json"), "w") as f:
      json.dump(rows, f)
    self.assertEqual(pytest_rss.summary(folder, top=2).splitlines(), [
        "gw0: 4 tests, peak RSS 460 MB, at the end 380 MB",
        "  +300 MB after b", "  +30 MB after d"])
    self.assertGreater(pytest_rss._rss_mb(), 10)  # pylint: disable=protected-access


if __name__ == "__main__":
  tf.test.main()
