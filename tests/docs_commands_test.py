"""The README's commands and one block of commands of each docs page run, with tiny step
counts (docs/design.md, "Conventions": docs that cannot rot).

The commands are read from the Markdown (`docs_test.bash_commands`), so the commands a reader
copies are the ones that run: every ``python3 -m tfgan_info.<entry>`` and ``python3
tools/<tool>.py`` of README.md, in the order a reader meets them, then the block each docs page
marks with ``<!-- runs in tests: tests/docs_commands_test.py -->``, page by page, in one
working folder (``configs/``, ``tools/``, the Markdown and docs/records copied from the
checkout, so ``--tables`` rewrites copies). A command is made tiny by `tiny`: its
data flags point at the test data, ``/tmp/`` paths into the folder, and the flags of
`TINY` are added (a count the command gives that is already smaller is kept); a command the
README already ran is not run again. Other programs (pip, pytest, tensorboard, curl) are not
run.
"""

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import tensorflow as tf

from tests import docs_test
from tests import testutil
from tfgan_info import records
from tfgan_info import reproduce

MARKER = "<!-- runs in tests: tests/docs_commands_test.py -->"
# Programs of the README that are not run: the install, the test suite itself, TensorBoard.
NOT_RUN = ("pip", "pytest", "tensorboard")
DATA = [f"--data_dir={testutil.TFDS_DIR}"] + (
    [f"--raw_data_dir={testutil.RAW_DATA_DIR}"] if testutil.RAW_DATA_DIR else [])
DATA_FLAGS = ("data_dir", "raw_data_dir")
# Flags that make each entry point's command tiny: 2 training steps of batch 8 without XLA,
# 64 samples and 64 / 32 points for the disentanglement metrics, 2 classifier steps, one
# timed window of one step. An entry point not listed cannot run in a marked block.
TRAIN = ["--train_steps=2", "--batch_size=8", "--shuffle_buffer=256", "--steps_per_epoch=2",
         "--checkpoint_every=2", "--summary_every=1", "--image_every=2", "--verbose=0",
         "--jit_compile=false", "--bn_recalibration_images=16", "--g_statistics_draws=16"]
EVALUATE = ["--num_samples=64", "--batch_size=32", "--disentanglement_points=64",
            "--disentanglement_eval_points=32", "--probe_labels=20", "--inception=false"]
CLASSIFIER = ["--epochs=1", "--steps_per_epoch=2", "--batch_size=32", "--jit_compile=false"]
TINY = {
    "tfgan_info.train": TRAIN + DATA,
    "tfgan_info.evaluate": EVALUATE + DATA,
    "tfgan_info.reproduce": DATA[1:],
    "tools/train_classifier.py": CLASSIFIER + DATA,
    "tools/benchmark.py": ["--warmup_steps=1", "--window_steps=1", "--windows=1",
                           "--latency_calls=2", "--batch_size=8", "--shuffle_buffer=256",
                           *DATA],
    "tools/serving_request.py": [],  # one request of 2 rows on an export
}
# reproduce's lists of flags for the commands it runs: the documented ones made tiny.
REPRODUCE_LISTS = {"train_flags": TINY["tfgan_info.train"],
                   "evaluate_flags": TINY["tfgan_info.evaluate"],
                   "classifier_flags": TINY["tools/train_classifier.py"]}
# Counts whose documented 0 means "none" (kept) rather than "all" (made tiny).
ZERO_IS_NONE = ("num_samples",)


def _flag(word):
  """("name", "value") of a ``--name=value`` word, else (None, None)."""
  match = re.match(r"^--(\w+)=(.*)$", word)
  return match.groups() if match else (None, None)


def _keep_documented(name, documented, tiny_value):
  """Whether a documented count is kept instead of the tiny one: it is already smaller."""
  if not (re.fullmatch(r"\d+", documented or "") and re.fullmatch(r"\d+", tiny_value)):
    return False
  return 0 < int(documented) < int(tiny_value) or (documented == "0" and name in ZERO_IS_NONE)


def _merge(arguments, tiny_flags):
  """``arguments`` without their data flags, followed by ``tiny_flags``: a tiny flag replaces
  the documented one, except a documented count that is already smaller (`_keep_documented`)."""
  arguments = [word for word in arguments if _flag(word)[0] not in DATA_FLAGS]
  given = dict(_flag(word) for word in arguments if _flag(word)[0])
  out = []
  for word in tiny_flags:
    name, value = _flag(word)
    out.append(f"--{name}={given[name]}" if _keep_documented(name, given.get(name), value)
               else word)
  replaced = {_flag(word)[0] for word in out}
  return [word for word in arguments if _flag(word)[0] not in replaced] + out


def tiny(words, folder):
  """The command to run for a documented command (its words), or None for another program.

  Returns:
    [sys.executable, ...]: ``/tmp`` paths moved into ``folder``, the data flags of the test
    data and the flags of `TINY` merged in (`_merge`), and for ``reproduce`` its first seed
    and each of its lists of flags merged with the tiny flags of the command it runs.
  """
  entry = docs_test.entry_point(words)
  if entry is None:
    return None
  kind, name, arguments = entry
  arguments = [re.sub(r"(?<=[=,])/tmp(?=/|,|$)", f"{folder}/tmp", word) for word in arguments]
  if name == "tfgan_info.reproduce":
    lists = {key: [] for key in REPRODUCE_LISTS}
    kept = []
    for word in arguments:
      key, value = _flag(word)
      if key in lists:
        lists[key] = [v for v in value.split(",") if v]  # absl: the last one given counts
      elif key == "seeds":
        kept.append(f"--seeds={reproduce.parse_seeds(value)[0]}")
      else:
        kept.append(word)
    arguments = kept + [f"--{key}={','.join(_merge(value, REPRODUCE_LISTS[key]))}"
                        for key, value in lists.items()]
  arguments = _merge(arguments, TINY[name])
  head = ["-m", name] if kind == "module" else [name]
  return [sys.executable, *head, *arguments]


def runnable(words):
  """Whether a README command is run (an entry point) or is one of NOT_RUN's programs."""
  program = words[2] if words[:2] in (["python3", "-m"], ["python", "-m"]) else words[0]
  return docs_test.entry_point(words) is not None, program in NOT_RUN


def marked_commands(text):
  """The commands of the ```bash blocks that follow MARKER in a Markdown text."""
  out = []
  for block in re.findall(re.escape(MARKER) + r"\n(```bash\n.*?^```)", text, re.S | re.M):
    out.extend(docs_test.bash_commands(block + "\n"))
  return out


def workspace(folder):
  """A folder a reader's commands run in: configs/, tools/, the Markdown and docs/records
  copied from the checkout."""
  for name in ("configs", "tools"):  # copies: a cleanup that follows links would empty them
    shutil.copytree(os.path.join(testutil.ROOT, name), os.path.join(folder, name),
                    ignore=shutil.ignore_patterns("__pycache__"))
  shutil.copy(os.path.join(testutil.ROOT, "README.md"), folder)
  shutil.copytree(os.path.join(testutil.ROOT, "docs", "records"),
                  os.path.join(folder, "docs", "records"))
  for path in glob.glob(os.path.join(testutil.ROOT, "docs", "*.md")):
    shutil.copy(path, os.path.join(folder, "docs"))
  # A table of the records the README's reproduce command writes, for its --tables to fill.
  with open(os.path.join(folder, "docs", "records_check.md"), "w", encoding="utf-8") as f:
    f.write("<!-- records: infogan_mnist metrics=c1_matched_accuracy:% -->\n"
            "<!-- /records -->\n")


def read(path):
  with open(path, encoding="utf-8") as f:
    return f.read()


class TinyTest(tf.test.TestCase):

  def test_a_command_is_made_tiny(self):
    command = tiny(["python3", "-m", "tfgan_info.evaluate", "--model_dir=runs/x",
                    "--raw_data_dir=../shared/data", "--num_samples=0", "--batch_size=500"],
                   "/w")
    self.assertEqual(command[:4], [sys.executable, "-m", "tfgan_info.evaluate",
                                   "--model_dir=runs/x"])
    self.assertIn("--num_samples=0", command)  # no sample metrics: kept
    self.assertIn("--batch_size=32", command)
    self.assertNotIn("--batch_size=500", command)
    self.assertNotIn("--raw_data_dir=../shared/data", command)
    self.assertIn(f"--data_dir={testutil.TFDS_DIR}", command)
    command = tiny(["python3", "tools/train_classifier.py", "--steps_per_epoch=0",
                    "--epochs=10"], "/w")
    self.assertIn("--steps_per_epoch=2", command)  # 0 is a whole pass: made tiny
    self.assertIn("--epochs=1", command)
    self.assertIn("--window_steps=1", tiny(["python3", "tools/benchmark.py", "--window_steps=30"],
                                           "/w"))

    command = tiny(["python3", "-m", "tfgan_info.reproduce", "--config=configs/x.cfg",
                    "--seeds=2-4", "--train_flags=--train_steps=300,--g_ema=0",
                    "--evaluate_flags=--sample_sets=3,--num_samples=0", "--tables"], "/w")
    self.assertIn("--seeds=2", command)
    self.assertIn("--tables", command)
    lists = {key: value.split(",") for key, value in map(_flag, command)
             if key in REPRODUCE_LISTS}
    self.assertEqual(sorted(lists), sorted(REPRODUCE_LISTS))
    self.assertContainsSubset(["--g_ema=0", "--train_steps=2", "--batch_size=8"],
                              lists["train_flags"])
    self.assertNotIn("--train_steps=300", lists["train_flags"])
    self.assertContainsSubset(["--sample_sets=3", "--num_samples=0"], lists["evaluate_flags"])
    self.assertIn("--steps_per_epoch=2", lists["classifier_flags"])

    command = tiny(["python3", "tools/serving_request.py", "--write_payloads=/tmp/req",
                    "--exports=/tmp/a,/tmp/b", "--output=/tmpfile"], "/w")
    self.assertEqual(command, [sys.executable, "tools/serving_request.py",
                               "--write_payloads=/w/tmp/req", "--exports=/w/tmp/a,/w/tmp/b",
                               "--output=/tmpfile"])
    self.assertIsNone(tiny(["tensorboard", "--logdir", "runs"], "/w"))

  def test_every_docs_page_with_commands_marks_one_block(self):
    for doc in docs_test.markdown_files(("docs/*.md",)):
      text = read(os.path.join(testutil.ROOT, doc))
      entries = [c for c in docs_test.bash_commands(text) if docs_test.entry_point(c)]
      self.assertEqual(text.count(MARKER), 1 if entries else 0, doc)
      if entries:
        self.assertNotEmpty(marked_commands(text), f"{doc}: {MARKER} is not followed by a "
                            "```bash block")

  def test_every_command_that_runs_can_be_made_tiny(self):
    readme = docs_test.bash_commands(read(os.path.join(testutil.ROOT, "README.md")))
    marked = [c for doc in docs_test.markdown_files(("docs/*.md",))
              for c in marked_commands(read(os.path.join(testutil.ROOT, doc)))]
    for words in readme + marked:
      entry, not_run = runnable(words)
      self.assertTrue(entry or (not_run and words in readme),
                      f"{shlex.join(words)}: neither an entry point nor a program the README "
                      f"test leaves out ({', '.join(NOT_RUN)})")
      if not entry:
        continue
      self.assertNotRegex(words[0], "=", f"{shlex.join(words)}: an environment prefix is "
                          "not passed on")
      _, name, arguments = docs_test.entry_point(words)
      self.assertIn(name, TINY, f"{shlex.join(words)}: no tiny flags for {name}")
      self.assertEqual([w for w in arguments if not w.startswith("--")], [],
                       f"{shlex.join(words)}: write flags as --name=value")
      command = tiny(words, "/w")
      self.assertEqual(docs_test.command_problems(["python3", *command[1:]]), [])


class DocsCommandsTest(tf.test.TestCase):

  def test_the_readme_and_a_block_of_each_docs_page_run(self):
    folder = tempfile.mkdtemp(dir=self.get_temp_dir())
    workspace(folder)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=testutil.ROOT)
    commands = [("README.md", c) for c in docs_test.bash_commands(read(os.path.join(
        testutil.ROOT, "README.md")))]
    for doc in docs_test.markdown_files(("docs/*.md",)):
      commands += [(doc, c) for c in marked_commands(read(os.path.join(testutil.ROOT, doc)))]
    ran = []
    for doc, words in commands:
      command = tiny(words, folder)
      if command is None or command in ran:
        continue
      ran.append(command)
      start = time.monotonic()
      proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                            timeout=600)
      print(f"{time.monotonic() - start:6.1f} s  {doc}: {' '.join(words)}")  # shown with -s
      self.assertEqual(proc.returncode, 0,
                       f"{doc}: {' '.join(words)}\nran as: {' '.join(command)}\n"
                       f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    self.assertContainsSubset(
        {"tfgan_info.train", "tfgan_info.evaluate", "tfgan_info.reproduce",
         "tools/train_classifier.py", "tools/serving_request.py", "tools/benchmark.py"},
        {command[2] if command[1] == "-m" else command[1] for command in ran})

    # What the README says the main job leaves, and what reproduce --tables rewrites.
    run = os.path.join(folder, "runs", "infogan_dsprites")
    self.assertNotEmpty(glob.glob(os.path.join(run, "export", "*", "2", "saved_model.pb")))
    self.assertTrue(os.path.exists(os.path.join(run, "images", "samples.png")))
    self.assertNotEmpty(glob.glob(os.path.join(run, "images", "traversal_code*.png")))
    record = records.read(os.path.join(folder, "docs", "records", "infogan_mnist",
                                       "seed0.json"))
    self.assertEqual(record["train_steps"], 2)
    self.assertNotEmpty(os.listdir(os.path.join(folder, "tmp", "infogan_request")))
    # The mirrored run trained its own folder.
    self.assertNotEmpty(glob.glob(os.path.join(folder, "runs", "infogan_mnist_mirrored",
                                               "checkpoints", "ckpt-2.index")))
    # reproduce --tables rewrote the table of the seed it recorded.
    self.assertRegex(read(os.path.join(folder, "docs", "records_check.md")), r"\n\| 0 \| ")


if __name__ == "__main__":
  tf.test.main()
