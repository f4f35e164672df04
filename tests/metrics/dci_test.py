import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.data.ground_truth import IdentityObservations
from tfgan_info.metrics import dci

SMALL = IdentityObservations((5,) * 4)  # gradient-boosted trees are the slow part


class DciTest(tf.test.TestCase):

  def test_identity_scores_near_one(self):
    scores = dci.compute_dci(dt.identity, SMALL, dt.rs(), num_train=500, num_test=300)
    for key in ("disentanglement", "completeness", "informativeness_test"):
      self.assertBetween(scores[key], 0.9, 1.0, key)

  def test_constant_scores_near_zero(self):
    scores = dci.compute_dci(dt.constant, SMALL, dt.rs(), num_train=500, num_test=300)
    self.assertBetween(scores["disentanglement"], 0.0, 0.1)
    self.assertBetween(scores["completeness"], 0.0, 0.1)
    self.assertBetween(scores["informativeness_test"], 0.0, 0.4)  # chance: 1/5

  def test_duplicated_is_less_complete(self):
    scores = dci.compute_dci(dt.duplicated, SMALL, dt.rs(), num_train=500, num_test=300)
    self.assertBetween(scores["disentanglement"], 0.9, 1.0)
    # Each factor spread evenly over two of 8 codes: 1 - log 2 / log 8 = 2/3.
    self.assertAllClose(scores["completeness"], 1 - np.log(2) / np.log(8), atol=0.1)

  def test_scores_of_importance_matrices(self):
    self.assertAllClose(dci.disentanglement(np.eye(3)), 1.0)
    self.assertAllClose(dci.completeness(np.eye(3)), 1.0)
    self.assertAllClose(dci.disentanglement(np.ones((3, 3))), 0.0, atol=1e-6)
    # One code explains both factors: complete, not disentangled.
    one_code = np.array([[1.0, 1.0], [0.0, 0.0]])
    self.assertAllClose(dci.disentanglement(one_code), 0.0, atol=1e-6)
    self.assertAllClose(dci.completeness(one_code), 1.0, atol=1e-6)
    self.assertAllClose(dci.disentanglement(np.zeros((2, 2))), 0.0, atol=1e-6)


if __name__ == "__main__":
  tf.test.main()
