"""FactorVAE disentanglement score (Kim & Mnih 2018, "Disentangling by Factorising", Sec. 4), as
in disentanglement_lib (``evaluation/metrics/factor_vae.py``).

Each vote: fix one random factor k across a batch of 64 observations, divide each code's
variance in the batch by its variance over the data, and take the code with the smallest
ratio; codes whose global standard deviation is below 0.05 are pruned first. A majority-vote
classifier (code -> factor) is read off 10,000 training votes and scored on 5,000 more; global
variances from 10,000 observations. One difference: "num_active_dims" counts the codes kept
(disentanglement_lib reports the length of its boolean mask, i.e. all D codes).

`compute_factor_vae_infogan_cr` is the other protocol, the one behind InfoGAN-CR's published
numbers (Lin et al. 2020, Table 1; fjxmlzn/InfoGAN-CR, InfoGAN-CR_dSprites/gan/metric.py
``FactorVAEMetric`` and gan/load_data.py): 500 votes of 100 observations, the fixed factor
cycling over the factors, codes divided by their standard deviation over a tenth of dSprites
(73,728 observations), no pruning, and the majority-vote accuracy read on the same votes
that build the classifier. Its scores and disentanglement_lib's are not comparable: report
them under their own names ("factor_vae" / "factor_vae_infogan_cr").
"""

from typing import Dict

import numpy as np

from tfgan_info.metrics import disentanglement_utils as utils


def _votes(local_variances, factor_indices, global_variances, active, num_factors):
  """Vote matrix int64 [K, D] of per-batch code variances [P, D] with fixed factors [P].

  Each batch votes for (its factor, the argmin over active codes of local / global variance).
  As in disentanglement_lib, the argmin indexes the active codes.
  """
  votes = np.zeros((num_factors, len(global_variances)), np.int64)
  ratios = local_variances[:, active] / global_variances[active]
  np.add.at(votes, (factor_indices, np.argmin(ratios, axis=1)), 1)
  return votes


def _accuracy(votes, classifier):
  return float(votes[classifier, np.arange(votes.shape[1])].sum() / votes.sum())


def _sample_votes(representation_fn, dataset, num_points, random_state, batch_size,
                  points_per_call=16):
  """(local variances [num_points, D], fixed factors [num_points]) of num_points batches.

  Draws (factor, batch factors, observations) as disentanglement_lib's one-batch-at-a-time
  loop; ``points_per_call`` batches share one representation call.
  """
  def draw_groups(k):
    batch = dataset.sample_factors(batch_size, random_state)
    batch[:, k] = batch[0, k]
    return [dataset.sample_observations_from_factors(batch, random_state)]

  return utils.sample_points(representation_fn, dataset, num_points, random_state,
                             draw_groups, lambda codes: np.var(codes[:, 0], axis=1, ddof=1),
                             points_per_call)


def compute_factor_vae(representation_fn, dataset, random_state: np.random.RandomState,
                       batch_size: int = 64, num_train: int = 10000, num_eval: int = 5000,
                       num_variance_estimate: int = 10000, prune_threshold: float = 0.05
                       ) -> Dict[str, float]:
  """FactorVAE score of a representation on a ground-truth dataset.

  Args:
    representation_fn: observations [N, ...] -> codes [N, D].
    dataset: a `data.ground_truth.GroundTruthData`.
    random_state: draws the factors.
    batch_size: observations per vote (one factor fixed), >= 2.
    num_train, num_eval: votes to build and to score the majority-vote classifier.
    num_variance_estimate: observations for the global variances.
    prune_threshold: codes with global standard deviation below it take no part.

  Returns:
    {"train_accuracy", "eval_accuracy" (the score), "num_active_dims"}; accuracies are 0
    when no code is active.
  """
  if batch_size < 2:
    raise ValueError(f"batch_size must be >= 2 (a variance), got {batch_size}")
  _, observations = dataset.sample(num_variance_estimate, random_state)
  global_variances = np.var(utils.represent(representation_fn, observations), axis=0, ddof=1)
  active = np.sqrt(global_variances) >= prune_threshold
  if not active.any():
    return {"train_accuracy": 0.0, "eval_accuracy": 0.0, "num_active_dims": 0}
  train = _votes(*_sample_votes(representation_fn, dataset, num_train, random_state,
                                batch_size), global_variances, active, dataset.num_factors)
  classifier = np.argmax(train, axis=0)
  evals = _votes(*_sample_votes(representation_fn, dataset, num_eval, random_state,
                                batch_size), global_variances, active, dataset.num_factors)
  return {"train_accuracy": _accuracy(train, classifier),
          "eval_accuracy": _accuracy(evals, classifier),
          "num_active_dims": int(active.sum())}


def compute_factor_vae_infogan_cr(representation_fn, dataset,
                                  random_state: np.random.RandomState, num_votes: int = 500,
                                  batch_size: int = 100, num_std_estimate: int = 73728
                                  ) -> Dict[str, float]:
  """FactorVAE score under InfoGAN-CR's protocol (module docstring).

  Vote i fixes factor k = i mod K at one random value across ``batch_size`` observations
  whose other factors are random; codes are divided by their global standard deviation
  (over ``num_std_estimate`` random observations); the vote goes to (the code of smallest
  standard deviation in the batch, k). With V the [D, K] vote counts:
  score = sum_d max_k V[d, k] / num_votes, and "revised" keeps only the K codes with the most
  such votes (their ``factorVAE_metric_revised``).

  Args:
    representation_fn: observations [N, ...] -> codes [N, D].
    dataset: a `data.ground_truth.GroundTruthData`.
    random_state: draws the factors and the observations.
    num_votes: M (theirs: 500).
    batch_size: L, observations per vote (theirs: 100), >= 2.
    num_std_estimate: observations for the global standard deviations (theirs: 10% of
      dSprites' 737,280 images, drawn without replacement; here random factors).

  Returns:
    {"accuracy" (the score), "accuracy_revised", "num_votes"}.
  """
  if batch_size < 2:
    raise ValueError(f"batch_size must be >= 2 (a standard deviation), got {batch_size}")
  _, observations = dataset.sample(num_std_estimate, random_state)
  global_std = np.std(utils.represent(representation_fn, observations), axis=0)

  def groups():
    for i in range(num_votes):
      k = i % dataset.num_factors
      factors = dataset.sample_factors(batch_size, random_state)
      factors[:, k] = dataset.sample_factors(1, random_state)[0, k]
      yield k, utils.represent(
          representation_fn, dataset.sample_observations_from_factors(factors, random_state))
  return infogan_cr_score(global_std, groups(), dataset.num_factors)


def infogan_cr_score(global_std, groups, num_factors: int) -> Dict[str, float]:
  """The vote count and score of InfoGAN-CR's FactorVAE protocol.

  Args:
    global_std: [D] the codes' standard deviations over the data.
    groups: iterable of (k, codes [L, D]): the fixed factor of a vote and its codes.
    num_factors: K.

  Returns:
    {"accuracy", "accuracy_revised", "num_votes"} (see `compute_factor_vae_infogan_cr`).
  """
  global_std = np.asarray(global_std, np.float64)
  votes = np.zeros((len(global_std), num_factors), np.int64)
  for k, codes in groups:
    votes[np.argmin(np.std(codes / global_std, axis=0)), k] += 1
  total = int(votes.sum())
  best = np.sort(votes.max(axis=1))[::-1]
  return {"accuracy": float(best.sum() / total),
          "accuracy_revised": float(best[:num_factors].sum() / total),
          "num_votes": total}
