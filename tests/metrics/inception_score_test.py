import numpy as np
import tensorflow as tf

from tfgan_info.metrics import inception_score


class InceptionScoreTest(tf.test.TestCase):

  def test_confident_balanced_scores_k_constant_scores_one(self):
    confident = np.eye(10)[np.arange(1000) % 10]
    self.assertAllClose(inception_score.compute_inception_score(confident)["score"], 10.0,
                        rtol=1e-6)
    constant = np.tile(np.eye(10)[3], (1000, 1))
    self.assertAllClose(inception_score.compute_inception_score(constant)["score"], 1.0)
    uniform = np.full((1000, 10), 0.1)
    self.assertAllClose(inception_score.compute_inception_score(uniform)["score"], 1.0)

  def test_matches_numpy_formula(self):
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(400, 5)) * 2
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    scores = []
    for part in np.split(p, 4):
      marginal = part.mean(0)
      kl = (part * np.log(part / marginal)).sum(1)
      scores.append(np.exp(kl.mean()))
    out = inception_score.compute_inception_score(p, splits=4)
    self.assertAllClose(out["score"], np.mean(scores), rtol=1e-6)
    self.assertAllClose(out["score_std"], np.std(scores), rtol=1e-6)
    self.assertEqual(out["num_generated"], 400)

  def test_bad_inputs(self):
    with self.assertRaisesRegex(ValueError, "probability vectors"):
      inception_score.compute_inception_score(np.ones((20, 3)))
    with self.assertRaisesRegex(ValueError, "N >= splits"):
      inception_score.compute_inception_score(np.eye(3), splits=10)


if __name__ == "__main__":
  tf.test.main()
