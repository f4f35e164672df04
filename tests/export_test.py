import os
import re
import shutil
import subprocess
import sys

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2

from tests.models.age_test import image_batches, make_age
from tests.models.conditional_gan_test import make_cgan
from tests.models.infogan_test import batches, make_model
from tfgan_info import export


class SavedModelCli:
  """TF's saved_model_cli in a subprocess (the console script, or its module when the script is
  not on PATH), started at once so its TensorFlow import overlaps with the other tests."""

  def __init__(self, *args):
    script = shutil.which("saved_model_cli")
    command = [script] if script else [sys.executable, "-m",
                                       "tensorflow.python.tools.saved_model_cli"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    self._process = subprocess.Popen(command + list(args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
    self._result = None

  def result(self):
    """(exit code, stdout, stderr), waiting for the process once."""
    if self._result is None:
      try:
        out, err = self._process.communicate(timeout=120)
      except subprocess.TimeoutExpired:
        self._process.kill()
        out, err = self._process.communicate()
      self._result = (self._process.returncode, out, err)
    return self._result


def signature_inputs(show_output: str):
  """{signature: {input: (dtype, shape)}} from `saved_model_cli show --all` text."""
  out = {}
  for block in re.split(r"\nsignature_def\['", show_output)[1:]:
    name = block[:block.index("'")]
    inputs = block.split("output(s):")[0]
    out[name] = {m[0]: (m[1], m[2]) for m in re.findall(
        r"inputs\['(\w+)'\] tensor_info:\s+dtype: (\w+)\s+shape: (\([^)]*\))", inputs)}
  return out


def feed_placeholders(path, signature, feeds):
  """Runs a signature in a v1 Session that feeds its placeholders through placeholders of
  unknown shape: no Python-side shape check, like TF Serving, which feeds the graph from C++.
  Only the in-graph checks of the export stand between a wrong shape and the computation.

  Returns:
    {output name: np.ndarray}.
  """
  with open(os.path.join(path, "saved_model.pb"), "rb") as f:
    meta = saved_model_pb2.SavedModel.FromString(f.read()).meta_graphs[0]
  sig = meta.signature_def[signature]
  with tf.Graph().as_default() as graph, tf.compat.v1.Session(graph=graph) as sess:
    fed = {name: tf.compat.v1.placeholder(tf.as_dtype(sig.inputs[name].dtype), None,
                                          name=f"{signature}_{name}")
           for name in feeds}
    tf.compat.v1.saved_model.loader.load(
        sess, ["serve"], path, input_map={sig.inputs[n].name: t for n, t in fed.items()})
    names = sorted(sig.outputs)
    values = sess.run([sig.outputs[n].name for n in names],
                      {fed[n]: np.asarray(v) for n, v in feeds.items()})
  return dict(zip(names, values))


class ExportTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model = make_model(seed=2)
    cls.model.fit(batches(8), epochs=1, verbose=0)
    cls.model_dir = tf.compat.v1.test.get_temp_dir() + "/export_test"
    cls.path = export.export(cls.model, cls.model_dir, "infogan", 7)
    cls.loaded = tf.saved_model.load(cls.path)
    cls.cli_dir = os.path.join(cls.model_dir, "saved_model_cli")
    os.makedirs(cls.cli_dir, exist_ok=True)
    files = {}
    for name, shape in (("noise", (2, 62)), ("codes", (2, 12)), ("codes3", (3, 12))):
      files[name] = os.path.join(cls.cli_dir, f"{name}.npy")
      np.save(files[name], np.zeros(shape, np.float32))
    run = ("run", "--dir", cls.path, "--tag_set", "serve", "--overwrite", "--outdir")
    # TF 2.21's --input_exprs takes Python literals only (np.zeros(...) is refused), so the
    # generate inputs come from .npy files through --inputs.
    cls.cli = {
        "show": SavedModelCli("show", "--dir", cls.path, "--all"),
        "generate": SavedModelCli(*run, os.path.join(cls.cli_dir, "generate"),
                                  "--signature_def", "generate", "--inputs",
                                  f"noise={files['noise']};codes={files['codes']}"),
        "sample": SavedModelCli(*run, os.path.join(cls.cli_dir, "sample"),
                                "--signature_def", "sample", "--input_exprs", "count=3;seed=7"),
        # Batch sizes 2 and 3 pass saved_model_cli's own feed check (the placeholders are
        # [?, 62] and [?, 12]); the export's in-graph check stops them.
        "batch_mismatch": SavedModelCli(*run, os.path.join(cls.cli_dir, "bad"),
                                        "--signature_def", "generate", "--inputs",
                                        f"noise={files['noise']};codes={files['codes3']}"),
    }

  @classmethod
  def tearDownClass(cls):
    for cli in cls.cli.values():
      cli.result()
    super().tearDownClass()

  def test_layout_and_signatures(self):
    self.assertEqual(self.path, os.path.join(self.model_dir, "export", "infogan", "7"))
    self.assertTrue(os.path.exists(os.path.join(self.path, "saved_model.pb")))
    self.assertEqual(export.latest_export(self.model_dir), self.path)
    self.assertSetEqual(set(self.loaded.signatures),
                        {"serving_default", "generate", "sample", "infer_codes"})

  def test_generate_matches_keras_model(self):
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(5, 62)).astype(np.float32)
    codes = np.concatenate([np.eye(10)[rng.integers(0, 10, 5)],
                            rng.uniform(-1, 1, (5, 2))], -1).astype(np.float32)
    expected = self.model.generate(noise, codes)
    self.assertAllClose(self.loaded.generate(noise, codes)["images"], expected, atol=1e-5)
    out = self.loaded.signatures["serving_default"](noise=noise, codes=codes)
    self.assertAllClose(out["images"], expected, atol=1e-5)

  def test_infer_codes_matches_keras_model(self):
    images = np.random.default_rng(1).uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
    probs, means = self.model.infer_codes(images)
    out = self.loaded.signatures["infer_codes"](images=images)
    self.assertAllClose(out["categorical_probs"], probs, atol=1e-5)
    self.assertAllClose(out["continuous_means"], means, atol=1e-5)

  def test_sample_is_seeded_and_consistent(self):
    a = self.loaded.signatures["sample"](count=tf.constant(6), seed=tf.constant(11, tf.int64))
    b = self.loaded.sample(tf.constant(6), tf.constant(11, tf.int64))
    c = self.loaded.sample(tf.constant(6), tf.constant(12, tf.int64))
    self.assertEqual(a["images"].shape, (6, 28, 28, 1))
    self.assertAllClose(a["codes"], b["codes"])
    self.assertNotAllClose(a["codes"], c["codes"])
    self.assertAllClose(a["images"], self.model.generate(a["noise"], a["codes"]), atol=1e-5)

  def test_wrong_input_shape_is_rejected(self):
    with self.assertRaises((ValueError, TypeError)):
      self.loaded.generate(np.zeros((2, 10), np.float32), np.zeros((2, 12), np.float32))

  def test_in_graph_checks_name_the_input(self):
    # What TF Serving feeds: without the checks these failed deep in the graph ("Matrix
    # size-incompatible: In[0]: [2,22], In[1]: [74,1024]", "ConcatOp : Dimension 0 ...").
    noise, codes = np.zeros((2, 62), np.float32), np.zeros((2, 12), np.float32)
    out = feed_placeholders(self.path, "generate", {"noise": noise, "codes": codes})
    self.assertAllClose(out["images"], self.model.generate(noise, codes), atol=1e-5)
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"generate_noise\S* \[2,10\] is not compatible with expected "
                                r"shape \[\?,62\]"):
      feed_placeholders(self.path, "generate", {"noise": noise[:, :10], "codes": codes})
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"inputs noise, codes of signature generate must have the same "
                                r"batch size N \(dimension 0\); got sizes\] \[2 3\]"):
      feed_placeholders(self.path, "generate", {"noise": noise, "codes": np.zeros((3, 12))
                                                .astype(np.float32)})
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"\[4,32,32,3\] is not compatible with expected shape "
                                r"\[\?,28,28,1\]"):
      feed_placeholders(self.path, "infer_codes", {"images": np.zeros((4, 32, 32, 3),
                                                                      np.float32)})
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"input count of signature sample must be >= 0; got\] \[-1\]"):
      feed_placeholders(self.path, "sample", {"count": np.int32(-1), "seed": np.int64(0)})

  def test_saved_model_cli_show_lists_signatures(self):
    code, out, err = self.cli["show"].result()
    self.assertEqual(code, 0, err)
    inputs = signature_inputs(out)
    self.assertContainsSubset({"serving_default", "generate", "sample", "infer_codes"}, inputs)
    for name in ("serving_default", "generate"):
      self.assertEqual(inputs[name], {"noise": ("DT_FLOAT", "(-1, 62)"),
                                      "codes": ("DT_FLOAT", "(-1, 12)")})
    self.assertEqual(inputs["sample"], {"count": ("DT_INT32", "()"),
                                        "seed": ("DT_INT64", "()")})
    self.assertEqual(inputs["infer_codes"], {"images": ("DT_FLOAT", "(-1, 28, 28, 1)")})

  def test_saved_model_cli_run(self):
    code, _, err = self.cli["generate"].result()
    self.assertEqual(code, 0, err)
    images = np.load(os.path.join(self.cli_dir, "generate", "images.npy"))
    self.assertEqual(images.shape, (2, 28, 28, 1))
    zeros = np.zeros((2, 62), np.float32), np.zeros((2, 12), np.float32)
    self.assertAllClose(images, self.model.generate(*zeros), atol=1e-5)
    code, _, err = self.cli["sample"].result()
    self.assertEqual(code, 0, err)
    shapes = {n: np.load(os.path.join(self.cli_dir, "sample", f"{n}.npy")).shape
              for n in ("images", "noise", "codes")}
    self.assertEqual(shapes, {"images": (3, 28, 28, 1), "noise": (3, 62), "codes": (3, 12)})

  def test_saved_model_cli_run_wrong_shape(self):
    code, _, err = self.cli["batch_mismatch"].result()
    self.assertNotEqual(code, 0)
    self.assertIn("inputs noise, codes of signature generate must have the same batch size N "
                  "(dimension 0); got sizes] [2 3]", err)

  def test_reexport_replaces_version(self):
    path = export.export(self.model, self.model_dir, "infogan", 9)
    self.assertEqual(export.latest_export(self.model_dir, "infogan"), path)
    with self.assertRaisesRegex(FileNotFoundError, "No SavedModel version"):
      export.latest_export(self.model_dir, "other")


class ConditionalExportTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model = make_cgan(noise_dim=8)
    cls.model.fit(batches(8), epochs=1, verbose=0)
    model_dir = tf.compat.v1.test.get_temp_dir() + "/cgan_export_test"
    cls.path = export.export(cls.model, model_dir, "cgan", 1)
    cls.loaded = tf.saved_model.load(cls.path)

  def test_generate_takes_labels(self):
    self.assertSetEqual(set(self.loaded.signatures), {"serving_default", "generate", "sample"})
    noise = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
    labels = np.array([2, 7, 7], np.int32)
    out = self.loaded.signatures["serving_default"](noise=noise, labels=labels)
    self.assertAllClose(out["images"], self.model.generate(noise, labels), atol=1e-5)
    with self.assertRaises((ValueError, TypeError)):
      self.loaded.generate(noise, labels[:, None])

  def test_labels_are_checked(self):
    noise = np.zeros((3, 8), np.float32)
    # A float tensor is refused by the signature (a NumPy float array would be cast by TF's
    # Python conversion, which is why tfgan_info.serving checks dtypes first).
    with self.assertRaisesRegex(TypeError, "int32"):
      self.loaded.signatures["generate"](noise=noise, labels=tf.constant([2.5, 1.0, 0.0]))
    # Out-of-range labels, fed as TF Serving feeds them, stop at the in-graph check (a GPU
    # gather would otherwise return zeros).
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"input labels of signature generate must be class indices in "
                                r"\[0, 10\); got\] \[2 11 -1\]"):
      feed_placeholders(self.path, "generate",
                        {"noise": noise, "labels": np.array([2, 11, -1], np.int32)})

  def test_sample_returns_its_labels(self):
    out = self.loaded.sample(tf.constant(5), tf.constant(3, tf.int64))
    self.assertEqual(out["labels"].dtype, tf.int32)
    self.assertAllEqual(out["labels"], np.argmax(out["codes"], -1))
    self.assertAllClose(out["images"], self.model.generate(out["noise"], out["labels"]),
                        atol=1e-5)



class AGEExportTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model = make_age(latent_dim=8)
    cls.model.fit(image_batches(8), epochs=1, verbose=0)
    model_dir = tf.compat.v1.test.get_temp_dir() + "/age_export_test"
    cls.path = export.export(cls.model, model_dir, "age", 1)
    cls.loaded = tf.saved_model.load(cls.path)
    cls.images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32)

  def test_endpoints_match_keras_model(self):
    self.assertSetEqual(set(self.loaded.signatures), {"serving_default", "generate", "encode",
                                                      "reconstruct", "sample"})
    z = np.random.default_rng(1).normal(size=(3, 8)).astype(np.float32)
    out = self.loaded.signatures["serving_default"](noise=z)
    self.assertAllClose(out["images"], self.model.generate(z), atol=1e-5)
    codes = self.loaded.signatures["encode"](images=self.images)["codes"]
    self.assertAllClose(codes, self.model.encode(self.images), atol=1e-5)
    self.assertAllClose(np.linalg.norm(codes, axis=1), np.ones(3), atol=1e-5)
    rec = self.loaded.reconstruct(self.images)["images"]
    self.assertAllClose(rec, self.model.reconstruct(self.images), atol=1e-5)
    with self.assertRaises((ValueError, TypeError)):
      self.loaded.encode(np.zeros((2, 32, 32, 3), np.float32))

  def test_sample_draws_z_on_the_sphere(self):
    out = self.loaded.sample(tf.constant(4), tf.constant(2, tf.int64))
    self.assertAllClose(np.linalg.norm(out["noise"], axis=1), np.ones(4), atol=1e-5)
    self.assertAllClose(out["images"], self.model.generate(out["noise"]), atol=1e-5)

  def test_in_graph_checks(self):
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"\[2,5\] is not compatible with expected shape \[\?,8\]"):
      feed_placeholders(self.path, "generate", {"noise": np.ones((2, 5), np.float32)})
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"\[28,28,1\] is not compatible with expected shape "
                                r"\[\?,28,28,1\]"):
      feed_placeholders(self.path, "encode", {"images": self.images[0]})


if __name__ == "__main__":
  tf.test.main()
