"""Text-to-image GAN (Reed et al. 2016): GAN-CLS's matching-aware D and GAN-INT's
interpolated captions, on captions encoded by a pretrained, frozen text encoder.

A caption t is encoded to a unit vector h = phi(t) (`networks.text`); G(z, h) draws an
image of it, D(x, h) scores an (image, caption) pair. D's loss (Alg. 1, GAN-CLS):

  L_D = -log D(x, h) - [log(1 - D(G(z, h), h)) + w log(1 - D(x, h'))] / (1 + w)

(`losses.gan_cls_discriminator_loss`: the real image with its right caption, with a wrong
caption h' (another example's of the batch) and the generated image with the caption it was
made from; w = 1 gives the paper's 1/2 each), and G's, with GAN-INT (Sec. 4.2):

  L_G = -log D(G(z, h), h) - lambda_int log D(G(z', h_int), h_int),
  h_int = beta h + (1 - beta) h_2,

h_2 another example's caption vector (beta = 0.5 in the paper): G must also draw plausible
images between the captions of the data, which D only sees through its fake term.

The text encoder phi is pretrained with an image encoder as a joint embedding
(`losses.joint_embedding_loss`) for the first ``text_pretrain_steps`` steps of the run, then
frozen for the GAN steps: Reed et al. pretrain their char-CNN-RNN the same way (Sec. 3), a
fixed embedding keeps GAN-INT's interpolations meaningful, and the pair is the encoder pair
of the evaluation's retrieval score. Both encoders live in the run's checkpoints and export.
"""

import dataclasses

import numpy as np
import tensorflow as tf

from tfgan_info import data as data_lib
from tfgan_info import grids
from tfgan_info import latents as latents_lib
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import optimizers
from tfgan_info import params as P
from tfgan_info import signatures as sig
from tfgan_info.data import caption_tokens
from tfgan_info.data import captioned
from tfgan_info.models import base
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.conditional_gan import ConditionalGAN, ConditionalGANParams
from tfgan_info.models.gan import GAN

PRETRAIN, GAME = "pretrain", "game"


class _Untracked:
  """A value a Keras model holds without tracking it as one of its layers."""

  def __init__(self, value):
    self.value = value
GRID_SAMPLES = 8  # samples per caption in the training-time grid


@dataclasses.dataclass(frozen=True)
class TextCGANParams(ConditionalGANParams):
  negatives: str = P.field(
      "mean", "How D's negatives combine: 'mean' (GAN-CLS, Reed et al. 2016: the fake and "
      "the wrong-caption terms divided by 1 + mismatch_weight) or 'sum'.",
      choices=("sum", "mean"))
  lambda_int: float = P.field(
      1.0, "Weight of GAN-INT's term in G's loss: G's images of interpolated captions, scored "
      "by D (0: GAN-CLS alone).", lower=0.0)
  interpolation: float = P.field(
      0.5, "beta of GAN-INT's h_int = beta h + (1 - beta) h_2 (Reed et al.: 0.5).",
      lower=0.0, upper=1.0)
  text_dim: int = P.field(128, "Width E of the caption vectors (and of the image encoder's).",
                          lower=1)
  max_tokens: int = P.field(
      24, "Longest caption in words: training captions are cut there, a longer served caption "
      "is refused.", lower=1)
  text_pretrain_steps: int = P.field(
      1000, "The first steps train the text and image encoders as a joint embedding; then "
      "they are frozen and the GAN trains.", lower=0)
  temperature: float = P.field(0.1, "tau of the joint embedding's contrastive loss.",
                               lower=1e-3)


@registry.register("text_cgan", TextCGANParams)
class TextConditionalGAN(ConditionalGAN):
  """GAN conditioned on captions: GAN-CLS and GAN-INT (Reed et al. 2016) on a pretrained,
  frozen caption encoder.

  Training batches carry {"image", "label", "tokens": int32 [batch, max_tokens]}, one of each
  image's captions as word indices (`train_batches`).

  Args:
    generator: keras.Model [batch, noise_dim + text_dim] (z, then h) -> images.
    discriminator: `networks.Discriminator` with a caption projection
      (`networks.build_text_gan_networks`).
    latent_spec: `latents.LatentSpec` with noise only (the caption is the condition).
    text_encoder: keras.Model word indices [batch, max_tokens] -> unit vectors
      [batch, text_dim].
    image_encoder: keras.Model images -> unit vectors [batch, text_dim].
    vocabulary: the words of the vectorizer (its indices 2, 3, ...).
    max_tokens: the padded caption length.
    lambda_int, interpolation: GAN-INT's weight and beta.
    text_pretrain_steps: steps of the joint embedding before the GAN.
    temperature: the joint embedding's tau.
    grid_captions: the captions of the training-time grid.
    negatives: "mean" (GAN-CLS, the default here) or "sum" (`ConditionalGAN`).
    Others: see `ConditionalGAN` (mismatch_weight) and `GAN`.
  """

  players = ("d", "g", "e")
  summary_groups = {**ConditionalGAN.summary_groups, "e_loss": "text",
                    "e_accuracy": "text", "g_interpolation": "loss"}
  default_signature = "generate_from_text"

  def __init__(self, generator, discriminator, latent_spec, text_encoder=None,
               image_encoder=None, vocabulary=(), max_tokens: int = 24,
               lambda_int: float = 1.0, interpolation: float = 0.5,
               text_pretrain_steps: int = 1000, temperature: float = 0.1,
               grid_captions=(), negatives: str = "mean", **kwargs):
    if text_encoder is None or image_encoder is None or not vocabulary:
      raise ValueError("A text-conditional GAN needs a text encoder, an image encoder and a "
                       "vocabulary")
    if lambda_int < 0 or not 0 <= interpolation <= 1:
      raise ValueError(f"Need lambda_int >= 0 and interpolation in [0, 1], got {lambda_int}, "
                       f"{interpolation}")
    self.text_encoder = text_encoder
    self.image_encoder = image_encoder
    self.vocabulary = tuple(vocabulary)
    self.max_tokens = int(max_tokens)
    # Held outside Keras' tracking: a TextVectorization layer among a model's layers turns
    # its jit_compile off, and the train step never sees strings (`train_batches`). The
    # export tracks it (`serving_networks`), so the SavedModel holds the vocabulary.
    self._words = _Untracked(caption_tokens.vectorizer(self.vocabulary, self.max_tokens))
    self.lambda_int = float(lambda_int)
    self.interpolation = float(interpolation)
    self.text_pretrain_steps = int(text_pretrain_steps)
    self.temperature = float(temperature)
    self.grid_captions = tuple(grid_captions)
    super().__init__(generator, discriminator, latent_spec, negatives=negatives, **kwargs)

  # -- the registration's interface ------------------------------------------------------
  @classmethod
  def check_condition(cls, latent_spec, discriminator):
    """Raises ValueError if the spec has codes (the caption is G's condition) or D is
    unconditional."""
    if latent_spec.codes:
      raise ValueError("--model=text_cgan conditions G on captions, not codes: set --codes= "
                       f"(empty), got {latent_spec.to_spec()!r}")
    if not discriminator.conditional:
      raise ValueError("A text-conditional GAN needs a discriminator with a caption "
                       "projection (networks.build_text_gan_networks)")

  @classmethod
  def from_config(cls, config):
    """G, D and the encoder pair of the run's architecture; the vocabulary of the dataset's
    captions (`data.captioned.vocabulary`).

    Raises:
      ValueError: for a dataset without captions, codes in --codes, or --g_ema /
        --g_recalibrate.
    """
    spec = latents_lib.LatentSpec.from_config(config.model)
    p, dc = config.params, config.data
    if config.optimizer.g_ema or config.runtime.g_recalibrate:
      raise ValueError("--model=text_cgan exports G's own batch-norm statistics: its G is fed "
                       "captions, not prior draws, so --g_ema and --g_recalibrate do not apply")
    vocabulary = captioned.vocabulary(dc.dataset)
    image_shape = data_lib.image_shape_of(dc)
    generator, discriminator = networks.build_text_gan_networks(
        config.model.architecture, spec.noise_dim, p.text_dim, image_shape,
        width=config.model.width, **base.network_policies(config))
    text_encoder, image_encoder = networks.build_text_encoders(
        config.model.architecture, len(vocabulary) + 2, p.text_dim, p.max_tokens, image_shape,
        width=config.model.width)
    kwargs = dataclasses.asdict(p)
    del kwargs["text_dim"]
    return cls(generator, discriminator, spec, text_encoder=text_encoder,
               image_encoder=image_encoder, vocabulary=vocabulary,
               grid_captions=captioned.grid_captions(dc.dataset),
               seed=config.runtime.seed, **kwargs)

  @classmethod
  def train_batches(cls, ds, config):
    """`data.pipeline` batches keeping "captions", then one caption per example, drawn from
    a stateless seed of (--seed, batch index), as word indices "tokens" [batch, max_tokens]
    (captions are strings only in the input pipeline: the train step stays numeric, as XLA
    needs)."""
    dc, p = config.data, config.params
    if "captions" not in ds.element_spec:
      raise ValueError(f"--model=text_cgan needs captions, and {dc.dataset} has none: use "
                       f"one of {list(captioned.EMBEDDED)} or a folder with a "
                       f"{captioned.CAPTION_SUFFIX} file beside each image")
    layer = caption_tokens.vectorizer(captioned.vocabulary(dc.dataset), p.max_tokens)
    batches = data_lib.pipeline(ds, dc.batch_size, seed=config.runtime.seed, cache=dc.cache,
                                shuffle_buffer=dc.shuffle_buffer,
                                features=("label", "captions"))
    seed = config.runtime.seed

    def tokens(index, batch):
      pick = captioned.pick_caption(batch["captions"],
                                    tf.stack([tf.constant(seed, tf.int32),
                                              tf.cast(index, tf.int32)]))
      return {"image": batch["image"], "label": batch["label"],
              "tokens": caption_tokens.tokens(pick, layer)}
    return batches.enumerate().map(tokens, num_parallel_calls=tf.data.AUTOTUNE)

  def serving_networks(self):
    """G and the two encoders (the endpoints' weights), and the vectorizer's vocabulary."""
    return [self.generator, self.text_encoder, self.image_encoder, self.vectorizer]

  def generator_statistics(self):
    """None: G is fed captions, not prior draws, so its statistics are not recomputed."""
    return None

  def serving_signatures(self):
    """generate_from_text (captions string [N], seed int64 scalar -> {"images"}),
    embed_text (captions -> {"embeddings" [N, E]}), embed_images (images -> {"embeddings"})
    and generate (noise [N, noise_dim], embeddings [N, E] -> {"images"}: G on any caption
    vectors, interpolations included). Captions are checked in the graph
    (`caption_tokens.checked_tokens`)."""
    noise_dim, text_dim = self.latent_spec.noise_dim, self.text_dim
    captions_spec = tf.TensorSpec([None], tf.string, name="captions")

    @tf.function(input_signature=[captions_spec, tf.TensorSpec([], tf.int64, name="seed")])
    def generate_from_text(captions, seed):
      inputs = sig.checked("generate_from_text", captions=captions, seed=seed)
      h = self.embed_captions(inputs["captions"], "generate_from_text")
      noise, _ = self.latent_spec.sample(tf.shape(h)[0], sig.stateless_seed(inputs["seed"]))
      return {"images": self.generate(noise, h, training=False)}

    @tf.function(input_signature=[captions_spec])
    def embed_text(captions):
      inputs = sig.checked("embed_text", captions=captions)
      return {"embeddings": self.embed_captions(inputs["captions"], "embed_text")}

    @tf.function(input_signature=[sig.images_spec(self.image_shape)])
    def embed_images(images):
      inputs = sig.checked("embed_images", images=images)
      return {"embeddings": self.image_encoder(inputs["images"], training=False)}

    @tf.function(input_signature=[
        tf.TensorSpec([None, noise_dim], tf.float32, name="noise"),
        tf.TensorSpec([None, text_dim], tf.float32, name="embeddings")])
    def generate(noise, embeddings):
      inputs = sig.checked("generate", noise=noise, embeddings=embeddings)
      return {"images": self.generate(inputs["noise"], inputs["embeddings"], training=False)}
    return {"generate_from_text": generate_from_text, "embed_text": embed_text,
            "embed_images": embed_images, "generate": generate}

  def image_grids(self, seed=0, real_images=None):
    """{"captions": each grid caption above GRID_SAMPLES samples of it} (`grids.caption_grid`)."""
    del real_images
    if not self.grid_captions:
      return {}
    n = len(self.grid_captions)
    h = self.embed_captions(tf.constant(np.repeat(self.grid_captions, GRID_SAMPLES)))
    noise = np.stack([grids.fixed_noise(self.latent_spec, seed + j)
                      for j in range(GRID_SAMPLES)])
    noise = np.tile(noise, (n, 1))  # the same noise under every caption
    images = self.generate(noise, h, training=False).numpy()
    return {"captions": grids.caption_grid(self.grid_captions,
                                           images.reshape((n, GRID_SAMPLES) + images.shape[1:]))}

  # -- captions -------------------------------------------------------------------------
  @property
  def vectorizer(self):
    """The captions' `keras.layers.TextVectorization` (standardized string [N] -> int64
    [N, max_tokens])."""
    return self._words.value

  @property
  def text_dim(self) -> int:
    return int(self.text_encoder.output_shape[-1])

  @property
  def num_classes(self) -> int:
    return 0

  def embed_tokens(self, tokens, training=False):
    """Caption vectors [batch, E] of word indices [batch, max_tokens]."""
    return self.text_encoder(tokens, training=training)

  def embed_captions(self, captions, endpoint: str = ""):
    """Caption vectors [N, E] of captions string [N]; with ``endpoint``, after the served
    checks (`caption_tokens.checked_tokens`), else cut to max_tokens."""
    if endpoint:
      tokens = caption_tokens.checked_tokens(endpoint, captions, self.vectorizer,
                                             self.max_tokens)
    else:
      tokens = caption_tokens.tokens(captions, self.vectorizer)
    return self.embed_tokens(tokens)

  def call(self, latent, training=False):
    """Images for latent [batch, noise_dim + E] (noise, then caption vectors)."""
    return GAN.call(self, latent, training=training)

  def generate(self, noise, codes, training=False):
    """Images [batch, H, W, C] of noise [batch, noise_dim] and caption vectors codes
    [batch, E]."""
    return GAN.generate(self, noise, codes, training=training)

  def step_latents(self, data):
    """Noise from the prior and, as codes, the real batch's caption vectors (G draws the
    captions of the data, Reed et al. Alg. 1)."""
    noise, _ = self.sample_latents(tf.shape(data["image"])[0])
    return noise, self.real_condition(data)

  def real_condition(self, data):
    """The real images' own caption vectors: ``data["caption_vectors"]``, the frozen
    encoder's vectors of the batch's captions (`train_step` computes them once per step)."""
    if "caption_vectors" in data:
      return data["caption_vectors"]
    return tf.stop_gradient(self.embed_tokens(data["tokens"]))

  def fake_condition(self, noise, codes):
    """The caption vectors G drew from."""
    del noise
    return codes

  def wrong_condition(self, data):
    """Each real image's wrong caption: the next example's of the batch (a random one, the
    batch being shuffled)."""
    return tf.roll(self.real_condition(data), 1, axis=0)

  # -- the game -------------------------------------------------------------------------
  def training_phase(self, step):
    """PRETRAIN for the first ``text_pretrain_steps`` steps, then GAME."""
    return PRETRAIN if step < self.text_pretrain_steps else GAME

  def compile(self, d_optimizer, g_optimizer, *, jit_compile=True, **kwargs):
    """D's and G's optimizers; the encoders' is a fresh copy of D's (`optimizers.copy_of`)."""
    super().compile(d_optimizer, g_optimizer, jit_compile=jit_compile, **kwargs)
    self.e_optimizer = optimizers.copy_of(d_optimizer)

  def tracked_names(self):
    return super().tracked_names() + ("g_interpolation", "e_loss", "e_accuracy")

  def player_variables(self, player):
    if player == "e":
      return (self.text_encoder.trainable_variables
              + self.image_encoder.trainable_variables)
    return super().player_variables(player)

  def objective_terms(self):
    """ConditionalGAN's wrong-caption term in D's step; GAN-INT's in G's (lambda_int > 0)."""
    terms = super().objective_terms()
    if self.lambda_int > 0:
      terms.append(objective.Term("interpolation", self.interpolation_term, ("g",)))
    return terms

  def interpolation_term(self, play):
    """lambda_int * G's loss on G(z', h_int) scored with h_int (module docstring), per
    example, and {"g_interpolation": that loss}."""
    h = play.codes
    h_int = self.interpolation * h + (1.0 - self.interpolation) * tf.roll(h, 1, axis=0)
    noise, _ = self.sample_latents(tf.shape(h)[0])
    fake = self.generate(noise, h_int, training=True)
    logits, _ = self.discriminate(self.d_view(fake), h_int, training=True)
    loss = losses.GENERATOR_LOSSES[self.generator_loss](logits)
    return self.lambda_int * loss, {"g_interpolation": loss}

  def embedding_step(self, data):
    """One update of the encoder pair on the joint embedding loss of the real batch, and
    {"e_loss", "e_accuracy": how often an image's nearest caption of the batch is its own}."""
    def loss_fn():
      u = self.image_encoder(data["image"], training=True)
      v = self.embed_tokens(data["tokens"], training=True)
      loss = losses.joint_embedding_loss(u, v, self.temperature)
      hits = tf.cast(tf.equal(tf.argmax(tf.matmul(u, v, transpose_b=True), axis=1,
                                        output_type=tf.int32),
                              tf.range(tf.shape(u)[0])), tf.float32)
      return loss, None, {"e_loss": loss, "e_accuracy": hits}
    return self.apply_step(loss_fn, "e")

  def train_step(self, data):
    """In PRETRAIN, one update of the encoder pair (`embedding_step`, on the step's last real
    batch); in GAME, `GAN`'s step
    (D, then G; the encoders frozen) on the batch with its caption vectors, encoded once for
    all the step's uses (right, wrong, G's condition)."""
    if self.phase == PRETRAIN:
      last = self.real_batches(data)[-1]  # one batch (of k, with k D steps per step)
      return self.end_step(self.embedding_step(last), tf.shape(last["image"])[0])
    tokens = data["tokens"]  # [batch, T], or [batch, k, T] for k D steps
    flat = tf.reshape(tokens, [-1, self.max_tokens])
    vectors = tf.stop_gradient(self.embed_tokens(flat))
    vectors = tf.reshape(vectors, tf.concat([tf.shape(tokens)[:-1], [self.text_dim]], 0))
    return super().train_step(dict(data, caption_vectors=vectors))
