import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import mig


class MigTest(tf.test.TestCase):

  def test_identity_scores_near_one(self):
    self.assertBetween(mig.compute_mig(dt.identity, dt.DATA, dt.rs(), num_train=3000)[
        "discrete_mig"], 0.9, 1.0)

  def test_constant_and_noise_score_near_zero(self):
    for fn in (dt.constant, dt.noise):
      self.assertBetween(mig.compute_mig(fn, dt.DATA, dt.rs(), num_train=3000)[
          "discrete_mig"], 0.0, 0.1)

  def test_duplicated_scores_lower(self):
    # Two codes share each factor's information: no gap.
    score = mig.compute_mig(dt.duplicated, dt.DATA, dt.rs(), num_train=3000)["discrete_mig"]
    self.assertBetween(score, 0.0, 0.1)

  def test_core_against_hand_computation(self):
    # Code 0 is factor 0 (4 values, log 4 nats); code 1 = factor 0 // 2 knows log 2 of it.
    # Factor 1 is independent of both codes.
    f0 = np.repeat(np.arange(4), 4)
    f1 = np.tile([0, 1], 8)
    codes = np.stack([f0 * 1.0, f0 // 2 * 1.0], 1)
    gaps = mig._mig(codes, np.stack([f0, f1], 1), num_bins=4)
    self.assertAllClose(gaps, [(np.log(4) - np.log(2)) / np.log(4), 0.0])

  def test_one_code_is_refused(self):
    with self.assertRaisesRegex(ValueError, "at least 2"):
      mig.compute_mig(lambda x: x[:, :1], dt.DATA, dt.rs(), num_train=100)


if __name__ == "__main__":
  tf.test.main()
