"""Evaluation entry point: python -m tfgan_info.evaluate --model_dir=runs/infogan_mnist

Loads the run's config.json and its latest SavedModel export and reports, on the real test
split (results merged into model_dir/results/metrics.json). The suites (`SUITES`) follow the
export's signatures:

- `sample`: sample quality, from --num_samples images of the export's `sample`
  endpoint: classifier-FID and classifier score under the domain classifier of
  tools/train_classifier.py (with the real data's own values as references), the conditional
  accuracy of a `sample` that returns the labels it asked for (a conditional GAN; ss-InfoGAN,
  where it measures how well c_ss controls G), and the standard FID / Inception Score when
  InceptionV3's ImageNet weights can be loaded (offline they are skipped, and the results say so);
- `infer_codes` with a categorical code: c1's accuracy as a classifier of the real test
  images (categories matched one-to-one to labels);
- `classify` (a code tied to the labels by construction, e.g. ss-InfoGAN's c_ss):
  `classify_accuracy`, its accuracy on the real test images with no matching;
- `reconstruct` and `encode` (an encoder: AGE, ALI): the reconstructions g(e(x)) of the
  test split (mean L1 error, and the share the domain classifier gives the label it gives
  x), and linear-probe accuracies: a logistic regression fitted on the encoder codes of N
  labelled training images (class-balanced, chosen by --seed; N from --probe_labels), scored
  on the test codes;
- `translate` (image-to-image translation): on the test pairs (x, y) of the paired dataset,
  split by the run's --direction, the mean L1 error and SSIM of G(x) against y and, with the
  domain classifier of the outputs' domain (Fashion-MNIST's for edges2fashion_mnist, MNIST's
  for inpaint_mnist), its accuracy on G(x) against the true labels and the classifier-FID of
  the G(x) against the y; the same two for the inputs x (the identity translation) and the
  accuracy on the y are references;
- on a dataset with ground-truth factors (dsprites), the disentanglement metrics of the
  export's codes (`representation_fn`: infer_codes, or encode): MIG, FactorVAE score,
  DCI, SAP and BetaVAE score with disentanglement_lib's defaults (`--disentanglement_points`
  and `--disentanglement_eval_points` scale them down), under "disentanglement".

- `generate_from_text`, `embed_text` and `embed_images` (a text-to-image model): how G's images
  follow their captions (`text_conditioning`): the domain classifier's class against the
  caption's, on seen and on held-out (class, attribute) combinations; per attribute the rank
  correlation between the level asked for and the level measured; R-precision with the
  export's encoder pair; classifier-FID on the test split's captions.

On handwritten digits (MNIST), a model with continuous codes and `sample` / `generate`
endpoints also gets `stroke_factors`: per continuous code, how its traversal over [-1, 1]
changes the digits' slant, width, stroke thickness and height (tfgan_info/metrics/
stroke_factors.py; InfoGAN's c2 / c3 "rotation" and "width" as numbers).

A run trained with a restart rule (tfgan_info/restarts.py) also gets `restarts`: the attempt
and seed the export is of, and every attempt's score.
"""

if __name__ == "__main__":  # before TensorFlow loads: quiet its C++ start-up lines
  from tfgan_info import console  # pylint: disable=g-import-not-at-top
  console.quiet_tensorflow()

# pylint: disable=g-import-not-at-top,wrong-import-position
import dataclasses
import functools
import inspect
import json
import os
import shlex
import sys
import time
from typing import Callable, Dict, FrozenSet

import numpy as np
from absl import app
from absl import flags

from tfgan_info import console
from tfgan_info import records

FLAGS = flags.FLAGS
# Datasets of handwritten digits, whose generated images get the stroke factors.
STROKE_FACTOR_DATASETS = ("mnist",)


def define_flags():
  flags.DEFINE_string("model_dir", "", "Experiment directory of a trained run.")
  flags.DEFINE_string("raw_data_dir", None,
                      "Override the run's --raw_data_dir (offline raw files).")
  flags.DEFINE_string("data_dir", None, "Override the run's tfds --data_dir.")
  flags.DEFINE_string("split", "test", "Dataset split to evaluate on.")
  flags.DEFINE_string("export_name", "",
                      "Model name under model_dir/export/ ('' = the run's: the name its last "
                      "training command exported to, e.g. infogan, or infogan_bfloat16 after "
                      "--export_weights=bfloat16).")
  flags.DEFINE_integer("batch_size", 500, "Evaluation batch size.", lower_bound=1)
  flags.DEFINE_string("classifier_dir", "",
                      "Folder of the domain classifier (tools/train_classifier.py); default "
                      "runs/classifier_<dataset> (of a tfds: or folder: dataset, its "
                      "`data.file_name`).")
  flags.DEFINE_integer("num_samples", 10000, "Generated images for sample metrics.",
                       lower_bound=0)
  flags.DEFINE_integer("seed", 0, "Seed of the generated samples.")
  flags.DEFINE_integer("sample_sets", 1,
                       "Independent sets of --num_samples generated images (sample seeds "
                       "--seed, --seed + 1, ...): classifier_fid and classifier_score are "
                       "their means, the per-set values are listed (the FID of one set of "
                       "10,000 moves by a few tenths with the seed: "
                       "docs/evaluation.md#classifier-fid-and-classifier-score).",
                       lower_bound=1)
  flags.DEFINE_boolean("inception", True,
                       "Also compute the standard FID/IS with InceptionV3 (needs its ImageNet "
                       "weights: download or --inception_weights).")
  flags.DEFINE_string("inception_weights", "imagenet",
                      "'imagenet' (download and cache) or a local InceptionV3 .h5 file.")
  flags.DEFINE_integer("inception_samples", 10000,
                       "Generated (and real) images for the InceptionV3 metrics.", lower_bound=2)
  flags.DEFINE_list("probe_labels", ["100", "1000"],
                    "AGE: labelled training images of each linear probe (not on dsprites).")
  flags.DEFINE_integer("disentanglement_points", 10000,
                       "Training points of each disentanglement metric (disentanglement_lib: "
                       "10000).", lower_bound=2)
  flags.DEFINE_integer("disentanglement_eval_points", 5000,
                       "Evaluation points of each disentanglement metric (5000).", lower_bound=2)


def _images(ds, limit=None):
  """All images [N, H, W, C] of a batched dataset (at most ``limit``), as float32 NumPy."""
  out, n = [], 0
  for batch in ds:
    out.append(batch["image"].numpy())
    n += len(out[-1])
    if limit is not None and n >= limit:
      break
  images = np.concatenate(out)
  return images if limit is None else images[:limit]


def _images_and_labels(ds):
  """(images [N, H, W, C] float32, labels int [N]) of a batched dataset, one pass."""
  images, labels = [], []
  for batch in ds:
    images.append(batch["image"].numpy())
    labels.append(batch["label"].numpy())
  return np.concatenate(images), np.concatenate(labels)


def _batched(fn, images, key, batch_size=500):
  """fn(images)[key] over batches, concatenated into NumPy."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return np.concatenate([fn(tf.constant(images[i:i + batch_size]))[key].numpy()
                         for i in range(0, len(images), batch_size)])


def load_classifier(classifier_dir: str, dataset: str, image_shape=None, num_classes=None):
  """The domain classifier's (path, FeatureFn or None, note): None and a note if it is absent,
  or if its input is not ``image_shape`` or its classes not ``num_classes`` (when given: the
  images it would judge and their classes)."""
  import keras  # pylint: disable=g-import-not-at-top
  from tfgan_info.metrics import sample_quality as sq  # pylint: disable=g-import-not-at-top
  path = os.path.join(classifier_dir, "classifier.keras")
  if not os.path.exists(path):
    return path, None, (f"no domain classifier at {path}: train it with python "
                        f"tools/train_classifier.py --dataset={dataset} (add --raw_data_dir "
                        "offline; for a tfds: or folder: dataset, the run's --image_* flags)")
  model = keras.models.load_model(path)
  shape, classes = tuple(model.input_shape[1:]), model.output_shape[-1]
  if (image_shape is not None and shape != tuple(image_shape)) or (
      num_classes is not None and classes != num_classes):
    return path, None, (f"the domain classifier at {path} reads {shape} images of {classes} "
                        f"classes, the run's are {tuple(image_shape)} of {num_classes}: train "
                        f"one for them with python tools/train_classifier.py "
                        f"--dataset={dataset} and the run's --image_* flags")
  return path, sq.classifier_feature_fn(model), ""


def representation_fn(loaded):
  """The export's codes as a representation of observations, for the disentanglement metrics.

  Returns:
    A function uint8 images [N, H, W, C] in [0, 255] -> float [N, D]: an encoder's
    ``encode`` codes (AGE, ALI), or ``infer_codes``' continuous means followed by its
    categorical probabilities; None if the export has neither endpoint.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import data as data_lib  # pylint: disable=g-import-not-at-top
  signatures = getattr(loaded, "signatures", {})  # {} for an object that is no SavedModel
  if "encode" in signatures:
    codes = lambda x: loaded.encode(x)["codes"]
  elif "infer_codes" in signatures:
    def codes(x):
      out = loaded.infer_codes(x)
      return tf.concat([out["continuous_means"], out["categorical_probs"]], -1)
  else:
    return None
  return lambda observations: codes(data_lib.scale_images(tf.constant(observations))).numpy()


def reconstruction_metrics(loaded, test_ds, train_ds, classifier_fn, probe_labels, seed: int,
                           batch_size: int = 500):
  """The reconstruction and linear-probe entries of the metrics dict (an export with
  `encode` and `reconstruct` signatures: AGE, ALI).

  Args:
    loaded: the SavedModel (endpoints encode, reconstruct).
    test_ds, train_ds: batched real splits, one pass each (train only read for probes).
    classifier_fn: the domain classifier's FeatureFn (`load_classifier`), or None to skip
      the identity metrics.
    probe_labels: the N of each linear probe.
    seed: chooses the labelled images.
    batch_size: images per call of an endpoint or of the classifier.
  """
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  from tfgan_info.data import semi_supervised  # pylint: disable=g-import-not-at-top
  from tfgan_info.metrics import sample_quality as sq  # pylint: disable=g-import-not-at-top

  results = {}
  test_x, test_y = _images_and_labels(test_ds)
  recon = _batched(loaded.reconstruct, test_x, "images", batch_size)
  if classifier_fn is None:
    rec = metrics.compute_reconstruction(test_x, recon)
  else:
    predict = lambda images: sq.batched_features(classifier_fn, images, batch_size)[1].argmax(1)
    rec = metrics.compute_reconstruction(test_x, recon, predict(test_x), predict(recon), test_y)
    results.update(reconstruction_identity_kept=rec["identity_kept"],
                   reconstruction_classifier_accuracy=rec["accuracy"])
  results.update(reconstruction_l1=rec["l1"], reconstruction_l1_01=rec["l1_01"])
  if not probe_labels:
    return results
  test_codes = _batched(loaded.encode, test_x, "codes", batch_size)
  train_x, train_y = _images_and_labels(train_ds)
  for n in probe_labels:
    index = semi_supervised.labeled_indices(train_y, int(n), seed)
    probe = metrics.compute_linear_probe(_batched(loaded.encode, train_x[index], "codes",
                                                  batch_size),
                                         train_y[index], test_codes, test_y)
    results[f"linear_probe_accuracy_{int(n)}"] = probe["accuracy"]
  return results


def translation_metrics(loaded, pairs, classifier_fn, num_classes: int,
                        batch_size: int = 500):
  """The translation entries of the metrics dict (an export with a `translate` signature).

  Args:
    loaded: the SavedModel (endpoint translate: images -> images).
    pairs: {"input": x [N, H, W, C_x], "target": y [N, H, W, C_y], "label": int [N]} NumPy
      test pairs in [-1, 1] (`data.paired.as_arrays`).
    classifier_fn: the FeatureFn of the outputs' domain classifier (`load_classifier`), or
      None to skip the classifier metrics.
    num_classes: K of the labels (0: the dataset has none; no accuracies).
    batch_size: images per call of the endpoint or of the classifier.
  """
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  from tfgan_info.metrics import sample_quality as sq  # pylint: disable=g-import-not-at-top

  x, y, labels = pairs["input"], pairs["target"], pairs["label"]
  outputs = _batched(loaded.translate, x, "images", batch_size)
  quality = metrics.compute_translation(y, outputs, batch_size)
  results = {"translation_l1": quality["l1"], "translation_l1_01": quality["l1_01"],
             "translation_ssim": quality["ssim"], "num_pairs": quality["num_pairs"]}
  if classifier_fn is None:
    return results
  sets = {"translation": outputs, "target": y}
  if x.shape[1:] == y.shape[1:]:
    sets["input"] = x  # the identity translation, a reference
  features = {k: sq.batched_features(classifier_fn, v, batch_size) for k, v in sets.items()}
  for name in ("translation", "input"):
    if name in features:
      results[f"{name}_classifier_fid"] = metrics.compute_fid(features["target"][0],
                                                              features[name][0])["fid"]
  if num_classes:
    for name, (_, probs) in features.items():
      acc = metrics.compute_conditional_accuracy(probs.argmax(1), labels, num_classes)
      results[f"{name}_classifier_accuracy"] = acc["accuracy"]
      if name == "translation":
        results["translation_per_class_accuracy"] = [
            None if a != a else a for a in acc["per_class_accuracy"]]
  return results


def generate_samples(loaded, count: int, seed: int = 0, batch_size: int = 500):
  """``count`` samples from an export's `sample` endpoint, ``batch_size`` per call.

  Call i draws with seed ``seed * 1_000_003 + i``, so the samples depend on ``batch_size``
  (docs/results.md's figures use the default, 500).

  Returns:
    (images [count, H, W, C], labels int [count] or None for an unconditional model).
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  images, labels = [], []
  for i, start in enumerate(range(0, count, batch_size)):
    out = loaded.sample(count=tf.constant(min(batch_size, count - start), tf.int32),
                        seed=tf.constant(seed * 1_000_003 + i, tf.int64))
    images.append(out["images"].numpy())
    if "labels" in out:
      labels.append(out["labels"].numpy())
  return np.concatenate(images), (np.concatenate(labels) if labels else None)


def stroke_factor_traversals(loaded, spec, draws: int = 500,
                             values=(-1.0, -0.5, 0.0, 0.5, 1.0), seed: int = 0,
                             batch_size: int = 500):
  """What each continuous code's traversal changes in generated digits (`metrics.
  stroke_factors`: slant, width, thickness, height), through the export's `sample` and
  `generate` endpoints.

  ``draws`` latents come from `sample` (the priors, seed ``seed``); for each continuous
  code the draws are generated again with its first dimension set to each of ``values``
  (the other codes and the noise held).

  Returns:
    {"code<i>": `compute_stroke_factors`'s dict} for each continuous code index i of
    ``spec.codes`` (the index of the run's traversal_code<i>.png).
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info.metrics import stroke_factors  # pylint: disable=g-import-not-at-top

  drawn = loaded.sample(count=tf.constant(draws, tf.int32), seed=tf.constant(seed, tf.int64))
  noise, codes = drawn["noise"].numpy(), drawn["codes"].numpy()
  offsets = spec.code_offsets
  out = {}
  for index in spec.continuous:
    images = []
    for v in values:
      cells = codes.copy()
      cells[:, offsets[index]] = v
      images.append(np.concatenate([
          loaded.generate(noise=tf.constant(noise[i:i + batch_size]),
                          codes=tf.constant(cells[i:i + batch_size]))["images"].numpy()
          for i in range(0, draws, batch_size)]))
    out[f"code{index}"] = stroke_factors.compute_stroke_factors(np.stack(images, 1), values)
  return out


def sample_quality(loaded, test_images, load_train_images, classifier, num_samples: int,
                   seed: int, inception: bool, inception_weights: str, inception_samples: int,
                   batch_size: int = 500, sample_sets: int = 1):
  """The sample-quality entries of the metrics dict (see the module docstring).

  ``classifier`` is `load_classifier`'s (path, FeatureFn or None, note);
  ``load_train_images()`` returns the real training images of the reference FID; it is only
  called when the domain classifier exists. With ``sample_sets`` > 1 the classifier metrics
  are the means over that many sets of ``num_samples`` images (seeds ``seed``, ``seed`` + 1,
  ...), each set's values listed under classifier_fid_sets / classifier_score_sets (one
  value for one set); the conditional accuracy counts every set's images, the InceptionV3
  metrics the first set's.
  """
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  from tfgan_info.metrics import sample_quality as sq  # pylint: disable=g-import-not-at-top

  results = {}
  generated, labels = generate_samples(loaded, num_samples, seed, batch_size)
  path, fn, _ = classifier
  if fn is not None:
    # Each image set goes through the classifier once.
    test_f, test_p = sq.batched_features(fn, test_images, batch_size)
    train_f, _ = sq.batched_features(fn, load_train_images(), batch_size)
    fids, scores, all_p, all_labels = [], [], [], []
    for k in range(sample_sets):
      images, set_labels = ((generated, labels) if k == 0 else
                            generate_samples(loaded, num_samples, seed + k, batch_size))
      gen_f, gen_p = sq.batched_features(fn, images, batch_size)
      fids.append(metrics.compute_fid(test_f, gen_f)["fid"])
      scores.append(metrics.compute_inception_score(gen_p))
      all_p.append(gen_p)
      all_labels.append(set_labels)
    gen_p = np.concatenate(all_p)
    results.update(classifier=path, num_generated=len(generated), sample_sets=sample_sets,
                   classifier_fid=float(np.mean(fids)), classifier_fid_sets=fids,
                   classifier_score=float(np.mean([s["score"] for s in scores])),
                   classifier_score_sets=[s["score"] for s in scores],
                   classifier_score_std=float(np.mean([s["score_std"] for s in scores])))
    if labels is not None:
      labels = np.concatenate(all_labels)
    # References from real data: train images against the test set, and the test set's score.
    results["real_train_classifier_fid"] = metrics.compute_fid(test_f, train_f)["fid"]
    results["real_test_classifier_score"] = metrics.compute_inception_score(test_p)["score"]
    if labels is not None:
      cond = metrics.compute_conditional_accuracy(gen_p.argmax(1), labels, gen_p.shape[1])
      results["conditional_accuracy"] = cond["accuracy"]
      results["conditional_per_class_accuracy"] = [
          None if a != a else a for a in cond["per_class_accuracy"]]
  if inception:
    fn, reason = sq.load_inception(inception_weights)
    if fn is None:
      results["inception_metrics_skipped"] = reason
    else:
      n = min(inception_samples, len(generated), len(test_images))
      quality = metrics.compute_sample_quality(test_images[:n], generated[:n], fn, batch_size=50)
      results.update(fid=quality["fid"], inception_score=quality["score"],
                     inception_score_std=quality["score_std"], inception_num_samples=n)
  return results


# -- the suites: each runs on an export that has its signatures -------------------------------
def categorical_code_suite(loaded, spec, test, num_classes):
  """c1's matched accuracy as a classifier of the real test images (its categories matched
  one-to-one to labels), when the latent has a categorical code and the data class labels."""
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  if not spec.categorical or not num_classes:
    return {}
  k = spec.codes[spec.categorical[0]].size
  acc = metrics.compute_matched_accuracy(
      lambda x: loaded.infer_codes(x)["categorical_probs"][:, :k], test,
      num_classes=max(k, num_classes))
  # Labels the test split lacks have no accuracy: null in JSON.
  return {"c1_matched_accuracy": acc["accuracy"], "c1_mapping": acc["mapping"],
          "c1_per_class_accuracy": [None if a != a else a for a in acc["per_class_accuracy"]],
          "c1_confusion": acc["confusion"], "num_examples": acc["num_examples"]}


def classify_suite(loaded, test):
  """The accuracy of ``classify`` on the real test images, with no matching (its category k
  is class k by construction, e.g. ss-InfoGAN's semi-supervised code)."""
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  return {"classify_accuracy": metrics.compute_accuracy(
      lambda x: loaded.classify(x)["probs"], test)["accuracy"]}


def reconstruction_suite(loaded, test, train, classifier, probe_labels, ground_truth,
                         num_classes, seed, batch_size):
  """`reconstruction_metrics` (no linear probes on a dataset without class labels, nor on one
  with ground-truth factors, whose train split is 737,280 images)."""
  probes = () if ground_truth or not num_classes else probe_labels
  return reconstruction_metrics(loaded, test, train(), classifier[1], probes, seed, batch_size)


def translation_suite(loaded, dataset, direction, split, data_dir, raw_data_dir, classifier,
                      batch_size):
  """`translation_metrics` on the test pairs of the paired dataset."""
  from tfgan_info import data as data_lib  # pylint: disable=g-import-not-at-top
  pairs = data_lib.paired.as_arrays(data_lib.paired.eval_pairs(
      data_lib.load(dataset, split, data_dir, raw_data_dir), direction, batch_size))
  return translation_metrics(loaded, pairs, classifier[1], data_lib.NUM_CLASSES[dataset],
                             batch_size)


def disentanglement_suite(loaded, ground_truth, seed, disentanglement_points,
                          disentanglement_eval_points):
  """The disentanglement metrics of the export's codes (`representation_fn`) on a dataset
  with ground-truth factors."""
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  representation = representation_fn(loaded)
  if ground_truth is None or representation is None:
    return {}
  return {"disentanglement": metrics.compute_disentanglement(
      representation, ground_truth(), seed, disentanglement_points,
      disentanglement_eval_points)}


def stroke_factor_suite(loaded, spec, dataset, seed, batch_size):
  """`stroke_factor_traversals` of generated handwritten digits, for continuous codes that
  ``generate`` takes beside the noise."""
  inputs = set(loaded.signatures["generate"].structured_input_signature[1])
  if dataset not in STROKE_FACTOR_DATASETS or not spec.continuous or inputs != {"noise",
                                                                                  "codes"}:
    return {}
  return {"stroke_factors": stroke_factor_traversals(loaded, spec, seed=seed,
                                                     batch_size=batch_size)}


def sample_quality_suite(loaded, test, train, classifier, num_samples, seed, inception,
                         inception_weights, inception_samples, batch_size, sample_sets):
  """`sample_quality` of ``num_samples`` images of ``sample`` (none when it is 0)."""
  if not num_samples:
    return {}
  return sample_quality(loaded, _images(test), lambda: _images(train(), num_samples),
                        classifier, num_samples, seed, inception, inception_weights,
                        inception_samples, batch_size, sample_sets)


def text_conditioning(loaded, requests, domain_name: str, test_arrays, classifier,
                      seed: int = 0, batch_size: int = 500) -> Dict:
  """The caption-following metrics of a text-to-image export (`generate_from_text`,
  `embed_text`, `embed_images`).

  Args:
    loaded: the export.
    requests: `data.caption_text.requests` of the dataset's domain (or None for a captioned
      folder: no facts to request).
    domain_name: the caption domain ("" for a folder).
    test_arrays: {"image" [N, H, W, C] in [-1, 1], "captions" [N] str}: the test split,
      each image with its first caption, for the classifier-FID (G's images of the test
      captions against the test images).
    classifier: `load_classifier`'s (path, FeatureFn or None, note).
    seed: seed of the generated images (call i: seed * 1_000_003 + i).
    batch_size: captions per call.

  Returns:
    {"text_class_accuracy" and "text_class_accuracy_held_out" (the domain classifier's class
    of G(caption) against the caption's class, on requests of seen and of held-out
    combinations), "text_attributes" (`metrics.text_conditioning.attribute_correlations`:
    per attribute on (class, attribute) pairs without a held-out level, and "_marked" on
    those with one), "text_r_precision" (`r_precision` with the export's encoder pair),
    "text_classifier_fid" (test captions), "text_num_requests"}; without a classifier the
    classifier entries are left out, without requests (a folder) only the FID and
    R-precision over the test captions (groups: captions with the same words).
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  from tfgan_info.data import caption_text  # pylint: disable=g-import-not-at-top
  from tfgan_info.metrics import sample_quality as sq  # pylint: disable=g-import-not-at-top
  from tfgan_info.metrics import text_conditioning as tc  # pylint: disable=g-import-not-at-top

  def draw(texts, call_offset=0):
    images = []
    for i, start in enumerate(range(0, len(texts), batch_size)):
      out = loaded.signatures["generate_from_text"](
          captions=tf.constant(list(texts[start:start + batch_size])),
          seed=tf.constant(seed * 1_000_003 + call_offset + i, tf.int64))
      images.append(out["images"].numpy())
    return np.concatenate(images)

  def vectors(endpoint, name, values):
    out = [loaded.signatures[endpoint](**{name: tf.constant(values[i:i + batch_size])})
           ["embeddings"].numpy() for i in range(0, len(values), batch_size)]
    return np.concatenate(out)

  results = {}
  _, fn, _ = classifier
  test_texts = list(test_arrays["captions"])
  test_images = draw(test_texts, call_offset=500_000)
  if fn is not None:
    real_f, _ = sq.batched_features(fn, test_arrays["image"], batch_size)
    gen_f, _ = sq.batched_features(fn, test_images, batch_size)
    results["text_classifier_fid"] = metrics.compute_fid(real_f, gen_f)["fid"]
  if requests is None:
    standard = [" ".join(caption_text.tokens(t)) for t in test_texts]
    _, groups = np.unique(np.array(standard), return_inverse=True)
    if len(np.unique(groups)) > 1:
      results["text_r_precision"] = tc.r_precision(
          vectors("embed_images", "images", test_images),
          vectors("embed_text", "captions", test_texts), groups, seed=seed)
    return results
  texts = list(requests["captions"])
  images = draw(texts)
  labels, held = requests["labels"], requests["held_out"]
  results["text_num_requests"] = int(len(texts))
  if fn is not None:
    predicted = sq.batched_features(fn, images, batch_size)[1].argmax(1)
    k = int(labels.max()) + 1
    for name, rows in (("", ~held), ("_held_out", held)):
      if rows.any():
        acc = metrics.compute_conditional_accuracy(predicted[rows], labels[rows], k)
        results[f"text_class_accuracy{name}"] = acc["accuracy"]
  d = caption_text.domain(domain_name)
  results["text_attributes"] = tc.attribute_correlations(
      requests["levels"], caption_text.measure(domain_name, images), labels, d.attributes,
      pairs=requests["held_out_pairs"])
  results["text_r_precision"] = tc.r_precision(
      vectors("embed_images", "images", images), vectors("embed_text", "captions", texts),
      requests["groups"], seed=seed)
  return results


def text_suite(loaded, dataset, test, classifier, seed, batch_size, num_samples, params):
  """`text_conditioning` of a captioned dataset's export: its domain's requests (about
  ``num_samples`` of them, at least one per combination) and its test split's captions.

  A test caption the export would refuse (a word outside the training captions' vocabulary,
  more than the run's max_tokens words: a captioned folder's test split may hold them) is
  left out of the FID and R-precision, and counted under "text_test_captions_skipped".
  """
  from tfgan_info.data import caption_text  # pylint: disable=g-import-not-at-top
  from tfgan_info.data import captioned  # pylint: disable=g-import-not-at-top
  if not num_samples:
    return {}
  domain_name = captioned.domain_of(dataset)
  requests = None
  if domain_name:
    d = caption_text.domain(domain_name)
    combos = d.num_classes * caption_text.LEVELS ** len(d.attributes)
    requests = caption_text.requests(domain_name, max(1, num_samples // combos))
  vocabulary = set(captioned.vocabulary(dataset))
  images, texts, skipped = [], [], 0
  for batch in test:
    for image, text in zip(batch["image"].numpy(), batch["captions"].numpy()):
      first = text.decode().split(caption_text.SEPARATOR)[0]
      words = caption_text.tokens(first)
      if not words or len(words) > params.max_tokens or set(words) - vocabulary:
        skipped += 1
        continue
      images.append(image)
      texts.append(first)
  if not texts:
    return {"text_test_captions_skipped": skipped}
  test_arrays = {"image": np.stack(images)[:num_samples], "captions": texts[:num_samples]}
  results = text_conditioning(loaded, requests, domain_name, test_arrays, classifier, seed,
                              batch_size)
  return dict(results, text_test_captions_skipped=skipped)


@dataclasses.dataclass(frozen=True)
class Suite:
  """An evaluation suite: runs on an export that has all of ``signatures``; ``fn`` takes
  keyword arguments named after entries of the evaluation context (`evaluate`) and returns
  entries of the metrics dict."""
  signatures: FrozenSet[str]
  fn: Callable[..., Dict]


SUITES = (
    Suite(frozenset({"infer_codes"}), categorical_code_suite),
    Suite(frozenset({"classify"}), classify_suite),
    Suite(frozenset({"encode", "reconstruct"}), reconstruction_suite),
    Suite(frozenset({"translate"}), translation_suite),
    Suite(frozenset(), disentanglement_suite),
    Suite(frozenset({"sample", "generate"}), stroke_factor_suite),
    Suite(frozenset({"sample"}), sample_quality_suite),
    Suite(frozenset({"generate_from_text", "embed_text", "embed_images"}), text_suite),
)


def run_suites(signatures, context: Dict) -> Dict:
  """The metrics of every suite of `SUITES` whose signatures the export has, each called with
  the context entries its parameters name."""
  results = {}
  for suite in SUITES:
    if suite.signatures <= set(signatures):
      names = inspect.signature(suite.fn).parameters
      results.update(suite.fn(**{name: context[name] for name in names}))
  return results


def evaluate(model_dir: str, split: str = "test", raw_data_dir: str = None,
             data_dir: str = None, batch_size: int = 500, classifier_dir: str = "",
             num_samples: int = 10000, seed: int = 0, inception: bool = False,
             inception_weights: str = "imagenet", inception_samples: int = 10000,
             probe_labels=(100, 1000), disentanglement_points: int = 10000,
             disentanglement_eval_points: int = 5000, export_name: str = "",
             sample_sets: int = 1):
  """Computes the metrics of the run in ``model_dir`` and writes results/metrics.json.

  Args:
    model_dir: a trained run.
    split: the real split to compare with.
    raw_data_dir, data_dir: override the run's data folders (None: the run's).
    batch_size: evaluation batch size.
    classifier_dir: folder of the domain classifier ("" = runs/classifier_<dataset>, or
      of a tfds: or folder: dataset its `data.file_name`).
    num_samples: generated images for the sample metrics (0 skips them).
    seed: seed of the generated samples.
    inception: also try the InceptionV3 FID / IS.
    inception_weights: "imagenet" or a local weights file.
    inception_samples: images per side for the InceptionV3 metrics.
    probe_labels: the number of labelled images of each linear probe of an encoder
      (skipped on a dataset with ground-truth factors, whose train split is 737,280 images).
    disentanglement_points, disentanglement_eval_points: training / evaluation points of each
      disentanglement metric.
    export_name: the export to evaluate ("" = the run's `Config.export_name`).
    sample_sets: independent sets of ``num_samples`` images whose classifier metrics are
      averaged (`sample_quality`).

  Returns:
    The metrics dict.

  Raises:
    FileNotFoundError: if the run has no config.json or no export.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import data as data_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import export as export_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import latents  # pylint: disable=g-import-not-at-top
  from tfgan_info import restarts  # pylint: disable=g-import-not-at-top
  from tfgan_info.config import read_run_config  # pylint: disable=g-import-not-at-top

  config = read_run_config(model_dir)
  path, loaded, passed_over = export_lib.load_latest(model_dir,
                                                     export_name or config.export_name)
  if passed_over:
    print(f"Note: {passed_over}", file=sys.stderr)
  spec = latents.LatentSpec.from_config(config.model)

  dc = config.data
  data_dir = data_dir if data_dir is not None else dc.data_dir or None
  raw_data_dir = raw_data_dir if raw_data_dir is not None else dc.raw_data_dir or None
  def batches(name):
    # A seeded order for a rendered train split (its index order is sorted by factor).
    seed_order = seed if name == "train" else None
    ds = data_lib.load(dc.dataset, name, data_dir, raw_data_dir, shuffle_seed=seed_order,
                       source=data_lib.source_of(dc))
    return data_lib.pipeline(
        ds, batch_size, shuffle=False, repeat=False, cache=False, drop_remainder=False,
        features=tuple(k for k in ("label", "captions") if k in ds.element_spec))
  results = {"export": path, "split": split, "dataset": dc.dataset}
  dc = dataclasses.replace(dc, data_dir=data_dir or "")  # the folders this evaluation reads
  truth = data_lib.GROUND_TRUTH.get(dc.dataset)
  ground_truth = functools.partial(truth, data_dir=data_dir) if truth else None
  restart_state = restarts.State.load(model_dir)
  if restart_state.scores:
    # Which attempt of a run with a restart rule was exported, and every attempt's score.
    results["restarts"] = {
        "attempt_trained": restart_state.attempt,
        "seed_trained": restarts.attempt_seed(config.runtime.seed, restart_state.attempt),
        "scores": restart_state.scores}
  signatures = set(loaded.signatures)
  classifier = None
  if {"reconstruct", "encode"} <= signatures or num_samples or "translate" in signatures:
    # The classifier of the domain of the model's outputs: the dataset's own, or for a paired
    # dataset that of its targets' source (none for folders or BtoA).
    domain = data_lib.output_domain(dc.dataset, dc.direction)
    if classifier_dir or domain:
      classifier = load_classifier(
          classifier_dir or os.path.join(
              "runs", f"classifier_{data_lib.file_name(domain, data_lib.source_of(dc))}"),
          domain or dc.dataset, *((data_lib.image_shape_of(dc), data_lib.num_classes_of(dc))
                                  if domain == dc.dataset else ()))
    else:
      classifier = ("", None, f"no domain classifier for the outputs of {dc.dataset} "
                    f"{dc.direction} (pass --classifier_dir to use one)")
    if classifier[1] is None:
      results["classifier_metrics_skipped"] = classifier[2]
    else:
      results["classifier_dir"] = os.path.dirname(classifier[0])
  results.update(run_suites(signatures, dict(
      loaded=loaded, spec=spec, test=batches(split), train=lambda: batches("train"),
      dataset=dc.dataset, num_classes=data_lib.num_classes_of(dc), direction=dc.direction,
      split=split, data_dir=data_dir,
      raw_data_dir=raw_data_dir, classifier=classifier, probe_labels=probe_labels,
      ground_truth=ground_truth, seed=seed, batch_size=batch_size,
      num_samples=num_samples, inception=inception, inception_weights=inception_weights,
      inception_samples=inception_samples, sample_sets=sample_sets,
      disentanglement_points=disentanglement_points,
      disentanglement_eval_points=disentanglement_eval_points, params=config.params)))
  results = {k: (None if isinstance(v, float) and v != v else v) for k, v in results.items()}

  out = results_path(model_dir)
  tf.io.gfile.makedirs(os.path.dirname(out))
  merged = {}
  if tf.io.gfile.exists(out):
    with tf.io.gfile.GFile(out) as f:
      merged = json.load(f)
  merged.update(results)
  with tf.io.gfile.GFile(out, "w") as f:
    json.dump(merged, f, indent=2, sort_keys=True)
  return results


def results_path(model_dir: str) -> str:
  """Where `evaluate` merges its results: model_dir/results/metrics.json."""
  return os.path.join(model_dir, "results", "metrics.json")


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  console.quiet_python_logs()
  if not FLAGS.model_dir:
    sys.exit("Error: --model_dir is required")
  try:
    probe_labels = [int(n) for n in FLAGS.probe_labels]
  except ValueError:
    sys.exit(f"Error: --probe_labels takes integers, e.g. 100,1000; got {FLAGS.probe_labels}")
  started = time.monotonic()
  try:
    results = evaluate(
        FLAGS.model_dir, split=FLAGS.split, raw_data_dir=FLAGS.raw_data_dir,
        data_dir=FLAGS.data_dir, batch_size=FLAGS.batch_size,
        classifier_dir=FLAGS.classifier_dir, num_samples=FLAGS.num_samples, seed=FLAGS.seed,
        inception=FLAGS.inception, inception_weights=FLAGS.inception_weights,
        inception_samples=FLAGS.inception_samples, probe_labels=probe_labels,
        disentanglement_points=FLAGS.disentanglement_points,
        disentanglement_eval_points=FLAGS.disentanglement_eval_points,
        export_name=FLAGS.export_name, sample_sets=FLAGS.sample_sets)
  except (ValueError, OSError) as e:
    sys.exit(f"Error: {e}")
  for key in ("classifier_metrics_skipped", "inception_metrics_skipped"):
    if key in results:
      print(f"Note: {results[key]}", file=sys.stderr)
  print(json.dumps({k: v for k, v in results.items() if k != "c1_confusion"}, sort_keys=True))
  record = records.make(FLAGS.model_dir, results,
                        shlex.join(["python3", "-m", "tfgan_info.evaluate", *sys.argv[1:]]),
                        time.monotonic() - started, results.get("classifier_dir", ""))
  records.write(records.record_path(FLAGS.model_dir), record)
  print(f"Wrote {results_path(FLAGS.model_dir)} and {records.record_path(FLAGS.model_dir)}",
        file=sys.stderr)


if __name__ == "__main__":
  define_flags()
  app.run(main)
