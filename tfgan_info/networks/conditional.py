"""Labels into a generator through an embedding (Mirza and Osindero 2014, Sec. 3.2)."""

import keras
from keras import layers

LABEL_EMBEDDING_DIM = 50


def build_conditional_generator(generator_builder, noise_dim: int, num_classes: int,
                                image_shape, embedding_dim: int = LABEL_EMBEDDING_DIM,
                                name="generator"):
  """G(z, y): the label y is embedded and concatenated to z before an unconditional G body.

  Args:
    generator_builder: fn(input_dim, image_shape, name=...) -> keras.Model, e.g.
      `dcgan.build_generator`.
    noise_dim: width of z.
    num_classes: number of labels.
    image_shape: (H, W, C).
    embedding_dim: width of the learned label embedding.

  Returns:
    keras.Model with inputs [noise [batch, noise_dim], labels int32 [batch]] and output
    images [batch, H, W, C].
  """
  noise = keras.Input((noise_dim,), name="noise")
  labels = keras.Input((), dtype="int32", name="labels")
  embedded = layers.Embedding(num_classes, embedding_dim, name="label_embedding")(labels)
  latent = layers.Concatenate()([noise, embedded])
  body = generator_builder(noise_dim + embedding_dim, image_shape, name="generator_body")
  # float32 out under a mixed policy too (a nested model's output has its compute dtype).
  images = layers.Identity(dtype="float32", name="images")(body(latent))
  return keras.Model([noise, labels], images, name=name)
