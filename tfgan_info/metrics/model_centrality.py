"""ModelCentrality (Lin et al. 2020, Sec. 5): label-free selection among trained models.

Each model j serves as ground truth for each other model i: model j's generator draws 500
groups of 100 images with one of its codes fixed (the fixed code cycling over its codes, all
other codes and the noise random), and model i's encoder (Q) is scored on them with the
FactorVAE protocol of InfoGAN-CR (`factor_vae.infogan_cr_score`; codes divided by their
standard deviation over 73,728 of model j's images). The similarity of i and j is the mean
of the two directions, and a model's centrality is its mean similarity to the others: the
most central model is the one the others agree with most (fjxmlzn/InfoGAN-CR,
InfoGAN-CR_dSprites/gan_task_mc_generate_metric_data.py and
gan_task_mc_cross_evaluation.py compute the two directions).
"""

from typing import Callable, Dict, Sequence

import numpy as np

from tfgan_info.metrics import disentanglement_utils as utils
from tfgan_info.metrics.factor_vae import infogan_cr_score

# (n, random_state) -> (noise [n, noise_dim], codes [n, num_codes]) from a model's prior.
LatentSampler = Callable[[int, np.random.RandomState], tuple]


def compute_cross_score(representation_fn, generate_fn, sample_latents: LatentSampler,
                        num_codes: int, random_state: np.random.RandomState,
                        num_votes: int = 500, batch_size: int = 100,
                        num_std_estimate: int = 73728) -> Dict[str, float]:
  """FactorVAE score (InfoGAN-CR's protocol) of one model's encoder on another's generator.

  Args:
    representation_fn: images [N, H, W, C] -> codes [N, D] (model i's Q).
    generate_fn: (noise [N, z], codes [N, num_codes]) -> images (model j's G).
    sample_latents: model j's prior.
    num_codes: the number of model j's codes, the "factors" here.
    random_state: draws the latents.
    num_votes, batch_size, num_std_estimate: as `factor_vae.compute_factor_vae_infogan_cr`.

  Returns:
    {"accuracy", "accuracy_revised", "num_votes"}.
  """
  noise, codes = sample_latents(num_std_estimate, random_state)
  chunks = max(1, num_std_estimate // 1000)  # images in chunks: 73,728 at 64x64 are 1.2 GB
  global_std = np.std(np.concatenate([
      utils.represent(representation_fn, generate_fn(n, c))
      for n, c in zip(np.array_split(noise, chunks), np.array_split(codes, chunks))]), axis=0)

  def groups():
    for v in range(num_votes):
      k = v % num_codes
      noise, codes = sample_latents(batch_size, random_state)
      codes = np.array(codes, copy=True)
      codes[:, k] = codes[0, k]
      yield k, utils.represent(representation_fn, generate_fn(noise, codes))
  return infogan_cr_score(global_std, groups(), num_codes)


def compute_model_centrality(scores: Sequence[Sequence[float]]) -> np.ndarray:
  """Centralities [N] of a cross-score matrix [N, N] (scores[i][j]: model i's encoder on
  model j's generator; the diagonal is ignored): mean over j != i of (s_ij + s_ji) / 2.

  Raises:
    ValueError: if the matrix is not square or has fewer than two models.
  """
  s = np.asarray(scores, np.float64)
  if s.ndim != 2 or s.shape[0] != s.shape[1] or len(s) < 2:
    raise ValueError(f"need a square matrix of at least 2 models, got shape {s.shape}")
  similarity = (s + s.T) / 2
  off_diagonal = ~np.eye(len(s), dtype=bool)
  return np.array([similarity[i, off_diagonal[i]].mean() for i in range(len(s))])
