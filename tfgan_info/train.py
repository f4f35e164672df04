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
import dataclasses
import glob
import itertools
import os
import sys
import textwrap
import time

from absl import app
from absl import flags
from absl import logging

from tfgan_info import console

from tfgan_info import config as config_lib
from tfgan_info import distribute
from tfgan_info import latents
from tfgan_info import params as P
from tfgan_info import records
from tfgan_info.models import registry

FLAGS = flags.FLAGS


def param_owners():
  """{flag name: [(model name, field)]}: the parameters of every registered model, by name
  (a name several models share, such as q_step, is one flag)."""
  owners = {}
  for entry in registry.entries():
    for f in dataclasses.fields(entry.params_cls):
      owners.setdefault(f.name, []).append((entry.name, f))
  return owners


def _define(flag_values, f: dataclasses.Field, default, help_text: str):
  """One absl flag from a `params.field` dataclass field (kind, bounds and choices)."""
  meta, kind = P.meta(f), P.flag_kind(f)
  kwargs = {}
  if kind == "enum":
    kwargs["enum_values"] = list(meta["choices"])
  if kind in ("integer", "float"):
    kwargs.update(lower_bound=meta["lower"], upper_bound=meta["upper"])
  getattr(flags, f"DEFINE_{kind}")(f.name, default, help=help_text, flag_values=flag_values,
                                   **kwargs)


def define_flags(flag_values: flags.FlagValues = FLAGS):
  """Defines every training flag in ``flag_values``, from the config dataclasses' fields.

  The shared sections' flags default to their fields' defaults. A model parameter's flag
  (one per name, whichever models have it) defaults to None: the config then takes the
  chosen model's own default (`config_from_flags`).
  """
  for _, cls, _ in config_lib.SECTIONS:
    for f in dataclasses.fields(cls):
      _define(flag_values, f, f.default, P.meta(f)["help"])
  for name, owners in param_owners().items():
    kinds = {P.flag_kind(f) for _, f in owners}
    if len(kinds) > 1:
      raise TypeError(f"Models {[m for m, _ in owners]} declare --{name} with different "
                      f"kinds {sorted(kinds)}")
    defaults = ", ".join(f"{m} {f.default}" for m, f in owners)
    text = f"{P.meta(owners[0][1])['help']} (--model={'|'.join(m for m, _ in owners)}; " \
           f"default: {defaults})"
    _define(flag_values, owners[0][1], None, text)


def config_from_flags(flag_values: flags.FlagValues = FLAGS) -> config_lib.Config:
  """The frozen config of parsed flags.

  Raises:
    ValueError: if a flag sets a parameter the chosen model does not have (e.g.
      --mismatch_weight with --model=infogan), which would otherwise be ignored.
  """
  sections = {name: cls(**{f.name: flag_values[f.name].value for f in dataclasses.fields(cls)})
              for name, cls, _ in config_lib.SECTIONS}
  model = sections["model"].model
  params_cls = registry.get(model).params_cls
  own = {f.name for f in dataclasses.fields(params_cls)}
  owners = param_owners()
  given = {name: flag_values[name].value for name in owners
           if flag_values[name].value is not None}
  foreign = sorted(set(given) - own)
  if foreign:
    raise ValueError(
        "; ".join(f"--{n} is a parameter of --model={'|'.join(m for m, _ in owners[n])}"
                  for n in foreign) +
        f", not of --model={model} (its parameters: "
        f"{', '.join('--' + n for n in sorted(own)) or 'none'})")
  return config_lib.Config(params=params_cls(**given), **sections)


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
  def describe(f, default):
    shown = default.strip("'") if isinstance(default, str) else str(default)
    shown = shown.lower() if isinstance(default, bool) else shown
    return [f"  --{f.name}={shown or chr(39) * 2}"] + textwrap.wrap(
        P.meta(f)["help"], 96, initial_indent=" " * 6, subsequent_indent=" " * 6)

  sections = list(config_lib.SECTIONS)
  for name, cls, title in sections[:2]:  # Data, Model
    lines += ["", f"{title} flags:"]
    for f in dataclasses.fields(cls):
      lines += describe(f, flag_values[f.name].default_as_str)
  for entry in registry.entries():
    lines += [""] + textwrap.wrap(f"--model={entry.name}: {entry.description}", 96,
                                  subsequent_indent="  ")
    fields = dataclasses.fields(entry.params_cls)
    for f in fields:
      lines += describe(f, f.default)
    if not fields:
      lines.append("  (no parameters of its own)")
  for name, cls, title in sections[2:]:  # Optimizer, Run
    lines += ["", f"{title} flags:"]
    for f in dataclasses.fields(cls):
      lines += describe(f, flag_values[f.name].default_as_str)
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
  started = time.monotonic()
  try:
    config = config_from_flags()
    latents.parse_codes(config.model.codes)
    train_lib.run(config)
    record_training(config, started)
  except train_lib.TrainingStopped as e:
    record_training(config, started, stopped_at=e.step)
    print(e, flush=True)
    sys.exit(128 + e.signum)
  except (ValueError, OSError, FloatingPointError, tf.errors.OpError,
          tfds.download.DownloadError) as e:
    logging.debug("Error detail", exc_info=True)
    sys.exit(f"Error: {e}")


def record_training(config: config_lib.Config, started: float, stopped_at=None):
  """Adds this invocation (its command line, wall time since ``started`` on
  `time.monotonic`, where it stopped) to the run's results/training.json, the training
  commands of its result record (`records.append_training`); on the chief only."""
  model_dir = config.runtime.model_dir
  if distribute.chief_task() and os.path.exists(os.path.join(model_dir, "config.json")):
    records.append_training(model_dir, sys.argv[1:], time.monotonic() - started, stopped_at)


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
