"""tfgan_info: GANs that learn interpretable representations, on TensorFlow 2 / Keras 3.

Public API::

  tfgan_info.latents.LatentSpec        codes, priors (tfp), sampling, traversal grids
  tfgan_info.losses                    per-example GAN losses, the InfoGAN bound L_I, AGE's
                                       divergence and reconstruction terms
  tfgan_info.models                    GAN, ConditionalGAN, InfoGAN, SSInfoGAN, AGE: Keras
                                       models on models.base.TwoPlayerModel that own their
                                       train_step
  tfgan_info.config.Config             frozen experiment config (to/from JSON)
  tfgan_info.train_lib.run(config)     train, checkpoint, resume, export
  tfgan_info.export.export(...)        SavedModel endpoints for TF Serving
  tfgan_info.metrics                   evaluation metrics
"""

__version__ = "0.1.0"
