import math

import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import latents


class ParseCodesTest(tf.test.TestCase, parameterized.TestCase):

  def test_parses_infogan_mnist_spec(self):
    codes = latents.parse_codes("cat:10,uniform:1,uniform:1")
    self.assertEqual(codes, (latents.Code("cat", 10), latents.Code("uniform", 1),
                             latents.Code("uniform", 1)))

  @parameterized.parameters("cat", "cat:", "cat:x", "gauss:2", "cat:1", "uniform:0", ":3")
  def test_bad_spec_raises_one_line_error(self, spec):
    with self.assertRaisesRegex(ValueError, "kind:size|bad size"):
      latents.parse_codes(spec)

  def test_empty_spec_is_no_code(self):
    self.assertEqual(latents.parse_codes(""), ())


class LatentSpecTest(tf.test.TestCase):

  def setUp(self):
    super().setUp()
    self.spec = latents.LatentSpec("cat:10,uniform:2,normal:1", noise_dim=5, learn_std=True)

  def test_dims(self):
    self.assertEqual(self.spec.code_dim, 13)
    self.assertEqual(self.spec.q_dim, 10 + 4 + 2)
    self.assertEqual(latents.LatentSpec("cat:10,uniform:2", 5).q_dim, 12)

  def test_entropies_match_closed_forms(self):
    self.assertAllClose(self.spec.entropies(),
                        [math.log(10), 2 * math.log(2), 0.5 * math.log(2 * math.pi * math.e)])
    # And the tfp priors agree with the closed forms.
    for code, h in zip(self.spec.codes, self.spec.entropies()):
      self.assertAllClose(float(code.prior().entropy()), h, atol=1e-5)

  def test_sample_shapes_support_and_seed(self):
    noise, codes = self.spec.sample(256, tf.constant([1, 2]))
    self.assertEqual(noise.shape, (256, 5))
    self.assertEqual(codes.shape, (256, 13))
    cat, uni, _ = self.spec.split_codes(codes)
    self.assertAllClose(tf.reduce_sum(cat, -1), tf.ones(256))
    self.assertAllEqual(tf.reduce_sum(cat, -1), tf.ones(256))
    self.assertLessEqual(float(tf.reduce_max(tf.abs(uni))), 1.0)
    # Roughly uniform categories.
    self.assertGreater(int(tf.reduce_min(tf.reduce_sum(cat, 0))), 5)
    noise2, codes2 = self.spec.sample(256, tf.constant([1, 2]))
    self.assertAllEqual(codes, codes2)
    self.assertAllEqual(noise, noise2)
    _, codes3 = self.spec.sample(256, tf.constant([1, 3]))
    self.assertNotAllClose(codes, codes3)

  def test_sample_pairs_share_the_noise_and_exactly_one_code(self):
    spec = latents.LatentSpec("cat:4,uniform:2,uniform:1", 3)
    noise, a, b, shared = spec.sample_pairs(500, tf.constant([1, 2]))
    self.assertEqual((noise.shape, a.shape, b.shape, shared.shape),
                     ((500, 3), (500, 7), (500, 7), (500,)))
    self.assertEqual(set(shared.numpy()), {0, 1, 2})  # k ~ Unif over the 3 codes
    for part_a, part_b, k in zip(spec.split_codes(a), spec.split_codes(b), range(3)):
      same = np.all(part_a.numpy() == part_b.numpy(), axis=-1)
      self.assertTrue(np.all(same[shared.numpy() == k]), k)
      if not spec.codes[k].is_categorical:  # independent draws of a continuous code differ
        self.assertFalse(np.any(same[shared.numpy() != k]), k)
    # The categorical code's one-hot rows stay one-hot.
    self.assertAllEqual(tf.reduce_sum(spec.split_codes(b)[0], -1), tf.ones([500]))
    with self.assertRaisesRegex(ValueError, "at least one code"):
      latents.LatentSpec("", 3).sample_pairs(2, tf.constant([0, 0]))

  def test_sphere_noise_is_uniform_on_the_sphere(self):
    spec = latents.LatentSpec("", 6, noise="sphere")
    noise, codes = spec.sample(4000, tf.constant([5, 6]))
    self.assertEqual(codes.shape, (4000, 0))
    self.assertAllClose(np.linalg.norm(noise, axis=1), np.ones(4000), atol=1e-5)
    # Uniform on S^5: mean 0, covariance I / 6.
    self.assertAllClose(np.mean(noise, 0), np.zeros(6), atol=0.03)
    self.assertAllClose(np.cov(noise.numpy().T), np.eye(6) / 6, atol=0.015)


if __name__ == "__main__":
  tf.test.main()
