import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import disentanglement_utils as utils


class DisentanglementUtilsTest(tf.test.TestCase):

  def test_histogram_discretize(self):
    codes = np.stack([np.linspace(0.0, 1.0, 11), np.full(11, 3.0)], 1)
    bins = utils.histogram_discretize(codes, num_bins=5)
    self.assertAllEqual(bins[:, 0], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5])
    self.assertLen(np.unique(bins[:, 1]), 1)  # a constant code falls in one bin

  def test_mutual_info_and_entropy(self):
    f = np.repeat(np.arange(4), 25)[:, None]
    self.assertAllClose(utils.discrete_entropy(f), [np.log(4)])
    codes = np.stack([f[:, 0], f[:, 0] // 2, np.zeros(100)], 1)
    self.assertAllClose(utils.discrete_mutual_info(codes, f)[:, 0],
                        [np.log(4), np.log(2), 0.0])

  def test_generate_factor_codes(self):
    codes, factors = utils.generate_factor_codes(dt.duplicated, dt.DATA, 50, dt.rs(), 16)
    self.assertEqual(codes.shape, (50, 20))
    self.assertAllEqual(codes[:, :10], factors)

  def test_generate_factor_codes_draws_like_disentanglement_lib(self):
    rs = dt.rs(5)
    batches = [dt.NOISY.sample(n, rs) for n in (16, 16, 16, 2)]  # factors, then observations
    codes, factors = utils.generate_factor_codes(dt.identity, dt.NOISY, 50, dt.rs(5), 16)
    self.assertAllEqual(factors, np.concatenate([f for f, _ in batches]))
    self.assertAllClose(codes, np.concatenate([o for _, o in batches]))

  def test_represent_checks_shapes(self):
    self.assertEqual(utils.represent(dt.identity, np.ones((5, 3)), batch_size=2).shape, (5, 3))
    with self.assertRaisesRegex(ValueError, r"\[N, D\] codes"):
      utils.represent(lambda x: x[:1], np.ones((5, 3)))


if __name__ == "__main__":
  tf.test.main()
