"""All five disentanglement metrics of a representation, with disentanglement_lib's defaults.

`compute_disentanglement` runs MIG, the FactorVAE score, DCI, SAP and the BetaVAE score, each
with its own `np.random.RandomState(seed)` (as disentanglement_lib evaluates each metric from
the same seed), and times them.
"""

import time
from typing import Dict

import numpy as np

from tfgan_info.metrics.beta_vae import compute_beta_vae
from tfgan_info.metrics.dci import compute_dci
from tfgan_info.metrics.factor_vae import compute_factor_vae
from tfgan_info.metrics.mig import compute_mig
from tfgan_info.metrics.sap import compute_sap


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
     "seconds": {metric: wall seconds}}.
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
  }
  results, seconds = {}, {}
  for name, run in runs.items():
    start = time.perf_counter()
    results[name] = run(np.random.RandomState(seed))
    seconds[name] = round(time.perf_counter() - start, 2)
  results["seconds"] = seconds
  return results
