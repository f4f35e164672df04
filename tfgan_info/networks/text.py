"""Text into a GAN: a caption encoder, and captions into G and D (Reed et al. 2016, Sec. 4).

The caption encoder maps a caption's word indices to a unit vector of R^E: a word embedding, a
bidirectional GRU over the words, and a linear map to E dimensions, L2-normalised. Reed et
al. pretrain a char-CNN-RNN with a joint image-text embedding; here the words come from a
`keras.layers.TextVectorization` vocabulary and the pair is pretrained with a symmetric
contrastive loss (`losses.joint_embedding_loss`) beside an image encoder (the architecture's
`build_encoder`), then frozen.

G(z, phi(t)) compresses phi(t) by a fully connected layer and a LeakyReLU to
CONDITION_DIM dimensions and concatenates it to z (Reed et al., Sec. 4.1). D scores a
(image, text) pair by projection (Miyato & Koyama 2018, Eq. 3), the text's compressed vector
mapped to D's feature width: D(x, t) = psi(f(x)) + w(t) . f(x), in place of Reed et al.'s
depth concatenation at 4x4 (the same role, on the body every architecture of the package
has).
"""

import keras
from keras import layers

CONDITION_DIM = 128  # phi(t) compressed (Reed et al.: 128)
WORD_DIM = 64
GRU_UNITS = 64
LEAK = 0.2


def build_text_encoder(vocabulary_size: int, text_dim: int, max_tokens: int,
                       name="text_encoder"):
  """Caption encoder: word indices int32 [batch, max_tokens] (0: padding, 1: an unknown word,
  2...: the vocabulary) -> unit vectors [batch, text_dim].

  Args:
    vocabulary_size: the vectorizer's vocabulary size, padding and unknown included.
    text_dim: E.
    max_tokens: T, the padded caption length.
  """
  tokens = keras.Input((max_tokens,), dtype="int32", name="tokens")
  x = layers.Embedding(vocabulary_size, WORD_DIM, mask_zero=True)(tokens)
  x = layers.Bidirectional(layers.GRU(GRU_UNITS))(x)
  x = layers.Dense(text_dim)(x)
  outputs = layers.UnitNormalization(axis=-1, dtype="float32")(x)
  return keras.Model(tokens, outputs, name=name)


def build_text_conditional_generator(generator_builder, noise_dim: int, text_dim: int,
                                     image_shape, name="generator"):
  """G(z, phi(t)) on latents [batch, noise_dim + text_dim] (z, then phi(t)): phi(t) through
  Dense(CONDITION_DIM) and LeakyReLU(0.2), concatenated to z, into an unconditional G body
  (``generator_builder``: fn(input_dim, image_shape, name=...) -> keras.Model).

  Returns:
    keras.Model [batch, noise_dim + text_dim] -> images [batch, H, W, C].
  """
  latent = keras.Input((noise_dim + text_dim,), name="latent")
  noise = layers.Lambda(lambda t: t[:, :noise_dim], name="noise")(latent)
  text = layers.Lambda(lambda t: t[:, noise_dim:], name="text")(latent)
  condition = layers.LeakyReLU(LEAK)(layers.Dense(CONDITION_DIM, name="compress")(text))
  body = generator_builder(noise_dim + CONDITION_DIM, image_shape, name="generator_body")
  images = layers.Identity(dtype="float32", name="images")(
      body(layers.Concatenate()([noise, condition])))
  return keras.Model(latent, images, name=name)


def build_condition_projection(text_dim: int, feature_dim: int, name="text_projection"):
  """w(t) of D's projection: text vectors [batch, text_dim] -> [batch, feature_dim] (the
  compression Dense(CONDITION_DIM) + LeakyReLU, then a linear map to D's feature width)."""
  text = keras.Input((text_dim,), name="text")
  x = layers.LeakyReLU(LEAK)(layers.Dense(CONDITION_DIM)(text))
  return keras.Model(text, layers.Dense(feature_dim, use_bias=False)(x), name=name)
