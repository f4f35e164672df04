"""SavedModel endpoints for TF Serving (style convention 10).

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

- ``generate`` (also ``serving_default``): z [N, M] (projected onto the sphere) ->
  {"images": [N, H, W, C]}.
- ``encode``: images [N, H, W, C] in [-1, 1] -> {"codes": [N, M]} of unit norm.
- ``reconstruct``: images -> {"images": g(e(x))}.
- ``sample``: count, seed -> {"images", "noise"} (noise: z on the sphere).
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

  @tf.function(input_signature=[tf.TensorSpec([None, spec.noise_dim], tf.float32, name="z")])
  def generate(z):
    return {"images": model.generate(z, training=False)}

  @tf.function(input_signature=[images_spec])
  def encode(images):
    return {"codes": model.encode(images, training=False)}

  @tf.function(input_signature=[images_spec])
  def reconstruct(images):
    return {"images": model.reconstruct(images, training=False)}

  @tf.function(input_signature=[tf.TensorSpec([], tf.int32, name="count"),
                                tf.TensorSpec([], tf.int64, name="seed")])
  def sample(count, seed):
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
      return {"images": model.generate(noise, labels, training=False)}
  else:
    @tf.function(input_signature=[
        tf.TensorSpec([None, spec.noise_dim], tf.float32, name="noise"),
        tf.TensorSpec([None, spec.code_dim], tf.float32, name="codes")])
    def generate(noise, codes):
      return {"images": model.generate(noise, codes, training=False)}

  @tf.function(input_signature=[tf.TensorSpec([], tf.int32, name="count"),
                                tf.TensorSpec([], tf.int64, name="seed")])
  def sample(count, seed):
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
