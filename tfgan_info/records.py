"""Result records: one small JSON file per evaluated run, the data every published results table
is generated from (docs/results.md, "How the tables are made").

A record holds what identifies and reproduces one row of a table: the config file and flags
the run was trained with, its seed, the exact commands (training and each resume, the domain
classifier's, the evaluation), the source commit, the CPU and the date, the wall times, and
the metrics `evaluate` wrote. The training entry point appends each invocation to
``model_dir/results/training.json`` (`append_training`); `evaluate` writes
``model_dir/results/record.json`` (`make`); ``python3 -m tfgan_info.reproduce`` copies records
to ``docs/records/<name>/seed<S>.json``, and `render_blocks` turns a folder of them into the
Markdown table between ``<!-- records: <name> ... -->`` and ``<!-- /records -->``, or into the
one-line headline (each metric's range over the seeds) between ``<!-- headline: <name> ... -->``
and ``<!-- /headline -->`` that the README's table of models shows.
"""

import datetime
import glob
import hashlib
import json
import math
import os
import platform
import re
import shlex
import subprocess
from typing import Dict, List, Optional, Sequence, Tuple

FORMAT = 1
TRAINING_FILE = "training.json"
RECORD_FILE = "record.json"
BLOCK = re.compile(r"(<!-- records: (?P<name>[\w.-]+)(?P<options>[^>]*?) -->)(?P<body>.*?)"
                   r"(<!-- /records -->)", re.S)
# A headline is a cell of a table: one line.
HEADLINE = re.compile(r"(<!-- headline: (?P<name>[\w.-]+)(?P<options>[^>\n]*?) -->)"
                      r"(?P<body>[^\n]*?)(<!-- /headline -->)")
MARKERS = {"records": BLOCK, "headline": HEADLINE}


def cpu_model() -> str:
  """The CPU's model name as `lscpu` gives it ("AMD EPYC 7B13"), else the platform's."""
  try:
    with open("/proc/cpuinfo") as f:
      for line in f:
        if line.lower().startswith("model name"):
          return line.split(":", 1)[1].strip()
  except OSError:
    pass
  return platform.processor() or platform.machine()


def source_commit(directory: Optional[str] = None) -> str:
  """The git commit of the checkout holding ``directory`` (default: this package), with
  "-dirty" when tracked files differ from it; "" outside a git checkout."""
  directory = directory or os.path.dirname(os.path.abspath(__file__))
  try:
    head = subprocess.run(["git", "-C", directory, "rev-parse", "HEAD"], capture_output=True,
                          text=True, timeout=30, check=True).stdout.strip()
    changed = subprocess.run(["git", "-C", directory, "status", "--porcelain",
                              "--untracked-files=no"], capture_output=True, text=True,
                             timeout=30, check=True).stdout.strip()
  except (OSError, subprocess.SubprocessError):
    return ""
  return head + ("-dirty" if changed else "")


def now() -> str:
  """The current UTC time, ISO 8601 to the second."""
  return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_sha256(path: str) -> str:
  with open(path, "rb") as f:
    return hashlib.sha256(f.read()).hexdigest()


def _results_dir(model_dir: str) -> str:
  return os.path.join(model_dir, "results")


def _read_json(path: str, default=None):
  if not os.path.exists(path):
    return default
  with open(path) as f:
    return json.load(f)


def _write_json(path: str, value) -> None:
  from tfgan_info import disk  # pylint: disable=g-import-not-at-top (TensorFlow: only to write)
  os.makedirs(os.path.dirname(path), exist_ok=True)
  disk.write_atomically(path, json.dumps(value, indent=2, sort_keys=True) + "\n")


def append_training(model_dir: str, argv: Sequence[str], wall_s: float,
                    stopped_at: Optional[int] = None) -> None:
  """Adds one invocation of the training entry point to ``model_dir/results/training.json``:
  its command (``argv`` as the shell would take it), date, CPU, commit and wall time, and the
  step it stopped at when it was stopped before --train_steps."""
  path = os.path.join(_results_dir(model_dir), TRAINING_FILE)
  entries = _read_json(path, [])
  entry = {"command": shlex.join(["python3", "-m", "tfgan_info.train", *argv]),
           "date": now(), "cpu": cpu_model(), "commit": source_commit(),
           "wall_s": round(wall_s, 1)}
  if stopped_at is not None:
    entry["stopped_at"] = stopped_at
  _write_json(path, entries + [entry])


def read_training(model_dir: str) -> Dict:
  """What training.json and config.json say of a run's training: {"commands": [the training
  commands, in order], "wall_s": their summed wall time (None without training.json),
  "steps": --train_steps}."""
  with open(os.path.join(model_dir, "config.json")) as f:
    steps = json.load(f)["runtime"]["train_steps"]
  entries = _read_json(os.path.join(_results_dir(model_dir), TRAINING_FILE), [])
  return {"commands": [e["command"] for e in entries], "steps": steps,
          "wall_s": round(sum(e["wall_s"] for e in entries), 1) if entries else None}


def flagfile_of(command: str) -> str:
  """The --flagfile of a training command, "" if none."""
  for word in shlex.split(command):
    if word.startswith("--flagfile="):
      return word.split("=", 1)[1]
  return ""


def scalar_metrics(metrics: Dict) -> Dict:
  """The numbers of an evaluate result, nested dicts flattened with dots
  ({"disentanglement": {"mig": 0.1}} -> {"disentanglement.mig": 0.1}); lists, strings and
  the confusion matrix left out."""
  out = {}
  for key, value in metrics.items():
    if isinstance(value, bool):
      continue
    if isinstance(value, (int, float)):
      out[key] = value
    elif isinstance(value, dict):
      out.update({f"{key}.{k}": v for k, v in scalar_metrics(value).items()})
  return out


def make(model_dir: str, metrics: Dict, evaluate_command: str, evaluate_wall_s: float,
         classifier_dir: str = "") -> Dict:
  """The record of the run in ``model_dir`` from its config.json, its training.json (absent:
  no training commands known) and ``metrics`` (what evaluate computed).

  Returns:
    {"format", "config", "config_sha256", "model", "dataset", "seed", "train_steps",
     "commands": {"train": [...], "classifier": ..., "evaluate": ...}, "commit", "cpu",
     "date", "train_wall_s", "evaluate_wall_s", "classifier", "metrics"}.
  """
  with open(os.path.join(model_dir, "config.json")) as f:
    config = json.load(f)
  training = read_training(model_dir)
  flagfile = flagfile_of(training["commands"][0]) if training["commands"] else ""
  classifier = _read_json(os.path.join(classifier_dir, "results.json"), None) \
      if classifier_dir else None
  return {
      "format": FORMAT,
      "config": flagfile,
      "config_sha256": file_sha256(flagfile) if flagfile and os.path.exists(flagfile) else "",
      "model": config["model"]["model"],
      "dataset": config["data"]["dataset"],
      "seed": config["runtime"]["seed"],
      "train_steps": config["runtime"]["train_steps"],
      "commands": {"train": training["commands"],
                   "classifier": (classifier or {}).get("command", ""),
                   "evaluate": evaluate_command},
      "commit": source_commit(),
      "cpu": cpu_model(),
      "date": now(),
      "train_wall_s": training["wall_s"],
      "evaluate_wall_s": round(evaluate_wall_s, 1),
      "classifier": ({"dir": classifier_dir,
                      "test_accuracy": classifier.get("test_accuracy")} if classifier else None),
      "metrics": scalar_metrics(metrics),
  }


def record_path(model_dir: str) -> str:
  """Where `evaluate` writes a run's record: model_dir/results/record.json."""
  return os.path.join(_results_dir(model_dir), RECORD_FILE)


def write(path: str, record: Dict) -> None:
  """Writes a record atomically (a rename), sorted keys, one trailing newline."""
  _write_json(path, record)


def read(path: str) -> Dict:
  with open(path) as f:
    return json.load(f)


def load(folder: str) -> List[Dict]:
  """The records of a folder (``seed*.json``), by seed."""
  records = [read(p) for p in glob.glob(os.path.join(folder, "seed*.json"))]
  return sorted(records, key=lambda r: r["seed"])


# -- tables ---------------------------------------------------------------------------------
def parse_columns(spec: str) -> List[Tuple[str, str]]:
  """"c1_matched_accuracy:%,classifier_fid:.2f" -> [(key, format)]; formats are "%" (a
  fraction as a percent, 2 decimals) or a Python format spec (default ".3g")."""
  out = []
  for item in filter(None, spec.split(",")):
    key, _, fmt = item.partition(":")
    out.append((key, fmt or ".3g"))
  return out


def format_value(value, fmt: str) -> str:
  if value is None or (isinstance(value, float) and math.isnan(value)):
    return "n/a"
  if fmt == "%":
    return f"{100 * value:.2f}%"
  return format(value, fmt)


def table(records: Sequence[Dict], columns: Sequence[Tuple[str, str]]) -> str:
  """The Markdown table of ``records``: one row per seed with the chosen metrics, the training
  wall time, the CPU and the date, then the mean and the range of each metric.

  Returns:
    The table's lines joined by newlines (no trailing newline).
  """
  head = ["seed", *(key for key, _ in columns), "train min", "CPU", "date"]
  lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
  for r in records:
    wall = r.get("train_wall_s")
    cells = [str(r["seed"]), *(format_value(r["metrics"].get(key), fmt) for key, fmt in columns),
             f"{wall / 60:.1f}" if wall else "n/a", r["cpu"], r["date"][:10]]
    lines.append("| " + " | ".join(cells) + " |")
  if len(records) > 1:
    cells = [f"mean of {len(records)}"]
    for key, fmt in columns:
      values = [r["metrics"][key] for r in records if r["metrics"].get(key) is not None]
      cells.append(f"{format_value(sum(values) / len(values), fmt)} "
                   f"({format_value(min(values), fmt)} - {format_value(max(values), fmt)})"
                   if values else "n/a")
    lines.append("| " + " | ".join(cells + ["", "", ""]) + " |")
  return "\n".join(lines)


def block_options(options: str) -> Dict[str, str]:
  """``' metrics=a:%,b'`` -> {"metrics": "a:%,b"}."""
  return dict(item.split("=", 1) for item in options.split() if "=" in item)


def seed_list(seeds: Sequence[int]) -> str:
  """[0, 1, 2, 4] -> "0-2, 4"."""
  runs, out = [], []
  for seed in sorted(seeds):
    if runs and seed == runs[-1][1] + 1:
      runs[-1][1] = seed
    else:
      runs.append([seed, seed])
  for first, last in runs:
    out.append(str(first) if first == last else f"{first}-{last}")
  return ", ".join(out)


def value_range(values: Sequence[float], fmt: str) -> str:
  """The range of a metric over seeds, "98.67-98.77%" (one value: "98.72%")."""
  low, high = format_value(min(values), fmt), format_value(max(values), fmt)
  if low == high:
    return low
  if low.endswith("%") and high.endswith("%"):
    low = low[:-1]
  return f"{low}-{high}"


def headline(records: Sequence[Dict], metrics: Sequence[Tuple[str, str, str]]) -> str:
  """One line of a results table's records: each metric's range over the seeds, then the
  seeds, as the README's headline column writes them ("c1 accuracy 98.67-98.77%,
  classifier-FID 2.94-3.94 (0-4)").

  Args:
    records: the records of one results table.
    metrics: (key, format, label) triples; the label is what the line calls the metric.

  Raises:
    ValueError: without metrics, or for a metric no record holds (a misspelt key).
  """
  if not metrics:
    raise ValueError("a headline names no metrics")
  parts = []
  for key, fmt, label in metrics:
    values = [r["metrics"][key] for r in records if r["metrics"].get(key) is not None]
    if not values:
      raise ValueError(f"no record holds the metric {key}")
    parts.append(f"{label} {value_range(values, fmt)}")
  return f"{', '.join(parts)} ({seed_list([r['seed'] for r in records])})"


def parse_headline_metrics(spec: str) -> List[Tuple[str, str, str]]:
  """"c1_matched_accuracy:%:c1_accuracy,classifier_fid:.2f:classifier-FID" ->
  [(key, format, label)]; an underscore of a label is a space, a missing label the key."""
  out = []
  for item in filter(None, spec.split(",")):
    key, _, rest = item.partition(":")
    fmt, _, label = rest.partition(":")
    out.append((key, fmt or ".3g", (label or key).replace("_", " ")))
  return out


def render_blocks(text: str, records_root: str) -> str:
  """``text`` with each records table and each records headline regenerated from its records:
  the table between ``<!-- records: <name> metrics=<key:format,...> -->`` and
  ``<!-- /records -->`` (`table`), and the line between ``<!-- headline: <name>
  metrics=<key:format:label,...> -->`` and ``<!-- /headline -->`` (`headline`, for a cell of
  the README's table of models), both of ``records_root/<name>/``.

  Raises:
    ValueError: for a block whose folder holds no record, a headline that names no metric or
      one its records lack, or a marker that is not part of a block (an opening marker
      without its closing one, a headline's on another line).
  """
  for kind, pattern in MARKERS.items():
    blocks = len(pattern.findall(text))
    if not text.count(f"<!-- {kind}: ") == text.count(f"<!-- /{kind} -->") == blocks:
      raise ValueError(f"the {kind} markers <!-- {kind}: NAME ... --> and <!-- /{kind} --> do "
                       "not pair up" + (" on one line" if kind == "headline" else ""))
  def records_of(match):
    name = match.group("name")
    found = load(os.path.join(records_root, name))
    if not found:
      raise ValueError(f"no records in {os.path.join(records_root, name)}")
    return found, block_options(match.group("options")).get("metrics", "")

  def replace_table(match):
    found, spec = records_of(match)
    return f"{match.group(1)}\n{table(found, parse_columns(spec))}\n{match.group(5)}"

  def replace_headline(match):
    found, spec = records_of(match)
    return f"{match.group(1)}{headline(found, parse_headline_metrics(spec))}{match.group(5)}"
  return HEADLINE.sub(replace_headline, BLOCK.sub(replace_table, text))


def block_names(text: str) -> List[str]:
  """The record folders a Markdown text's tables and headlines name."""
  return [m.group("name") for pattern in (BLOCK, HEADLINE) for m in pattern.finditer(text)]
