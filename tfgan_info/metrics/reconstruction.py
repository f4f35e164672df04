"""Reconstruction quality of an encoder-generator pair (AGE): error and kept identity."""

from typing import Dict

import numpy as np


def compute_reconstruction(images, reconstructions, image_predictions=None,
                           reconstruction_predictions=None, labels=None) -> Dict[str, float]:
  """Mean reconstruction error and whether a domain classifier still sees the same class.

  Args:
    images: [N, H, W, C] real images x in [-1, 1].
    reconstructions: [N, H, W, C] g(e(x)) in [-1, 1].
    image_predictions: int [N], the classifier's label for x (None: no classifier, only the
      error is computed).
    reconstruction_predictions: int [N], the classifier's label for g(e(x)) (with
      image_predictions).
    labels: int [N] true labels, optional.

  Returns:
    {"l1": mean |x - g(e(x))| per pixel on the [-1, 1] scale, "l1_01": the same on [0, 1]
    pixels (half of it), and with predictions "identity_kept": share of images whose
    reconstruction gets the classifier's label of x, and with ``labels`` too "accuracy": share
    of reconstructions the classifier labels with the true label}.

  Raises:
    ValueError: if the shapes disagree.
  """
  images = np.asarray(images, np.float32)
  reconstructions = np.asarray(reconstructions, np.float32)
  if images.shape != reconstructions.shape:
    raise ValueError(f"images {images.shape} and reconstructions {reconstructions.shape} "
                     "differ in shape")
  l1 = float(np.mean(np.abs(images - reconstructions)))
  out = {"l1": l1, "l1_01": l1 / 2.0}
  if image_predictions is None:
    return out
  x_pred = np.asarray(image_predictions).ravel()
  r_pred = np.asarray(reconstruction_predictions).ravel()
  if not len(x_pred) == len(r_pred) == len(images):
    raise ValueError("one prediction per image and per reconstruction is needed")
  out["identity_kept"] = float(np.mean(x_pred == r_pred))
  if labels is not None:
    out["accuracy"] = float(np.mean(r_pred == np.asarray(labels).ravel()))
  return out
