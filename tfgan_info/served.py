"""The model an export serves: a copy of the trained model with averaged generator weights,
batch-norm statistics recomputed for its final weights, or bfloat16 weights (docs/design.md,
"Exports"). The trained model and its checkpoints are never changed.

`served_model` applies, in order: `served_generator` (--g_ema, --g_recalibrate), `recalibrated`
(--bn_recalibration_images) and `serving_model` (--export_weights).
"""

import tensorflow as tf
from absl import logging

from tfgan_info import data as data_lib
from tfgan_info import precision as precision_lib
from tfgan_info.config import Config
from tfgan_info.models import registry
from tfgan_info.networks import normalization


def served_model(model, config: Config):
  """The model to export for ``model`` trained with ``config``: `serving_model` of
  `recalibrated` of `served_generator`."""
  return serving_model(recalibrated(served_generator(model, config), config), config)


def copy_model(model, config: Config, policy: str):
  """A new model of ``config`` built under the dtype policy ``policy`` (a --precision or
  --export_weights value), holding ``model``'s serving weights (cast to its dtypes)."""
  with precision_lib.policy_scope(policy):
    copy = registry.get(config.model.model).model_cls.from_config(config)
  for ours, theirs in zip(copy.serving_networks(), model.serving_networks(), strict=True):
    for a, b in zip(ours.weights, theirs.weights, strict=True):
      if a.shape != b.shape:
        raise AssertionError(f"{a.path} {a.shape} != {b.path} {b.shape}")
      a.assign(tf.cast(b, a.dtype))
  return copy


def whole_batches(total: int, batch_size: int):
  """(size, count): ``total`` examples as ``count`` whole batches of ``size`` <= batch_size,
  at least one batch (the batches of `networks.normalization.recalibrate`)."""
  size = min(batch_size, total)
  return size, max(1, total // size)


def recalibration_batches(config: Config, batch_size: int = 500):
  """The first --bn_recalibration_images real training images of the run's shuffled order
  (the real data only: no labels), in batches of ``batch_size`` (whole batches, at least
  one; a training split smaller than that gives all its images, the last batch partial)."""
  ds = data_lib.train_split(config.data, config.runtime.seed)
  size, count = whole_batches(config.runtime.bn_recalibration_images, batch_size)
  batches = data_lib.pipeline(ds, size, shuffle=False, repeat=False, cache=False,
                              drop_remainder=False)
  return (batch["image"] for batch in batches.take(count))


def recalibrated(model, config: Config):
  """``model``, or a copy of it whose real-data networks (the model's ``real_statistics``)
  carry batch-norm statistics recomputed on real training images (`recalibration_batches`,
  `networks.normalization.recalibrate`), when --bn_recalibration_images > 0 and the model
  declares such networks. The trained model (and its checkpoints) keep their moving
  averages (docs/design.md, "Exports")."""
  if not config.runtime.bn_recalibration_images or model.real_statistics() is None:
    return model
  copy = copy_model(model, config, config.runtime.precision)
  bn_layers, forward = copy.real_statistics()
  used = normalization.recalibrate(bn_layers, forward, recalibration_batches(config))
  logging.info("Recomputed the statistics of %d batch-norm layers on %d batches of real "
               "training images", len(bn_layers), used)
  return copy


def served_generator(model, config: Config):
  """``model``, or a copy of it holding the generator the export serves.

  - With --g_ema > 0 the copy's generator holds the exponential moving average of its
    trainable weights that G's optimizer kept (Keras ``use_ema``; Yazici et al. 2019:
    theta_EMA <- beta theta_EMA + (1 - beta) theta after each G update), and its batch-norm
    statistics are recomputed on --g_statistics_draws prior draws (`generator_draws`, the
    model's ``generator_statistics``): the moving averages of training describe the raw
    weights' activations, not the average's (docs/design.md, "Exports").
  - Otherwise, with --g_recalibrate, the copy keeps the raw weights and only its batch-norm
    statistics are recomputed on those draws ("precise" statistics of the final weights, Ioffe
    & Szegedy 2015, Alg. 2; the moving averages lag behind weights that still move;
    docs/design.md, "Exports").

  The trained model (and its checkpoints) keep the raw weights and statistics (docs/design.md,
  "Exports").

  Raises:
    ValueError: if --g_ema > 0 and the model has no "g" player.
  """
  rc = config.runtime
  averaged = bool(config.optimizer.g_ema)
  if averaged and "g" not in model.players:
    raise ValueError(f"--g_ema needs a model with a generator player 'g', not "
                     f"{model.players}")
  statistics = model.generator_statistics()
  # Draws to take and batch-norm layers to take them with (a generator fed from the priors).
  recompute = bool(rc.g_statistics_draws and statistics is not None and statistics[0])
  if not averaged and not (rc.g_recalibrate and recompute):
    return model
  copy = copy_model(model, config, rc.precision)
  if averaged:
    averages = generator_averages(model.optimizers["g"])
    for ours, theirs in zip(copy.generator.weights, model.generator.weights, strict=True):
      if id(theirs) in averages:
        ours.assign(tf.cast(averages[id(theirs)], ours.dtype))
  if recompute:
    bn_layers, forward = copy.generator_statistics()
    used = normalization.recalibrate(bn_layers, forward, generator_draws(copy, config))
    logging.info("Recomputed the statistics of the %s generator's %d batch-norm layers on %d "
                 "batches of prior draws", "averaged" if averaged else "trained",
                 len(bn_layers), used)
  return copy


def generator_draws(model, config: Config, batch_size: int = 500):
  """--g_statistics_draws prior draws (noise [b, noise_dim], codes [b, code_dim]) in
  whole batches of ``batch_size`` (at least one), from stateless seeds (--seed, i): the
  model's own seed generator is not advanced."""
  size, count = whole_batches(config.runtime.g_statistics_draws, batch_size)
  return (model.latent_spec.sample(size, tf.constant([config.runtime.seed, i]))
          for i in range(count))


def generator_averages(optimizer) -> dict:
  """{id(variable): its moving average} for the variables ``optimizer`` (built with
  ``use_ema=True``, possibly inside a LossScaleOptimizer) updates.

  Keras keeps the averages in the optimizer's ``_model_variables_moving_average``, in the
  order of the variables it was built on (``_trainable_variables``); tests/train_lib_test.py
  checks that this private layout still holds.

  Raises:
    ValueError: if the optimizer keeps no averages.
  """
  inner = getattr(optimizer, "inner_optimizer", optimizer)
  if not inner.use_ema:
    raise ValueError("G's optimizer keeps no moving average (use_ema is off)")
  return {id(v): a for v, a in zip(inner._trainable_variables,  # pylint: disable=protected-access
                                   inner._model_variables_moving_average,  # pylint: disable=protected-access
                                   strict=True) if a is not None}


def serving_model(model, config: Config):
  """The model to export: ``model``, or for --export_weights=bfloat16 a copy of it built
  under the bfloat16 policy (weights and compute in bfloat16 but for the float32 last layers,
  docs/design.md "Exports"), holding ``model``'s weights rounded to bfloat16."""
  if config.runtime.export_weights == "float32":
    return model
  return copy_model(model, config, config.runtime.export_weights)
