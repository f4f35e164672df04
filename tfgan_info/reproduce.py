"""Reproduces a config's results table: python -m tfgan_info.reproduce --config=<cfg> --seeds=0-4

For each seed it trains the config (``python3 -m tfgan_info.train``, resuming from the run's
checkpoints), trains the domain classifier the metrics need when it is missing
(``tools/train_classifier.py``), evaluates the export (``python3 -m tfgan_info.evaluate``,
which writes the run's result record) and copies the record to
``<records_dir>/<name>/seed<S>.json``. One progress line per stage and seed; every command's
output goes to a log beside its run. Killed at any moment, the same command goes on: a seed
whose record matches the config file is done, a run resumes from its checkpoints, and an
evaluation is redone. ``--tables`` then regenerates every records table and headline of
README.md and docs/*.md from the records (docs/results.md, "How the tables are made").
"""

if __name__ == "__main__":  # before TensorFlow loads: quiet its C++ start-up lines
  from tfgan_info import console  # pylint: disable=g-import-not-at-top
  console.quiet_tensorflow()

# pylint: disable=g-import-not-at-top,wrong-import-position
import glob
import os
import shlex
import subprocess
import sys
import time
from typing import List, Optional, Sequence

from absl import app
from absl import flags

from tfgan_info import console
from tfgan_info import records

FLAGS = flags.FLAGS
CLASSIFIER_TOOL = os.path.join("tools", "train_classifier.py")
TABLE_DOCS = ("README.md", os.path.join("docs", "*.md"))


def define_flags():
  flags.DEFINE_string("config", "", "The flagfile to reproduce, e.g. configs/infogan_mnist.cfg.")
  flags.DEFINE_string("seeds", "", "Seeds: '0-4', '0,2,3' or '1' ('' with --tables: only the "
                      "tables).")
  flags.DEFINE_string("name", "", "Folder of the records under --records_dir and prefix of "
                      "the run folders ('' = the config's file name; name a variant that adds "
                      "--train_flags).")
  flags.DEFINE_list("train_flags", [], "Flags added to each training command, e.g. "
                    "--train_steps=300 (a variant: give it its own --name).")
  flags.DEFINE_list("evaluate_flags", [], "Flags added to each evaluate command, e.g. "
                    "--sample_sets=3.")
  flags.DEFINE_list("classifier_flags", [], "Flags added to the domain classifier's command.")
  flags.DEFINE_string("raw_data_dir", "", "Build the datasets offline from the original files "
                      "here (passed to every command).")
  flags.DEFINE_string("runs_dir", "runs/reproduce", "Where the run folders go.")
  flags.DEFINE_string("classifiers_dir", "runs", "Where the domain classifiers are "
                      "(classifier_<dataset>/, or of a tfds: or folder: dataset "
                      "its `data.file_name`), and are trained when missing.")
  flags.DEFINE_string("records_dir", "docs/records", "Where the records go.")
  flags.DEFINE_boolean("tables", False, "After the seeds, regenerate the records tables and "
                       "headlines of README.md and docs/*.md.")


def parse_seeds(text: str) -> List[int]:
  """"0-4" -> [0, 1, 2, 3, 4]; "0,2" -> [0, 2]; "" -> []."""
  seeds = []
  for part in filter(None, text.replace(" ", "").split(",")):
    first, _, last = part.partition("-")
    seeds.extend(range(int(first), int(last or first) + 1))
  return seeds


def run_logged(command: Sequence[str], log_path: str, cwd: Optional[str] = None) -> float:
  """Runs a command (in ``cwd``, default this one) with its output appended to ``log_path``,
  after a "$ command" line; its wall time in seconds.

  Raises:
    RuntimeError: naming the command and its log, if it fails.
  """
  os.makedirs(os.path.dirname(log_path), exist_ok=True)
  start = time.monotonic()
  with open(log_path, "a") as log:
    log.write(f"$ {shlex.join(command)}\n")
    log.flush()
    code = subprocess.call(list(command), cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
  if code:
    raise RuntimeError(f"{shlex.join(command)} failed (exit status {code}); see {log_path}")
  return time.monotonic() - start


def config_domain(config_path: str, train_flags: Sequence[str]):
  """(the dataset whose domain classifier scores the config's outputs, the `data.Source` that
  reads it as the run does), or (None, None) (see `data.output_domain`; none for a
  dataset without class labels)."""
  from tfgan_info import data as data_lib
  from tfgan_info import train
  config = train.parse_config(["reproduce", f"--flagfile={config_path}", *train_flags])
  dc = config.data
  domain = data_lib.output_domain(dc.dataset, dc.direction)
  if not domain or domain in data_lib.GROUND_TRUTH:
    return None, None
  if domain != dc.dataset:
    return (domain, data_lib.Source()) if data_lib.NUM_CLASSES[domain] else (None, None)
  return (domain, data_lib.source_of(dc)) if data_lib.num_classes_of(dc) else (None, None)


def source_flags(source) -> List[str]:
  """The --flags of a `data.Source`'s settings other than their defaults."""
  import dataclasses  # pylint: disable=g-import-not-at-top
  return [f"--{f.name}={getattr(source, f.name)}" for f in dataclasses.fields(source)
          if getattr(source, f.name) != f.default]


def headline(metrics, limit: int = 3) -> str:
  """A few of a record's metrics for the progress line."""
  keys = [k for k in ("c1_matched_accuracy", "classify_accuracy", "classifier_fid",
                      "classifier_score", "reconstruction_identity_kept",
                      "linear_probe_accuracy_100", "disentanglement.factor_vae_infogan_cr",
                      "disentanglement.mig")
          if k in metrics][:limit]
  return ", ".join(f"{k} {metrics[k]:.4g}" for k in keys)


def reproduce_seed(config_path: str, seed: int, name: str, flags_: dict, say) -> str:
  """Trains, evaluates and records one seed (see the module docstring); the record's path."""
  record_path = os.path.join(flags_["records_dir"], name, f"seed{seed}.json")
  sha = records.file_sha256(config_path)
  if os.path.exists(record_path):
    old = records.read(record_path)
    if old.get("config_sha256") == sha and old.get("train_flags", []) == flags_["train_flags"]:
      say(f"seed {seed}: recorded ({record_path})")
      return record_path
  model_dir = os.path.join(flags_["runs_dir"], f"{name}_s{seed}")
  log = os.path.join(flags_["runs_dir"], "logs", f"{name}_s{seed}.log")
  raw = [f"--raw_data_dir={flags_['raw_data_dir']}"] if flags_["raw_data_dir"] else []
  python = sys.executable

  say(f"seed {seed}: training {model_dir} (log: {log})")
  run_logged([python, "-m", "tfgan_info.train", f"--flagfile={config_path}", f"--seed={seed}",
              f"--model_dir={model_dir}", *raw, *flags_["train_flags"]], log)
  training = records.read_training(model_dir)
  say(f"seed {seed}: trained to step {training['steps']} "
      f"({training['wall_s'] / 60:.1f} min of training in {len(training['commands'])} "
      f"command{'s' * (len(training['commands']) > 1)})")

  from tfgan_info import data as data_lib  # pylint: disable=g-import-not-at-top
  domain, source = config_domain(config_path, flags_["train_flags"])
  classifier_name = f"classifier_{data_lib.file_name(domain, source)}" if domain else ""
  classifier_dir = os.path.join(flags_["classifiers_dir"], classifier_name) if domain else ""
  if domain and not os.path.exists(os.path.join(classifier_dir, "classifier.keras")):
    if not os.path.exists(CLASSIFIER_TOOL):
      raise RuntimeError(f"no domain classifier in {classifier_dir}, and no {CLASSIFIER_TOOL} "
                         "here to train it: run from the repository's root")
    say(f"seed {seed}: training the {domain} domain classifier {classifier_dir}")
    run_logged([python, CLASSIFIER_TOOL, f"--dataset={domain}", f"--output_dir={classifier_dir}",
                *source_flags(source), *raw, *flags_["classifier_flags"]],
               os.path.join(flags_["runs_dir"], "logs", f"{classifier_name}.log"))

  say(f"seed {seed}: evaluating")
  evaluate = [python, "-m", "tfgan_info.evaluate", f"--model_dir={model_dir}",
              "--inception=false", *raw, *flags_["evaluate_flags"]]
  if classifier_dir:
    evaluate.append(f"--classifier_dir={classifier_dir}")
  run_logged(evaluate, log)
  record = records.read(records.record_path(model_dir))
  record["train_flags"] = list(flags_["train_flags"])
  records.write(record_path, record)
  say(f"seed {seed}: {headline(record['metrics'])} -> {record_path}")
  return record_path


def table_docs(root: str = ".") -> List[str]:
  """The Markdown files whose records tables and headlines `--tables` regenerates."""
  out = []
  for pattern in TABLE_DOCS:
    out.extend(sorted(glob.glob(os.path.join(root, pattern))))
  return out


def write_tables(records_dir: str, root: str = ".") -> List[str]:
  """Regenerates the records tables and headlines of README.md and docs/*.md; the files it
  changed."""
  changed = []
  for path in table_docs(root):
    with open(path, encoding="utf-8") as f:
      text = f.read()
    rendered = records.render_blocks(text, records_dir)
    if rendered != text:
      with open(path, "w", encoding="utf-8") as f:
        f.write(rendered)
      changed.append(path)
  return changed


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  console.quiet_python_logs()
  try:
    seeds = parse_seeds(FLAGS.seeds)
  except ValueError:
    sys.exit(f"Error: --seeds takes '0-4', '0,2,3' or '1'; got {FLAGS.seeds!r}")
  if not seeds and not FLAGS.tables:
    sys.exit("Error: give --config and --seeds, e.g. --config=configs/infogan_mnist.cfg "
             "--seeds=0-4, or --tables")
  if seeds and not FLAGS.config:
    sys.exit("Error: --config is required, e.g. --config=configs/infogan_mnist.cfg")
  if FLAGS.config and not os.path.exists(FLAGS.config):
    sys.exit(f"Error: no config {FLAGS.config}")
  name = FLAGS.name or os.path.splitext(os.path.basename(FLAGS.config))[0]
  flags_ = {key: FLAGS[key].value for key in (
      "train_flags", "evaluate_flags", "classifier_flags", "raw_data_dir", "runs_dir",
      "classifiers_dir", "records_dir")}
  def say(text):
    print(text, flush=True)
  try:
    for i, seed in enumerate(seeds):
      say(f"{name}: seed {seed} ({i + 1} of {len(seeds)})")
      reproduce_seed(FLAGS.config, seed, name, flags_, say)
    if FLAGS.tables:
      for path in write_tables(FLAGS.records_dir):
        say(f"Regenerated the records tables and headlines of {path}")
  except (RuntimeError, ValueError, OSError) as e:
    sys.exit(f"Error: {e}")


if __name__ == "__main__":
  define_flags()
  app.run(main)
