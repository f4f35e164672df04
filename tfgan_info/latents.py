"""Latent code specs, their priors and traversal grids.

A generator input is ``[noise, codes]``: ``noise`` of shape ``[batch, noise_dim]`` with an
isotropic prior, and ``codes`` the concatenation of structured latent codes ``c`` of
InfoGAN (Chen et al. 2016, Sec. 4). Each code has a prior ``p(c)`` given as a
``tfp.distributions`` object, a matching posterior family for the Q head, and a slice of the
Q head's output vector (plain tensors: logits, means, log-scales; docs/design.md, convention 6).

Spec strings look like ``cat:10,uniform:1,uniform:1``: one comma-separated entry per code,
``<kind>:<size>`` with kind one of ``cat`` (one-hot categorical with ``size`` classes),
``uniform`` (``size`` dims of Unif(-1, 1)) or ``normal`` (``size`` dims of N(0, 1)).
"""

import dataclasses
import math
from typing import List, Sequence, Tuple

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

tfd = tfp.distributions

CODE_KINDS = ("cat", "uniform", "normal")
NOISE_KINDS = ("normal", "uniform", "sphere")


@dataclasses.dataclass(frozen=True)
class Code:
  """One structured latent code.

  Attributes:
    kind: "cat", "uniform" or "normal".
    size: number of classes for "cat", number of dimensions otherwise.
  """
  kind: str
  size: int

  @property
  def is_categorical(self) -> bool:
    return self.kind == "cat"

  @property
  def dim(self) -> int:
    """Width of the code in the generator input (one-hot for categorical codes)."""
    return self.size

  def q_dim(self, learn_std: bool) -> int:
    """Width of this code's slice of the Q head output."""
    if self.is_categorical:
      return self.size
    return 2 * self.size if learn_std else self.size

  def prior(self) -> tfd.Distribution:
    """The prior p(c) as a distribution over vectors of shape [dim]."""
    if self.kind == "cat":
      return tfd.OneHotCategorical(logits=tf.zeros([self.size]), dtype=tf.float32)
    if self.kind == "uniform":
      return tfd.Independent(
          tfd.Uniform(low=-tf.ones([self.size]), high=tf.ones([self.size])),
          reinterpreted_batch_ndims=1)
    return tfd.Independent(
        tfd.Normal(loc=tf.zeros([self.size]), scale=tf.ones([self.size])),
        reinterpreted_batch_ndims=1)

  def entropy(self) -> float:
    """H(c) of the prior in nats: ln K, size*ln 2, or size*0.5*ln(2 pi e)."""
    if self.kind == "cat":
      return math.log(self.size)
    if self.kind == "uniform":
      return self.size * math.log(2.0)
    return self.size * 0.5 * math.log(2.0 * math.pi * math.e)

  def __str__(self):
    return f"{self.kind}:{self.size}"


def parse_codes(spec: str) -> Tuple[Code, ...]:
  """Parses a code spec such as ``"cat:10,uniform:1,uniform:1"``.

  Args:
    spec: comma-separated ``kind:size`` entries; an empty string means no codes.

  Returns:
    A tuple of `Code`.

  Raises:
    ValueError: if an entry does not parse, names an unknown kind or has a bad size.
  """
  codes = []
  for entry in [e.strip() for e in spec.split(",") if e.strip()]:
    kind, sep, size = entry.partition(":")
    if not sep or kind not in CODE_KINDS:
      raise ValueError(
          f"Code spec entry {entry!r} does not parse: write kind:size with kind one of "
          f"{', '.join(CODE_KINDS)}, e.g. --codes=cat:10,uniform:1,uniform:1")
    try:
      n = int(size)
    except ValueError:
      n = 0
    if n < 1 or (kind == "cat" and n < 2):
      raise ValueError(
          f"Code spec entry {entry!r} has a bad size {size!r}: use an integer >= 1 "
          "(>= 2 classes for cat)")
    codes.append(Code(kind, n))
  return tuple(codes)


class LatentSpec:
  """Noise and structured codes of a generator, with priors and Q posteriors.

  Args:
    codes: the structured codes (`Code` tuple or a spec string for `parse_codes`).
    noise_dim: width of the incompressible noise z.
    noise: prior of z, "normal" (N(0, I)), "uniform" (Unif(-1, 1)) or "sphere" (uniform on
      the unit sphere S^(noise_dim - 1): normalised Gaussian vectors, AGE's prior).
    learn_std: if True the Q head predicts a log-std per continuous dimension; if False
      (default) the Gaussian posterior has unit std (as in openai/InfoGAN), so log Q is a
      scaled squared error. Learned stds can collapse towards the clip and make L_I of the
      continuous codes dominate the G loss.
  """

  def __init__(self, codes, noise_dim: int, noise: str = "normal", learn_std: bool = False):
    if isinstance(codes, str):
      codes = parse_codes(codes)
    if noise_dim < 0:
      raise ValueError(f"noise_dim must be >= 0, got {noise_dim}")
    if noise not in NOISE_KINDS:
      raise ValueError(f"noise prior {noise!r} is unknown: use one of {NOISE_KINDS}")
    self.codes = tuple(codes)
    self.noise_dim = int(noise_dim)
    self.noise = noise
    self.learn_std = bool(learn_std)

  @classmethod
  def from_config(cls, model_config) -> "LatentSpec":
    """The spec of a `config.ModelConfig` (its codes, noise_dim, noise and q_std).

    Raises:
      ValueError: for a bad code spec, noise prior or q_std.
    """
    if model_config.q_std not in ("learned", "fixed"):
      raise ValueError(f"--q_std must be 'learned' or 'fixed', got {model_config.q_std!r}")
    return cls(model_config.codes, model_config.noise_dim, noise=model_config.noise,
               learn_std=model_config.q_std == "learned")

  @property
  def code_dim(self) -> int:
    return sum(c.dim for c in self.codes)

  @property
  def q_dim(self) -> int:
    return sum(c.q_dim(self.learn_std) for c in self.codes)

  @property
  def categorical(self) -> List[int]:
    """Indices of categorical codes."""
    return [i for i, c in enumerate(self.codes) if c.is_categorical]

  @property
  def continuous(self) -> List[int]:
    """Indices of continuous codes."""
    return [i for i, c in enumerate(self.codes) if not c.is_categorical]

  def noise_prior(self) -> tfd.Distribution:
    ones = tf.ones([self.noise_dim])
    if self.noise == "uniform":
      return tfd.Independent(tfd.Uniform(-ones, ones), reinterpreted_batch_ndims=1)
    if self.noise == "sphere":
      return tfd.SphericalUniform(dimension=self.noise_dim)
    return tfd.Independent(tfd.Normal(0.0 * ones, ones), reinterpreted_batch_ndims=1)

  def sample(self, batch_size, seed) -> Tuple[tf.Tensor, tf.Tensor]:
    """Draws generator inputs from the priors.

    Args:
      batch_size: int or scalar int tensor, the number of samples.
      seed: a stateless seed, int tensor of shape [2] (e.g. from
        `keras.random.SeedGenerator.next()`); the same seed gives the same samples.

    Returns:
      (noise [batch, noise_dim], codes [batch, code_dim]), float32.
    """
    seeds = tfp.random.split_seed(tf.cast(seed, tf.int32), n=len(self.codes) + 1)
    noise = self.noise_prior().sample(batch_size, seed=seeds[0])
    parts = [c.prior().sample(batch_size, seed=s) for c, s in zip(self.codes, seeds[1:])]
    codes = tf.concat(parts, axis=-1) if parts else tf.zeros([batch_size, 0])
    return noise, codes

  def split_codes(self, codes: tf.Tensor) -> List[tf.Tensor]:
    """Splits codes [batch, code_dim] into one tensor [batch, dim_i] per code."""
    return tf.split(codes, [c.dim for c in self.codes], axis=-1) if self.codes else []

  def q_distributions(self, q_outputs: tf.Tensor) -> List[tfd.Distribution]:
    """Turns the Q head output [batch, q_dim] into one posterior Q(c_i | x) per code.

    Categorical codes get a OneHotCategorical with the slice as logits; continuous codes a
    diagonal Gaussian with the slice's first half as mean and second half as log-std
    (clipped to [-5, 2] for stability), or unit std if ``learn_std`` is False.
    """
    q_outputs = tf.cast(q_outputs, tf.float32)
    parts = tf.split(q_outputs, [c.q_dim(self.learn_std) for c in self.codes], axis=-1)
    dists = []
    for code, part in zip(self.codes, parts):
      if code.is_categorical:
        dists.append(tfd.OneHotCategorical(logits=part, dtype=tf.float32))
        continue
      if self.learn_std:
        mean, log_std = tf.split(part, 2, axis=-1)
        scale = tf.exp(tf.clip_by_value(log_std, -5.0, 2.0))
      else:
        mean, scale = part, tf.ones_like(part)
      dists.append(tfd.Independent(tfd.Normal(mean, scale), reinterpreted_batch_ndims=1))
    return dists

  def q_summaries(self, q_outputs: tf.Tensor) -> Tuple[tf.Tensor, tf.Tensor]:
    """Point estimates of the codes from Q: (categorical probabilities, continuous means).

    Returns:
      probs [batch, sum of categorical sizes] (softmax per code, concatenated) and
      means [batch, sum of continuous dims], float32.
    """
    dists = self.q_distributions(q_outputs)
    batch = tf.shape(q_outputs)[0]
    probs = [d.probs_parameter() for c, d in zip(self.codes, dists) if c.is_categorical]
    means = [d.mean() for c, d in zip(self.codes, dists) if not c.is_categorical]
    probs = tf.concat(probs, -1) if probs else tf.zeros([batch, 0])
    means = tf.concat(means, -1) if means else tf.zeros([batch, 0])
    return probs, means

  def entropies(self) -> List[float]:
    """H(c_i) in nats for each code."""
    return [c.entropy() for c in self.codes]

  def fixed_noise(self, seed: int = 0) -> np.ndarray:
    """One noise vector [noise_dim] from the noise prior, drawn with NumPy from ``seed``."""
    rng = np.random.default_rng(seed)
    if self.noise == "uniform":
      noise = rng.uniform(-1.0, 1.0, self.noise_dim)
    else:
      noise = rng.standard_normal(self.noise_dim)
      if self.noise == "sphere":
        noise /= np.linalg.norm(noise)
    return noise.astype(np.float32)

  def traversal_grid(self, code_index: int, values: Sequence[float], noise: np.ndarray,
                     fixed_codes: np.ndarray = None) -> Tuple[np.ndarray, np.ndarray]:
    """Generator inputs for a grid that varies one continuous code, one row per category.

    Rows take each class of the first categorical code (or a single row if there is none);
    columns set code ``code_index`` to each of ``values``; every other code is held at
    ``fixed_codes`` (default: zeros, the mode of the continuous priors) and the noise at
    ``noise`` for the whole grid.

    Args:
      code_index: index into ``codes`` of a continuous code (its first dimension varies).
      values: the column values, e.g. ``np.linspace(-2, 2, 9)``.
      noise: [noise_dim] noise shared by every cell.
      fixed_codes: optional [code_dim] values of the codes that are held.

    Returns:
      (noise [rows*cols, noise_dim], codes [rows*cols, code_dim]) float32, row-major.

    Raises:
      ValueError: if ``code_index`` is not a continuous code.
    """
    if code_index not in self.continuous:
      raise ValueError(f"code {code_index} is not a continuous code of {self}")
    offsets = np.cumsum([0] + [c.dim for c in self.codes])
    base = (np.zeros(self.code_dim, np.float32) if fixed_codes is None
            else np.asarray(fixed_codes, np.float32).copy())
    cat = self.categorical
    rows = []
    if cat:
      k = self.codes[cat[0]].size
      for r in range(k):
        row = base.copy()
        row[offsets[cat[0]]:offsets[cat[0] + 1]] = np.eye(k)[r]
        rows.append(row)
    else:
      rows.append(base)
    cells = []
    for row in rows:
      for v in values:
        cell = row.copy()
        cell[offsets[code_index]] = v
        cells.append(cell)
    codes = np.stack(cells).astype(np.float32)
    noise = np.tile(np.asarray(noise, np.float32)[None], [len(cells), 1])
    return noise, codes

  def to_spec(self) -> str:
    return ",".join(str(c) for c in self.codes)

  def __repr__(self):
    return (f"LatentSpec(codes={self.to_spec()!r}, noise_dim={self.noise_dim}, "
            f"noise={self.noise!r}, learn_std={self.learn_std})")
