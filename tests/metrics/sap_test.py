import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import sap


class SapTest(tf.test.TestCase):

  def test_identity_scores_near_one(self):
    score = sap.compute_sap(dt.identity, dt.DATA, dt.rs(), num_train=3000, num_test=3000,
                            continuous_factors=True)["SAP_score"]
    self.assertBetween(score, 0.9, 1.0)
    # The discrete variant (one linear SVM per code) separates 10 values of one code only
    # partly, but the matching code still wins by a margin.
    discrete = sap.compute_sap(dt.identity, dt.DATA, dt.rs(), num_train=2000, num_test=1000)
    matrix = np.array(discrete["score_matrix"])
    self.assertAllEqual(matrix.argmax(0), np.arange(10))
    self.assertBetween(discrete["SAP_score"], 0.1, 1.0)

  def test_constant_noise_and_duplicated_score_near_zero(self):
    for fn in (dt.constant, dt.noise, dt.duplicated):
      for continuous in (True, False):
        score = sap.compute_sap(fn, dt.DATA, dt.rs(), num_train=1000, num_test=500,
                                continuous_factors=continuous)["SAP_score"]
        self.assertBetween(score, 0.0, 0.1)

  def test_avg_diff_top_two(self):
    scores = np.array([[0.9, 0.2], [0.1, 0.6], [0.3, 0.5]])
    self.assertAllClose(sap._avg_diff_top_two(scores), ((0.9 - 0.3) + (0.6 - 0.5)) / 2)


if __name__ == "__main__":
  tf.test.main()
