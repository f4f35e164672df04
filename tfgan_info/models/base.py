"""The base every model shares: two players, two optimizers, seeded latents, one step.

`TwoPlayerModel` owns what does not depend on the game: the latent spec and its seeded
`keras.random.SeedGenerator` (docs/design.md, convention 5), the loss trackers (convention
1), the two optimizers and `compile` (convention 2), and `apply_step`, the single place that
turns per-example losses into one optimizer update (convention 3). `gan.GAN` (D against G) and
`age.AGE` (encoder e against generator g) define the games.
"""

from typing import Dict, Hashable, List, Tuple

import keras
import numpy as np
import tensorflow as tf

from tfgan_info import data as data_lib
from tfgan_info import distribute
from tfgan_info import grids
from tfgan_info import latents as latents_lib
from tfgan_info import precision


def network_policies(config) -> Dict[str, str]:
  """{"generator_policy", "discriminator_policy"}: the dtype policy each network is built
  under, "float32" for the one --float32_network names (the other then computes in the
  16-bit type of --precision; docs/design.md, "Precision and XLA"), "" (the run's policy)
  otherwise."""
  name = config.runtime.float32_network
  return {f"{n}_policy": "float32" if name == n else "" for n in ("generator", "discriminator")}


class TrainingPhases(keras.callbacks.Callback):
  """Keeps a model's ``phase`` at `TwoPlayerModel.training_phase` of the next step, and has
  Keras trace a new train step where it changes (`TwoPlayerModel.fit` adds it)."""

  def _next_phase(self):
    return self.model.training_phase(int(self.model.global_step.numpy()))

  def on_train_begin(self, logs=None):
    # Before the first call of the train function, which traces it: a resumed run starts
    # in the phase of its checkpointed step.
    self.model.phase = self._next_phase()

  def on_train_batch_end(self, batch, logs=None):
    phase = self._next_phase()
    if phase != self.model.phase:
      self.model.phase = phase
      self.model.make_train_function(force=True)


class TwoPlayerModel(keras.Model):
  """Two networks trained against each other with one optimizer each.

  Subclasses set ``players`` (the optimizer names; `compile` sets the first two, a model with
  a third player sets its optimizer in its own `compile`), ``tracked_names`` and the
  variables each player trains. ``global_step`` counts the training steps (TF-GAN's global step):
  train_step adds one, whatever number of updates each player takes in it, and checkpoints,
  schedules, summaries, restarts and the learning-rate decay read it.

  Args:
    latent_spec: `latents.LatentSpec` of the generator input.
    seed: seed of the model's `keras.random.SeedGenerator`; all latent sampling uses it.
  """

  players: Tuple[str, ...] = ("d", "g")
  # TensorBoard group of each reported scalar: its tag is "<group>/<name>" (default "train").
  summary_groups: Dict[str, str] = {}
  registered_name = ""  # the --model name, set by `registry.register`
  grid_real_images = 0  # real test images ``image_grids`` needs (0: none)
  default_signature = "generate"  # the endpoint also exported as serving_default

  # -- what a registered model declares (docs/design.md, "Adding a model") ----------------
  @classmethod
  def from_config(cls, config) -> "TwoPlayerModel":
    """The model of a `config.Config` (networks built; call inside the strategy scope).

    ``config.params`` is this model's parameter dataclass (its registration's).

    Raises:
      ValueError: for settings the model cannot train with.
    """
    raise NotImplementedError

  @classmethod
  def batches_per_step(cls, config) -> int:
    """Training batches one train_step consumes (1; a model whose D takes k steps, each on
    its own real batch, says k: `train_dataset` then stacks k batches per step along axis 1,
    so each replica of a distributed run gets its rows of all k)."""
    del config
    return 1

  @classmethod
  def train_batches(cls, ds: tf.data.Dataset, config) -> tf.data.Dataset:
    """The training batches from the shuffled train split ``ds`` (examples with an "image"):
    `data.pipeline` (seeded shuffle, repeat, batches of data.batch_size). A model that needs
    another stream overrides this."""
    dc = config.data
    return data_lib.pipeline(ds, dc.batch_size, seed=config.runtime.seed, cache=dc.cache,
                             shuffle_buffer=dc.shuffle_buffer)

  def image_grids(self, seed: int = 0, real_images=None) -> Dict[str, np.ndarray]:
    """The training-time image grids (TensorBoard ``images/<name>``, model_dir/images/):
    `grids.generator_grids` of ``generate``. ``real_images`` [n, H, W, C] are the first
    ``grid_real_images`` test images (None when that is 0)."""
    del real_images
    return grids.generator_grids(self.generate, self.latent_spec, seed=seed)

  @property
  def image_shape(self) -> Tuple[int, int, int]:
    """(H, W, C) of the images: the output of every model's ``generator``."""
    return tuple(self.generator.output_shape[1:])

  def serving_networks(self) -> List[keras.Model]:
    """The networks the endpoints use, built (an export tracks these weights only)."""
    raise NotImplementedError

  def real_statistics(self):
    """The batch-norm layers whose served statistics should be those of real data, and
    fn(images [batch, H, W, C]) that runs them in training mode: (layers, fn), or None (the
    default: endpoints serve the moving averages of training). `served.recalibrated`
    recomputes these layers' statistics on real training images before export."""
    return None

  def generator_statistics(self):
    """The generator's batch-norm layers and fn((noise [batch, noise_dim], codes [batch,
    code_dim])) that runs them in training mode on prior draws: (layers, fn), or None (the
    default: no generator fed from the priors). `served.served_generator` recomputes
    these statistics for the weight-averaged generator it exports, or with --g_recalibrate
    for the trained one (docs/design.md, "Exports")."""
    return None

  def serving_signatures(self) -> Dict[str, tf.types.experimental.GenericFunction]:
    """{endpoint name: tf.function with an input_signature}, in export order; inputs checked
    with `signatures.checked` (see tfgan_info/export.py for the endpoints of each kind)."""
    raise NotImplementedError

  def __init__(self, latent_spec: latents_lib.LatentSpec, seed: int = 0, **kwargs):
    super().__init__(**kwargs)
    self.phase = self.training_phase(0)  # what train_step traces; see `training_phase`
    self.latent_spec = latent_spec
    self.seed_generator = keras.random.SeedGenerator(seed, name="latent_seed")
    self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracked_names()}
    # Created with the model, inside the strategy scope; replicas add to it once per step.
    self.global_step = keras.Variable(0, dtype="int64", trainable=False, name="global_step",
                               aggregation="only_first_replica")

  def build(self, input_shape=None):
    """Marks the model built: its networks are built Keras models, so there is nothing to
    create (Keras would otherwise trace `call` on a training batch to build it)."""
    del input_shape
    self.built = True

  def _maybe_symbolic_build(self, iterator=None, data_batch=None):
    """Nothing to build (see `build`).

    Under a tf.distribute strategy Keras' `fit` otherwise draws one batch from a first
    iterator over the dataset and then starts a second one; a dataset shuffled with
    reshuffle_each_iteration gives the second iterator another order, so a distributed run
    would not see the batches a one-device run sees. tests/distribute_test.py checks that a
    MirroredStrategy run of `train_lib.run` matches a one-device run.
    """
    del iterator, data_batch

  def training_phase(self, step: int) -> Hashable:
    """The phase of the 0-based train step ``step``: a Python value that ``train_step`` reads
    as ``self.phase`` when it is traced (None, the default: one phase).

    A schedule that switches terms or players on at a step is so a Python branch, not a
    tf.cond: under a distribution strategy a tf.cond cannot hold a synchronisation point
    such as a synchronised batch norm's all-reduce. `fit` re-traces the step where the phase
    changes (`TrainingPhases`, after the step before; with steps_per_execution k > 1, at the
    first multiple of k at or after it).
    """
    del step
    return None

  def fit(self, *args, callbacks=None, **kwargs):
    """keras.Model.fit, with `TrainingPhases` among the callbacks."""
    return super().fit(*args, callbacks=[*(callbacks or []), TrainingPhases()], **kwargs)

  def tracked_names(self) -> Tuple[str, ...]:
    """Names of the scalars train_step reports (one `keras.metrics.Mean` each)."""
    raise NotImplementedError

  def player_variables(self, player: str):
    """The variables the optimizer of ``player`` (one of ``players``) updates."""
    raise NotImplementedError

  def summary_group(self, name: str) -> str:
    """The TensorBoard group (tag prefix) of the reported scalar ``name``."""
    return self.summary_groups.get(name, "train")

  @property
  def metrics(self):
    return list(self.trackers.values())

  def compile(self, first_optimizer, second_optimizer, *, jit_compile=True, **kwargs):
    """Sets the optimizers of ``players`` (e.g. d_optimizer, g_optimizer), in that order.

    ``jit_compile`` is forwarded explicitly (docs/design.md, convention 2). Keras' own
    ``optimizer`` is None: the players' optimizers are ours (Keras' default would be an unused
    RMSprop).
    """
    super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
    for player, optimizer in zip(self.players, (first_optimizer, second_optimizer)):
      setattr(self, f"{player}_optimizer", optimizer)

  @property
  def optimizers(self) -> Dict[str, keras.optimizers.Optimizer]:
    """{player: optimizer}, in the order of ``players``."""
    return {player: getattr(self, f"{player}_optimizer") for player in self.players}

  def build_optimizers(self):
    """Creates optimizer slots (call inside the strategy scope before `fit`)."""
    for player, optimizer in self.optimizers.items():
      optimizer.build(self.player_variables(player))

  def sample_global(self, sample_fn, batch_size):
    """This replica's ``batch_size`` rows of sample_fn(global batch, seed) (a nest of tensors).

    Every replica draws the same global batch from the model's seed generator and keeps its
    own rows, so a step under MirroredStrategy sees the same random values as on one device.
    """
    values = sample_fn(batch_size * distribute.num_replicas(), self.seed_generator.next())
    return tf.nest.map_structure(lambda t: distribute.replica_slice(t, batch_size), values)

  def sample_latents(self, batch_size) -> Tuple[tf.Tensor, tf.Tensor]:
    """(noise [batch, noise_dim], codes [batch, code_dim]) for this replica, from the priors."""
    return self.sample_global(self.latent_spec.sample, batch_size)

  def apply_step(self, loss_fn, player: str, tape: tf.GradientTape = None
                 ) -> Dict[str, tf.Tensor]:
    """One update of ``player``'s variables.

    Args:
      loss_fn: () -> (per_example [batch], extra scalar or None, report dict). The loss is
        mean(per_example) over the global batch + extra (a batch statistic computed over
        the global batch, such as AGE's divergence, counted once across replicas).
      player: one of ``players``.
      tape: a tape that already recorded part of the forward pass (a generated batch that
        two players' steps share; it watches this player's variables), re-entered to record
        loss_fn; None: a fresh tape.

    Returns:
      The report dict of loss_fn.
    """
    tape = tape if tape is not None else tf.GradientTape()
    with tape:
      per_example, extra, report = loss_fn()
      loss = self.total_loss(per_example, extra, player)
    self.update_player(tape, loss, player)
    return report

  def end_step(self, report, batch_size) -> Dict[str, tf.Tensor]:
    """Ends a train_step of ``batch_size`` examples: adds one to ``global_step`` and returns
    `update_trackers`(report, batch_size)."""
    self.global_step.assign_add(1)
    return self.update_trackers(report, batch_size)

  def total_loss(self, per_example, extra, player: str):
    """The loss ``player``'s optimizer minimises: mean(per_example) over the global batch +
    extra / replicas (convention 3), scaled for float16 (`precision.scale_loss`)."""
    loss = tf.nn.compute_average_loss(per_example)
    if extra is not None:
      # Gradients are summed over replicas: each replica carries 1/replicas of the term.
      loss += extra / distribute.num_replicas()
    return precision.scale_loss(self.optimizers[player], loss)

  def update_player(self, tape: tf.GradientTape, loss, player: str):
    """Applies the gradients of ``loss`` (`total_loss`, computed under ``tape``) to
    ``player``'s variables."""
    variables = self.player_variables(player)
    grads = tape.gradient(loss, variables)
    self.optimizers[player].apply_gradients(zip(grads, variables))

  def update_trackers(self, report, batch_size=None):
    """Feeds the reported values to the trackers and returns their results.

    A tracked name the report lacks (a term that is off in the current training phase)
    counts as 0 for each of ``batch_size`` examples: the window means of
    `callbacks.WindowMeans` assume every tracker is fed on every step.

    On a multi-worker cluster each result has shape [1] instead of []: Keras 3.15 averages
    fit's logs across workers with strategy.reduce("MEAN", value, axis=0), which fails on a
    scalar ("Invalid reduction dimension 0 for input with 0 dimensions") and gives a scalar
    for shape [1].
    """
    for name, tracker in self.trackers.items():
      if name in report:
        tracker.update_state(report[name])
      elif batch_size is not None:
        tracker.update_state(tf.zeros([batch_size]))
      else:
        raise KeyError(f"The step reported no {name!r}")
    results = {name: tracker.result() for name, tracker in self.trackers.items()}
    if distribute.in_multi_worker_mode():
      results = {name: tf.reshape(value, [1]) for name, value in results.items()}
    return results
