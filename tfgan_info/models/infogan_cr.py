"""InfoGAN-CR (Lin et al. 2020): InfoGAN with a contrastive regulariser for disentanglement.

A classifier H sees a pair of generated images G(z, c_a), G(z, c_b) whose codes agree on one
code k only (`latents.LatentSpec.sample_pairs`) and names k; H and G both minimise its
cross-entropy L_c (`losses.contrastive_regularizer_loss`), so each code must change one
factor that H can see from the pair alone:

  min_{G, Q, H} max_D  V(D, G) - lambda L_I(G, Q) + lambda_cr L_c(G, H)   (Eq. 3)

Schedule of their dSprites code (fjxmlzn/InfoGAN-CR, InfoGAN-CR_dSprites/config.py,
gan/infogan_cr.py): lambda_cr is 0 for the first 288,000 iterations (an "InfoGAN
(modified)" run), then 2.0; at that step H and its optimizer are re-initialised. Here H and
the G term start at ``cr_start_step``: before it H is not trained (its loss is not
computed, its Adam step count stays 0), so at that step H starts from its initial weights
with a fresh optimizer, which is what their re-initialisation gives. The switch is a
training phase (`TwoPlayerModel.training_phase`): `fit` traces the step again at
``cr_start_step``, so no tf.cond holds G's synchronised batch norm under a strategy. Per
iteration their order is H step, D/Q step, G steps; here D/Q step, H step, G steps
(`GAN.train_step` steps further players between D and G).
H's optimizer is a copy of D's settings (theirs: both Adam 2e-3, beta_1 0.5).
"""

import dataclasses

import tensorflow as tf

from tfgan_info import data as data_lib
from tfgan_info import latents as latents_lib
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import optimizers
from tfgan_info import params as P
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.infogan import InfoGAN, InfoGANParams


@dataclasses.dataclass(frozen=True)
class InfoGANCRParams(InfoGANParams):
  lambda_cr: float = P.field(2.0, "Weight of the contrastive regulariser L_c in G's loss "
                             "(Lin et al. 2020 on dSprites: 2.0).", lower=0.0)
  cr_start_step: int = P.field(
      0, "The train step from which H trains and G's loss includes lambda_cr L_c (their "
      "dSprites recipe: 288000, after an InfoGAN (modified) phase).", lower=0)


@registry.register("infogan_cr", InfoGANCRParams)
class InfoGANCR(InfoGAN):
  """InfoGAN with a contrastive regulariser: a pair classifier H trained with G to name
  the code two generated images share.

  Args:
    pair_classifier: keras.Model H, image pairs [batch, H, W, 2 C] -> logits
      [batch, n_codes].
    lambda_cr: weight of L_c in G's loss.
    cr_start_step: the first train step (0-based) in which H trains and G sees L_c.
    Others: see `InfoGAN`.
  """

  players = ("d", "g", "h")
  summary_groups = {**InfoGAN.summary_groups, "cr_loss": "info", "cr_accuracy": "info"}

  def __init__(self, generator, discriminator, latent_spec, pair_classifier=None,
               lambda_cr: float = 2.0, cr_start_step: int = 0, **kwargs):
    if pair_classifier is None:
      raise ValueError("InfoGAN-CR needs a pair classifier H")
    if pair_classifier.output_shape[-1] != len(latent_spec.codes):
      raise ValueError(f"H names one of {len(latent_spec.codes)} codes, but outputs "
                       f"{pair_classifier.output_shape[-1]} logits")
    self.lambda_cr = float(lambda_cr)
    self.cr_start_step = int(cr_start_step)
    self.pair_classifier = pair_classifier  # before GAN.__init__ marks the model built
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  @classmethod
  def model_kwargs(cls, config):
    """The parameters, and H (`networks.build_pair_classifier` of the run's architecture)."""
    spec = latents_lib.LatentSpec.from_config(config.model)
    h = networks.build_pair_classifier(
        config.model.architecture, data_lib.image_shape_of(config.data),
        len(spec.codes), width=config.model.width)
    return dict(super().model_kwargs(config), pair_classifier=h)

  def compile(self, d_optimizer, g_optimizer, *, jit_compile=True, **kwargs):
    """D's and G's optimizers; H's is a fresh copy of D's settings (`optimizers.copy_of`)."""
    super().compile(d_optimizer, g_optimizer, jit_compile=jit_compile, **kwargs)
    self.h_optimizer = optimizers.copy_of(d_optimizer)

  def tracked_names(self):
    return super().tracked_names() + ("cr_loss", "cr_accuracy")

  def player_variables(self, player):
    if player == "h":
      return self.pair_classifier.trainable_variables
    return super().player_variables(player)

  def training_phase(self, step):
    """Whether H and the G term train in step ``step``: step >= cr_start_step (a Python
    bool, read as ``self.phase`` when the step is traced; see `TwoPlayerModel`)."""
    return step >= self.cr_start_step

  def pair_logits(self, batch_size):
    """H's logits on a fresh batch of pairs (G in training mode) and the shared codes:
    (logits [batch, n_codes], shared int32 [batch])."""
    noise, codes_a, codes_b, shared = self.sample_global(self.latent_spec.sample_pairs,
                                                         batch_size)
    pair = tf.concat([self.generate(noise, codes_a, training=True),
                      self.generate(noise, codes_b, training=True)], axis=-1)
    return self.pair_classifier(pair, training=True), shared

  def objective_terms(self):
    """InfoGAN's terms; from ``cr_start_step`` on also H's step on L_c
    (`classifier_term`) and G's lambda_cr L_c (`contrastive_term`). Before it H is not
    stepped at all: its Adam step count stays 0, so its first update has the bias correction
    of a fresh start."""
    terms = super().objective_terms()
    if self.phase:
      terms.append(objective.Term("pair_classifier", self.classifier_term, ("h",)))
      if self.lambda_cr:
        terms.append(objective.Term("contrastive", self.contrastive_term, ("g",)))
    return terms

  def classifier_term(self, play):
    """H's L_c (`losses.contrastive_regularizer_loss`) per example on a fresh batch of
    pairs, and {"cr_loss", "cr_accuracy"}."""
    logits, shared = self.pair_logits(play.batch)
    correct = tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), shared),
                      tf.float32)
    loss = losses.contrastive_regularizer_loss(logits, shared)
    return loss, {"cr_loss": loss, "cr_accuracy": correct}

  def contrastive_term(self, play):
    """lambda_cr L_c per example on a fresh batch of pairs (Eq. 3), in G's step."""
    cr = losses.contrastive_regularizer_loss(*self.pair_logits(tf.shape(play.fake)[0]))
    return self.lambda_cr * cr, {}
