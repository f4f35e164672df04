import json
import os
import sys

import tensorflow as tf

from tests import testutil
from tfgan_info import config as config_lib
from tfgan_info import train_lib

sys.path.insert(0, os.path.join(testutil.ROOT, "tools"))
import model_centrality  # pylint: disable=g-import-not-at-top,wrong-import-position


class ModelCentralityToolTest(tf.test.TestCase):

  def test_scores_exports_and_refuses_categorical_codes(self):
    run = os.path.join(self.get_temp_dir(), "dsprites")
    config = testutil.tiny_dsprites_infogan_config(run, train_steps=2)
    train_lib.run(config)
    out = model_centrality.centrality([run, run], num_votes=12, batch_size=8,
                                      num_std_estimate=64)
    self.assertEqual(out["most_central"], run)
    self.assertLen(out["cross_scores"], 2)
    for i in range(2):
      self.assertEqual(out["cross_scores"][i][i], 1.0)
      self.assertBetween(out["centrality"][i], 0.0, 1.0)
    # The same model both ways: the two directions see the same draws.
    self.assertEqual(out["cross_scores"][0][1], out["cross_scores"][1][0])
    mnist = os.path.join(self.get_temp_dir(), "mnist")
    os.makedirs(mnist)
    with open(os.path.join(mnist, "config.json"), "w") as f:
      f.write(json.dumps(config_lib.Config().to_dict()))
    with self.assertRaisesRegex(ValueError, "one-dimensional continuous codes"):
      model_centrality.centrality([run, mnist])
    with self.assertRaisesRegex(ValueError, "at least two runs"):
      model_centrality.centrality([run])


if __name__ == "__main__":
  tf.test.main()
