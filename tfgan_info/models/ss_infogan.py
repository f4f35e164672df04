"""ss-InfoGAN (Spurr, Aksan and Hilliges 2017): InfoGAN guided by a few labels.

The codes split into a semi-supervised c_ss (the first code, Cat(K) tied to the K labels) and
unsupervised c_us (the rest), each with its own Q head on D's shared body (Q_ss, Q_us):

  min_{G, Q_us, Q_ss} max_D  V(D, G) - lambda_1 L_I(G, Q_us)
                                     - lambda_2 (L_IS^1(Q_ss) + L_IS^2(G, Q_ss))

L_I(G, Q_us) is InfoGAN's bound on the c_us of generated images; L_IS^1 = E log Q_ss(y | x)
over labelled REAL images (x, y); L_IS^2 = E log Q_ss(c_ss | G(z, c)) + H(c_ss) over GENERATED
images. The Q heads learn in the step ``q_step`` names (as `InfoGAN`); the reference code
trains them with D's body in the D step ("d", the default here).

Who learns L_IS^2: by the equation (``q_ss_on_fakes``, the default) G, Q_ss and, with q_step
"d", D's body; the reference code (spurra/ss-infogan, train_ss-infogan.lua) trains Q_ss on
generated images only when there are no labels at all, so with labels only G learns from
L_IS^2 there (``q_ss_on_fakes=False``, which needs q_step "d"). docs/results.md#ss-infogan-on-mnist
measures both.

Beyond the paper, opt-in (``lambda_iic`` > 0, q_step "d"): InfoGAN's invariance term on the
real batch, labelled or not, for Q_ss (`InfoGAN.invariance_term`): the unlabelled images then teach
Q_ss that a digit stays a digit under small rotations, shears, rescalings and shifts, and the
few labels name the clusters.
"""

import dataclasses

import tensorflow as tf

from tfgan_info import data as data_lib
from tfgan_info import losses
from tfgan_info import params as P
from tfgan_info import posterior
from tfgan_info import signatures as sig
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.gan import GAN, GANParams
from tfgan_info.models.infogan import Q_STEPS, InfoGAN, lambda_iic_field


@dataclasses.dataclass(frozen=True)
class SSInfoGANParams(GANParams):
  lambda_ss: float = P.field(
      2.0, "lambda_2, weight of L_IS (labelled real and generated images).", lower=0.0)
  lambda_us: float = P.field(0.8, "lambda_1, weight of L_I of the unsupervised codes.",
                             lower=0.0)
  q_step: str = P.field(
      "d", "Train the Q heads with D's body and optimizer in the D step ('d', the reference "
      "code) or with G's optimizer in the G+Q step ('g').", choices=Q_STEPS)
  q_ss_on_fakes: bool = P.field(
      True, "Q_ss and D's body also learn L_IS^2 on generated images in the D step (the "
      "paper's equation); false: only G learns from it, as the reference code while labels "
      "exist (needs --q_step=d).")
  lambda_iic: float = lambda_iic_field()
  # The labelled subset and how often a step's real batch comes from it.
  num_labeled: int = P.field(
      132, "Size of the class-balanced labelled subset (chosen by --seed).", lower=1)
  unlabeled_prob: float = P.field(
      -1.0, "Final probability that a step's real batch is unlabelled (-1: the unlabelled "
      "share of the data, as the reference code).", upper=1.0)
  unlabeled_prob_ramp_steps: int = P.field(
      1000, "That probability grows from 0 by 1/N per step (0: constant).", lower=0)


@registry.register("ssinfogan", SSInfoGANParams)
class SSInfoGAN(InfoGAN):
  """InfoGAN whose first (categorical) code is taught by a few labelled real images.

  Training batches carry {"image", "label", "labeled"}: "labeled" [batch] is 1 for examples of
  the labelled subset and 0 otherwise (their "label" is then ignored); see
  `data.semi_supervised_pipeline`.

  Args:
    lambda_us: lambda_1, weight of L_I(G, Q_us) (reference code: 0.8).
    lambda_ss: lambda_2, weight of L_IS^1 + L_IS^2 (reference code: 2).
    q_step: "d" (default, reference code) or "g"; see `InfoGAN`.
    q_ss_on_fakes: whether L_IS^2 also trains Q_ss and D's body in the D step (module
      docstring).
    lambda_iic: weight of the invariance term on real images (`InfoGAN`; 0: off).
    Others: see `GAN`; D needs a Q head whose output is [Q_ss | Q_us].

  Raises:
    ValueError: if the first code is not categorical.
  """

  def __init__(self, generator, discriminator, latent_spec, lambda_us: float = 0.8,
               lambda_ss: float = 2.0, q_step: str = "d", q_ss_on_fakes: bool = True,
               **kwargs):
    if not latent_spec.codes or not latent_spec.codes[0].is_categorical:
      raise ValueError("ss-InfoGAN's first code is the semi-supervised one and must be "
                       f"categorical (cat:K), got {latent_spec.to_spec()!r}")
    if not q_ss_on_fakes and q_step != "d":
      raise ValueError("--q_ss_on_fakes=false keeps L_IS^2 out of the D step, so it needs "
                       "--q_step=d (with 'g' Q_ss learns in G's step)")
    self.lambda_us = float(lambda_us)
    self.lambda_ss = float(lambda_ss)
    self.q_ss_on_fakes = bool(q_ss_on_fakes)
    super().__init__(generator, discriminator, latent_spec, q_step=q_step, **kwargs)

  @classmethod
  def network_options(cls, config, spec):
    """Separate heads Q_ss (the first code) and Q_us (the others)."""
    num_labels = data_lib.num_classes_of(config.data)
    if not num_labels:
      raise ValueError(f"--model=ssinfogan learns its first code from labelled examples, and "
                       f"{config.data.dataset} has no class labels (a folder: its images in "
                       "one subfolder per class)")
    if not spec.codes or str(spec.codes[0]) != f"cat:{num_labels}":
      raise ValueError(f"--model=ssinfogan ties the first code to the {num_labels} labels of "
                       f"{config.data.dataset}: start --codes with cat:{num_labels}")
    widths = [c.q_dim(spec.learn_std) for c in spec.codes]
    return dict(GAN.network_options(config, spec), q_dim=(widths[0], sum(widths[1:])))

  # Parameters of the labelled stream (`train_batches`), not of the constructor.
  PIPELINE_PARAMS = ("num_labeled", "unlabeled_prob", "unlabeled_prob_ramp_steps")

  @classmethod
  def model_kwargs(cls, config):
    kwargs = super().model_kwargs(config)
    for name in cls.PIPELINE_PARAMS:
      del kwargs[name]
    return kwargs

  @classmethod
  def train_batches(cls, ds, config):
    """`data.semi_supervised_pipeline` batches: the labelled subset and its schedule are part
    of the seeded stream."""
    dc, p = config.data, config.params
    batches, _ = data_lib.semi_supervised_pipeline(
        ds, dc.batch_size, p.num_labeled, seed=config.runtime.seed,
        unlabeled_prob=None if p.unlabeled_prob < 0 else p.unlabeled_prob,
        ramp_steps=p.unlabeled_prob_ramp_steps, cache=dc.cache,
        shuffle_buffer=dc.shuffle_buffer)
    return batches

  def serving_signatures(self):
    """InfoGAN's, and ``classify``: Q_ss's class probabilities (c_ss is tied to the labels,
    so category k is class k)."""
    @tf.function(input_signature=[sig.images_spec(self.image_shape)])
    def classify(images):
      images = sig.checked("classify", images=images)["images"]
      probs, _ = self.infer_codes(images, training=False)
      return {"probs": probs[:, :self.num_classes]}
    return dict(super().serving_signatures(), classify=classify)

  def sample_outputs(self, noise, codes):
    """InfoGAN's, and "labels" int32 [N]: the class each sample's c_ss asks for (category k is
    class k), so evaluate scores how well c_ss controls G (Spurr et al. 2017, Sec. 4: the
    domain classifier's agreement with k on G(z, c_ss = k), "conditional_accuracy")."""
    c_ss = self.latent_spec.split_codes(codes)[0]
    return dict(super().sample_outputs(noise, codes),
                labels=tf.argmax(c_ss, axis=-1, output_type=tf.int32))

  summary_groups = {**GAN.summary_groups, "mi_ss": "info", "mi_us": "info",
                    "ss_real_ll": "info", "iic": "info", "labeled": "data"}

  @property
  def num_classes(self) -> int:
    return self.latent_spec.codes[0].size

  def tracked_names(self):
    names = GAN.tracked_names(self) + ("mi_ss", "mi_us", "ss_real_ll", "labeled")
    return names + (("iic",) if self.lambda_iic else ())

  def objective_terms(self):
    """The information term (L_IS^2 and L_I(us) on generated images), the supervised term
    L_IS^1 on the labelled real images, both where Q learns (`InfoGAN.q_steps`; L_IS^1 in
    the step that trains Q), then InfoGAN's invariance term when lambda_iic > 0."""
    terms = [objective.Term("mutual_information", self.information_term, self.q_steps,
                            self.q_trained_in()),
             objective.Term("supervised", self.supervised_term, (self.q_step,),
                            self.q_trained_in())]
    if self.lambda_iic:
      terms.append(objective.Term("invariance", self.invariance_term, ("d",)))
    return terms

  def information_term(self, play):
    """-lambda_2 L_IS^2 - lambda_1 L_I(us) per example on the generated batch, and the
    report; in the D step without L_IS^2 when q_ss_on_fakes is false (the reference code:
    then only G's step learns from it)."""
    spec = self.latent_spec
    parts = spec.split_codes(play.codes)
    dists = posterior.q_distributions(spec, play.fake_aux)
    entropies = spec.entropies()
    mi_ss = losses.mutual_information_lower_bound([parts[0]], [dists[0]], [entropies[0]])
    if len(parts) > 1:
      mi_us = losses.mutual_information_lower_bound(parts[1:], dists[1:], entropies[1:])
    else:
      mi_us = tf.zeros_like(mi_ss)
    report = {"mi_ss": mi_ss, "mi_us": mi_us}
    if play.step == "d" and not self.q_ss_on_fakes:
      return -self.lambda_us * mi_us, report
    return -self.lambda_ss * mi_ss - self.lambda_us * mi_us, report

  def supervised_term(self, play):
    """-lambda_2 L_IS^1 per example (`supervised_terms`), from the Q output the step
    computed on the real batch (the D step's), or with q_step "g" from a pass of Q over it
    (G's step sees no real images otherwise)."""
    return self.supervised_terms(play.data, play.real_aux)

  def supervised_terms(self, data, q_real=None):
    """-lambda_2 L_IS^1 per example: log Q_ss(y | x) of labelled real images.

    Args:
      data: {"image": [batch, H, W, C], "label": [batch], "labeled": [batch]}.
      q_real: [batch, q_dim] Q output on data["image"] if already computed (training mode);
        None runs Q on the images.

    Returns:
      (penalty [batch] (0 for unlabelled examples), {"ss_real_ll": the masked log-likelihood,
      "labeled": the mask}).
    """
    if q_real is None:
      q_real = self.discriminator.q(self.d_view(data["image"]), training=True)
    q_ss = posterior.q_distributions(self.latent_spec, q_real)[0]
    labels = tf.one_hot(tf.cast(data["label"], tf.int32), self.num_classes)
    labeled = tf.cast(data["labeled"], tf.float32)
    log_likelihood = q_ss.log_prob(labels) * labeled
    return -self.lambda_ss * log_likelihood, {"ss_real_ll": log_likelihood, "labeled": labeled}
