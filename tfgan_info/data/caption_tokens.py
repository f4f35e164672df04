"""Captions as word indices, in the input pipeline and in a served graph.

`standardize` is the TensorFlow twin of `caption_text.tokens` (ASCII letters lower-cased,
every other character but digits, '_', '-' and white space replaced by a space); a
`keras.layers.TextVectorization` with a fixed vocabulary then splits on white space and maps
each word to its index (0: padding, 1: a word outside the vocabulary, "[UNK]"), padded or
cut to ``max_tokens``.

`checked_tokens` is the served version: it refuses, in the graph, an empty caption, one
longer than ``max_tokens`` words, and one with words outside the vocabulary, naming the
caption (a served caption is never cut or changed silently).
"""

from typing import Sequence

import keras
import tensorflow as tf

from tfgan_info.data import caption_text

PADDING, UNKNOWN = 0, 1


def standardize(captions):
  """string [N] -> string [N]: ASCII letters lower-cased (tf.strings.lower's default), the
  characters `caption_text.KEPT` matches replaced by a space."""
  return tf.strings.regex_replace(tf.strings.lower(captions), caption_text.KEPT, " ")


def vectorizer(vocabulary: Sequence[str], max_tokens: int) -> keras.layers.TextVectorization:
  """The word-index layer of a vocabulary: standardized string [N] -> int64 [N, max_tokens]
  (vocabulary size len(vocabulary) + 2: padding and "[UNK]" first)."""
  layer = keras.layers.TextVectorization(
      standardize=None, split="whitespace", output_mode="int",
      output_sequence_length=max_tokens, vocabulary=list(vocabulary))
  layer(tf.constant([""]))  # built now: an export tracks it before any caption is encoded
  return layer


def tokens(captions, layer: keras.layers.TextVectorization):
  """int32 [N, max_tokens] word indices of captions string [N] (longer ones cut)."""
  return tf.cast(layer(standardize(captions)), tf.int32)


def checked_tokens(endpoint: str, captions, layer: keras.layers.TextVectorization,
                   max_tokens: int):
  """``tokens`` of captions string [N], after in-graph checks.

  Raises (when the graph runs), tf.errors.InvalidArgumentError with a message naming the
  endpoint and the caption:
    an empty caption (no word after `standardize`);
    a caption of more than ``max_tokens`` words;
    a caption with a word outside the vocabulary (the message lists the captions' unknown
    words).
  """
  words = tf.strings.split(standardize(captions))
  counts = tf.cast(words.row_lengths(), tf.int32)
  empty = tf.debugging.Assert(
      tf.reduce_all(counts > 0),
      [f"input captions of signature {endpoint} must hold at least one word; got empty "
       "captions at", tf.where(counts == 0)[:, 0]])
  long = tf.debugging.Assert(
      tf.reduce_all(counts <= max_tokens),
      [f"input captions of signature {endpoint} must hold at most {max_tokens} words; got",
       tf.boolean_mask(captions, counts > max_tokens)])
  known = tf.not_equal(layer(words.values)[:, 0], UNKNOWN)  # each word alone
  unknown = tf.debugging.Assert(
      tf.reduce_all(known),
      [f"input captions of signature {endpoint} hold words outside the vocabulary of the model "
       "(docs/serving.md#captions); unknown words:",
       tf.boolean_mask(words.values, tf.logical_not(known))], summarize=20)
  with tf.control_dependencies([empty, long, unknown]):
    return tokens(tf.identity(captions), layer)

