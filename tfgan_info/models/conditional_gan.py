"""Conditional GAN (Mirza and Osindero 2014) with a matching-aware discriminator.

min_G max_D  E[log D(x, y)] + E[log(1 - D(G(z, y), y))] + w E[log(1 - D(x, y'))],   y' != y

The last term (Reed et al. 2016, Sec. 4.1) makes D reject a real image paired with a wrong
label, so D, and through it G, must use the label. ``negatives`` sets how D's two negative
terms combine: "sum" (w = mismatch_weight on the wrong-label term, 1 on the fakes, so with
w = 1 the negatives outweigh the real term 2:1) or "mean" (GAN-CLS, Reed et al. 2016 Alg. 1:
L_D = -log D(x, y) - [log(1 - D(G(z, y), y)) + w log(1 - D(x, y'))] / (1 + w), i.e. 1/2 each
for w = 1). Labels enter G through an embedding
concatenated to z, and D by projection (`networks.Discriminator`). The GAN base samples the
labels of generated images as its one categorical code, uniformly over the K classes.
"""

import dataclasses

import tensorflow as tf

from tfgan_info import data as data_lib
from tfgan_info import losses
from tfgan_info import params as P
from tfgan_info import signatures as sig
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.gan import GAN, GANParams


NEGATIVES = ("sum", "mean")


@dataclasses.dataclass(frozen=True)
class ConditionalGANParams(GANParams):
  mismatch_weight: float = P.field(
      1.0, "Weight of D's loss on real images paired with wrong labels.", lower=0.0)
  negatives: str = P.field(
      "sum", "How D's negatives combine: 'sum' (fakes 1, wrong labels mismatch_weight) or "
      "'mean' (GAN-CLS, Reed et al. 2016: both divided by 1 + mismatch_weight).",
      choices=NEGATIVES)


@registry.register("cgan", ConditionalGANParams)
class ConditionalGAN(GAN):
  """GAN whose G and D both see the class label.

  Args:
    generator: keras.Model [noise [batch, noise_dim], labels int32 [batch]] -> images.
    discriminator: conditional `networks.Discriminator` (with a class embedding).
    latent_spec: `latents.LatentSpec` with exactly one code, cat:K (the labels).
    mismatch_weight: weight w of the wrong-label term (0 turns it off).
    negatives: "sum" or "mean" (GAN-CLS), how the fake and wrong-label terms combine (module
      docstring).
    Others: see `GAN`.

  Raises:
    ValueError: if the codes are not one categorical code, D is unconditional or w < 0.
  """

  summary_groups = {**GAN.summary_groups, "d_mismatch": "discriminator"}

  def __init__(self, generator, discriminator, latent_spec, mismatch_weight: float = 1.0,
               negatives: str = "sum", **kwargs):
    self.check_condition(latent_spec, discriminator)
    if mismatch_weight < 0:
      raise ValueError(f"mismatch_weight must be >= 0, got {mismatch_weight}")
    if negatives not in NEGATIVES:
      raise ValueError(f"Unknown negatives {negatives!r}: use one of {NEGATIVES}")
    self.mismatch_weight = float(mismatch_weight)
    self.negatives = negatives
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  @classmethod
  def check_condition(cls, latent_spec, discriminator):
    """Raises ValueError unless the codes are one categorical code (the label) and D is
    conditional."""
    codes = latent_spec.codes
    if len(codes) != 1 or not codes[0].is_categorical:
      raise ValueError("A conditional GAN's only code is its label: set --codes=cat:K with K "
                       f"the number of classes, got {latent_spec.to_spec()!r}")
    if not discriminator.conditional:
      raise ValueError("A conditional GAN needs a conditional discriminator (num_classes > 0)")

  @classmethod
  def network_options(cls, config, spec):
    """G takes the noise and the labels (through an embedding), D projects a label
    embedding."""
    dataset = config.data.dataset
    num_classes = data_lib.num_classes_of(config.data)
    if not num_classes:
      raise ValueError(f"--model=cgan needs class labels, and {dataset} has none (a folder: "
                       "its images in one subfolder per class)")
    if spec.to_spec() != f"cat:{num_classes}":
      raise ValueError(f"--model=cgan conditions on the {num_classes} labels of {dataset}: "
                       f"set --codes=cat:{num_classes}")
    return dict(input_dim=spec.noise_dim, q_dim=0, num_classes=num_classes)

  def generate_signature(self):
    """``generate``: noise [N, noise_dim], labels int32 [N] in [0, K) -> {"images"}."""
    @tf.function(input_signature=[
        tf.TensorSpec([None, self.latent_spec.noise_dim], tf.float32, name="noise"),
        tf.TensorSpec([None], tf.int32, name="labels")])
    def generate(noise, labels):
      inputs = sig.checked("generate", noise=noise, labels=labels)
      labels = sig.checked_labels("generate", inputs["labels"], self.num_classes)
      return {"images": self.generate(inputs["noise"], labels, training=False)}
    return generate

  def sample_outputs(self, noise, codes):
    """GAN's, and "labels" int32 [N] (the classes of the one-hot codes)."""
    return dict(super().sample_outputs(noise, codes), labels=self.labels_of(codes))

  @property
  def num_classes(self) -> int:
    return self.latent_spec.codes[0].size

  def tracked_names(self):
    return super().tracked_names() + ("d_mismatch",)

  @property
  def fake_loss_weight(self):
    """1, or 1 / (1 + w) when the negatives are averaged (GAN-CLS)."""
    return 1.0 / (1.0 + self.mismatch_weight) if self.negatives == "mean" else 1.0

  def adversarial_loss(self):
    """The GAN's pair, D's generated-data term weighted by `fake_loss_weight`."""
    pair = super().adversarial_loss()
    weight = self.fake_loss_weight
    return dataclasses.replace(pair, discriminator=lambda real, fake: (
        losses.minimax_discriminator_loss(real, fake, weight)))

  def objective_terms(self):
    """The wrong-label term of D's step (`mismatch_term`)."""
    return [objective.Term("mismatch", self.mismatch_term, ("d",))]

  @staticmethod
  def labels_of(labels_or_codes):
    """int32 labels [batch] from labels [batch] or one-hot codes [batch, K]."""
    t = tf.convert_to_tensor(labels_or_codes)
    if t.shape.rank == 2:
      return tf.argmax(t, axis=-1, output_type=tf.int32)
    return tf.cast(t, tf.int32)

  def call(self, latent, training=False):
    """Images for latent [batch, noise_dim + K] (noise, then one-hot labels)."""
    noise, codes = tf.split(latent, [self.latent_spec.noise_dim, self.num_classes], axis=-1)
    return self.generate(noise, codes, training=training)

  def generate(self, noise, labels, training=False):
    """Images [batch, H, W, C] of the requested classes.

    Args:
      noise: [batch, noise_dim].
      labels: int labels [batch] or one-hot codes [batch, K].
    """
    noise = tf.convert_to_tensor(noise, tf.float32)
    return self.generator([noise, self.labels_of(labels)], training=training)

  def real_condition(self, data):
    """The labels of the real batch."""
    return self.labels_of(data["label"])

  def fake_condition(self, noise, codes):
    """The labels G was asked for (its one-hot codes)."""
    del noise
    return self.labels_of(codes)

  def wrong_condition(self, data):
    """What D is shown beside each real image of ``data`` as a wrong condition: a wrong label
    (`wrong_labels`)."""
    return self.wrong_labels(self.labels_of(data["label"]))

  def wrong_labels(self, labels):
    """A label y' != y for each y of labels [batch], uniform over the K - 1 others."""
    k = self.num_classes
    offsets = self.sample_global(
        lambda n, seed: tf.random.stateless_uniform([n], tf.cast(seed, tf.int32), 1, k,
                                                    dtype=tf.int32),
        tf.shape(labels)[0])
    return (labels + offsets) % k

  def mismatch_term(self, play):
    """w * -log(1 - D(x, y')) per example on the real images with wrong conditions
    (`wrong_condition`; w / (1 + w) when negatives is "mean"), and {"d_mismatch": D(x, y')}."""
    data = play.data
    logits, _ = self.discriminate(self.d_view(data["image"]), self.wrong_condition(data),
                                  training=True)
    loss = (self.mismatch_weight * self.fake_loss_weight
            * losses.wrong_label_discriminator_loss(logits))
    return loss, {"d_mismatch": tf.sigmoid(logits[:, 0])}
