"""Training entry point: python -m tfgan_info.train --flagfile=configs/infogan_mnist.cfg

The only module that reads FLAGS: it defines them, turns them into a frozen `Config` and
calls `train_lib.run`. Bad flag values end the program with a one-line error.
"""

import sys

from absl import app
from absl import flags
from absl import logging

from tfgan_info import config as config_lib
from tfgan_info import data as data_lib
from tfgan_info import distribute
from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info.models import MODELS
from tfgan_info.models.infogan import Q_STEPS

FLAGS = flags.FLAGS


def define_flags():
  """Defines every training flag; defaults come from the config dataclasses."""
  d, m, o, r = (config_lib.DataConfig(), config_lib.ModelConfig(),
                config_lib.OptimizerConfig(), config_lib.RuntimeConfig())
  # data
  flags.DEFINE_enum("dataset", d.dataset, list(data_lib.DATASETS), "tfds dataset name.")
  flags.DEFINE_string("data_dir", d.data_dir, "tfds data folder ('' = tfds default).")
  flags.DEFINE_string("raw_data_dir", d.raw_data_dir,
                      "Build the dataset offline from the original raw gzip files in this "
                      "folder (or its <dataset>/ subfolder); '' = download with tfds.")
  flags.DEFINE_integer("batch_size", d.batch_size, "Global batch size.", lower_bound=1)
  flags.DEFINE_boolean("cache", d.cache, "Cache decoded examples in memory.")
  flags.DEFINE_integer("shuffle_buffer", d.shuffle_buffer, "Shuffle buffer size.",
                       lower_bound=1)
  # model
  flags.DEFINE_enum("model", m.model, sorted(MODELS), "Model to train.")
  flags.DEFINE_enum("architecture", m.architecture, sorted(networks.ARCHITECTURES),
                    "Network architecture.")
  flags.DEFINE_string("codes", m.codes,
                      "Latent codes, e.g. cat:10,uniform:1,uniform:1 (kinds: "
                      f"{', '.join(latents.CODE_KINDS)}).")
  flags.DEFINE_integer("noise_dim", m.noise_dim, "Incompressible noise width.", lower_bound=0)
  flags.DEFINE_enum("noise", m.noise, list(latents.NOISE_KINDS), "Noise prior.")
  flags.DEFINE_enum("q_std", m.q_std, ["learned", "fixed"],
                    "Gaussian Q for continuous codes: learned log-std or fixed unit std.")
  flags.DEFINE_float("lambda_cat", m.lambda_cat, "Weight of L_I for categorical codes.",
                     lower_bound=0.0)
  flags.DEFINE_float("lambda_cont", m.lambda_cont, "Weight of L_I for continuous codes.",
                     lower_bound=0.0)
  flags.DEFINE_enum("q_step", m.q_step, list(Q_STEPS),
                    "InfoGAN: train the Q head in the G+Q step with G's optimizer ('g'), or Q "
                    "head and shared body with D's optimizer in the D step ('d', openai).")
  flags.DEFINE_enum("generator_loss", m.generator_loss, sorted(losses.GENERATOR_LOSSES),
                    "Generator objective.")
  # optimizer
  flags.DEFINE_float("d_learning_rate", o.d_learning_rate, "D Adam learning rate.",
                     lower_bound=0.0)
  flags.DEFINE_float("g_learning_rate", o.g_learning_rate, "G (and Q) Adam learning rate.",
                     lower_bound=0.0)
  flags.DEFINE_float("beta_1", o.beta_1, "Adam beta_1.", lower_bound=0.0, upper_bound=1.0)
  flags.DEFINE_float("beta_2", o.beta_2, "Adam beta_2.", lower_bound=0.0, upper_bound=1.0)
  # runtime
  flags.DEFINE_string("model_dir", r.model_dir, "Experiment directory.")
  flags.DEFINE_integer("seed", r.seed, "Seed of weights, latents and shuffling.")
  flags.DEFINE_integer("train_steps", r.train_steps, "Total training steps.", lower_bound=1)
  flags.DEFINE_integer("steps_per_epoch", r.steps_per_epoch,
                       "Steps per Keras epoch (progress bar line).", lower_bound=1)
  flags.DEFINE_integer("checkpoint_every", r.checkpoint_every, "Checkpoint interval (steps).",
                       lower_bound=1)
  flags.DEFINE_integer("summary_every", r.summary_every, "Scalar summary interval (steps).",
                       lower_bound=1)
  flags.DEFINE_integer("image_every", r.image_every, "Traversal image interval (steps).",
                       lower_bound=1)
  flags.DEFINE_boolean("jit_compile", r.jit_compile, "Compile the train step with XLA.")
  flags.DEFINE_integer("steps_per_execution", r.steps_per_execution,
                       "Train steps per compiled call.", lower_bound=1)
  flags.DEFINE_enum("strategy", r.strategy, list(distribute.STRATEGIES),
                    "tf.distribute strategy.")
  flags.DEFINE_string("export_name", r.export_name, "Export name ('' = the model name).")
  flags.DEFINE_boolean("overwrite", r.overwrite,
                       "Delete model_dir if it holds a different run.")
  flags.DEFINE_integer("verbose", r.verbose, "Keras progress output: 0, 1 (bar) or 2.")


def config_from_flags() -> config_lib.Config:
  """The frozen config of the parsed flags."""
  def section(cls):
    return cls(**{f: FLAGS[f].value for f in cls.__dataclass_fields__})
  return config_lib.Config(
      data=section(config_lib.DataConfig), model=section(config_lib.ModelConfig),
      optimizer=section(config_lib.OptimizerConfig), runtime=section(config_lib.RuntimeConfig))


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}: flags are written --name=value")
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  config = config_from_flags()
  try:
    latents.parse_codes(config.model.codes)
    train_lib.run(config)
  except (ValueError, OSError, FloatingPointError, tf.errors.OpError,
          tfds.download.DownloadError) as e:
    logging.debug("Error detail", exc_info=True)
    sys.exit(f"Error: {e}")


if __name__ == "__main__":
  define_flags()
  app.run(main)
