"""Builds, checks and sends TF Serving predict requests for a SavedModel export.

  # Example inputs for `generate`, run on the SavedModel here (no server needed):
  python tools/serving_request.py --model_dir=runs/infogan_mnist --endpoint=generate
  # The same request against TF Serving, over REST and over gRPC:
  python tools/serving_request.py --model_dir=runs/infogan_mnist --endpoint=generate \
      --format=instances --target=http://localhost:8501
  python tools/serving_request.py --model_dir=runs/infogan_mnist --endpoint=sample \
      --target=grpc://localhost:8500
  # Own inputs (a JSON object {"noise": [[62 numbers], ...], "codes": [[12 numbers], ...]}),
  # and the payloads written for curl:
  python tools/serving_request.py --export_dir=runs/infogan_mnist/export/infogan/1200 \
      --endpoint=generate --inputs_json=@inputs.json --write_payloads=/tmp/req

Reads the signature's input specs (names, dtypes, shapes) from the SavedModel, builds the
inputs (``--inputs_json``, or example inputs: the export's own ``sample`` signature draws noise,
codes, labels and images from the model's priors), checks them against the specs before
anything is sent, and builds both request forms of TF Serving's predict API:

- REST (``POST /v1/models/<model_name>[/versions/<v>]:predict``), in the row format
  ``{"signature_name": ..., "instances": [{"noise": [...], "codes": [...]}, ...]}`` or the
  columnar format ``{"signature_name": ..., "inputs": {"noise": [[...]], ...}}``. The row
  format stacks the named inputs of every instance along a new dimension 0, so TF Serving
  requires all inputs to share the batch size: a signature with scalar inputs (``sample``:
  count, seed) can only be called with ``--format=inputs``.
- gRPC: a ``tensorflow_serving.apis.predict_pb2.PredictRequest`` with ``model_spec.name``,
  ``model_spec.signature_name`` and one TensorProto of the signature's dtype per input.

``--format`` defaults to ``inputs``, which every signature accepts.

``--target=local`` (default) loads the SavedModel and runs the signature on the tensors decoded
back from the REST JSON (as TF Serving decodes it), so the payload itself is exercised;
``http://host:8501`` posts the REST body, ``grpc://host:8500`` calls
``PredictionService.Predict``. Every target reads the specs from the export on this machine
(the served copy must be the same version). Prints each output's name, shape and dtype; an
invalid input or a refused request exits with status 1 and a one-line ``Error: ...``.

This file is the command line of `tfgan_info.serving` (``serving.serving_request``), which
holds the specs, payload and transport code.
"""

import json
import sys

from absl import app
from absl import flags

from tfgan_info import serving

FLAGS = flags.FLAGS


def define_flags():
  flags.DEFINE_string("export_dir", "", "A SavedModel version folder, export/<name>/<version>.")
  flags.DEFINE_string("model_dir", "", "Experiment directory: its latest export is used.")
  flags.DEFINE_string("export_name", "", "Model name under model_dir/export (default: the only "
                      "one).")
  flags.DEFINE_string("endpoint", "serving_default", "Signature name, e.g. generate, sample, "
                      "infer_codes, encode.")
  flags.DEFINE_enum("format", "inputs", serving.FORMATS, "REST body format: instances (row) "
                    "or inputs (columnar; the only one for signatures with scalar inputs such "
                    "as sample).")
  flags.DEFINE_string("inputs_json", "", "Inputs as a JSON object name -> nested list, or "
                      "@path of a file holding one (default: example inputs).")
  flags.DEFINE_integer("batch_size", 2, "Rows of the example inputs (count for sample).",
                       lower_bound=1)
  flags.DEFINE_integer("seed", 0, "Seed of the example inputs (seed input of sample).")
  flags.DEFINE_string("target", "local", "local, http://host:port (REST) or grpc://host:port.")
  flags.DEFINE_string("model_name", "", "Served model name (default: the export's folder name, "
                      "e.g. infogan).")
  flags.DEFINE_integer("model_version", 0, "Served version to ask for (0: the latest).",
                       lower_bound=0)
  flags.DEFINE_string("write_payloads", "", "Folder for rest_<format>.json, grpc_request.pb "
                      "and curl.sh.")
  flags.DEFINE_string("output", "", "Optional JSON file for the outputs' names, shapes, dtypes.")
  flags.DEFINE_float("timeout", 30.0, "Seconds to wait for a server.")


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  try:
    inputs = serving.load_inputs_json(FLAGS.inputs_json) if FLAGS.inputs_json else None
    path = serving.resolve_export(FLAGS.export_dir, FLAGS.model_dir, FLAGS.export_name)
    result = serving.serving_request(path, FLAGS.endpoint, FLAGS.target, FLAGS.format,
                                     inputs, FLAGS.batch_size, FLAGS.seed, FLAGS.model_name,
                                     FLAGS.model_version, FLAGS.write_payloads, FLAGS.timeout)
  except (ValueError, OSError, serving.ServingError) as e:
    sys.exit(f"Error: {e}")
  for path in result["payloads"]:
    print(f"wrote {path}")
  summary = {name: {"shape": list(a.shape), "dtype": a.dtype.name}
             for name, a in result["outputs"].items()}
  print(f"{result['signature_name']} of {result['export_dir']} via {result['target']}:")
  for name, s in summary.items():
    print(f"  {name}: shape {tuple(s['shape'])} dtype {s['dtype']}")
  if FLAGS.output:
    with open(FLAGS.output, "w") as f:
      json.dump({"export_dir": result["export_dir"], "signature_name": result["signature_name"],
                 "target": result["target"], "model_name": result["model_name"],
                 "outputs": summary}, f, indent=2)


if __name__ == "__main__":
  define_flags()
  app.run(main)
