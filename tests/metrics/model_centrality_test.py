import numpy as np
import tensorflow as tf

from tfgan_info.metrics import model_centrality as mc

NUM_CODES = 3


def uniform_latents(n, random_state):
  return random_state.uniform(-1, 1, (n, 2)), random_state.uniform(-1, 1, (n, NUM_CODES))


def generator(permutation):
  """A "generator" whose images are its codes in a permuted order followed by its noise."""
  return lambda noise, codes: np.concatenate([codes[:, permutation], noise], axis=1)


def encoder(images):  # reads the first NUM_CODES "pixels" back
  return images[:, :NUM_CODES]


class ModelCentralityTest(tf.test.TestCase):

  def test_an_encoder_that_recovers_the_codes_scores_one_in_any_order(self):
    kw = dict(num_votes=60, batch_size=50, num_std_estimate=2000)
    for permutation in ([0, 1, 2], [2, 0, 1]):
      score = mc.compute_cross_score(encoder, generator(permutation), uniform_latents,
                                     NUM_CODES, np.random.RandomState(0), **kw)
      self.assertEqual(score["accuracy"], 1.0)
      self.assertEqual(score["num_votes"], 60)
    # An encoder that sees only the noise: the votes carry no information about the codes.
    blind = mc.compute_cross_score(lambda x: x[:, NUM_CODES:], generator([0, 1, 2]),
                                   uniform_latents, NUM_CODES, np.random.RandomState(0), **kw)
    self.assertLess(blind["accuracy"], 0.6)

  def test_centrality_is_the_mean_symmetrised_similarity(self):
    scores = [[1.0, 0.8, 0.2], [0.6, 1.0, 0.4], [0.2, 0.2, 1.0]]
    # similarities: (0,1) 0.7, (0,2) 0.2, (1,2) 0.3
    self.assertAllClose(mc.compute_model_centrality(scores), [0.45, 0.5, 0.25])
    with self.assertRaisesRegex(ValueError, "square matrix of at least 2"):
      mc.compute_model_centrality([[1.0]])


if __name__ == "__main__":
  tf.test.main()
