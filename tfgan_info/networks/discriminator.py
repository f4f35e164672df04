"""A discriminator as a shared body with a D head, an optional Q head and optional labels."""

import keras
import tensorflow as tf
from keras import layers

from tfgan_info.networks.normalization import batch_norm


class Discriminator(keras.Model):
  """D(x) (or D(x, y)) and Q(c|x) sharing one body (Chen et al. 2016, Sec. 6).

  With ``class_embedding`` the discriminator is conditional, by projection (Miyato & Koyama
  2018, Eq. 3): D(x, y) = sigmoid(psi(phi(x)) + embed(y) . phi(x)), where phi is the body,
  psi the D head and embed a learned [num_classes, F] label embedding.

  Args:
    body: keras.Model, images [batch, H, W, C] -> features [batch, F].
    d_head: keras.Model, features -> real/fake logits [batch, 1].
    q_head: optional keras.Model, features -> Q parameters [batch, q_dim] (plain tensors).
    class_embedding: optional `keras.layers.Embedding(num_classes, F)` for labels.
  """

  def __init__(self, body, d_head, q_head=None, class_embedding=None, **kwargs):
    super().__init__(**kwargs)
    self.body = body
    self.d_head = d_head
    self.q_head = q_head
    self.class_embedding = class_embedding
    if class_embedding is not None and not class_embedding.built:
      class_embedding.build((None,))  # variables exist before the first call (optimizer.build)
    # Every part is built, so Keras (e.g. fit under a strategy) need not trace a call to build.
    self.built = True

  @property
  def conditional(self) -> bool:
    return self.class_embedding is not None

  def call(self, images, labels=None, training=False):
    """Returns (logits [batch, 1], q [batch, q_dim] or None).

    Args:
      images: [batch, H, W, C].
      labels: int [batch], required by (and only by) a conditional discriminator.

    Raises:
      ValueError: if labels are missing for a conditional D or given to an unconditional one.
    """
    if self.conditional != (labels is not None):
      raise ValueError("A conditional discriminator needs labels; an unconditional one "
                       "takes none")
    features = self.body(images, training=training)
    logits = self.d_head(features, training=training)
    if self.conditional:
      projection = tf.reduce_sum(self.class_embedding(labels) * features, -1, keepdims=True)
      logits = logits + tf.cast(projection, logits.dtype)
    q = self.q_head(features, training=training) if self.q_head is not None else None
    return logits, q

  def q(self, images, training=False):
    """Q head output [batch, q_dim] for images [batch, H, W, C]."""
    return self.q_head(self.body(images, training=training), training=training)

  @property
  def d_variables(self):
    """Trainable variables of the body, the D head and the label embedding (the D step's)."""
    extra = self.class_embedding.trainable_variables if self.conditional else []
    return self.body.trainable_variables + self.d_head.trainable_variables + extra

  @property
  def q_variables(self):
    """Trainable variables of the Q head alone (updated by the G+Q step)."""
    return [] if self.q_head is None else self.q_head.trainable_variables


def heads(feature_dim: int, q_dim=0, num_classes: int = 0, leak: float = 0.1,
          q_units: int = 128):
  """The heads on a body's [batch, feature_dim] features.

  Args:
    feature_dim: F.
    q_dim: Q head width; or a tuple of widths for separate Q heads whose outputs are
      concatenated in that order (ss-InfoGAN's Q_ss and Q_us, Spurr et al. 2017, Sec. 3).
    num_classes: > 0 for a projection label embedding.
    leak: LeakyReLU slope of the Q head.
    q_units: hidden width of each Q head.

  Returns:
    (d_head: FC1 logits; q_head: per head FC q_units - BN - LeakyReLU - FC width (InfoGAN
    paper, Table 1), one model [batch, F] -> [batch, sum of widths], or None if the width is 0;
    class_embedding: Embedding(num_classes, F), or None if num_classes == 0).
  """
  f_in = keras.Input((feature_dim,), name="features")
  d_head = keras.Model(f_in, layers.Dense(1, dtype="float32")(f_in), name="d_head")
  widths = tuple(q_dim) if isinstance(q_dim, (tuple, list)) else (q_dim,)
  widths = tuple(w for w in widths if w > 0)
  q_head = None
  if widths:
    outputs = []
    for width in widths:
      q = layers.Dense(q_units, use_bias=False)(f_in)
      q = layers.LeakyReLU(leak)(batch_norm()(q))
      outputs.append(layers.Dense(width, dtype="float32")(q))
    out = outputs[0] if len(outputs) == 1 else layers.Concatenate(dtype="float32")(outputs)
    q_head = keras.Model(f_in, out, name="q_head")
  class_embedding = None
  if num_classes > 0:
    class_embedding = layers.Embedding(num_classes, feature_dim, name="class_embedding")
  return d_head, q_head, class_embedding
