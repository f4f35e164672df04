"""Result records and the tables made from them (tfgan_info/records.py)."""

import json
import os
import tempfile

import tensorflow as tf

from tfgan_info import records


def fake_record(seed, accuracy, fid, wall=600.0):
  return {"format": records.FORMAT, "seed": seed, "cpu": "AMD EPYC 7B13",
          "date": "2026-01-02T03:04:05Z", "train_wall_s": wall,
          "metrics": {"c1_matched_accuracy": accuracy, "classifier_fid": fid}}


def fake_run(model_dir, seed=3, train_steps=20):
  """A run folder with the config.json fields a record reads."""
  os.makedirs(model_dir)
  with open(os.path.join(model_dir, "config.json"), "w") as f:
    json.dump({"model": {"model": "gan"}, "data": {"dataset": "mnist"},
               "runtime": {"seed": seed, "train_steps": train_steps}}, f)


class RecordsTest(tf.test.TestCase):

  def test_scalar_metrics_flatten_dicts_and_drop_the_rest(self):
    self.assertEqual(records.scalar_metrics({
        "c1_matched_accuracy": 0.98, "split": "test", "c1_confusion": [[1, 2]],
        "disentanglement": {"mig": 0.1, "factor_vae": {"score": 0.6}}, "flag": True}),
        {"c1_matched_accuracy": 0.98, "disentanglement.mig": 0.1,
         "disentanglement.factor_vae.score": 0.6})

  def test_table_has_a_row_per_seed_and_the_mean_and_range(self):
    table = records.table([fake_record(0, 0.9872, 3.301), fake_record(1, 0.9868, 2.9, None)],
                          records.parse_columns("c1_matched_accuracy:%,classifier_fid:.2f"))
    self.assertEqual(table.splitlines(), [
        "| seed | c1_matched_accuracy | classifier_fid | train min | CPU | date |",
        "| --- | --- | --- | --- | --- | --- |",
        "| 0 | 98.72% | 3.30 | 10.0 | AMD EPYC 7B13 | 2026-01-02 |",
        "| 1 | 98.68% | 2.90 | n/a | AMD EPYC 7B13 | 2026-01-02 |",
        "| mean of 2 | 98.70% (98.68% - 98.72%) | 3.10 (2.90 - 3.30) |  |  |  |"])

  def test_render_blocks_replaces_only_the_marked_tables(self):
    root = tempfile.mkdtemp(dir=self.get_temp_dir())
    os.makedirs(os.path.join(root, "cfg"))
    for seed, fid in ((1, 4.0), (0, 5.0)):
      records.write(os.path.join(root, "cfg", f"seed{seed}.json"), fake_record(seed, 0.5, fid))
    text = ("Before.\n<!-- records: cfg metrics=classifier_fid:.1f -->\nstale\n"
            "<!-- /records -->\nAfter.\n")
    rendered = records.render_blocks(text, root)
    self.assertTrue(rendered.startswith("Before.\n<!-- records: cfg metrics=classifier_fid:.1f"
                                        " -->\n| seed | classifier_fid |"))
    self.assertIn("| 0 | 5.0 |", rendered)
    self.assertIn("| mean of 2 | 4.5 (4.0 - 5.0) |", rendered)
    self.assertTrue(rendered.endswith("<!-- /records -->\nAfter.\n"))
    self.assertEqual(records.render_blocks(rendered, root), rendered)
    self.assertEqual(records.block_names(text), ["cfg"])
    with self.assertRaisesRegex(ValueError, "no records in"):
      records.render_blocks("<!-- records: none -->\n<!-- /records -->", root)

  def test_headline_is_each_metrics_range_over_the_seeds(self):
    root = tempfile.mkdtemp(dir=self.get_temp_dir())
    os.makedirs(os.path.join(root, "cfg"))
    for seed, accuracy, fid in ((4, 0.9877, 2.94), (0, 0.9867, 3.94), (1, 0.9870, 3.1)):
      records.write(os.path.join(root, "cfg", f"seed{seed}.json"),
                    fake_record(seed, accuracy, fid))
    text = ("| InfoGAN | <!-- headline: cfg metrics=c1_matched_accuracy:%:c1_accuracy,"
            "classifier_fid:.2f:classifier-FID -->stale<!-- /headline --> | 18 |\n")
    rendered = records.render_blocks(text, root)
    self.assertEqual(rendered, text.replace(
        "stale", "c1 accuracy 98.67-98.77%, classifier-FID 2.94-3.94 (0-1, 4)"))
    self.assertEqual(records.render_blocks(rendered, root), rendered)
    self.assertEqual(records.block_names(text), ["cfg"])
    one = records.headline([fake_record(2, 0.5, 4.0)], [("classifier_fid", ".1f", "FID")])
    self.assertEqual(one, "FID 4.0 (2)")
    self.assertEqual(records.seed_list([3, 0, 1, 2, 5, 7, 8]), "0-3, 5, 7-8")
    with self.assertRaisesRegex(ValueError, "no records in"):
      records.render_blocks("<!-- headline: none -->x<!-- /headline -->", root)
    with self.assertRaisesRegex(ValueError, "no record holds the metric classifier_fd"):
      records.render_blocks("<!-- headline: cfg metrics=classifier_fd -->x<!-- /headline -->",
                            root)
    with self.assertRaisesRegex(ValueError, "names no metrics"):
      records.render_blocks("<!-- headline: cfg -->x<!-- /headline -->", root)
    # A headline is one cell: an opener without its closer on the line is an error, not a
    # match that swallows the next rows.
    with self.assertRaisesRegex(ValueError, "do not pair up"):
      records.render_blocks("| <!-- headline: cfg metrics=classifier_fid -->x |\n| y |\n", root)
    with self.assertRaisesRegex(ValueError, "do not pair up on one line"):
      records.render_blocks("| <!-- headline: cfg metrics=classifier_fid -->x |\n"
                            "| y <!-- /headline --> |\n", root)

  def test_record_of_a_run_holds_its_commands_and_metrics(self):
    model_dir = os.path.join(tempfile.mkdtemp(dir=self.get_temp_dir()), "run")
    fake_run(model_dir)
    records.append_training(model_dir, ["--flagfile=configs/gan_mnist.cfg", "--seed=3"], 12.34,
                            stopped_at=7)
    records.append_training(model_dir, ["--flagfile=configs/gan_mnist.cfg", "--seed=3"], 20.0)
    training = records.read_training(model_dir)
    self.assertEqual(training["commands"], [
        "python3 -m tfgan_info.train --flagfile=configs/gan_mnist.cfg --seed=3"] * 2)
    self.assertEqual(training["wall_s"], 32.3)
    self.assertEqual(training["steps"], 20)
    classifier_dir = tempfile.mkdtemp(dir=self.get_temp_dir())
    with open(os.path.join(classifier_dir, "results.json"), "w") as f:
      json.dump({"test_accuracy": 0.99, "command": "python3 tools/train_classifier.py"}, f)
    record = records.make(model_dir, {"classifier_fid": 3.5, "export": "x"},
                          "python3 -m tfgan_info.evaluate --model_dir=run", 4.56, classifier_dir)
    self.assertEqual(record["config"], "configs/gan_mnist.cfg")
    self.assertEqual(record["config_sha256"],
                     records.file_sha256("configs/gan_mnist.cfg")
                     if os.path.exists("configs/gan_mnist.cfg") else "")
    self.assertEqual((record["model"], record["dataset"], record["seed"], record["train_steps"]),
                     ("gan", "mnist", 3, 20))
    self.assertEqual(record["commands"]["classifier"], "python3 tools/train_classifier.py")
    self.assertEqual(record["commands"]["evaluate"],
                     "python3 -m tfgan_info.evaluate --model_dir=run")
    self.assertEqual(record["metrics"], {"classifier_fid": 3.5})
    self.assertEqual(record["classifier"]["test_accuracy"], 0.99)
    self.assertEqual((record["train_wall_s"], record["evaluate_wall_s"]), (32.3, 4.6))
    self.assertTrue(record["cpu"])
    path = records.record_path(model_dir)
    records.write(path, record)
    self.assertEqual(records.read(path), record)

  def test_a_run_without_training_commands_has_no_wall_time(self):
    model_dir = os.path.join(tempfile.mkdtemp(dir=self.get_temp_dir()), "run")
    fake_run(model_dir)
    record = records.make(model_dir, {}, "evaluate", 1.0)
    self.assertEqual((record["config"], record["train_wall_s"], record["classifier"]),
                     ("", None, None))
    self.assertEqual(record["commands"]["train"], [])


if __name__ == "__main__":
  tf.test.main()
