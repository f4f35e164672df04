"""Latent code specs and their priors: the layout of a generator input.

A generator input is ``[noise, codes]``: ``noise`` of shape ``[batch, noise_dim]`` with an
isotropic prior, and ``codes`` the concatenation of structured latent codes ``c`` of
InfoGAN (Chen et al. 2016, Sec. 4). Each code has a prior ``p(c)`` given as a
``tfp.distributions`` object, a matching posterior family for the Q head, and a slice of the
Q head's output vector (plain tensors: logits, means, log-scales; docs/design.md, convention 6;
the posteriors themselves are built in `posterior`). Grids of inputs for pictures are in
`grids`.

Spec strings look like ``cat:10,uniform:1,uniform:1``: one comma-separated entry per code,
``<kind>:<size>`` with kind one of ``cat`` (one-hot categorical with ``size`` classes),
``uniform`` (``size`` dims of Unif(-1, 1)) or ``normal`` (``size`` dims of N(0, 1)).
"""

import dataclasses
import itertools
import math
from typing import List, Tuple

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
  def code_offsets(self) -> List[int]:
    """Where each code starts in the [code_dim] codes vector, then code_dim:
    [len(codes) + 1] ints (code i is codes[offsets[i]:offsets[i + 1]])."""
    return list(itertools.accumulate((c.dim for c in self.codes), initial=0))

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

  def sample_pairs(self, batch_size, seed) -> Tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
    """Pairs of generator inputs that share the noise and the value of one code (InfoGAN-CR,
    Lin et al. 2020, Sec. 4; fjxmlzn/InfoGAN-CR ``latent.sample_cr`` with gap 0).

    For each row a code index k ~ Unif{0, ..., n_codes - 1} is drawn; both inputs get the
    same noise and the same value of code k, every other code is drawn independently for
    each of the two.

    Args:
      batch_size: int or scalar int tensor, the number of pairs.
      seed: a stateless seed, int tensor of shape [2].

    Returns:
      (noise [batch, noise_dim], codes_a [batch, code_dim], codes_b [batch, code_dim],
      shared int32 [batch]: the index k of the code the pair shares).

    Raises:
      ValueError: if the spec has no code.
    """
    if not self.codes:
      raise ValueError("sample_pairs needs at least one code")
    seeds = tfp.random.split_seed(tf.cast(seed, tf.int32), n=3)
    noise, codes_a = self.sample(batch_size, seeds[0])
    _, codes_b = self.sample(batch_size, seeds[1])
    shared = tf.random.stateless_uniform([batch_size], seeds[2], 0, len(self.codes),
                                         dtype=tf.int32)
    column_code = tf.constant(
        [i for i, c in enumerate(self.codes) for _ in range(c.dim)], tf.int32)  # [code_dim]
    same = tf.equal(shared[:, None], column_code[None, :])
    return noise, codes_a, tf.where(same, codes_a, codes_b), shared

  def split_codes(self, codes: tf.Tensor) -> List[tf.Tensor]:
    """Splits codes [batch, code_dim] into one tensor [batch, dim_i] per code."""
    return tf.split(codes, [c.dim for c in self.codes], axis=-1) if self.codes else []

  def entropies(self) -> List[float]:
    """H(c_i) in nats for each code."""
    return [c.entropy() for c in self.codes]

  def to_spec(self) -> str:
    return ",".join(str(c) for c in self.codes)

  def __repr__(self):
    return (f"LatentSpec(codes={self.to_spec()!r}, noise_dim={self.noise_dim}, "
            f"noise={self.noise!r}, learn_std={self.learn_std})")
