"""Frozen experiment configuration: data / model / the model's own parameters / optimizer /
runtime, to and from JSON (docs/design.md, "Config").

Each field carries its flag's help and bounds (`params.field`); the training entry point
turns them into flags, so a flag is declared once. The shared sections hold what every model
reads; ``Config.params`` holds the section of the model ``model.model`` names (a dataclass the
model registers with itself, `models.registry`), e.g. InfoGAN's lambda_cat or AGE's lambda_z.
A run's config.json carries the ``format`` of this layout (`FORMAT`); a file of another
format is refused with one line that says so (`Config.from_dict`).
"""

import dataclasses
import json
from typing import Any, Dict

from tfgan_info import data as data_lib
from tfgan_info import distribute
from tfgan_info import latents
from tfgan_info import models
from tfgan_info import networks
from tfgan_info import params as P
from tfgan_info import precision as precision_lib
from tfgan_info.models import registry


# The layout of config.json. Format 2: sections data / model / params / optimizer / runtime,
# and checkpoints that hold the model's global step.
FORMAT = 2


class ConfigFormatError(ValueError):
  """A config.json written in another layout than this package's (`FORMAT`)."""


@dataclasses.dataclass(frozen=True)
class DataConfig:
  dataset: str = P.field(
      "mnist", f"A tfds dataset ({', '.join(data_lib.DATASETS)}), a dataset of image pairs "
      f"built from them ({', '.join(data_lib.PAIRED_DATASETS)}), "
      f"{data_lib.TFDS_PREFIX}NAME: any tfds image dataset, "
      f"{data_lib.FOLDER_PREFIX}FOLDER: PNG / JPEG images, in class subfolders for labels "
      "(FOLDER/train/ and FOLDER/test/ for two splits), or "
      f"{data_lib.PAIRED_PREFIX}FOLDER: pix2pix's side-by-side A|B JPEG / PNG images in "
      "FOLDER/train/ and FOLDER/test/ (or val/) (docs/data.md).")
  direction: str = P.field("AtoB", "Paired datasets: translate A (the left image) into B, or "
                           "B into A.", choices=data_lib.paired.DIRECTIONS)
  data_dir: str = P.field("", "tfds data folder ('' = tfds default).")
  raw_data_dir: str = P.field(
      "", "Build the dataset offline from the original raw gzip files in this folder (or its "
      "<dataset>/ subfolder); '' = download with tfds.")
  image_size: int = P.field(
      0, "tfds: and folder: datasets: fit every image to this square side (its central "
      "square, or --crop_size's, resized); 0: --crop_size, or the data's own size.", lower=0)
  crop_size: int = P.field(
      0, "tfds: and folder: datasets: the side of the central square cropped before the "
      "resize (e.g. 108 for CelebA's faces); 0: the largest square.", lower=0)
  image_channels: int = P.field(
      0, "tfds: and folder: datasets: 1 (grey) or 3 (RGB) to convert every image; 0: the "
      "data's own.", lower=0, upper=3)
  image_feature: str = P.field("image", "tfds: datasets: the feature holding the image.")
  label_feature: str = P.field(
      "label", "tfds: datasets: the ClassLabel feature holding the class (a dataset without "
      "'label' has no classes).")
  manual_dir: str = P.field(
      "", "tfds: datasets: tfds' manual_dir, the folder of files a dataset's instructions "
      "ask to download by hand.")
  batch_size: int = P.field(64, "Global batch size.", lower=1)
  cache: bool = P.field(True, "Cache decoded examples in memory.")
  shuffle_buffer: int = P.field(60000, "Shuffle buffer size.", lower=1)

  def __post_init__(self):
    # The flag is a string, not an enum.
    data_lib.check_dataset(self.dataset, self.direction, data_lib.source_of(self))


@dataclasses.dataclass(frozen=True)
class ModelConfig:
  """Which model, its networks and its latent layout (`latents.LatentSpec.from_config`)."""
  model: str = P.field(models.DEFAULT_MODEL, "Model to train.", choices=registry.names)
  architecture: str = P.field("infogan_mnist", "Network architecture.",
                              choices=lambda: sorted(networks.ARCHITECTURES))
  codes: str = P.field("cat:10,uniform:1,uniform:1",
                       "Latent codes, e.g. cat:10,uniform:1,uniform:1 (kinds: "
                       f"{', '.join(latents.CODE_KINDS)}).")
  width: int = P.field(0, "Filters of D's first (G's last hidden) layer, the others scaled "
                      "with it, for architectures that take a width (dcgan, infogan_cr_dsprites, "
                      "unet_patchgan); "
                      "0: the architecture's default.", lower=0)
  noise_dim: int = P.field(62, "Incompressible noise width.", lower=0)
  noise: str = P.field("normal", "Noise prior.", choices=latents.NOISE_KINDS)
  q_std: str = P.field("fixed", "Gaussian Q for continuous codes: learned log-std or fixed "
                       "unit std (openai/InfoGAN).", choices=("learned", "fixed"))


@dataclasses.dataclass(frozen=True)
class OptimizerConfig:
  d_learning_rate: float = P.field(2e-4, "D's (AGE: the encoder's) Adam learning rate.",
                                   lower=0.0)
  g_learning_rate: float = P.field(1e-3, "G (and Q) Adam learning rate.", lower=0.0)
  g_ema: float = P.field(
      0.0, "Momentum of an exponential moving average of G's weights, kept by G's optimizer "
      "(Yazici et al. 2019); the SavedModel serves the average, training keeps the raw "
      "weights; 0: off.", lower=0.0, upper=0.99999)
  beta_1: float = P.field(0.5, "Adam beta_1.", lower=0.0, upper=1.0)
  beta_2: float = P.field(0.999, "Adam beta_2.", lower=0.0, upper=1.0)
  lr_decay_steps: int = P.field(0, "Multiply both learning rates by --lr_decay_rate every N "
                                "training steps (the global step; 0: constant).", lower=0)
  lr_decay_rate: float = P.field(0.5, "Learning-rate decay factor.", lower=0.0, upper=1.0)


@dataclasses.dataclass(frozen=True)
class RuntimeConfig:
  model_dir: str = P.field("", "Experiment directory.")
  seed: int = P.field(0, "Seed of weights, latents and shuffling.")
  train_steps: int = P.field(10000, "Total training steps.", lower=1)
  steps_per_epoch: int = P.field(500, "Steps per printed progress line.", lower=1)
  checkpoint_every: int = P.field(1000, "Checkpoint interval (steps).", lower=1)
  checkpoint_every_secs: float = P.field(
      180.0, "Also checkpoint when this many seconds have passed since the last save (0: only "
      "by steps).", lower=0.0)
  summary_every: int = P.field(100, "Scalar summary interval (steps).", lower=1)
  image_every: int = P.field(1000, "Traversal image interval (steps).", lower=1)
  jit_compile: bool = P.field(True, "Compile the train step with XLA.")
  xla_on_cpu: bool = P.field(
      False, "With --jit_compile: compile on a machine without a GPU too (false, the "
      "default: XLA only where a GPU is visible; every convolutional config's CPU step is "
      "faster without it, docs/performance.md#precision-and-xla-on-a-cpu).")
  precision: str = P.field(
      "auto", "Keras dtype policy of the networks: float32, or mixed_bfloat16 / "
      "mixed_float16 (16-bit compute, float32 variables, losses and outputs); auto: the "
      "shipped default, float32 (a resume keeps the run's).", choices=precision_lib.PRECISIONS)
  float32_network: str = P.field(
      "none", "Under a 16-bit --precision, build one network in float32: discriminator (its "
      "body and heads, InfoGAN's Q included) or generator; the other computes in 16 bits "
      "(docs/performance.md#precision-and-xla-on-a-cpu).",
      choices=("none", "generator", "discriminator"))
  steps_per_execution: int = P.field(1, "Train steps per compiled call.", lower=1)
  strategy: str = P.field("default", "tf.distribute strategy.", choices=distribute.STRATEGIES)
  export_name: str = P.field("", "Export name ('' = the model name, with _bfloat16 for "
                             "--export_weights=bfloat16).")
  bn_recalibration_images: int = P.field(
      20000, "Real training images from which the export recomputes the batch-norm "
      "statistics of the networks a model declares as serving real images (a Q head and "
      "the body under it); 0: serve the moving averages of training.", lower=0)
  g_statistics_draws: int = P.field(
      10000, "Prior draws from which the export recomputes the served generator's batch-norm "
      "statistics: the averaged generator's (--g_ema > 0), or with --g_recalibrate the raw "
      "one's; 0: serve the moving averages of training.", lower=0)
  g_recalibrate: bool = P.field(
      False, "Without --g_ema: recompute the raw generator's batch-norm statistics on "
      "--g_statistics_draws prior draws before export (precise batch norm: the moving "
      "averages of training lag behind the weights); false: serve the moving averages.")
  export_weights: str = P.field(
      "float32", "Weights of the SavedModel: float32 (as trained), or bfloat16 (half the bytes "
      "a batch-1 call streams; float32 inputs and outputs).", choices=("float32", "bfloat16"))
  restart_step: int = P.field(
      0, "Label-free restarts (tfgan_info/restarts.py): at this step, an attempt whose mean "
      "--restart_metric over the last --restart_window steps is below --restart_below starts "
      "again with seed --seed + 1000 k (at --train_steps: a whole new run; the best attempt "
      "is exported); 0: off (as is a run of fewer --train_steps).", lower=0)
  restart_metric: str = P.field(
      "", "With --restart_step: the reported scalar that scores an attempt, higher is better "
      "(e.g. InfoGAN's iic; no labels).")
  restart_below: float = P.field(
      0.0, "With --restart_step: restart an attempt scoring below this (inf: always, so the "
      "best of --max_restarts + 1 attempts trains on).")
  restart_window: int = P.field(1000, "With --restart_step: steps averaged into the score.",
                                lower=1)
  max_restarts: int = P.field(
      2, "With --restart_step: restarts at most; then the best-scoring attempt trains on.",
      lower=0)
  overwrite: bool = P.field(False, "Delete model_dir if it holds a different run.")
  init_from: str = P.field(
      "", "Start a new run from another run's latest checkpoint (its folder, or a checkpoint "
      "prefix): what both models hold (networks, optimizer moments and step counts, the "
      "latent seed state) is restored, the rest keeps its initial values, e.g. InfoGAN-CR's "
      "H when the other run is InfoGAN (modified). Only at the start: a run with checkpoints "
      "of its own resumes from them.")
  verbose: int = P.field(
      1, "Progress output: 0 (none), 1 (a line per --steps_per_epoch steps, refreshed in place "
      "on a terminal) or 2 (the lines only).", lower=0, upper=2)


# The shared sections: (attribute of Config, dataclass, title in --help).
SECTIONS = (("data", DataConfig, "Data"), ("model", ModelConfig, "Model"),
            ("optimizer", OptimizerConfig, "Optimizer"), ("runtime", RuntimeConfig, "Run"))


def field_names(cls) -> tuple:
  return tuple(f.name for f in dataclasses.fields(cls))


@dataclasses.dataclass(frozen=True)
class Config:
  """A run's configuration. ``params`` (None: the defaults) is an instance of the parameter
  dataclass registered for ``model.model``."""
  data: DataConfig = DataConfig()
  model: ModelConfig = ModelConfig()
  params: Any = None
  optimizer: OptimizerConfig = OptimizerConfig()
  runtime: RuntimeConfig = RuntimeConfig()

  def __post_init__(self):
    params_cls = registry.get(self.model.model).params_cls
    if self.params is None:
      object.__setattr__(self, "params", params_cls())
    elif type(self.params) is not params_cls:  # pylint: disable=unidiomatic-typecheck
      raise ValueError(f"--model={self.model.model} takes {params_cls.__name__}, got "
                       f"{type(self.params).__name__}")

  @property
  def export_name(self) -> str:
    """The model name under model_dir/export/: --export_name, or the model's name (plus
    "_bfloat16" for a bfloat16-weight export)."""
    suffix = "_bfloat16" if self.runtime.export_weights == "bfloat16" else ""
    return self.runtime.export_name or self.model.model + suffix

  def to_dict(self) -> Dict[str, Any]:
    """The sections as dicts, and "format": `FORMAT`."""
    return dict(dataclasses.asdict(self), format=FORMAT)

  def to_json(self) -> str:
    return json.dumps(self.to_dict(), indent=2, sort_keys=True)

  @classmethod
  def from_dict(cls, d: Dict[str, Any]) -> "Config":
    """Inverse of `to_dict`.

    Raises:
      ConfigFormatError: for a dict of another format (an earlier tfgan_info's run).
      ValueError: for unknown keys or an unknown model.
    """
    written = d.get("format", 1)
    if written != FORMAT:
      raise ConfigFormatError(
          f"config format {written} was written by an earlier tfgan_info (this one reads "
          f"format {FORMAT}, whose checkpoints hold the global step): train the run again in "
          "a new --model_dir")
    parts = {}
    for name, section_cls, _ in SECTIONS:
      parts[name] = _section(name, section_cls, d.get(name, {}))
    params_cls = registry.get(parts["model"].model).params_cls
    parts["params"] = _section(f"{parts['model'].model} params", params_cls, d["params"])
    return cls(**parts)

  @classmethod
  def from_json(cls, text: str) -> "Config":
    return cls.from_dict(json.loads(text))

  def replace(self, **sections) -> "Config":
    """A copy with some fields of sections changed: replace(runtime={"train_steps": 5}),
    replace(params={"lambda_cont": 1.0}). A new model.model without params gets that
    model's default parameters."""
    new = {k: dataclasses.replace(getattr(self, k), **v) for k, v in sections.items()
           if k != "params"}
    model = new.get("model", self.model)
    if model.model != self.model.model:
      new["params"] = registry.get(model.model).params_cls(**sections.get("params", {}))
    elif "params" in sections:
      new["params"] = dataclasses.replace(self.params, **sections["params"])
    return dataclasses.replace(self, **new)


def _section(name: str, cls, values: Dict[str, Any]):
  unknown = set(values) - set(field_names(cls))
  if unknown:
    raise ValueError(f"Unknown {name} config keys {sorted(unknown)}")
  return cls(**values)


def read_run_config(model_dir: str) -> Config:
  """The frozen config of the run in ``model_dir`` (its config.json).

  Raises:
    FileNotFoundError: if model_dir has no config.json.
    ConfigFormatError: "<path>: config format N was written by an earlier tfgan_info ...".
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  path = f"{model_dir.rstrip('/')}/config.json"
  if not tf.io.gfile.exists(path):
    raise FileNotFoundError(f"No run in {model_dir}: {path} is missing")
  with tf.io.gfile.GFile(path) as f:
    text = f.read()
  try:
    return Config.from_json(text)
  except ConfigFormatError as e:
    raise ConfigFormatError(f"{path}: {e}") from None


# Runtime fields a resumed run may change without being "a different run".
RESUMABLE_FIELDS = frozenset({
    "model_dir", "train_steps", "steps_per_epoch", "checkpoint_every", "checkpoint_every_secs",
    "summary_every",
    "image_every", "overwrite", "verbose", "steps_per_execution", "jit_compile", "xla_on_cpu",
    "strategy",
    "export_name", "export_weights", "bn_recalibration_images", "g_statistics_draws",
    "g_recalibrate"})


def run_identity(config: Config) -> Dict[str, Any]:
  """The parts of a config that define a run (what a resume must keep the same)."""
  d = config.to_dict()
  del d["format"]
  d["runtime"] = {k: v for k, v in d["runtime"].items() if k not in RESUMABLE_FIELDS}
  d["data"] = {k: v for k, v in d["data"].items() if k not in ("data_dir", "raw_data_dir")}
  if not d["optimizer"]["lr_decay_steps"]:
    del d["optimizer"]["lr_decay_rate"]  # unused without a decay
  return d


def config_diff(a: Config, b: Config):
  """Dotted names of the identity fields that differ between two configs."""
  da, db = run_identity(a), run_identity(b)
  return sorted(f"{s}.{k}" for s in da for k in set(da[s]) | set(db[s])
                if da[s].get(k) != db[s].get(k))
