"""A discriminator of (image, latent) pairs: ALI / BiGAN's D(x, z) (Dumoulin et al. 2017,
Donahue et al. 2017).

Three parts, as ALI's D (their Table 4-6: D(x), D(z), D(x, z)): the image path is DCGAN's
strided-convolution body (`dcgan.strided_features`), the latent path two fully connected
LeakyReLU layers, and the joint path two more on their concatenation, ending in one logit.
"""

import keras
from keras import layers

from tfgan_info.networks import dcgan

LATENT_UNITS = 512
JOINT_UNITS = 1024


class JointDiscriminator(keras.Model):
  """D(x, z): logits [batch, 1] for images x [batch, H, W, C] and latents z [batch, M].

  Args:
    network: keras.Model [images, latents] -> logits.
  """

  def __init__(self, network, **kwargs):
    super().__init__(**kwargs)
    self.network = network
    self.built = True

  def call(self, images, latents, training=False):
    """(logits [batch, 1], None): the GAN skeleton's (logits, auxiliary output)."""
    return self.network([images, latents], training=training), None

  @property
  def d_variables(self):
    return self.network.trainable_variables


def build_joint_discriminator(image_shape, latent_dim: int, width: int = 64,
                              name: str = "joint_discriminator") -> JointDiscriminator:
  """D(x, z) for images of ``image_shape`` (28x28, 32x32 or 64x64) and latents [batch,
  latent_dim]: DCGAN's D body on x (batch norm after each conv but the first), LeakyReLU(0.2)
  layers of LATENT_UNITS on z twice, then JOINT_UNITS on both twice and a linear logit."""
  _, n_down = dcgan.resolution_plan(image_shape)
  x_in = keras.Input(tuple(image_shape), name="image")
  z_in = keras.Input((latent_dim,), name="latent")
  x = dcgan.strided_features(x_in, n_down, width)
  z = z_in
  for _ in range(2):
    z = layers.LeakyReLU(dcgan.LEAK)(layers.Dense(LATENT_UNITS)(z))
  h = layers.Concatenate()([x, z])
  for _ in range(2):
    h = layers.LeakyReLU(dcgan.LEAK)(layers.Dense(JOINT_UNITS)(h))
  logits = layers.Dense(1, dtype="float32")(h)
  return JointDiscriminator(keras.Model([x_in, z_in], logits, name="network"), name=name)
