"""SavedModel endpoints for TF Serving (docs/design.md, convention 10).

Layout: ``model_dir/export/<name>/<version>/`` with an integer version (the training step), the
directory layout TF Serving polls. Endpoints:

- ``generate`` (also ``serving_default``): noise [N, noise_dim], codes [N, code_dim] ->
  {"images": [N, H, W, C]} in the generator's range [-1, 1]. A conditional GAN takes
  noise [N, noise_dim] and labels int32 [N] instead.
- ``sample``: count (int32 scalar), seed (int64 scalar) -> {"images", "noise", "codes"} (and
  "labels" int32 [N] for a conditional GAN); the same seed gives the same samples.
- ``infer_codes`` (models with a Q head): images [N, H, W, C] in [-1, 1] ->
  {"categorical_probs": [N, K], "continuous_means": [N, D]}.

AGE (no codes, z on the unit sphere S^(M-1)):

- ``generate`` (also ``serving_default``): noise [N, M], the code z (projected onto the
  sphere; named as every model's generator input; exports before 2026-12-01 called it "z")
  -> {"images": [N, H, W, C]}.
- ``encode``: images [N, H, W, C] in [-1, 1] -> {"codes": [N, M]} of unit norm.
- ``reconstruct``: images -> {"images": g(e(x))}.
- ``sample``: count, seed -> {"images", "noise"} (noise: z on the sphere).

Every endpoint checks its input shapes in the graph (`_checked`; labels and count too): TF
Serving feeds the signature's placeholders directly, without the Python-side TensorSpec check
of ``loaded.signatures[...]``, and without the check a wrong width fails deep in the graph
("Matrix size-incompatible: In[0]: [2,22], In[1]: [74,1024]"). Input dtypes are checked by the
runtime before the graph runs ("Expects arg[0] to be int32 but float is provided"); note that
``loaded.signatures[...]`` itself casts a NumPy array to the spec dtype (float labels 2.7 -> 2),
so a client should check dtypes first (tools/serving_request.py does).
"""

import os
import re

import keras
import tensorflow as tf


def export_dir(model_dir: str, name: str, version: int) -> str:
  return os.path.join(model_dir, "export", name, str(int(version)))


def latest_export(model_dir: str, name: str = "") -> str:
  """Path of the highest integer version under model_dir/export/<name>/.

  With ``name`` empty, the only model name found there.

  Raises:
    FileNotFoundError: with a one-line message when there is no export.
  """
  root = os.path.join(model_dir, "export")
  if not name:
    names = sorted(n.rstrip("/") for n in tf.io.gfile.listdir(root)) if tf.io.gfile.isdir(
        root) else []
    if len(names) != 1:
      raise FileNotFoundError(f"Expected one exported model under {root}, found {names}")
    name = names[0]
  folder = os.path.join(root, name)
  entries = tf.io.gfile.listdir(folder) if tf.io.gfile.isdir(folder) else []
  versions = [int(v.rstrip("/")) for v in entries if re.fullmatch(r"\d+/?", v)]
  if not versions:
    raise FileNotFoundError(f"No SavedModel version under {folder}: train (or export) first")
  return os.path.join(folder, str(max(versions)))


def _checked(endpoint: str, **inputs):
  """The inputs of an endpoint, checked in the graph before they are used.

  Each input must have the shape of its TensorSpec, checked at run time by `tf.ensure_shape`
  (a kernel check that the graph optimizer keeps; its error names the fed tensor, e.g. "Shape of
  tensor _arg_generate_noise_0_1 [2,10] is not compatible with expected shape [?,62]" when a
  Session feeds the placeholder generate_noise:0, as TF Serving does), and the inputs with a
  batch dimension must agree on N ("assertion failed: [inputs noise, codes of signature generate
  must have the same batch size N (dimension 0); got sizes] [2 3]"; no quotes in the messages:
  the Assert kernel escapes them). A few small ops per input; the values are unchanged.

  Args:
    endpoint: the endpoint name, for the error message.
    **inputs: the endpoint's input tensors by name, in signature order.

  Returns:
    A dict with the same keys: the checked tensors (use these, not the arguments, so the
    checks run before the computation).
  """
  checked = {name: tf.ensure_shape(x, x.shape) for name, x in inputs.items()}
  batched = [name for name, x in checked.items() if x.shape.rank]
  if len(batched) > 1:
    sizes = tf.stack([tf.shape(checked[name])[0] for name in batched])
    same = tf.reduce_all(tf.equal(sizes, sizes[0]))
    message = (f"inputs {', '.join(batched)} of signature {endpoint} must have the same batch "
               "size N (dimension 0); got sizes")
    with tf.control_dependencies([tf.debugging.Assert(same, [message, sizes])]):
      checked = {name: tf.identity(x) for name, x in checked.items()}
  return checked


def _checked_labels(endpoint: str, labels, num_classes: int):
  """labels [N] after an in-graph check that they lie in [0, num_classes).

  Without it the CPU gather fails with "indices[1] = 11 is not in [0, 10)" and a GPU gather
  returns zeros (a silently wrong image).
  """
  valid = tf.reduce_all((labels >= 0) & (labels < num_classes))
  message = (f"input labels of signature {endpoint} must be class indices in "
             f"[0, {num_classes}); got")
  with tf.control_dependencies([tf.debugging.Assert(valid, [message, labels])]):
    return tf.identity(labels)


def _checked_count(endpoint: str, count, seed):
  """(count, seed) scalars, with an in-graph check that count >= 0."""
  inputs = _checked(endpoint, count=count, seed=seed)
  message = f"input count of signature {endpoint} must be >= 0; got"
  with tf.control_dependencies([tf.debugging.Assert(inputs["count"] >= 0,
                                                    [message, inputs["count"]])]):
    return tf.identity(inputs["count"]), inputs["seed"]


def _stateless_seed(seed):
  """An int64 scalar seed as the [2] int32 stateless seed of `LatentSpec.sample` (both words,
  so distinct seeds give distinct streams)."""
  return tf.stack([seed // 2**32, seed % 2**32])


def build_age_archive(model) -> keras.export.ExportArchive:
  """An ExportArchive with AGE's endpoints (see the module docstring)."""
  spec = model.latent_spec
  image_shape = tuple(model.generator.output_shape[1:])
  if not model.built:  # ExportArchive tracks built models only: call it once.
    model(tf.ones([1, spec.noise_dim]))
  if not model.encoder.built:
    model.encode(tf.zeros((1,) + image_shape))
  archive = keras.export.ExportArchive()
  archive.track(model.generator)
  archive.track(model.encoder)
  images_spec = tf.TensorSpec((None,) + image_shape, tf.float32, name="images")

  @tf.function(input_signature=[
      tf.TensorSpec([None, spec.noise_dim], tf.float32, name="noise")])
  def generate(noise):
    return {"images": model.generate(_checked("generate", noise=noise)["noise"],
                                     training=False)}

  @tf.function(input_signature=[images_spec])
  def encode(images):
    return {"codes": model.encode(_checked("encode", images=images)["images"], training=False)}

  @tf.function(input_signature=[images_spec])
  def reconstruct(images):
    images = _checked("reconstruct", images=images)["images"]
    return {"images": model.reconstruct(images, training=False)}

  @tf.function(input_signature=[tf.TensorSpec([], tf.int32, name="count"),
                                tf.TensorSpec([], tf.int64, name="seed")])
  def sample(count, seed):
    count, seed = _checked_count("sample", count, seed)
    noise, _ = spec.sample(count, _stateless_seed(seed))
    return {"images": model.generate(noise, training=False), "noise": noise}

  for name, fn in (("serving_default", generate), ("generate", generate), ("encode", encode),
                   ("reconstruct", reconstruct), ("sample", sample)):
    archive.add_endpoint(name, fn)
  return archive


def build_archive(model) -> keras.export.ExportArchive:
  """An ExportArchive with the endpoints above for a `models.GAN` (or subclass) or AGE."""
  if hasattr(model, "encoder"):
    return build_age_archive(model)
  spec = model.latent_spec
  image_shape = tuple(model.generator.output_shape[1:])
  if not model.built:  # ExportArchive tracks built models only: call it once.
    model(tf.zeros([1, spec.noise_dim + spec.code_dim]))
  archive = keras.export.ExportArchive()
  # Only what the endpoints use: G, and D (body + Q head) for infer_codes. D's weights are not
  # needed to serve a plain or conditional GAN.
  archive.track(model.generator)
  if hasattr(model, "infer_codes"):
    if not model.discriminator.built:  # e.g. restored and exported without a training step
      model.discriminator(tf.zeros((1,) + image_shape))
    archive.track(model.discriminator)

  if model.conditional:
    @tf.function(input_signature=[
        tf.TensorSpec([None, spec.noise_dim], tf.float32, name="noise"),
        tf.TensorSpec([None], tf.int32, name="labels")])
    def generate(noise, labels):
      inputs = _checked("generate", noise=noise, labels=labels)
      labels = _checked_labels("generate", inputs["labels"], model.num_classes)
      return {"images": model.generate(inputs["noise"], labels, training=False)}
  else:
    @tf.function(input_signature=[
        tf.TensorSpec([None, spec.noise_dim], tf.float32, name="noise"),
        tf.TensorSpec([None, spec.code_dim], tf.float32, name="codes")])
    def generate(noise, codes):
      inputs = _checked("generate", noise=noise, codes=codes)
      return {"images": model.generate(inputs["noise"], inputs["codes"], training=False)}

  @tf.function(input_signature=[tf.TensorSpec([], tf.int32, name="count"),
                                tf.TensorSpec([], tf.int64, name="seed")])
  def sample(count, seed):
    count, seed = _checked_count("sample", count, seed)
    noise, codes = spec.sample(count, _stateless_seed(seed))
    out = {"images": model.generate(noise, codes, training=False), "noise": noise,
           "codes": codes}
    if model.conditional:
      out["labels"] = model.labels_of(codes)
    return out

  archive.add_endpoint("serving_default", generate)
  archive.add_endpoint("generate", generate)
  archive.add_endpoint("sample", sample)

  if hasattr(model, "infer_codes"):
    @tf.function(input_signature=[
        tf.TensorSpec((None,) + image_shape, tf.float32, name="images")])
    def infer_codes(images):
      images = _checked("infer_codes", images=images)["images"]
      probs, means = model.infer_codes(images, training=False)
      return {"categorical_probs": probs, "continuous_means": means}
    archive.add_endpoint("infer_codes", infer_codes)
  return archive


def export(model, model_dir: str, name: str, version: int) -> str:
  """Writes the SavedModel to model_dir/export/<name>/<version>/ and returns that path.

  An existing export of the same version is replaced.
  """
  path = export_dir(model_dir, name, version)
  tmp = path + ".tmp"
  tf.io.gfile.makedirs(os.path.dirname(path))
  if tf.io.gfile.exists(tmp):
    tf.io.gfile.rmtree(tmp)
  build_archive(model).write_out(tmp, verbose=False)
  if tf.io.gfile.exists(path):
    tf.io.gfile.rmtree(path)
  tf.io.gfile.rename(tmp, path)
  return path
