import json
import os

import numpy as np
import tensorflow as tf

from tests import testutil
from tfgan_info import data
from tfgan_info import evaluate
from tfgan_info import metrics
from tfgan_info import train_lib
from tfgan_info import served as served_lib
from tfgan_info.data import dsprites
from tfgan_info.networks import classifier


class EvaluateTest(tf.test.TestCase):

  def test_evaluates_an_exported_run(self):
    model_dir = os.path.join(self.get_temp_dir(), "eval_run")
    config = testutil.tiny_config(model_dir, train_steps=2)
    model, _ = train_lib.run(config)
    results = evaluate.evaluate(model_dir, batch_size=1000, num_samples=0)
    self.assertEqual(results["num_examples"], testutil.num_examples("mnist", "test"))
    # The same number from the Keras model in memory (not the SavedModel), with the export's
    # batch-norm statistics (recomputed on real images, served_lib.recalibrated).
    model = served_lib.recalibrated(model, config)
    test = data.pipeline(data.load("mnist", "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR),
                         1000, shuffle=False, repeat=False, cache=False, drop_remainder=False)
    expected = metrics.compute_matched_accuracy(lambda x: model.infer_codes(x)[0], test, 10)
    self.assertAllClose(results["c1_matched_accuracy"], expected["accuracy"])
    self.assertEqual(results["c1_confusion"], expected["confusion"])
    self.assertLen(results["c1_mapping"], 10)
    self.assertEqual(sorted(results["c1_mapping"].values()), list(range(10)))
    with open(os.path.join(model_dir, "results", "metrics.json")) as f:
      saved = json.load(f)
    self.assertEqual(saved["c1_matched_accuracy"], results["c1_matched_accuracy"])
    self.assertTrue(saved["export"].endswith(os.path.join("export", "infogan", "2")))

    self.assertNotIn("classifier_fid", results)
    # The stroke factors of each continuous code's traversal (c2, c3: code indices 1, 2).
    self.assertEqual(sorted(results["stroke_factors"]), ["code1", "code2"])
    for factors in results["stroke_factors"].values():
      self.assertEqual(factors["num_draws"], 500)
      self.assertBetween(factors["thickness"]["correlation"], -1.0, 1.0)
      self.assertTrue(np.isfinite(factors["slant"]["change"]))
    self.assertEqual(saved["stroke_factors"]["code1"]["values"], [-1.0, -0.5, 0.0, 0.5, 1.0])

    # After a bfloat16 re-export the run's export is that one; --export_name picks another.
    train_lib.run(testutil.tiny_config(model_dir, train_steps=2, export_weights="bfloat16"))
    half = evaluate.evaluate(model_dir, batch_size=1000, num_samples=0)
    self.assertTrue(half["export"].endswith(os.path.join("export", "infogan_bfloat16", "2")))
    self.assertGreater(half["c1_matched_accuracy"], 0.0)
    again = evaluate.evaluate(model_dir, batch_size=1000, num_samples=0, export_name="infogan")
    self.assertEqual(again["c1_matched_accuracy"], results["c1_matched_accuracy"])
    with self.assertRaisesRegex(FileNotFoundError, "No SavedModel version"):
      evaluate.evaluate(model_dir, num_samples=0, export_name="none")

  def test_sample_quality_of_a_conditional_gan(self):
    model_dir = os.path.join(self.get_temp_dir(), "cgan_run")
    config = testutil.tiny_config(model_dir, train_steps=2).replace(
        model=dict(model="cgan", architecture="dcgan", codes="cat:10", noise_dim=8))
    train_lib.run(config)
    classifier_dir = os.path.join(self.get_temp_dir(), "clf")
    os.makedirs(classifier_dir)
    clf = classifier.build_classifier((28, 28, 1), 10)
    clf.save(os.path.join(classifier_dir, "classifier.keras"))
    results = evaluate.evaluate(model_dir, batch_size=1000, classifier_dir=classifier_dir,
                                num_samples=300, inception=True,
                                inception_weights="/nonexistent/inception_v3.h5")
    self.assertEqual(results["num_generated"], 300)
    self.assertGreaterEqual(results["classifier_fid"], 0.0)
    self.assertGreater(results["classifier_fid"], results["real_train_classifier_fid"])
    for key in ("classifier_score", "real_test_classifier_score"):
      self.assertBetween(results[key], 1.0, 10.0)
    self.assertBetween(results["conditional_accuracy"], 0.0, 1.0)
    self.assertLen(results["conditional_per_class_accuracy"], 10)
    self.assertIn("skipped", results["inception_metrics_skipped"])
    self.assertNotIn("c1_matched_accuracy", results)  # no Q head
    # The conditional accuracy is the classifier's agreement with the sampled labels.
    loaded = tf.saved_model.load(results["export"])
    images, labels = evaluate.generate_samples(loaded, 300)
    probs = tf.nn.softmax(clf(images, training=False)).numpy()
    self.assertAllClose(results["conditional_accuracy"], (probs.argmax(1) == labels).mean())
    self.assertEqual(results["classifier_fid_sets"], [results["classifier_fid"]])

    # Two sets of samples (seeds 0 and 1): the first is the one above, the means and the
    # conditional accuracy cover both, and the FID of the second set is its own.
    two = evaluate.evaluate(model_dir, batch_size=1000, classifier_dir=classifier_dir,
                            num_samples=300, sample_sets=2)
    self.assertEqual(two["sample_sets"], 2)
    self.assertAllClose(two["classifier_fid_sets"][0], results["classifier_fid"])
    self.assertNotAllClose(two["classifier_fid_sets"][1], results["classifier_fid"])
    self.assertAllClose(two["classifier_fid"], np.mean(two["classifier_fid_sets"]))
    self.assertAllClose(two["classifier_score"], np.mean(two["classifier_score_sets"]))
    more, more_labels = evaluate.generate_samples(loaded, 300, seed=1)
    more_probs = tf.nn.softmax(clf(more, training=False)).numpy()
    hits = np.concatenate([probs.argmax(1) == labels, more_probs.argmax(1) == more_labels])
    self.assertAllClose(two["conditional_accuracy"], hits.mean())

  def test_ss_infogan_reports_the_unmatched_classify_accuracy(self):
    model_dir = os.path.join(self.get_temp_dir(), "ss_run")
    config = testutil.tiny_config(model_dir, train_steps=2).replace(
        model=dict(model="ssinfogan"), params=dict(q_step="d", num_labeled=10))
    model = served_lib.recalibrated(train_lib.run(config)[0], config)   # the export's statistics
    results = evaluate.evaluate(model_dir, batch_size=1000, num_samples=0)
    test = data.pipeline(data.load("mnist", "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR),
                         1000, shuffle=False, repeat=False, cache=False, drop_remainder=False)
    correct = sum(int(tf.reduce_sum(tf.cast(
        tf.argmax(model.infer_codes(b["image"])[0][:, :10], -1) == b["label"], tf.int32)))
                  for b in test)
    self.assertAllClose(results["classify_accuracy"], correct / results["num_examples"],
                        atol=2e-4)
    self.assertGreaterEqual(results["c1_matched_accuracy"], results["classify_accuracy"])
    # c_ss control: sample returns the class each c_ss asks for, scored by the domain classifier.
    loaded = tf.saved_model.load(results["export"])
    out = loaded.sample(count=tf.constant(5), seed=tf.constant(3, tf.int64))
    self.assertAllEqual(out["labels"], tf.argmax(out["codes"][:, :10], -1))
    classifier_dir = os.path.join(self.get_temp_dir(), "ss_clf")
    os.makedirs(classifier_dir)
    clf = classifier.build_classifier((28, 28, 1), 10)
    clf.save(os.path.join(classifier_dir, "classifier.keras"))
    control = evaluate.evaluate(model_dir, batch_size=1000, classifier_dir=classifier_dir,
                                num_samples=200)
    images, labels = evaluate.generate_samples(loaded, 200)
    probs = tf.nn.softmax(clf(images, training=False)).numpy()
    self.assertAllClose(control["conditional_accuracy"], (probs.argmax(1) == labels).mean())

  def test_missing_classifier_is_reported(self):
    model_dir = os.path.join(self.get_temp_dir(), "gan_run")
    train_lib.run(testutil.tiny_config(model_dir, train_steps=2).replace(
        model=dict(model="gan", architecture="mlp", codes="", noise_dim=8)))
    results = evaluate.evaluate(model_dir, classifier_dir=self.get_temp_dir() + "/none",
                                num_samples=20)
    self.assertIn("tools/train_classifier.py", results["classifier_metrics_skipped"])
    self.assertNotIn("classifier_fid", results)


  def test_age_reconstruction_and_linear_probe(self):
    model_dir = os.path.join(self.get_temp_dir(), "age_run")
    model, _ = train_lib.run(testutil.tiny_config(model_dir, train_steps=2).replace(
        model=dict(model="age", architecture="dcgan", codes="", noise="sphere", noise_dim=8)))
    classifier_dir = os.path.join(self.get_temp_dir(), "age_clf")
    os.makedirs(classifier_dir)
    clf = classifier.build_classifier((28, 28, 1), 10)
    clf.save(os.path.join(classifier_dir, "classifier.keras"))
    results = evaluate.evaluate(model_dir, batch_size=1000, classifier_dir=classifier_dir,
                                num_samples=200, probe_labels=(20, 50))
    test = data.pipeline(data.load("mnist", "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR),
                         1000, shuffle=False, repeat=False, cache=False, drop_remainder=False)
    batch = next(iter(test))["image"]
    l1 = float(tf.reduce_mean(tf.abs(batch - model.reconstruct(batch))))
    self.assertAllClose(results["reconstruction_l1"], l1, atol=0.02)   # first 1000 of the split
    self.assertAllClose(results["reconstruction_l1_01"], results["reconstruction_l1"] / 2)
    for key in ("reconstruction_identity_kept", "reconstruction_classifier_accuracy",
                "linear_probe_accuracy_20", "linear_probe_accuracy_50"):
      self.assertBetween(results[key], 0.0, 1.0)
    self.assertIn("classifier_fid", results)
    self.assertNotIn("c1_matched_accuracy", results)

  def test_disentanglement_metrics_on_dsprites(self):
    model_dir = os.path.join(self.get_temp_dir(), "dsprites_run")
    config = testutil.tiny_dsprites_infogan_config(model_dir, train_steps=2)
    model = served_lib.recalibrated(train_lib.run(config)[0], config)   # the export's statistics
    results = evaluate.evaluate(model_dir, num_samples=0, disentanglement_points=64,
                                disentanglement_eval_points=32)
    dis = results["disentanglement"]
    self.assertCountEqual(dis, ["mig", "factor_vae", "dci", "sap", "beta_vae",
                                  "factor_vae_infogan_cr", "seconds"])
    for value in (dis["mig"]["discrete_mig"], dis["factor_vae"]["eval_accuracy"],
                  dis["dci"]["disentanglement"], dis["dci"]["completeness"],
                  dis["sap"]["SAP_score"], dis["beta_vae"]["eval_accuracy"],
                  dis["factor_vae_infogan_cr"]["accuracy"]):
      self.assertBetween(value, 0.0, 1.0)
    self.assertLen(dis["mig"]["mig_per_factor"], 5)
    # The same MIG from the export's codes computed directly (the metric is deterministic).
    loaded = tf.saved_model.load(results["export"])
    direct = metrics.compute_mig(evaluate.representation_fn(loaded), dsprites.DSprites(),
                                 np.random.RandomState(0), num_train=64)
    self.assertEqual(dis["mig"], direct)
    with open(os.path.join(model_dir, "results", "metrics.json")) as f:
      self.assertEqual(json.load(f)["disentanglement"]["mig"], dis["mig"])
    # The representation is infer_codes' continuous means of the [-1, 1]-scaled images (of the
    # model with the export's batch-norm statistics).
    images = dsprites.render([[0, 1, 2, 3, 4], [2, 5, 39, 31, 0]]) * np.uint8(255)
    scaled = images.astype(np.float32) / 127.5 - 1.0
    self.assertAllClose(evaluate.representation_fn(loaded)(images),
                        model.infer_codes(scaled, training=False)[1], atol=1e-5)

  def test_age_representation_is_the_encoder(self):
    model_dir = os.path.join(self.get_temp_dir(), "age_dsprites_run")
    model, path = train_lib.run(testutil.tiny_config(model_dir, train_steps=1).replace(
        data=dict(dataset="dsprites", cache=False),
        model=dict(model="age", architecture="dcgan", codes="", noise="sphere", noise_dim=8)))
    images = dsprites.render([[1, 1, 1, 1, 1]]) * np.uint8(255)
    codes = evaluate.representation_fn(tf.saved_model.load(path))(images)
    self.assertAllClose(codes, model.encode(images.astype(np.float32) / 127.5 - 1.0,
                                            training=False), atol=1e-5)
    self.assertIsNone(evaluate.representation_fn(object()))


if __name__ == "__main__":
  tf.test.main()
