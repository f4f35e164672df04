"""A few labelled examples mixed into an unlabelled stream (ss-InfoGAN, Spurr et al. 2017).

The labelled subset is class-balanced and chosen by a seed. Each training step draws one real
batch: with probability p(step) from the unlabelled stream (its labels are replaced by 0 and
masked out), otherwise from the labelled stream. As in the reference code, p starts at 0 and
grows linearly (``ramp_steps`` steps to reach 1) until it reaches its final value, by default
the unlabelled share of the data, so early training sees mostly labelled batches.
"""

from typing import Optional

import numpy as np
import tensorflow as tf

from tfgan_info.data.datasets import pipeline


def labeled_indices(labels, num_labeled: int, seed: int) -> np.ndarray:
  """Sorted indices of a class-balanced labelled subset.

  Each of the K classes gets num_labeled // K examples; the remainder goes to classes drawn by
  ``seed``, one extra each. The same labels, count and seed give the same subset.

  Args:
    labels: int [N], the labels of the whole training split.
    num_labeled: size of the subset, 1 <= num_labeled <= N.
    seed: chooses the examples.

  Raises:
    ValueError: if num_labeled is out of range or a class has too few examples.
  """
  labels = np.asarray(labels).ravel()
  if not 1 <= num_labeled <= labels.size:
    raise ValueError(f"--num_labeled must lie in [1, {labels.size}], got {num_labeled}")
  classes = np.unique(labels)
  rng = np.random.default_rng(seed)
  per_class = np.full(len(classes), num_labeled // len(classes))
  per_class[rng.choice(len(classes), num_labeled % len(classes), replace=False)] += 1
  chosen = []
  for c, n in zip(classes, per_class):
    pool = np.flatnonzero(labels == c)
    if n > pool.size:
      raise ValueError(f"class {c} has {pool.size} examples, fewer than the {n} asked for")
    chosen.append(rng.choice(pool, n, replace=False))
  return np.sort(np.concatenate(chosen))


def unlabeled_probability(step, final: float, ramp_steps: int):
  """p(step) = min(final, step / ramp_steps) (constant ``final`` if ramp_steps is 0)."""
  step = tf.cast(step, tf.float32)
  if ramp_steps <= 0:
    return tf.constant(final, tf.float32)
  return tf.minimum(tf.constant(final, tf.float32), step / float(ramp_steps))


def semi_supervised_pipeline(ds: tf.data.Dataset, batch_size: int, num_labeled: int,
                             seed: int = 0,
                             unlabeled_prob: Optional[float] = None, ramp_steps: int = 1000,
                             start_step: int = 0, cache: bool = True,
                             shuffle_buffer: int = 60000, shuffle_seed: Optional[int] = None):
  """Training batches that are either unlabelled or from the labelled subset.

  Args:
    ds: unbatched training split {"image": uint8, "label": int}.
    batch_size: batch size of both streams.
    num_labeled: the size of the class-balanced labelled subset (`labeled_indices`).
    seed: chooses the subset and seeds shuffling and the per-step draws.
    unlabeled_prob: final p (None: 1 - num_labeled / N, the unlabelled share).
    ramp_steps: steps for p to grow from 0 to 1 (0: p is constant).
    start_step: the training step of the first batch, where the schedule starts
      (`train_lib.train_dataset` resumes a run by skipping batches of the stream from 0).
    shuffle_seed: seed of both streams' shuffling (None: ``seed``).

  Returns:
    (dataset of {"image": float32 [batch, H, W, C], "label": int64 [batch] (0 when
    unlabelled), "labeled": float32 [batch] (1 for labelled examples)}, the subset's indices).
  """
  labels = np.concatenate([b.numpy() for b in ds.map(lambda ex: ex["label"]).batch(10000)])
  n = int(num_labeled)
  indices = labeled_indices(labels, n, seed)
  final = 1.0 - n / labels.size if unlabeled_prob is None else float(unlabeled_prob)
  if not 0.0 <= final <= 1.0:
    raise ValueError(f"--unlabeled_prob must lie in [0, 1], got {final}")
  mask = np.zeros(labels.size, bool)
  mask[indices] = True
  mask = tf.constant(mask)

  def in_subset(index, example):
    del example
    return tf.gather(mask, index)

  def drop_index(index, example):
    del index
    return example

  labeled = ds.enumerate().filter(in_subset).map(drop_index)
  shuffle_seed = seed if shuffle_seed is None else shuffle_seed
  labeled = pipeline(labeled, batch_size, seed=shuffle_seed + 1, cache=True, shuffle_buffer=n)
  unlabeled = ds.map(lambda ex: {"image": ex["image"], "label": tf.zeros_like(ex["label"])})
  unlabeled = pipeline(unlabeled, batch_size, seed=shuffle_seed, cache=cache,
                       shuffle_buffer=shuffle_buffer)

  def choose(step, unl, lab):
    p = unlabeled_probability(step, final, ramp_steps)
    draw = tf.random.stateless_uniform([], tf.stack([tf.constant(seed, tf.int64), step]))
    use_unlabeled = draw < p
    return {"image": tf.where(use_unlabeled, unl["image"], lab["image"]),
            "label": tf.where(use_unlabeled, tf.zeros_like(lab["label"]), lab["label"]),
            "labeled": tf.fill([batch_size], 1.0 - tf.cast(use_unlabeled, tf.float32))}

  steps = tf.data.Dataset.counter(start_step)
  out = tf.data.Dataset.zip((steps, unlabeled, labeled)).map(choose)
  return out.prefetch(tf.data.AUTOTUNE), indices
