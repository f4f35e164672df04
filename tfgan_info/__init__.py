"""tfgan_info: GANs that learn interpretable representations, on TensorFlow 2 / Keras 3.

Public API::

  tfgan_info.latents.LatentSpec        codes, priors (tfp), sampling
  tfgan_info.grids                     image grids: samples, categories, latent traversals
  tfgan_info.losses                    per-example GAN losses, the InfoGAN bound L_I, AGE's
                                       divergence and reconstruction terms
  tfgan_info.models                    GAN, ConditionalGAN, InfoGAN, SSInfoGAN, AGE: Keras
                                       models on models.base.TwoPlayerModel that own their
                                       train_step; models.registry: one registration
                                       per model (docs/design.md, "Adding a model")
  tfgan_info.config.Config             frozen experiment config (to/from JSON)
  tfgan_info.train_lib.run(config)     train, checkpoint, resume, export
  tfgan_info.export.export(...)        SavedModel endpoints for TF Serving
  tfgan_info.serving                   TF Serving client: checked REST / gRPC requests
  tfgan_info.metrics                   evaluation metrics
"""

__version__ = "0.1.0"
