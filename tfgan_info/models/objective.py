"""A GAN objective as data: an adversarial loss pair plus composable terms.

As TF-GAN's ``gan_loss`` composes the adversarial loss with weighted penalties (a gradient
penalty, an information penalty, ...), each a pure function of tensors in its losses_impl, a
model here states its objective as an `Adversarial` pair and a list of `Term`s; the GAN
skeleton (`models.gan.GAN.train_step`) computes one `Play` per step and adds the terms that
enter it. A term says in which step(s) it enters, which variables it trains beyond the
player's own, and what it reports; the mathematics stays in `losses` (or in the file of the
model that introduced the term).
"""

import dataclasses
from typing import Callable, Dict, Optional, Sequence, Tuple

import tensorflow as tf

Report = Dict[str, tf.Tensor]


@dataclasses.dataclass(frozen=True)
class Adversarial:
  """The two players' adversarial losses, per example.

  Attributes:
    discriminator: (real_logits [batch, 1], fake_logits [batch, 1]) -> D's loss [batch].
    generator: (real_logits [batch, 1] or None, fake_logits [batch, 1]) -> G's loss [batch].
    generator_sees_real: whether ``generator`` reads real_logits (ALI / BiGAN, whose
      generator side includes the encoder that made the real pair); the G step then runs D on
      the real batch too.
    score: logits [batch, 1] -> the value reported as d_real / d_fake [batch] (sigmoid: D's
      probability; identity: a critic's score).
  """
  discriminator: Callable[[tf.Tensor, tf.Tensor], tf.Tensor]
  generator: Callable[[Optional[tf.Tensor], tf.Tensor], tf.Tensor]
  generator_sees_real: bool = False
  score: Callable[[tf.Tensor], tf.Tensor] = tf.sigmoid


@dataclasses.dataclass
class Play:
  """What one step of the game computed: the arguments of every term.

  Attributes:
    step: the player stepped, "d" or "g" (or a further player's name).
    data: this step's training batch {"image": [batch, H, W, C], ...}.
    noise: [batch, noise_dim] and codes: [batch, code_dim], the latents of ``fake``.
    fake: G(noise, codes) [batch, H, W, C] in training mode (carrying G's gradient in the
      G step).
    fake_logits: D's logits [batch, 1] on ``fake``; fake_aux: the output of D's auxiliary
      head on it (a head on D's body that a model's terms read), or None.
    real_logits, real_aux: the same on the real batch, or None in a step that does not run D
      on it.
  """
  step: str
  data: Dict[str, tf.Tensor]
  noise: Optional[tf.Tensor] = None
  codes: Optional[tf.Tensor] = None
  fake: Optional[tf.Tensor] = None
  fake_logits: Optional[tf.Tensor] = None
  fake_aux: Optional[tf.Tensor] = None
  real_logits: Optional[tf.Tensor] = None
  real_aux: Optional[tf.Tensor] = None

  @property
  def batch(self) -> tf.Tensor:
    """The batch size of this step (a scalar tensor)."""
    return tf.shape(self.data[next(iter(self.data))])[0]


@dataclasses.dataclass(frozen=True)
class Term:
  """One composable term of an objective.

  Attributes:
    name: what the term is (e.g. "gradient_penalty"; the docs' and errors' name).
    fn: `Play` -> (per-example loss [batch] added to the step's loss, report {name:
      [batch] or scalar}).
    steps: the steps it enters, e.g. ("d",), ("g",) or ("d", "g").
    trains: {step: () -> variables} the term trains in that step beyond the player's own
      (an auxiliary head trained with that player); empty: the player's variables only.
  """
  name: str
  fn: Callable[[Play], Tuple[tf.Tensor, Report]]
  steps: Sequence[str] = ("g",)
  trains: Dict[str, Callable[[], list]] = dataclasses.field(default_factory=dict)

  def __post_init__(self):
    if not self.steps:
      raise ValueError(f"Term {self.name!r} enters no step")


def terms_of(terms: Sequence[Term], step: str):
  """The terms that enter ``step``, in order."""
  return [t for t in terms if step in t.steps]


def step_variables(own: list, terms: Sequence[Term], step: str) -> list:
  """The variables ``step`` trains: ``own`` (the player's), then those the terms entering
  it add, each once, in order (optimizer slots follow this order)."""
  out, seen = list(own), {id(v) for v in own}
  for term in terms_of(terms, step):
    if step in term.trains:
      for v in term.trains[step]():
        if id(v) not in seen:
          out.append(v)
          seen.add(id(v))
  return out


def add_terms(loss: tf.Tensor, report: Report, terms: Sequence[Term], play: Play
              ) -> Tuple[tf.Tensor, Report]:
  """loss [batch] + the per-example losses of the terms that enter ``play.step`` (in order),
  and ``report`` updated with theirs."""
  report = dict(report)
  for term in terms_of(terms, play.step):
    penalty, term_report = term.fn(play)
    loss = loss + penalty
    report.update(term_report)
  return loss, report
