"""A learning curve: train a config in chunks and score its export after each one.

  python tools/learning_curve.py --flagfile_path=configs/infogan_mod_dsprites.cfg \
      --model_dir=runs/curve_infogan_mod --every=2500 --until=20000 \
      --train_flags=--raw_data_dir=../shared/data

Each chunk is one `python -m tfgan_info.train` to the next multiple of --every: it resumes the
run from its latest checkpoint and exports at the chunk's last step, so the curve is one
training run that stops to be measured, not several runs. After each chunk,
`python -m tfgan_info.evaluate` scores the export (no generated-sample metrics; the
disentanglement metrics at --points / --eval_points), and a row
{"step", "train_seconds" (wall seconds of all chunks so far, start-up included),
"eval_seconds", "results"} is appended to <model_dir>/results/learning_curve.json. A killed
curve resumes: a step already in the file is not measured again. The training wall time so
far is also kept in <model_dir>/results/learning_curve_train_seconds.json, written after
each chunk's training, so a chunk that trained but was killed before its row was written
still counts (the time of a chunk killed while training is lost: the resumed chunk's own
time counts). Prints one line per row with the headline scores (`headline`).
"""

import json
import os
import sys

from absl import app
from absl import flags

from tfgan_info import evaluate
from tfgan_info import reproduce

FLAGS = flags.FLAGS
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (label, path in evaluate's results) of the scores printed per row, when present.
HEADLINE = (
    ("FactorVAE (InfoGAN-CR)", ("disentanglement", "factor_vae_infogan_cr", "accuracy")),
    ("FactorVAE", ("disentanglement", "factor_vae", "eval_accuracy")),
    ("MIG", ("disentanglement", "mig", "discrete_mig")),
    ("DCI", ("disentanglement", "dci", "disentanglement")),
    ("SAP", ("disentanglement", "sap", "SAP_score")),
    ("BetaVAE", ("disentanglement", "beta_vae", "eval_accuracy")),
    ("c1 accuracy", ("c1_matched_accuracy",)),
    ("classifier-FID", ("classifier_fid",)),
)


def define_flags():
  flags.DEFINE_string("flagfile_path", "", "The config to train (configs/<model>_<dataset>.cfg).")
  flags.DEFINE_string("model_dir", "", "The run folder (created, or resumed).")
  flags.DEFINE_integer("every", 2500, "Training steps per chunk.", lower_bound=1)
  flags.DEFINE_integer("until", 20000, "The last step of the curve.", lower_bound=1)
  flags.DEFINE_list("train_flags", [], "Further flags for tfgan_info.train, e.g. "
                    "--raw_data_dir=../shared/data (comma-separated).")
  flags.DEFINE_list("eval_flags", ["--inception=false", "--num_samples=0"],
                    "Flags for tfgan_info.evaluate (comma-separated).")
  flags.DEFINE_integer("points", 10000, "Training points of each disentanglement metric.",
                       lower_bound=2)
  flags.DEFINE_integer("eval_points", 5000, "Evaluation points of each disentanglement "
                       "metric.", lower_bound=2)


def lookup(results: dict, path):
  """results[path[0]][path[1]]... or None where a key is missing."""
  for key in path:
    if not isinstance(results, dict) or key not in results:
      return None
    results = results[key]
  return results


def headline(row: dict) -> str:
  """One line of a curve row: step, training hours and the scores of HEADLINE present."""
  scores = [f"{label} {value:.3f}" for label, path in HEADLINE
            if isinstance(value := lookup(row["results"], path), (int, float))]
  return (f"step {row['step']}  {row['train_seconds'] / 3600:.2f} h of training  " +
          "  ".join(scores))


def curve_path(model_dir: str) -> str:
  return os.path.join(model_dir, "results", "learning_curve.json")


def load_curve(model_dir: str) -> list:
  """The rows measured so far ([] for a new curve)."""
  path = curve_path(model_dir)
  if not os.path.exists(path):
    return []
  with open(path) as f:
    return json.load(f)


def seconds_path(model_dir: str) -> str:
  """Where the curve's training wall time so far is kept (module docstring)."""
  return os.path.join(model_dir, "results", "learning_curve_train_seconds.json")


def _write_json(path: str, value):
  """Writes ``value`` atomically (a kill leaves the previous file)."""
  os.makedirs(os.path.dirname(path), exist_ok=True)
  with open(path + ".tmp", "w") as f:
    json.dump(value, f, indent=1)
  os.replace(path + ".tmp", path)


def save_curve(model_dir: str, rows: list):
  """Writes the rows atomically."""
  _write_json(curve_path(model_dir), rows)


def trained_seconds(model_dir: str, rows: list) -> float:
  """The training wall time so far: the seconds file's, or the last row's if larger (a
  curve from before the file existed)."""
  recorded = 0.0
  if os.path.exists(seconds_path(model_dir)):
    with open(seconds_path(model_dir)) as f:
      recorded = float(json.load(f)["train_seconds"])
  return max(recorded, rows[-1]["train_seconds"] if rows else 0.0)


def _run(args, log_path):
  """Runs ``python -m <args>`` from the repository root, output appended to log_path
  (`reproduce.run_logged`); returns its wall seconds. Raises RuntimeError if it fails."""
  return reproduce.run_logged([sys.executable, "-m", *args], log_path, cwd=ROOT)


def measure(flagfile_path: str, model_dir: str, every: int, until: int, train_flags=(),
            eval_flags=(), points: int = 10000, eval_points: int = 5000, say=print) -> list:
  """Trains and scores the curve's remaining chunks (module docstring); returns all rows."""
  rows = load_curve(model_dir)
  done = {row["step"] for row in rows}
  train_seconds = trained_seconds(model_dir, rows)
  os.makedirs(model_dir, exist_ok=True)
  log_path = os.path.join(model_dir, "learning_curve.log")
  for step in range(every, until + 1, every):
    if step in done:
      continue
    train_seconds += _run(["tfgan_info.train", f"--flagfile={flagfile_path}", *train_flags,
                           f"--model_dir={model_dir}", f"--train_steps={step}"], log_path)
    _write_json(seconds_path(model_dir), {"train_seconds": round(train_seconds, 1)})
    eval_seconds = _run(["tfgan_info.evaluate", f"--model_dir={model_dir}", *eval_flags,
                         f"--disentanglement_points={points}",
                         f"--disentanglement_eval_points={eval_points}"], log_path)
    with open(evaluate.results_path(model_dir)) as f:
      results = json.load(f)
    rows.append({"step": step, "train_seconds": round(train_seconds, 1),
                 "eval_seconds": round(eval_seconds, 1), "results": results})
    save_curve(model_dir, rows)
    say(headline(rows[-1]))
  return rows


def main(argv):
  del argv
  if not FLAGS.flagfile_path or not FLAGS.model_dir:
    raise app.UsageError("--flagfile_path and --model_dir are required")
  measure(FLAGS.flagfile_path, FLAGS.model_dir, FLAGS.every, FLAGS.until, FLAGS.train_flags,
          FLAGS.eval_flags, FLAGS.points, FLAGS.eval_points)


if __name__ == "__main__":
  define_flags()
  app.run(main)
