"""Training entry point: python -m tfgan_info.train --flagfile=configs/infogan_mnist.cfg

It defines the training flags, turns them into a frozen `Config` and calls `train_lib.run`;
the library below it never reads flags (the other entry points, evaluate and the tools,
define their own). Bad flag values end the program with a one-line error; Ctrl-C or SIGTERM
stops after the current step, saves it and says how to resume; ``--help`` is the user's page
(`help_page`).
"""

if __name__ == "__main__":  # before TensorFlow loads: quiet its C++ start-up lines
  from tfgan_info import console  # pylint: disable=g-import-not-at-top
  console.quiet_tensorflow()

# pylint: disable=g-import-not-at-top,wrong-import-position
import glob
import itertools
import os
import sys
import textwrap

from absl import app
from absl import flags
from absl import logging

from tfgan_info import console

from tfgan_info import config as config_lib
from tfgan_info import data as data_lib
from tfgan_info import distribute
from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info.models import MODELS
from tfgan_info.models.infogan import Q_STEPS

FLAGS = flags.FLAGS


def define_flags(flag_values: flags.FlagValues = FLAGS):
  """Defines every training flag in ``flag_values``; defaults come from the config dataclasses."""
  def define(kind, *args, **kwargs):
    getattr(flags, f"DEFINE_{kind}")(*args, flag_values=flag_values, **kwargs)

  d, m, o, r = (config_lib.DataConfig(), config_lib.ModelConfig(),
                config_lib.OptimizerConfig(), config_lib.RuntimeConfig())
  # data
  define("enum", "dataset", d.dataset, list(data_lib.DATASETS), "tfds dataset name.")
  define("string", "data_dir", d.data_dir, "tfds data folder ('' = tfds default).")
  define("string", "raw_data_dir", d.raw_data_dir,
         "Build the dataset offline from the original raw gzip files in this "
         "folder (or its <dataset>/ subfolder); '' = download with tfds.")
  define("integer", "batch_size", d.batch_size, "Global batch size.", lower_bound=1)
  define("boolean", "cache", d.cache, "Cache decoded examples in memory.")
  define("integer", "shuffle_buffer", d.shuffle_buffer, "Shuffle buffer size.",
         lower_bound=1)
  define("integer", "num_labeled", d.num_labeled,
         "ssinfogan: size of the class-balanced labelled subset (chosen by --seed).",
         lower_bound=1)
  define("float", "labeled_fraction", d.labeled_fraction,
         "ssinfogan: labelled share of the training split; > 0 overrides --num_labeled.",
         lower_bound=0.0, upper_bound=1.0)
  define("float", "unlabeled_prob", d.unlabeled_prob,
         "ssinfogan: final probability that a step's real batch is unlabelled (-1: the "
         "unlabelled share of the data, as the reference code).", upper_bound=1.0)
  define("integer", "unlabeled_prob_ramp_steps", d.unlabeled_prob_ramp_steps,
         "ssinfogan: that probability grows from 0 by 1/N per step (0: constant).",
         lower_bound=0)
  # model
  define("enum", "model", m.model, sorted(MODELS), "Model to train.")
  define("enum", "architecture", m.architecture, sorted(networks.ARCHITECTURES),
         "Network architecture.")
  define("string", "codes", m.codes,
         "Latent codes, e.g. cat:10,uniform:1,uniform:1 (kinds: "
         f"{', '.join(latents.CODE_KINDS)}).")
  define("integer", "noise_dim", m.noise_dim, "Incompressible noise width.", lower_bound=0)
  define("enum", "noise", m.noise, list(latents.NOISE_KINDS), "Noise prior.")
  define("enum", "q_std", m.q_std, ["learned", "fixed"],
         "Gaussian Q for continuous codes: learned log-std or fixed unit std.")
  define("float", "lambda_cat", m.lambda_cat, "Weight of L_I for categorical codes.",
         lower_bound=0.0)
  define("float", "lambda_cont", m.lambda_cont, "Weight of L_I for continuous codes.",
         lower_bound=0.0)
  define("enum", "q_step", m.q_step, list(Q_STEPS),
         "InfoGAN: train the Q head in the G+Q step with G's optimizer ('g'), or Q "
         "head and shared body with D's optimizer in the D step ('d', openai).")
  define("enum", "generator_loss", m.generator_loss, sorted(losses.GENERATOR_LOSSES),
         "Generator objective.")
  define("float", "mismatch_weight", m.mismatch_weight,
         "cgan: weight of D's loss on real images paired with wrong labels.",
         lower_bound=0.0)
  define("float", "lambda_ss", m.lambda_ss,
         "ssinfogan: lambda_2, weight of L_IS (labelled real and generated images).",
         lower_bound=0.0)
  define("float", "lambda_us", m.lambda_us,
         "ssinfogan: lambda_1, weight of L_I of the unsupervised codes.", lower_bound=0.0)
  define("integer", "generator_steps", m.generator_steps, "age: g steps per e step.",
         lower_bound=1)
  define("float", "lambda_z", m.lambda_z,
         "age: lambda, weight of the latent reconstruction ||z - e(g(z))||^2 in the g step.",
         lower_bound=0.0)
  define("float", "mu_x", m.mu_x,
         "age: mu, weight of the image reconstruction ||x - g(e(x))|| in the e step.",
         lower_bound=0.0)
  define("enum", "image_loss", m.image_loss, list(losses.IMAGE_RECONSTRUCTION_LOSSES),
         "age: norm of the image reconstruction.")
  define("enum", "latent_loss", m.latent_loss, list(losses.LATENT_RECONSTRUCTION_LOSSES),
         "age: distance of the latent reconstruction.")
  define("enum", "kl_reduction", m.kl_reduction, ["mean", "sum"],
         "age: divergence = textbook KL divided by the latent width ('mean', the official "
         "code's scale, which lambda and mu were tuned for) or the KL itself ('sum').")
  # optimizer
  define("float", "d_learning_rate", o.d_learning_rate,
         "D's (AGE: the encoder's) Adam learning rate.", lower_bound=0.0)
  define("float", "g_learning_rate", o.g_learning_rate, "G (and Q) Adam learning rate.",
         lower_bound=0.0)
  define("float", "beta_1", o.beta_1, "Adam beta_1.", lower_bound=0.0, upper_bound=1.0)
  define("float", "beta_2", o.beta_2, "Adam beta_2.", lower_bound=0.0, upper_bound=1.0)
  define("integer", "lr_decay_steps", o.lr_decay_steps,
         "Multiply both learning rates by --lr_decay_rate every N steps of each optimizer "
         "(0: constant).", lower_bound=0)
  define("float", "lr_decay_rate", o.lr_decay_rate, "Learning-rate decay factor.",
         lower_bound=0.0, upper_bound=1.0)
  # runtime
  define("string", "model_dir", r.model_dir, "Experiment directory.")
  define("integer", "seed", r.seed, "Seed of weights, latents and shuffling.")
  define("integer", "train_steps", r.train_steps, "Total training steps.", lower_bound=1)
  define("integer", "steps_per_epoch", r.steps_per_epoch,
         "Steps per printed progress line.", lower_bound=1)
  define("integer", "checkpoint_every", r.checkpoint_every, "Checkpoint interval (steps).",
         lower_bound=1)
  define("float", "checkpoint_every_secs", r.checkpoint_every_secs,
         "Also checkpoint when this many seconds have passed since the last save (0: only "
         "by steps).", lower_bound=0.0)
  define("integer", "summary_every", r.summary_every, "Scalar summary interval (steps).",
         lower_bound=1)
  define("integer", "image_every", r.image_every, "Traversal image interval (steps).",
         lower_bound=1)
  define("boolean", "jit_compile", r.jit_compile, "Compile the train step with XLA.")
  define("integer", "steps_per_execution", r.steps_per_execution,
         "Train steps per compiled call.", lower_bound=1)
  define("enum", "strategy", r.strategy, list(distribute.STRATEGIES),
         "tf.distribute strategy.")
  define("string", "export_name", r.export_name, "Export name ('' = the model name).")
  define("boolean", "overwrite", r.overwrite,
         "Delete model_dir if it holds a different run.")
  define("integer", "verbose", r.verbose,
         "Progress output: 0 (none), 1 (a line per --steps_per_epoch steps, refreshed in "
         "place on a terminal) or 2 (the lines only).", lower_bound=0, upper_bound=2)


def config_from_flags(flag_values: flags.FlagValues = FLAGS) -> config_lib.Config:
  """The frozen config of parsed flags."""
  def section(cls):
    return cls(**{f: flag_values[f].value for f in cls.__dataclass_fields__})
  return config_lib.Config(
      data=section(config_lib.DataConfig), model=section(config_lib.ModelConfig),
      optimizer=section(config_lib.OptimizerConfig), runtime=section(config_lib.RuntimeConfig))


def parse_config(argv) -> config_lib.Config:
  """The config of a command line, e.g. ["prog", "--flagfile=configs/gan_mnist.cfg"].

  Parses into fresh FlagValues (the global FLAGS are untouched); flagfile paths are relative
  to the working directory.

  Raises:
    flags.Error: for unknown flags or bad values.
  """
  flag_values = flags.FlagValues()
  define_flags(flag_values)
  flag_values(list(argv))
  return config_from_flags(flag_values)


SECTIONS = (("Data", config_lib.DataConfig), ("Model", config_lib.ModelConfig),
            ("Optimizer", config_lib.OptimizerConfig), ("Run", config_lib.RuntimeConfig))
CONFIGS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "configs")


def shipped_configs(configs_dir: str = CONFIGS_DIR):
  """[(path relative to the checkout, title)] of the shipped flagfiles; the title is the
  leading comment up to its first colon outside parentheses."""
  out = []
  for path in sorted(glob.glob(os.path.join(configs_dir, "*.cfg"))):
    if os.path.basename(path) == "base.cfg":
      continue
    with open(path) as f:
      comment = " ".join(text.lstrip("# ").strip() for text in
                         itertools.takewhile(lambda line: line.startswith("#"), f))
    depth, end = 0, len(comment)
    for i, c in enumerate(comment):  # the title: up to the first ": " outside parentheses
      depth += (c == "(") - (c == ")")
      if c == ":" and depth == 0:
        end = i
        break
    out.append((f"configs/{os.path.basename(path)}", comment[:end].strip()))
  return out


def help_page(flag_values: flags.FlagValues = FLAGS) -> str:
  """The user's ``--help``: usage, the shipped configs, every training flag by section."""
  lines = [
      "Train a GAN of the InfoGAN family: checkpoints, resumes, TensorBoard logs, and a",
      "SavedModel for TF Serving at the end.",
      "",
      "usage: python3 -m tfgan_info.train --flagfile=configs/<model>_<dataset>.cfg "
      "[--flag=value ...]",
      "",
      "A flagfile holds a run's flags, one --name=value per line (configs/base.cfg holds the",
      "shared ones); flags after it override it. The same command resumes a stopped run from",
      "its last checkpoint; Ctrl-C stops after the current step and saves it. Offline, add",
      "--raw_data_dir=FOLDER with the original MNIST / Fashion-MNIST gzip files.",
      "",
      "Shipped configs:"]
  configs = shipped_configs()
  width = max((len(p) for p, _ in configs), default=0)
  lines += [f"  {p:<{width}}  {first}" for p, first in configs] or [
      f"  (none found in {CONFIGS_DIR})"]
  for title, cls in SECTIONS:
    lines += ["", f"{title} flags:"]
    for name in cls.__dataclass_fields__:
      flag = flag_values[name]
      default = flag.default_as_str.strip("'") or "''"
      lines.append(f"  --{name}={default}")
      lines += textwrap.wrap(flag.help, 96, initial_indent=" " * 6,
                             subsequent_indent=" " * 6)
  lines += ["", "Logging: TensorFlow's start-up lines are hidden; TF_CPP_MIN_LOG_LEVEL=0 and "
            "--verbosity=0 show them.", "All flags, TensorFlow's and absl's too: --helpfull."]
  return "\n".join(lines)


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}: flags are written --name=value")
  console.quiet_python_logs()
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  config = config_from_flags()
  try:
    latents.parse_codes(config.model.codes)
    train_lib.run(config)
  except train_lib.TrainingStopped as e:
    print(e, flush=True)
    sys.exit(128 + e.signum)
  except (ValueError, OSError, FloatingPointError, tf.errors.OpError,
          tfds.download.DownloadError) as e:
    logging.debug("Error detail", exc_info=True)
    sys.exit(f"Error: {e}")


def run_main():
  """`app.run(main)` with the user's --help page and no traceback on a second Ctrl-C."""
  define_flags()
  if any(a in ("-h", "--help", "-help", "--h", "-?") for a in sys.argv[1:]):
    print(help_page())
    sys.exit(0)
  try:
    app.run(main)
  except KeyboardInterrupt:
    sys.exit("Interrupted at once: the latest checkpoint was kept; rerun the same command to "
             "resume from it")


if __name__ == "__main__":
  run_main()
