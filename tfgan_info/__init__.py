"""tfgan_info: GANs that learn interpretable representations, on TensorFlow 2 / Keras 3.

Public API: `latents.LatentSpec`, `losses`, `models.GAN`, `models.InfoGAN`, `config.Config`,
`train_lib.run`, `export.export`, `metrics`.
"""

__version__ = "0.1.0"
