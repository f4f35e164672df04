"""Frozen experiment configuration: data / model / optimizer / runtime, to and from JSON."""

import dataclasses
import json
from typing import Any, Dict


@dataclasses.dataclass(frozen=True)
class DataConfig:
  dataset: str = "mnist"
  data_dir: str = ""            # tfds data folder ("" = tfds default)
  raw_data_dir: str = ""        # build offline from the original raw files found here
  batch_size: int = 64          # global batch size
  cache: bool = True
  shuffle_buffer: int = 60000
  # ssinfogan: the labelled subset and how often a step's real batch comes from it
  num_labeled: int = 132        # class-balanced, chosen by the seed
  labeled_fraction: float = 0.0  # > 0 overrides num_labeled
  unlabeled_prob: float = -1.0  # final share of unlabelled batches (-1: the unlabelled share)
  unlabeled_prob_ramp_steps: int = 1000  # steps for that share to grow from 0 to 1


@dataclasses.dataclass(frozen=True)
class ModelConfig:
  model: str = "infogan"
  architecture: str = "infogan_mnist"
  codes: str = "cat:10,uniform:1,uniform:1"
  noise_dim: int = 62
  noise: str = "normal"
  q_std: str = "fixed"          # "fixed" unit std (openai/InfoGAN) or "learned" log-std
  lambda_cat: float = 1.0
  lambda_cont: float = 0.1
  q_step: str = "g"             # Q head trained in the G+Q step, or with D ("d", openai)
  generator_loss: str = "non_saturating"
  mismatch_weight: float = 1.0  # cgan: weight of D's wrong-label term
  lambda_ss: float = 2.0        # ssinfogan: lambda_2, weight of L_IS (labelled real + generated)
  lambda_us: float = 0.8        # ssinfogan: lambda_1, weight of L_I of the unsupervised codes
  generator_steps: int = 2      # age: g steps per e step
  lambda_z: float = 1000.0      # age: lambda, weight of L_Z = ||z - e(g(z))||^2 (g step)
  mu_x: float = 10.0            # age: mu, weight of L_X = ||x - g(e(x))|| (e step)
  image_loss: str = "l1"        # age: norm of L_X
  latent_loss: str = "l2"       # age: distance of L_Z ("l2" or "cosine")
  kl_reduction: str = "mean"    # age: Delta = KL / M ("mean", official scale) or the KL ("sum")


@dataclasses.dataclass(frozen=True)
class OptimizerConfig:
  d_learning_rate: float = 2e-4
  g_learning_rate: float = 1e-3
  beta_1: float = 0.5
  beta_2: float = 0.999
  lr_decay_steps: int = 0       # multiply both learning rates by lr_decay_rate every N steps
  lr_decay_rate: float = 0.5


@dataclasses.dataclass(frozen=True)
class RuntimeConfig:
  model_dir: str = ""
  seed: int = 0
  train_steps: int = 10000
  steps_per_epoch: int = 500
  checkpoint_every: int = 1000
  checkpoint_every_secs: float = 180.0  # also checkpoint when this long since the last (0: off)
  summary_every: int = 100
  image_every: int = 1000
  jit_compile: bool = True
  steps_per_execution: int = 1
  strategy: str = "default"
  export_name: str = ""         # "" = the model name
  overwrite: bool = False
  verbose: int = 1


@dataclasses.dataclass(frozen=True)
class Config:
  data: DataConfig = DataConfig()
  model: ModelConfig = ModelConfig()
  optimizer: OptimizerConfig = OptimizerConfig()
  runtime: RuntimeConfig = RuntimeConfig()

  @property
  def export_name(self) -> str:
    """The model name under model_dir/export/: --export_name, or the model's name."""
    return self.runtime.export_name or self.model.model

  def to_dict(self) -> Dict[str, Any]:
    return dataclasses.asdict(self)

  def to_json(self) -> str:
    return json.dumps(self.to_dict(), indent=2, sort_keys=True)

  @classmethod
  def from_dict(cls, d: Dict[str, Any]) -> "Config":
    """Inverse of `to_dict`; unknown keys raise ValueError."""
    parts = {}
    for field in dataclasses.fields(cls):
      sub_cls = field.type if isinstance(field.type, type) else globals()[field.type]
      values = dict(d.get(field.name, {}))
      known = {f.name for f in dataclasses.fields(sub_cls)}
      unknown = set(values) - known
      if unknown:
        raise ValueError(f"Unknown {field.name} config keys {sorted(unknown)}")
      parts[field.name] = sub_cls(**values)
    return cls(**parts)

  @classmethod
  def from_json(cls, text: str) -> "Config":
    return cls.from_dict(json.loads(text))

  def replace(self, **sections) -> "Config":
    """A copy with some fields of sections changed: replace(runtime={"train_steps": 5})."""
    return dataclasses.replace(self, **{
        k: dataclasses.replace(getattr(self, k), **v) for k, v in sections.items()})


def read_run_config(model_dir: str) -> Config:
  """The frozen config of the run in ``model_dir`` (its config.json).

  Raises:
    FileNotFoundError: if model_dir has no config.json.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  path = f"{model_dir.rstrip('/')}/config.json"
  if not tf.io.gfile.exists(path):
    raise FileNotFoundError(f"No run in {model_dir}: {path} is missing")
  with tf.io.gfile.GFile(path) as f:
    return Config.from_json(f.read())


# Runtime fields a resumed run may change without being "a different run".
RESUMABLE_FIELDS = frozenset({
    "model_dir", "train_steps", "steps_per_epoch", "checkpoint_every", "checkpoint_every_secs",
    "summary_every",
    "image_every", "overwrite", "verbose", "steps_per_execution", "jit_compile", "strategy",
    "export_name"})


def run_identity(config: Config) -> Dict[str, Any]:
  """The parts of a config that define a run (what a resume must keep the same)."""
  d = config.to_dict()
  d["runtime"] = {k: v for k, v in d["runtime"].items() if k not in RESUMABLE_FIELDS}
  d["data"] = {k: v for k, v in d["data"].items() if k not in ("data_dir", "raw_data_dir")}
  return d


def config_diff(a: Config, b: Config):
  """Dotted names of the identity fields that differ between two configs."""
  da, db = run_identity(a), run_identity(b)
  return sorted(f"{s}.{k}" for s in da for k in set(da[s]) | set(db[s])
                if da[s].get(k) != db[s].get(k))
