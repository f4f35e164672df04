"""Train-step throughput of a model, with and without XLA.

  python tools/benchmark.py --flagfile=configs/infogan_mnist.cfg --raw_data_dir=../shared/data

Builds the model of a training config (the same flags as tfgan_info.train), warms up, then
times ``--windows`` windows of ``--window_steps`` steps each and reports the median images/s.
Input wait is measured by timing the same windows on one batch held in memory: the share of
step time the real pipeline adds is 1 - t(in memory) / t(real pipeline). Then the model is
exported as a SavedModel (`tfgan_info.export`), reloaded, and ``--latency_calls`` batch-1 calls
of its ``generate`` signature are timed one by one (median and 90th percentile reported).

Two other modes: ``--variants`` (precision/xla[/reuse][/spe<K>][/unfused][/kerasbn]
variants of the train step, and with ``--peers`` the PyTorch step, timed in alternating
windows in one run; ratios to the first) and ``--exports=A,B`` (SavedModels of one model,
e.g. the float32 and the bfloat16-weight export, timed in alternating rounds: batch-1
latency, batch-64 images/s, max difference).

The measurements are `tfgan_info.benchmarks`; this file is their command line.
"""

import dataclasses
import json
import os
import sys

from absl import app
from absl import flags

from tfgan_info import benchmarks
from tfgan_info import train as train_flags

FLAGS = flags.FLAGS


def define_flags():
  train_flags.define_flags()
  flags.DEFINE_list("xla", ["on", "off"], "XLA settings to time (on, off).")
  flags.DEFINE_integer("warmup_steps", 30, "Untimed steps after compilation.", lower_bound=1)
  flags.DEFINE_integer("window_steps", 50, "Steps per timed window.", lower_bound=1)
  flags.DEFINE_integer("windows", 5, "Timed windows (the median is reported).", lower_bound=1)
  flags.DEFINE_integer("latency_calls", 1000, "Timed batch-1 calls of the exported generate "
                       "signature (0: skip).", lower_bound=0)
  flags.DEFINE_list("variants", [],
                    "Side-by-side mode: precision/xla[/reuse][/spe<K>][/unfused][/kerasbn] "
                    "variants timed in alternating windows in this process, e.g. float32/on,"
                    "mixed_bfloat16/off,float32/on/reuse,float32/on/spe10 (reuse: "
                    "--reuse_fakes, one G pass per step; spe<K>: --steps_per_execution=K; "
                    "unfused: Keras' elementwise Adam instead of the fused one; kerasbn: Keras' "
                    "batch-norm layer instead of the fused one; <param>=<value>: a model "
                    "parameter of the config's model, e.g. lambda_equivariance=0; the first "
                    "variant is the reference of the ratios); replaces the sequential runs of "
                    "--xla.")
  flags.DEFINE_list("peers", [],
                    "With --variants: also alternate the PyTorch step of the same networks "
                    "(tools/peers/torch_infogan.py; modes eager, bf16, compile, eager_fused, "
                    "bf16_fused), each in a "
                    "child process; needs pip install -e '.[peers]'.")
  flags.DEFINE_list("exports", [],
                    "Export mode: SavedModel folders of one model (e.g. a run's export/infogan/"
                    "<step> and export/infogan_bfloat16/<step>, --export_weights), whose "
                    "generate signatures are timed in alternating rounds (--latency_calls "
                    "batch-1 calls each, --windows rounds) against the first; replaces the "
                    "other modes.")
  flags.DEFINE_string("output", "", "Optional JSON file for the results.")


def parse_variant(variant, model_params=None):
  """precision/on|off[/reuse][/spe<K>][/unfused][/kerasbn][/<param>=<value>] -> (precision,
  xla, params, steps_per_execution, runtime overrides).

  ``model_params``: the config's model parameters (a dataclass), whose field names and types
  a <param>=<value> option must match."""
  parts = variant.split("/")
  if len(parts) < 2 or parts[1] not in ("on", "off"):
    raise ValueError("--variants takes precision/on|off[/reuse][/spe<K>][/unfused][/kerasbn], "
                     f"got {variant!r}")
  params, spe, runtime = {}, 1, {}
  for option in parts[2:]:
    if option == "reuse":
      params["reuse_fakes"] = True
    elif option == "unfused":
      runtime["fused_adam"] = False  # not a config field: keras_step's argument
    elif option == "kerasbn":
      runtime["fused_batch_norm"] = False
    elif option.startswith("spe") and option[3:].isdigit() and int(option[3:]) >= 1:
      spe = int(option[3:])
    elif "=" in option:
      name, value = option.split("=", 1)
      params[name] = _param_value(model_params, name, value, variant)
    else:
      raise ValueError(f"Unknown option {option!r} in --variants={variant!r}: use reuse, "
                       "unfused, kerasbn, spe<K> (K train steps per compiled call, "
                       "--steps_per_execution) or <param>=<value>")
  return parts[0], parts[1] == "on", params, spe, runtime


def _param_value(model_params, name, value, variant):
  """value (a string) as the type of the model parameter ``name``."""
  fields = {f.name: f for f in dataclasses.fields(model_params)} if model_params else {}
  if name not in fields:
    raise ValueError(f"{name!r} in --variants={variant!r} is not a parameter of the config's "
                     f"model (its parameters: {', '.join(sorted(fields))})")
  kind = type(getattr(model_params, name))
  if kind is bool:
    if value.lower() not in ("true", "false"):
      raise ValueError(f"{name} in --variants={variant!r} takes true or false")
    return value.lower() == "true"
  return kind(value)


def side_by_side(config, variants):
  """--variants: builds each precision/xla[/reuse][/spe<K>][/unfused][/kerasbn] variant, then
  alternates their windows."""
  # The peer's checks first: they need the config only, not the data or the models.
  peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers", "torch_infogan.py")
  if FLAGS.peers and config.model.architecture != "infogan_mnist":
    sys.exit("Error: the PyTorch peer has the infogan_mnist networks: use "
             "--flagfile=configs/infogan_mnist.cfg with --peers")
  params = config.params
  if FLAGS.peers and (getattr(params, "q_step", "g") != "g"
                      or getattr(params, "lambda_iic", 0.0) > 0):
    sys.exit("Error: the PyTorch peer implements the paper's step (Q learns in the G step, no "
             "invariance or equivariance term): add --q_step=g --lambda_iic=0 "
             "--lambda_equivariance=0 (and --lambda_cont=0.1) so both sides do the same work")
  built = {}
  for variant in variants:
    try:
      precision, xla, params, spe, runtime = parse_variant(variant, config.params)
      if FLAGS.window_steps % spe or FLAGS.warmup_steps % spe:
        raise ValueError(f"--window_steps and --warmup_steps must be multiples of {spe} "
                         f"for {variant}")
      fused_bn = runtime.pop("fused_batch_norm", True)
      fused_adam = runtime.pop("fused_adam", True)
      built[variant] = benchmarks.keras_step(config, xla, precision, params, spe, runtime,
                                             fused_bn, fused_adam)
    except ValueError as e:
      sys.exit(f"Error: {e}")
  for mode in FLAGS.peers:
    try:
      built[f"torch/{mode}"] = benchmarks.process_step(
          [sys.executable, peer, f"--mode={mode}"], config.data.batch_size)
    except RuntimeError as e:
      sys.exit(f"Error: {e} (install the peers with pip install -e '.[peers]')")
  results = benchmarks.alternate(built, FLAGS.warmup_steps, FLAGS.window_steps, FLAGS.windows)
  for name, r in results.items():
    print(f"{name}: {r['images_per_s']:.0f} images/s (median of {FLAGS.windows} windows of "
          f"{FLAGS.window_steps} steps, {r['window_images_per_s']}), "
          f"{r['ratio']:.2f}x {variants[0]} (median per-round ratio), first step "
          f"{r['first_step_s']:.1f}s", flush=True)
  for peer in [name for name in results if name.startswith("torch/")]:
    ratios = ", ".join(f"{name} {benchmarks.round_ratio(r, results[peer]):.2f}x"
                       for name, r in results.items() if not name.startswith("torch/"))
    print(f"against {peer} (median per-round ratio): {ratios}", flush=True)
  return results


def compare_exports():
  """--exports: latency at batch 1, images/s at batch 64 and agreement with the first."""
  try:
    results = benchmarks.compare_exports({p: p for p in FLAGS.exports},
                                         max(1, FLAGS.latency_calls), FLAGS.windows)
  except (OSError, ValueError) as e:
    sys.exit(f"Error: {e}")
  for path, r in results.items():
    print(f"{path}: generate batch 1 p50 {r['p50_ms']:.3f} ms, p90 {r['p90_ms']:.3f} ms "
          f"({r['p50_ratio']:.2f}x the first's p50, median of {FLAGS.windows} rounds); batch "
          f"64: {r['images_per_s']:.0f} images/s; max |difference| from the first "
          f"{r['max_abs_diff']:.4f}", flush=True)
  return results


def main(argv):
  del argv
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if FLAGS.exports:
    results = {"exports": compare_exports(), "tensorflow": tf.__version__,
               "cpus": os.cpu_count()}
    if FLAGS.output:
      with open(FLAGS.output, "w") as f:
        json.dump(results, f, indent=2)
    return
  try:
    config = train_flags.config_from_flags()
  except ValueError as e:
    sys.exit(f"Error: {e}")
  bad = [x for x in FLAGS.xla if x not in ("on", "off")]
  if bad:
    sys.exit(f"Error: --xla takes on and/or off, got {bad}")
  results = {"model": config.model.model, "dataset": config.data.dataset,
             "tensorflow": tf.__version__, "cpus": os.cpu_count(), "runs": []}
  if FLAGS.variants:
    results["side_by_side"] = side_by_side(config, FLAGS.variants)
    FLAGS.xla, FLAGS.latency_calls = [], 0
  for setting in FLAGS.xla:
    try:
      r = benchmarks.benchmark(config, setting == "on", FLAGS.warmup_steps,
                               FLAGS.window_steps, FLAGS.windows)
    except (ValueError, OSError) as e:
      sys.exit(f"Error: {e}")
    results["runs"].append(r)
    print(f"{config.model.model} {config.data.dataset} xla={setting}: "
          f"{r['images_per_s']:.0f} images/s (windows {r['window_images_per_s']}), "
          f"input wait {100 * r['input_wait_share']:.1f}%, first step {r['first_step_s']:.1f}s",
          flush=True)
  speeds = {r["xla"]: r["images_per_s"] for r in results["runs"]}
  if len(speeds) == 2:
    results["xla_speedup"] = speeds[True] / speeds[False]
    print(f"XLA speed-up: {results['xla_speedup']:.2f}x")
  if FLAGS.latency_calls:
    results["generate_latency"] = benchmarks.serving_latency(config, FLAGS.latency_calls)
    print(f"generate, batch 1, from the SavedModel: p50 "
          f"{results['generate_latency']['p50_ms']:.2f} ms, p90 "
          f"{results['generate_latency']['p90_ms']:.2f} ms ({FLAGS.latency_calls} calls)")
  if FLAGS.output:
    with open(FLAGS.output, "w") as f:
      json.dump(results, f, indent=2)


if __name__ == "__main__":
  define_flags()
  app.run(main)
