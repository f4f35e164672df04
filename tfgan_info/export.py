"""SavedModel exports for TF Serving (docs/design.md, "Exports").

Layout: ``model_dir/export/<name>/<version>/`` with an integer version (the training step), the
directory layout TF Serving polls. The endpoints are the model's (``serving_signatures``);
every model that generates from noise exports:

- ``generate`` (also ``serving_default``): its generator input (noise [N, noise_dim] and
  codes [N, code_dim]; a conditional GAN's labels int32 [N] instead of codes; AGE's z on the
  sphere as noise) -> {"images": [N, H, W, C]} in the
  generator's range [-1, 1];
- ``sample``: count (int32 scalar), seed (int64 scalar) -> {"images", "noise", "codes"} (and
  "labels" int32 [N] for a conditional GAN); the same seed gives the same samples;

and, by kind:

- ``translate`` (also ``serving_default``; an image-to-image model, pix2pix, which has no
  ``generate`` or ``sample``): images x [N, H, W, C] in [-1, 1] -> {"images": G(x)};

- ``infer_codes`` (a Q head: InfoGAN, ss-InfoGAN): images [N, H, W, C] in [-1, 1] ->
  {"categorical_probs": [N, K], "continuous_means": [N, D]};
- ``classify`` (a code tied to the labels: ss-InfoGAN's c_ss): images -> {"probs": [N, K]},
  class k's probability at column k;
- ``encode``: images -> {"codes": [N, M]} of unit norm, and ``reconstruct``: images ->
  {"images": g(e(x))} (AGE);
- ``generate_from_text`` (also ``serving_default``; a text-to-image model, which has no
  ``sample``): captions string [N], seed int64 scalar -> {"images"}; ``embed_text``:
  captions -> {"embeddings": [N, E]}; ``embed_images``: images -> {"embeddings"}; and
  ``generate`` taking caption vectors ("embeddings") beside the noise.

Every endpoint checks its input shapes in the graph (`signatures.checked`; labels, count and
captions too), since TF Serving feeds the placeholders directly.
"""

import os
import re

import keras
import tensorflow as tf
from google.protobuf import message

from tfgan_info import console


def export_dir(model_dir: str, name: str, version: int) -> str:
  return os.path.join(model_dir, "export", name, str(int(version)))


def latest_export(model_dir: str, name: str = "") -> str:
  """Path of the highest integer version under model_dir/export/<name>/.

  With ``name`` empty, the only model name found there.

  Raises:
    FileNotFoundError: with a one-line message when there is no export.
  """
  return export_versions(model_dir, name)[-1]


def export_versions(model_dir: str, name: str = "") -> list:
  """Paths of every integer version under model_dir/export/<name>/, oldest first (``name``
  empty: the only model name found there).

  Raises:
    FileNotFoundError: with a one-line message when there is none.
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
  versions = sorted(int(v.rstrip("/")) for v in entries if re.fullmatch(r"\d+/?", v))
  if not versions:
    raise FileNotFoundError(f"No SavedModel version under {folder}: train (or export) first")
  return [os.path.join(folder, str(v)) for v in versions]


def load_latest(model_dir: str, name: str = ""):
  """The newest export of model_dir that loads, for readers of a run's folder (evaluate,
  render): a version whose files cannot be read (a bad copy, a failing disk) is passed
  over for the next older one, and said.

  Returns:
    (its path, the `tf.saved_model.load` object, a line naming the versions passed over
    and why, or None).

  Raises:
    FileNotFoundError: when there is no export, or none loads (naming the newest and why).
  """
  versions = export_versions(model_dir, name)
  bad = []
  for path in reversed(versions):
    try:
      loaded = tf.saved_model.load(path)
    except (tf.errors.OpError, OSError, ValueError, IndexError, message.DecodeError) as e:
      reason = console.first_line(e)
      bad.append((path, reason))
      continue
    note = (f"Passed over unreadable export {', '.join(p for p, _ in bad)} "
            f"({bad[0][1]}); using {path}") if bad else None
    return path, loaded, note
  raise FileNotFoundError(f"No readable SavedModel under {os.path.dirname(versions[0])}: "
                          f"{bad[0][0]} cannot be loaded ({bad[0][1]}); export it again")


def build_archive(model) -> keras.export.ExportArchive:
  """An ExportArchive with the endpoints ``model`` declares (`serving_signatures`), its
  ``default_signature`` also as ``serving_default``, tracking the networks they use
  (`serving_networks`)."""
  networks = model.serving_networks()  # builds what the endpoints use (see base)
  archive = keras.export.ExportArchive()
  for network in networks:
    archive.track(network)
  signatures = model.serving_signatures()
  archive.add_endpoint("serving_default", signatures[model.default_signature])
  for name, fn in signatures.items():
    archive.add_endpoint(name, fn)
  return archive


def export(model, model_dir: str, name: str, version: int) -> str:
  """Writes the SavedModel to model_dir/export/<name>/<version>/ and returns that path.

  The SavedModel is written to ``<version>.tmp/`` (a name TF Serving does not take for a
  version) and renamed into place when complete, so a served folder is never half-written;
  a failed write removes its temporary folder. An existing export of the same version is
  replaced.
  """
  path = export_dir(model_dir, name, version)
  tmp = path + ".tmp"
  tf.io.gfile.makedirs(os.path.dirname(path))
  if tf.io.gfile.exists(tmp):
    tf.io.gfile.rmtree(tmp)
  try:
    build_archive(model).write_out(tmp, verbose=False)
  except BaseException:
    if tf.io.gfile.exists(tmp):
      tf.io.gfile.rmtree(tmp)
    raise
  if tf.io.gfile.exists(path):
    tf.io.gfile.rmtree(path)
  tf.io.gfile.rename(tmp, path)
  return path
