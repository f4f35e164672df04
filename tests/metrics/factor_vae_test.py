import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import factor_vae

KW = dict(num_train=500, num_eval=300, num_variance_estimate=1000)


class FactorVaeTest(tf.test.TestCase):

  def test_identity_scores_near_one(self):
    scores = factor_vae.compute_factor_vae(dt.identity, dt.DATA, dt.rs(), **KW)
    self.assertBetween(scores["eval_accuracy"], 0.9, 1.0)
    self.assertEqual(scores["num_active_dims"], 10)

  def test_constant_has_no_active_dims(self):
    scores = factor_vae.compute_factor_vae(dt.constant, dt.DATA, dt.rs(), **KW)
    self.assertEqual(scores, {"train_accuracy": 0.0, "eval_accuracy": 0.0,
                              "num_active_dims": 0})

  def test_noise_scores_near_chance(self):
    scores = factor_vae.compute_factor_vae(dt.noise, dt.DATA, dt.rs(), **KW)
    self.assertBetween(scores["eval_accuracy"], 0.0, 0.25)

  def test_half_the_codes_constant_scores_lower(self):
    half = lambda x: np.concatenate([x[:, :5], np.zeros_like(x[:, 5:])], 1)
    scores = factor_vae.compute_factor_vae(half, dt.DATA, dt.rs(), **KW)
    self.assertEqual(scores["num_active_dims"], 5)
    self.assertBetween(scores["eval_accuracy"], 0.4, 0.7)

  def test_votes_and_accuracy(self):
    local = np.array([[1.0, 4.0], [4.0, 1.0], [1.0, 4.0]])
    votes = factor_vae._votes(local, np.array([0, 1, 1]), np.array([2.0, 2.0]),
                              np.array([True, True]), num_factors=2)
    self.assertAllEqual(votes, [[1, 0], [1, 1]])
    self.assertAllClose(factor_vae._accuracy(votes, np.argmax(votes, 0)), 2 / 3)

  def test_batched_sampling_draws_like_disentanglement_lib(self):
    # disentanglement_lib's loop: per vote a factor, a batch of factors, their observations.
    rs = dt.rs(3)
    variances, fixed = [], []
    for _ in range(37):
      k = rs.randint(dt.NOISY.num_factors)
      factors = dt.NOISY.sample_factors(8, rs)
      factors[:, k] = factors[0, k]
      codes = dt.identity(dt.NOISY.sample_observations_from_factors(factors, rs))
      variances.append(np.var(codes, axis=0, ddof=1))
      fixed.append(k)
    got = factor_vae._sample_votes(dt.identity, dt.NOISY, 37, dt.rs(3), 8, points_per_call=16)
    self.assertAllClose(got[0], np.array(variances))
    self.assertAllEqual(got[1], fixed)


def infogan_cr_reference(representation_fn, dataset, random_state, num_votes, batch_size,
                         num_std_estimate):
  """fjxmlzn/InfoGAN-CR's FactorVAEMetric.evaluate (gan/metric.py), its loop as written, on
  groups drawn in the order of `compute_factor_vae_infogan_cr`."""
  _, observations = dataset.sample(num_std_estimate, random_state)
  eval_std = np.std(representation_fn(observations), axis=0, keepdims=True)
  groups = []
  for i in range(num_votes):
    factors = dataset.sample_factors(batch_size, random_state)
    factors[:, i % dataset.num_factors] = dataset.sample_factors(
        1, random_state)[0, i % dataset.num_factors]
    groups.append({"img": dataset.sample_observations_from_factors(factors, random_state),
                   "label": i % dataset.num_factors})
  labels = set(data["label"] for data in groups)
  train_data = np.zeros((eval_std.shape[1], len(labels)))
  for data in groups:
    data_inference = representation_fn(data["img"])
    data_inference /= eval_std
    data_std = np.std(data_inference, axis=0)
    predict = np.argmin(data_std)
    train_data[predict, data["label"]] += 1
  total_sample = np.sum(train_data)
  maxs = np.amax(train_data, axis=1)
  revised = np.sum(np.flip(np.sort(maxs), axis=0)[0: train_data.shape[1]])
  return float(np.sum(maxs)) / total_sample, float(revised) / total_sample


class FactorVaeInfoGANCRTest(tf.test.TestCase):

  def test_matches_their_code(self):
    mixed = lambda x: np.asarray(x, np.float64) @ dt.rs(9).randn(3, 5)  # 5 codes, 3 factors
    for fn in (dt.identity, mixed, dt.duplicated):
      got = factor_vae.compute_factor_vae_infogan_cr(fn, dt.NOISY, dt.rs(4), num_votes=60,
                                                     batch_size=20, num_std_estimate=500)
      want = infogan_cr_reference(fn, dt.NOISY, dt.rs(4), 60, 20, 500)
      self.assertAllClose((got["accuracy"], got["accuracy_revised"]), want)
      self.assertEqual(got["num_votes"], 60)

  def test_identity_scores_one_and_noise_near_chance(self):
    kw = dict(num_votes=200, batch_size=100, num_std_estimate=1000)
    scores = factor_vae.compute_factor_vae_infogan_cr(dt.identity, dt.DATA, dt.rs(), **kw)
    self.assertEqual((scores["accuracy"], scores["accuracy_revised"]), (1.0, 1.0))
    noisy = factor_vae.compute_factor_vae_infogan_cr(dt.noise, dt.DATA, dt.rs(), **kw)
    self.assertLess(noisy["accuracy"], 0.4)
    # More codes than factors: "revised" counts only the K best codes' votes.
    wide = lambda x: np.hstack([dt.noise(x), dt.noise(x)])
    scores = factor_vae.compute_factor_vae_infogan_cr(wide, dt.DATA, dt.rs(), **kw)
    self.assertLess(scores["accuracy_revised"], scores["accuracy"])


if __name__ == "__main__":
  tf.test.main()
