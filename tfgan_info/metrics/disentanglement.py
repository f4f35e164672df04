"""All five disentanglement metrics of a representation, with disentanglement_lib's defaults,
and the FactorVAE score under InfoGAN-CR's protocol.

`compute_disentanglement` runs MIG, the FactorVAE score, DCI, SAP and the BetaVAE score, each
with its own `np.random.RandomState(seed)` (as disentanglement_lib evaluates each metric from
the same seed), and times them; "factor_vae_infogan_cr" is the score InfoGAN-CR's tables use
(`factor_vae.compute_factor_vae_infogan_cr`), not comparable with "factor_vae".
"""

import time
from typing import Dict

import numpy as np

from tfgan_info.metrics.beta_vae import compute_beta_vae
from tfgan_info.metrics.dci import compute_dci
from tfgan_info.metrics.factor_vae import compute_factor_vae
from tfgan_info.metrics.factor_vae import compute_factor_vae_infogan_cr
from tfgan_info.metrics.mig import compute_mig
from tfgan_info.metrics.sap import compute_sap


def _infogan_cr_points(num_train: int) -> Dict[str, int]:
  if num_train >= 10000:
    return dict(num_votes=500, num_std_estimate=73728)
  return dict(num_votes=min(500, num_train), num_std_estimate=num_train)


def compute_disentanglement(representation_fn, dataset, seed: int = 0,
                            num_train: int = 10000, num_eval: int = 5000
                            ) -> Dict[str, Dict[str, object]]:
  """MIG, FactorVAE, DCI, SAP and BetaVAE of a representation on a ground-truth dataset.

  Args:
    representation_fn: observations [N, ...] -> codes [N, D], D >= 2.
    dataset: a `data.ground_truth.GroundTruthData`.
    seed: seeds each metric's RandomState.
    num_train: training points of every metric (and FactorVAE's variance estimate);
      disentanglement_lib's default 10,000.
    num_eval: evaluation points (default 5,000).

  Returns:
    {"mig": compute_mig's dict, "factor_vae": ..., "dci": ..., "sap": ..., "beta_vae": ...,
     "factor_vae_infogan_cr": ..., "seconds": {metric: wall seconds}}. The InfoGAN-CR
    protocol keeps its own 500 votes of 100 observations and its 73,728 observations for the
    standard deviations when num_train >= 10,000 (a quick check with fewer points: num_train
    of each, at most 500 votes).
  """
  runs = {
      "mig": lambda rs: compute_mig(representation_fn, dataset, rs, num_train=num_train),
      "factor_vae": lambda rs: compute_factor_vae(
          representation_fn, dataset, rs, num_train=num_train, num_eval=num_eval,
          num_variance_estimate=num_train),
      "dci": lambda rs: compute_dci(representation_fn, dataset, rs, num_train=num_train,
                                    num_test=num_eval),
      "sap": lambda rs: compute_sap(representation_fn, dataset, rs, num_train=num_train,
                                    num_test=num_eval),
      "beta_vae": lambda rs: compute_beta_vae(representation_fn, dataset, rs,
                                              num_train=num_train, num_eval=num_eval),
      "factor_vae_infogan_cr": lambda rs: compute_factor_vae_infogan_cr(
          representation_fn, dataset, rs, **_infogan_cr_points(num_train)),
  }
  results, seconds = {}, {}
  for name, run in runs.items():
    start = time.perf_counter()
    results[name] = run(np.random.RandomState(seed))
    seconds[name] = round(time.perf_counter() - start, 2)
  results["seconds"] = seconds
  return results
