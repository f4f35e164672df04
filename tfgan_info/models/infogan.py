"""InfoGAN (Chen et al. 2016): a GAN whose codes c stay recoverable from G(z, c).

min_{G,Q} max_D V_I(D, G, Q) = V(D, G) - lambda L_I(G, Q)   (Eq. 6)

with lambda L_I = lambda_cat L_I(categorical codes) + lambda_cont L_I(continuous codes). Where Q
learns is ``q_step``:

- "g" (default): the D step trains D's body and D head on V alone; the G+Q step trains G and
  the Q head (not the shared body) on the G loss - lambda L_I, with G's optimizer.
- "d" (as openai/InfoGAN): the D step minimises -V - lambda L_I over D's body, D head and Q
  head (on the D step's fake batch); the G step minimises the G loss - lambda L_I over G alone.

Beyond the paper, opt-in (``lambda_iic`` > 0, needs q_step "d"): the D step also maximises
lambda_iic I(c; c') on the REAL batch, the mutual information between Q's categorical
posteriors of each real image and of a randomly transformed copy of it (IIC, Ji et al. 2019;
`losses.invariant_information`, `augment`). It ties c1 to what survives small rotations,
shears, rescalings and shifts (the digit rather than a style), and asks for a uniform
marginal of c1 on real data. No labels are used.

Beyond the paper, opt-in (``lambda_equivariance`` > 0 with ``equivariant_codes``, q_step "d"):
the D step also minimises lambda_equivariance E on the REAL batch, where each real image gets
a copy with named factors moved by random known amounts (a rotation, a horizontal scale; in
`augment.FACTOR_UNITS`) and Q's mean of the code tied to a factor must move by the same
amount (`losses.code_equivariance`). Q then reads that code as that factor, so L_I makes G
draw it as that factor: the paper's "c2 is rotation, c3 is width" by construction rather than
by chance. The targets are the transforms' parameters; no labels are used.
"""

import dataclasses
from typing import Tuple

import tensorflow as tf

from tfgan_info import augment
from tfgan_info import distribute
from tfgan_info import losses
from tfgan_info import params as P
from tfgan_info import posterior
from tfgan_info import signatures as sig
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.gan import GAN, GANParams
from tfgan_info.networks import normalization

Q_STEPS = ("d", "g")


def lambda_iic_field():
  """The ``lambda_iic`` parameter of the models with the invariance term (InfoGAN,
  ss-InfoGAN): a fresh dataclass field each call."""
  return P.field(
      0.0, "Weight of I(c; c') between Q's categorical posteriors of real images and of "
      "randomly transformed copies (IIC, Ji et al. 2019; beyond the paper; needs "
      "--q_step=d).", lower=0.0)


@dataclasses.dataclass(frozen=True)
class InfoGANParams(GANParams):
  lambda_cat: float = P.field(1.0, "Weight of L_I for categorical codes.", lower=0.0)
  lambda_cont: float = P.field(0.1, "Weight of L_I for continuous codes.", lower=0.0)
  q_step: str = P.field(
      "g", "Train the Q head in the G+Q step with G's optimizer ('g'), or Q head and shared "
      "body with D's optimizer in the D step ('d', openai/InfoGAN).", choices=Q_STEPS)
  lambda_iic: float = lambda_iic_field()
  equivariant_codes: str = P.field(
      "", "The factor each continuous code dimension is tied to by the equivariance term, in "
      "order, comma-separated: rotation, slant, width, height or free (e.g. 'rotation,width'; "
      "beyond the paper; needs --lambda_equivariance > 0).")
  lambda_equivariance: float = P.field(
      0.0, "Weight of the squared error of Q's tied continuous codes on real images against "
      "known transforms of them (--equivariant_codes; beyond the paper; needs --q_step=d).",
      lower=0.0)


@registry.register("infogan", InfoGANParams)
class InfoGAN(GAN):
  """GAN with structured codes and a Q head on D's body.

  Args:
    lambda_cat: weight of L_I for categorical codes (paper: 1).
    lambda_cont: weight of L_I for continuous codes (paper: smaller, e.g. 0.1).
    q_step: "d" or "g", the step whose optimizer trains Q (see the module docstring).
    lambda_iic: weight of the invariance term on real images (0: off, the paper).
    equivariant_codes: comma-separated factor (`augment.FACTOR_UNITS`, or "free") per
      continuous code dimension, in order; trailing dimensions may be left out (free).
    lambda_equivariance: weight of the equivariance term on real images (0: off, the paper).
    Others: see `GAN`.

  Raises:
    ValueError: if the latent spec has no code, D has no Q head, q_step is unknown,
      lambda_iic > 0 without a categorical code or with q_step "g", or the equivariance
      term is asked for with q_step "g", with no tied factor, an unknown or repeated factor,
      or more factors than continuous dimensions.
  """

  def __init__(self, generator, discriminator, latent_spec, lambda_cat: float = 1.0,
               lambda_cont: float = 0.1, q_step: str = "g", lambda_iic: float = 0.0,
               equivariant_codes: str = "", lambda_equivariance: float = 0.0, **kwargs):
    if not latent_spec.codes:
      raise ValueError("InfoGAN needs at least one code: set --codes, e.g. cat:10")
    if discriminator.q_head is None:
      raise ValueError("InfoGAN needs a discriminator with a Q head (q_dim > 0)")
    if q_step not in Q_STEPS:
      raise ValueError(f"Unknown q_step {q_step!r}: use one of {Q_STEPS}")
    self.lambda_cat = float(lambda_cat)
    self.lambda_cont = float(lambda_cont)
    self.q_step = q_step
    self.lambda_iic = float(lambda_iic)
    if self.lambda_iic and (q_step != "d" or not latent_spec.categorical):
      raise ValueError("--lambda_iic > 0 needs --q_step=d (it trains Q and D's body in the D "
                       "step) and a categorical code")
    self.lambda_equivariance = float(lambda_equivariance)
    self.tied_factors = self._tied_factors(latent_spec, equivariant_codes)
    if self.lambda_equivariance and (q_step != "d" or not self.tied_factors):
      raise ValueError("--lambda_equivariance > 0 needs --q_step=d and --equivariant_codes "
                       "naming at least one factor")
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  @classmethod
  def network_options(cls, config, spec):
    return dict(super().network_options(config, spec), q_dim=spec.q_dim)

  @staticmethod
  def _tied_factors(spec, equivariant_codes: str):
    """[(column of the continuous means, factor name)] from ``equivariant_codes``."""
    names = [n.strip() for n in equivariant_codes.split(",") if n.strip()]
    width = sum(spec.codes[i].dim for i in spec.continuous)
    tied = [(j, n) for j, n in enumerate(names) if n != augment.FREE]
    factors = [n for _, n in tied]
    if len(names) > width or len(set(factors)) != len(factors) or not (
        set(factors) <= set(augment.FACTOR_UNITS)):
      raise ValueError(
          f"--equivariant_codes={equivariant_codes!r}: name at most {width} factors (one per "
          f"continuous code dimension), each once, from {sorted(augment.FACTOR_UNITS)} or "
          f"{augment.FREE!r}")
    return tied

  def serving_networks(self):
    """G, and D (body + Q head) for infer_codes."""
    if not self.discriminator.built:  # e.g. restored and exported without a training step
      self.discriminator(tf.zeros((1,) + self.image_shape))
    return [self.generator, self.discriminator]

  def real_statistics(self):
    """D's body and Q head: infer_codes (and ss-InfoGAN's classify) serve real images, but
    the moving averages of training mix real batches and generated ones (the D step's real
    and fake batches and the G step's fakes), while each training batch was normalised with
    its own statistics (docs/design.md, "Exports")."""
    d = self.discriminator
    return (normalization.batch_norm_layers(d.body, d.q_head),
            lambda images: d.q(images, training=True))

  def serving_signatures(self):
    @tf.function(input_signature=[sig.images_spec(self.image_shape)])
    def infer_codes(images):
      images = sig.checked("infer_codes", images=images)["images"]
      probs, means = self.infer_codes(images, training=False)
      return {"categorical_probs": probs, "continuous_means": means}
    return dict(super().serving_signatures(), infer_codes=infer_codes)

  # L_I in nats: mi_cat (categorical codes, at most mi_cat_bound = H(c)) and mi_cont.
  summary_groups = {**GAN.summary_groups, "mi_cat": "info", "mi_cat_bound": "info",
                    "mi_cont": "info", "iic": "info", "equivariance": "info"}

  def tracked_names(self):
    names = super().tracked_names()
    if self.latent_spec.categorical:
      names += ("mi_cat", "mi_cat_bound")
    if self.latent_spec.continuous:
      names += ("mi_cont",)
    if self.lambda_iic:
      names += ("iic",)
    if self.lambda_equivariance:
      names += ("equivariance",)
    return names

  @property
  def q_steps(self):
    """The steps the terms on Q's output enter: the G step, and with q_step "d" the D step
    too, whose optimizer then trains the Q head (with D's body)."""
    return ("d", "g") if self.q_step == "d" else ("g",)

  def q_trained_in(self):
    """{step: the Q head's variables}: the step whose optimizer trains Q (``q_step``)."""
    return {self.q_step: lambda: self.discriminator.q_variables}

  def objective_terms(self):
    """The mutual-information term on generated images (both steps with q_step "d"), then,
    when their weights are > 0, the invariance and equivariance terms on the real batch (D
    step)."""
    terms = [objective.Term("mutual_information", self.information_term, self.q_steps,
                            self.q_trained_in())]
    if self.lambda_iic:
      terms.append(objective.Term("invariance", self.invariance_term, ("d",)))
    if self.lambda_equivariance:
      terms.append(objective.Term("equivariance", self.equivariance_term, ("d",)))
    return terms

  def information_terms(self, codes, q_outputs):
    """L_I per example for the categorical and for the continuous codes.

    Args:
      codes: [batch, code_dim] codes fed to G.
      q_outputs: [batch, q_dim] Q head output on G(z, c).

    Returns:
      (mi_cat [batch], mi_cont [batch]) in nats; zeros for a kind with no code.
    """
    spec = self.latent_spec
    codes, dists = spec.split_codes(codes), posterior.q_distributions(spec, q_outputs)
    zero = tf.zeros([tf.shape(q_outputs)[0]])

    def bound(indices):
      if not indices:
        return zero
      return losses.mutual_information_lower_bound(
          [codes[i] for i in indices], [dists[i] for i in indices],
          [spec.codes[i].entropy() for i in indices])
    return bound(spec.categorical), bound(spec.continuous)

  def information_term(self, play):
    """-lambda_cat L_I(cat) - lambda_cont L_I(cont) per example on the generated batch (Eq.
    6), and the L_I report."""
    mi_cat, mi_cont = self.information_terms(play.codes, play.fake_aux)
    penalty = -self.lambda_cat * mi_cat - self.lambda_cont * mi_cont
    report = {"mi_cat": mi_cat, "mi_cont": mi_cont}
    if self.latent_spec.categorical:
      h = sum(self.latent_spec.codes[i].entropy() for i in self.latent_spec.categorical)
      report["mi_cat_bound"] = tf.fill(tf.shape(mi_cat), h)
    return penalty, report

  def equivariance_term(self, play):
    """lambda_equivariance E per example on the real batch (module docstring) and
    {"equivariance": E}."""
    error = self.equivariance_error(play.data["image"], play.real_aux)
    return self.lambda_equivariance * error, {"equivariance": error}

  def equivariance_error(self, images, real_q):
    """`losses.code_equivariance` [batch] of the tied codes on images [batch, H, W, C], whose
    Q output is real_q [batch, q_dim]: each image is moved by factor amounts drawn from
    U(-1, 1) units (from the model's seed generator, for the global batch).

    The moved copies pass D's body and Q head in training mode as a batch of their own."""
    columns = [j for j, _ in self.tied_factors]
    factors = [n for _, n in self.tied_factors]
    shifts = self.sample_global(
        lambda count, seed: tf.random.stateless_uniform([count, len(factors)], seed, -1.0,
                                                        1.0), tf.shape(images)[0])
    moved = augment.affine_warp(images, augment.factor_affine(shifts, factors))
    other_q = self.discriminator.q(moved, training=True)
    means = tf.gather(posterior.q_summaries(self.latent_spec, real_q)[1], columns, axis=1)
    means_other = tf.gather(posterior.q_summaries(self.latent_spec, other_q)[1], columns,
                            axis=1)
    return losses.code_equivariance(means, means_other, shifts)

  def invariance_term(self, play):
    """-lambda_iic I(c; c') per example on the real batch and {"iic": I(c; c') in nats,
    summed over the categorical codes}.

    The transformed copies (`augment.sample_affine`, from the model's seed generator) pass
    D's body and Q head in training mode as a batch of their own; IIC's joint P is that of
    the global batch."""
    images, real_q = play.data["image"], play.real_aux
    batch = tf.shape(images)[0]
    transformed = augment.affine_warp(images,
                                      self.sample_global(augment.sample_affine, batch))
    other_q = self.discriminator.q(transformed, training=True)
    spec = self.latent_spec
    dists = posterior.q_distributions(spec, real_q)
    others = posterior.q_distributions(spec, other_q)
    global_batch = distribute.sum_over_replicas(tf.cast(batch, tf.float32))
    total = tf.zeros([batch])
    for i in spec.categorical:
      p, q = dists[i].probs_parameter(), others[i].probs_parameter()
      joint = distribute.sum_over_replicas(losses.paired_cluster_joint(p, q)) / global_batch
      total += losses.invariant_information(p, q, joint)
    return -self.lambda_iic * total, {"iic": total}

  def infer_codes(self, images, training=False) -> Tuple[tf.Tensor, tf.Tensor]:
    """Q's estimate of the codes of images [batch, H, W, C].

    Returns:
      (categorical probabilities [batch, K_total], continuous means [batch, D_total]).
    """
    return posterior.q_summaries(self.latent_spec,
                                 self.discriminator.q(images, training=training))
