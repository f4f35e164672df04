"""A discriminator as a shared body with a D head and an optional Q head."""

import keras


class Discriminator(keras.Model):
  """D(x) and Q(c|x) sharing one body (Chen et al. 2016, Sec. 6).

  Args:
    body: keras.Model, images [batch, H, W, C] -> features [batch, F].
    d_head: keras.Model, features -> real/fake logits [batch, 1].
    q_head: optional keras.Model, features -> Q parameters [batch, q_dim] (plain tensors).
  """

  def __init__(self, body, d_head, q_head=None, **kwargs):
    super().__init__(**kwargs)
    self.body = body
    self.d_head = d_head
    self.q_head = q_head

  def call(self, images, training=False):
    """Returns (logits [batch, 1], q [batch, q_dim] or None)."""
    features = self.body(images, training=training)
    logits = self.d_head(features, training=training)
    q = self.q_head(features, training=training) if self.q_head is not None else None
    return logits, q

  def q(self, images, training=False):
    """Q head output [batch, q_dim] for images [batch, H, W, C]."""
    return self.q_head(self.body(images, training=training), training=training)

  @property
  def d_variables(self):
    """Trainable variables of the body and the D head (updated by the D step)."""
    return self.body.trainable_variables + self.d_head.trainable_variables

  @property
  def q_variables(self):
    """Trainable variables of the Q head alone (updated by the G+Q step)."""
    return [] if self.q_head is None else self.q_head.trainable_variables
