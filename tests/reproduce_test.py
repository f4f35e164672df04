"""python -m tfgan_info.reproduce: a config's seeds trained, evaluated and recorded, resumably."""

import os
import subprocess
import sys
import tempfile

import tensorflow as tf

from tests import testutil
from tfgan_info import records
from tfgan_info import reproduce

DATA = [f"--data_dir={testutil.TFDS_DIR}"] + (
    [f"--raw_data_dir={testutil.RAW_DATA_DIR}"] if testutil.RAW_DATA_DIR else [])
# The MLP GAN for 2 steps of batch 8, a classifier of 2 steps, 64 samples: seconds each.
TRAIN = ["--train_steps=2", "--batch_size=8", "--shuffle_buffer=256", "--steps_per_epoch=7",
         "--jit_compile=false", "--verbose=0", "--g_statistics_draws=16", *DATA]
EVALUATE = ["--num_samples=64", "--batch_size=32", *DATA]
CLASSIFIER = ["--epochs=1", "--steps_per_epoch=2", "--batch_size=32", "--jit_compile=false",
              *DATA]


def run_reproduce(out, *args):
  return subprocess.run(
      [sys.executable, "-m", "tfgan_info.reproduce", "--config=configs/gan_mnist.cfg",
       "--name=gan_tiny", f"--runs_dir={out}/runs", f"--classifiers_dir={out}/classifiers",
       f"--records_dir={out}/records", f"--train_flags={','.join(TRAIN)}",
       f"--evaluate_flags={','.join(EVALUATE)}", f"--classifier_flags={','.join(CLASSIFIER)}",
       *args], cwd=testutil.ROOT, capture_output=True, text=True, timeout=600)


class ReproduceTest(tf.test.TestCase):

  def test_parse_seeds(self):
    self.assertEqual(reproduce.parse_seeds("0-4"), [0, 1, 2, 3, 4])
    self.assertEqual(reproduce.parse_seeds("0,2, 5-6"), [0, 2, 5, 6])
    self.assertEqual(reproduce.parse_seeds(""), [])

  def test_bad_seeds_and_nothing_to_do_are_one_line_errors(self):
    for args, message in ((["--seeds=a-b"], "Error: --seeds takes '0-4', '0,2,3' or '1'; "
                                             "got 'a-b'"),
                          ([], "Error: give --config and --seeds")):
      proc = subprocess.run([sys.executable, "-m", "tfgan_info.reproduce", *args],
                            cwd=testutil.ROOT, capture_output=True, text=True, timeout=300)
      self.assertEqual(proc.returncode, 1)
      self.assertTrue(proc.stderr.strip().splitlines()[-1].startswith(message), proc.stderr)

  def test_a_seed_is_trained_evaluated_recorded_and_then_kept(self):
    out = tempfile.mkdtemp(dir=self.get_temp_dir())
    proc = run_reproduce(out, "--seeds=1")
    self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
    lines = proc.stdout.splitlines()
    self.assertEqual(lines[0], "gan_tiny: seed 1 (1 of 1)")
    self.assertIn("seed 1: trained to step 2", proc.stdout)
    self.assertIn("seed 1: training the mnist domain classifier", proc.stdout)
    path = os.path.join(out, "records", "gan_tiny", "seed1.json")
    self.assertTrue(lines[-1].endswith(f"-> {path}"), lines[-1])

    record = records.read(path)
    run = os.path.join(out, "runs", "gan_tiny_s1")
    self.assertEqual({**records.read(records.record_path(run)), "train_flags": TRAIN}, record)
    self.assertEqual((record["config"], record["seed"], record["train_steps"]),
                     ("configs/gan_mnist.cfg", 1, 2))
    self.assertEqual(record["config_sha256"],
                     records.file_sha256(os.path.join(testutil.ROOT, "configs", "gan_mnist.cfg")))
    self.assertEqual(len(record["commands"]["train"]), 1)
    self.assertIn(f"--model_dir={run}", record["commands"]["train"][0])
    self.assertIn("--train_steps=2", record["commands"]["train"][0])
    self.assertIn("tools/train_classifier.py --dataset=mnist", record["commands"]["classifier"])
    self.assertIn(f"--model_dir={run}", record["commands"]["evaluate"])
    self.assertIn("classifier_fid", record["metrics"])
    self.assertGreater(record["train_wall_s"], 0)

    again = run_reproduce(out, "--seeds=1")
    self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
    self.assertEqual(again.stdout.splitlines()[1], f"seed 1: recorded ({path})")
    self.assertEqual(records.read(path), record)

  def test_tables_are_regenerated_from_the_records(self):
    root = tempfile.mkdtemp(dir=self.get_temp_dir())
    os.makedirs(os.path.join(root, "docs"))
    records_dir = os.path.join(root, "records")
    records.write(os.path.join(records_dir, "cfg", "seed0.json"), {
        "seed": 0, "cpu": "cpu", "date": "2026-01-01T00:00:00Z", "train_wall_s": 60.0,
        "metrics": {"classifier_fid": 4.25}})
    block = "<!-- records: cfg metrics=classifier_fid:.1f -->\nold\n<!-- /records -->\n"
    for name in ("README.md", os.path.join("docs", "results.md"), "BUILD.md"):
      with open(os.path.join(root, name), "w") as f:
        f.write(block)
    changed = reproduce.write_tables(records_dir, root)
    self.assertEqual(sorted(changed), [os.path.join(root, "README.md"),
                                       os.path.join(root, "docs", "results.md")])
    with open(os.path.join(root, "README.md")) as f:
      self.assertIn("| 0 | 4.2 | 1.0 | cpu | 2026-01-01 |", f.read())
    self.assertEqual(reproduce.write_tables(records_dir, root), [])


if __name__ == "__main__":
  tf.test.main()
