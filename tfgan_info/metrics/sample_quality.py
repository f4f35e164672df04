"""Sample quality of a generator from the features of a fixed network: FID and score.

Two feature networks:

- a domain classifier trained on the real data (`networks.classifier`, trained by
  tools/train_classifier.py): "classifier-FID" on its 128-d penultimate features and the
  "classifier score" on its softmax. Works offline; numbers are comparable between models
  evaluated with the same classifier only.
- InceptionV3 with ImageNet weights (`keras.applications`): the standard FID (2048-d pool
  features) and Inception Score (1000-way softmax), when the weights can be loaded (download
  or a local file). Keras' InceptionV3 is not the TF-Slim graph of the original FID code, so
  values are close to, not identical with, published ones.
"""

import contextlib
import os
import socket
import sys
from typing import Callable, Dict, Optional, Tuple

import numpy as np

from tfgan_info.metrics.fid import compute_fid
from tfgan_info.metrics.inception_score import compute_inception_score

FeatureFn = Callable[[np.ndarray], Tuple[np.ndarray, np.ndarray]]
INCEPTION_SIZE = 299


def batched_features(feature_fn: FeatureFn, images: np.ndarray, batch_size: int = 500):
  """(features [N, F], probs [N, K]) of images [N, H, W, C], computed batch by batch."""
  feats, probs = [], []
  for start in range(0, len(images), batch_size):
    f, p = feature_fn(images[start:start + batch_size])
    feats.append(np.asarray(f, np.float64))
    probs.append(np.asarray(p, np.float64))
  return np.concatenate(feats), np.concatenate(probs)


def compute_sample_quality(real_images, generated_images, feature_fn: FeatureFn,
                           splits: int = 10, batch_size: int = 500) -> Dict[str, float]:
  """FID (real vs generated) and the score of the generated images under one feature network.

  Args:
    real_images: [N, H, W, C] real images in [-1, 1].
    generated_images: [M, H, W, C] generated images in [-1, 1].
    feature_fn: images [n, H, W, C] -> (features [n, F], class probabilities [n, K]).
    splits: parts of the score's mean and std.

  Returns:
    {"fid", "score", "score_std", "num_real", "num_generated"}.
  """
  real_f, _ = batched_features(feature_fn, real_images, batch_size)
  gen_f, gen_p = batched_features(feature_fn, generated_images, batch_size)
  out = compute_fid(real_f, gen_f)
  score = compute_inception_score(gen_p, splits)
  out.update(score=score["score"], score_std=score["score_std"])
  return out


def classifier_feature_fn(classifier) -> FeatureFn:
  """FeatureFn of a `networks.classifier` model: (128-d features, softmax)."""
  import keras  # pylint: disable=g-import-not-at-top
  from tfgan_info.networks import classifier as classifier_lib  # pylint: disable=g-import-not-at-top
  model = classifier_lib.feature_model(classifier)

  def fn(images):
    out = model(images, training=False)
    return (np.asarray(out[classifier_lib.FEATURES]),
            np.asarray(keras.ops.softmax(out[classifier_lib.LOGITS])))
  return fn


# Where keras.applications caches the InceptionV3 ImageNet weights, and their host.
INCEPTION_CACHE = os.path.join(
    os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras")), "models",
    "inception_v3_weights_tf_dim_ordering_tf_kernels.h5")
INCEPTION_HOST = "storage.googleapis.com"


def _reachable(host: str, port: int = 443, timeout: float = 3.0) -> bool:
  """Whether a TCP connection to host:port opens within ``timeout`` seconds."""
  try:
    socket.create_connection((host, port), timeout=timeout).close()
    return True
  except OSError:
    return False


def load_inception(weights: Optional[str] = "imagenet") -> Tuple[Optional[FeatureFn], str]:
  """InceptionV3 FeatureFn (2048-d avg-pool features, 1000-way softmax), or (None, reason).

  Args:
    weights: "imagenet" (keras downloads and caches them), the path of a local copy of
      inception_v3_weights_tf_dim_ordering_tf_kernels.h5, or None (random weights: tests).

  Returns:
    (fn, "") when the weights load; (None, a one-line reason) when they cannot (offline).
    Images are resized to 299x299 and gray images repeated to RGB; [-1, 1] is already
    InceptionV3's input range.
  """
  import keras  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if weights == "imagenet" and not os.path.exists(INCEPTION_CACHE) and not _reachable(
      INCEPTION_HOST):
    return None, (f"InceptionV3's ImageNet weights are not in {INCEPTION_CACHE} and "
                  f"{INCEPTION_HOST} cannot be reached (offline); standard FID/IS skipped "
                  "(pass --inception_weights=<a local copy of "
                  f"{os.path.basename(INCEPTION_CACHE)}>)")
  try:
    with contextlib.redirect_stdout(sys.stderr):  # keras prints its download progress
      net = keras.applications.InceptionV3(weights=weights)
  except Exception as e:  # pylint: disable=broad-except  (download errors vary by platform)
    return None, (f"InceptionV3 weights {weights!r} could not be loaded ({type(e).__name__}: "
                  f"{str(e).splitlines()[0] if str(e) else ''}); standard FID/IS skipped")
  model = keras.Model(net.inputs, [net.get_layer("avg_pool").output, net.output])

  def fn(images):
    x = tf.convert_to_tensor(images, tf.float32)
    if x.shape[-1] == 1:
      x = tf.repeat(x, 3, axis=-1)
    x = tf.image.resize(x, (INCEPTION_SIZE, INCEPTION_SIZE), method="bilinear")
    feats, probs = model(x, training=False)
    return np.asarray(feats), np.asarray(probs)
  return fn, ""
