import concurrent.futures
import http.server
import json
import os
import re
import subprocess
import sys
import threading

import grpc
import numpy as np
import tensorflow as tf
from tensorflow_serving.apis import predict_pb2
from tensorflow_serving.apis import prediction_service_pb2_grpc

from tests import testutil
from tests.models.infogan_test import make_model
from tfgan_info import export

sys.path.insert(0, os.path.join(testutil.ROOT, "tools"))
import serving_request  # pylint: disable=g-import-not-at-top,wrong-import-position

Spec = serving_request.Spec
GENERATE = {"codes": Spec("float32", (None, 12)), "noise": Spec("float32", (None, 62))}
CGAN_GENERATE = {"labels": Spec("int32", (None,)), "noise": Spec("float32", (None, 8))}
SAMPLE = {"count": Spec("int32", ()), "seed": Spec("int64", ())}


class PredictionServiceDouble(prediction_service_pb2_grpc.PredictionServiceServicer):
  """A test double of TF Serving's gRPC PredictionService, NOT TF Serving: it answers Predict
  for one model name by running the SavedModel's signature (tf.saved_model.load) on the
  request's TensorProtos, fed as tensors of the dtype they carry (so a dtype that differs from
  the signature's is refused, as TF Serving's runtime refuses it). It shows that our
  PredictRequest is one a PredictionService can read; it does not show how TF Serving batches,
  versions or reports errors."""

  def __init__(self, model_name, loaded, version):
    self.model_name, self.loaded, self.version = model_name, loaded, version
    self.requests = []

  def Predict(self, request, context):  # pylint: disable=invalid-name
    self.requests.append(request)
    if request.model_spec.name != self.model_name:
      context.abort(grpc.StatusCode.NOT_FOUND,
                    f"Servable not found for request: Latest({request.model_spec.name})")
    name = request.model_spec.signature_name or "serving_default"
    try:
      out = self.loaded.signatures[name](**{
          key: tf.constant(tf.make_ndarray(proto)) for key, proto in request.inputs.items()})
    except (KeyError, TypeError, ValueError, tf.errors.OpError) as e:
      context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
    response = predict_pb2.PredictResponse()
    response.model_spec.CopyFrom(request.model_spec)
    response.model_spec.version.value = self.version
    for key, value in out.items():
      response.outputs[key].CopyFrom(tf.make_tensor_proto(value.numpy()))
    return response


def rest_double(model_name, loaded):
  """A test double of TF Serving's REST predict endpoint, NOT TF Serving: an http.server that
  answers POST /v1/models/<model_name>[/versions/<v>]:predict by decoding the body in its own
  code (row format: instances stacked along dimension 0; columnar: inputs as given), converting
  each input to the signature's dtype (tf.constant refuses 2.5 for int32, as TF Serving's JSON
  parser does), running the signature and replying with "predictions" or "outputs" (the name
  omitted for a single output), or {"error": ...} with status 400/404."""

  class Handler(http.server.BaseHTTPRequestHandler):

    def reply(self, status, payload):
      data = json.dumps(payload).encode()
      self.send_response(status)
      self.send_header("Content-Type", "application/json")
      self.send_header("Content-Length", str(len(data)))
      self.end_headers()
      self.wfile.write(data)

    def do_POST(self):  # pylint: disable=invalid-name
      match = re.fullmatch(r"/v1/models/([^/:]+)(?:/versions/(\d+))?:predict", self.path)
      if not match or match.group(1) != model_name:
        self.reply(404, {"error": f"Servable not found for request: {self.path}"})
        return
      body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
      try:
        fn = loaded.signatures[body.get("signature_name", "serving_default")]
        specs = fn.structured_input_signature[1]
        if "instances" in body:
          rows = body["instances"]
          columns = {key: [row[key] for row in rows] for key in rows[0]}
        else:
          columns = body["inputs"]
        out = {key: value.numpy() for key, value in fn(**{
            key: tf.constant(value, dtype=specs[key].dtype)
            for key, value in columns.items()}).items()}
      except (KeyError, TypeError, ValueError, tf.errors.OpError) as e:
        self.reply(400, {"error": str(e)})
        return
      if "instances" in body:
        rows = len(next(iter(out.values())))
        predictions = (next(iter(out.values())).tolist() if len(out) == 1 else
                       [{key: value[i].tolist() for key, value in out.items()}
                        for i in range(rows)])
        self.reply(200, {"predictions": predictions})
      else:
        self.reply(200, {"outputs": next(iter(out.values())).tolist() if len(out) == 1 else
                                    {key: value.tolist() for key, value in out.items()}})

    def log_message(self, *args):  # quiet
      del args

  return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)


def run_tool(*flags):
  """The command-line tool in a subprocess (started now, waited for in the test)."""
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
  return subprocess.Popen(
      [sys.executable, os.path.join(testutil.ROOT, "tools", "serving_request.py")] + list(flags),
      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


class ValidationTest(tf.test.TestCase):
  """The checks that run before anything is sent (pure NumPy)."""

  def test_valid_inputs_are_cast_to_the_spec_dtypes(self):
    arrays = serving_request.validate_inputs(
        "generate", CGAN_GENERATE, {"noise": [[0] * 8, [1] * 8], "labels": [3, 9]})
    self.assertEqual(list(arrays), ["labels", "noise"])
    self.assertEqual(arrays["labels"].dtype, np.int32)
    self.assertEqual(arrays["noise"].dtype, np.float32)
    self.assertEqual(arrays["noise"].shape, (2, 8))

  def test_errors_name_the_input_and_what_was_expected(self):
    noise, codes = np.zeros((2, 62), np.float32), np.zeros((2, 12), np.float32)
    cases = [
        (GENERATE, {"noise": noise[:, :10], "codes": codes},
         "input 'noise' of signature 'generate' must be float32 [N, 62], got float32 [2, 10]"),
        (GENERATE, {"noise": noise[0], "codes": codes},
         "input 'noise' of signature 'generate' must be float32 [N, 62], got float32 [62]"),
        (GENERATE, {"noise": noise.astype(bool), "codes": codes},
         "input 'noise' of signature 'generate' must be float32 [N, 62], got bool [2, 62]"),
        (GENERATE, {"noise": noise},
         "input 'codes' of signature 'generate' is missing: give float32 [N, 12]"),
        (GENERATE, {"noise": noise, "codes": codes, "nosie": noise},
         "input 'nosie' is not an input of signature 'generate': its inputs are codes "
         "(float32 [N, 12]), noise (float32 [N, 62])"),
        (GENERATE, {"noise": noise, "codes": np.zeros((3, 12))},
         "inputs of signature 'generate' must share the batch size N (dimension 0): codes has "
         "3, noise has 2"),
        (GENERATE, {"noise": [[0.0] * 62, [0.0] * 61], "codes": codes},
         "input 'noise' of signature 'generate' must be float32 [N, 62], got a ragged nested "
         "list"),
        (CGAN_GENERATE, {"noise": np.zeros((3, 8)), "labels": np.array([2.5, 1.0, 0.0])},
         "input 'labels' of signature 'generate' must be int32 [N], got float64 [3] (integer "
         "values needed, e.g. 3 not 3.0)"),
        (CGAN_GENERATE, {"noise": np.zeros((1, 8)), "labels": [2 ** 40]},
         "input 'labels' of signature 'generate' must be int32 [N], got values in "
         "[1099511627776, 1099511627776] that do not fit in int32"),
        (SAMPLE, {"count": [2], "seed": 0},
         "input 'count' of signature 'sample' must be int32 scalar, got int32 [1]"),
        (GENERATE, {"noise": json.loads("[[NaN" + ", 0" * 61 + "]]"), "codes": codes[:1]},
         "input 'noise' of signature 'generate' must be float32 [N, 62], got nan (NaN and "
         "infinities are not valid inputs"),
        (GENERATE, {"noise": noise, "codes": np.full((2, 12), -np.inf)},
         "input 'codes' of signature 'generate' must be float32 [N, 12], got -inf"),
    ]
    for specs, inputs, message in cases:
      with self.assertRaisesRegex(ValueError, "^" + re.escape(message)):
        serving_request.validate_inputs(
            "sample" if specs is SAMPLE else "generate", specs, inputs)

  def test_a_missing_folder_is_named(self):
    missing = os.path.join(self.get_temp_dir(), "no_such_run")
    with self.assertRaisesRegex(FileNotFoundError, f"^--model_dir {missing}: no such folder$"):
      serving_request.resolve_export(model_dir=missing)
    with self.assertRaisesRegex(FileNotFoundError, f"^--export_dir {missing}: no such folder$"):
      serving_request.resolve_export(export_dir=missing)

  def test_row_format_refuses_scalar_inputs(self):
    with self.assertRaisesRegex(ValueError, r"scalar inputs \(count, seed\).*use "
                                r"--format=inputs"):
      serving_request.rest_body("sample", SAMPLE, {"count": 2, "seed": 0}, "instances")
    self.assertEqual(serving_request.rest_body("sample", SAMPLE, {"count": 2, "seed": 5}),
                     {"signature_name": "sample", "inputs": {"count": 2, "seed": 5}})

  def test_rest_bodies_round_trip_to_the_same_tensors(self):
    rng = np.random.default_rng(0)
    inputs = {"noise": rng.normal(size=(3, 62)).astype(np.float32),
              "codes": rng.uniform(-1, 1, (3, 12)).astype(np.float32)}
    for fmt in serving_request.FORMATS:
      body = serving_request.rest_body("generate", GENERATE, inputs, fmt)
      self.assertIn(fmt, body)
      if fmt == "instances":
        self.assertLen(body["instances"], 3)
        self.assertSetEqual(set(body["instances"][0]), {"noise", "codes"})
      endpoint, decoded = serving_request.decode_rest_body(json.loads(json.dumps(body)),
                                                          GENERATE)
      self.assertEqual(endpoint, "generate")
      arrays = serving_request.validate_inputs(endpoint, GENERATE, decoded)
      for name, value in inputs.items():
        self.assertEqual(arrays[name].dtype, np.float32)
        self.assertAllEqual(arrays[name], value)  # exactly: float32 -> JSON -> float32

  def test_rest_outputs_of_one_and_several_outputs(self):
    outputs = {"images": Spec("float32", (None, 2))}
    for reply in ({"predictions": [[1, 2], [3, 4]]}, {"outputs": [[1, 2], [3, 4]]}):
      got = serving_request.rest_outputs(reply, outputs)
      self.assertAllEqual(got["images"], [[1, 2], [3, 4]])
      self.assertEqual(got["images"].dtype, np.float32)
    specs = {"labels": Spec("int32", (None,)), "noise": Spec("float32", (None, 1))}
    got = serving_request.rest_outputs(
        {"predictions": [{"labels": 1, "noise": [0.5]}, {"labels": 2, "noise": [1.5]}]}, specs)
    self.assertAllEqual(got["labels"], [1, 2])
    self.assertEqual(got["labels"].dtype, np.int32)
    with self.assertRaisesRegex(serving_request.ServingError, "the server answered: boom"):
      serving_request.rest_outputs({"error": "boom"}, specs)

  def test_targets_and_urls(self):
    self.assertEqual(serving_request.parse_target("grpc://host:8500"), ("grpc", "host:8500"))
    self.assertEqual(serving_request.parse_target("http://host:8501/"),
                     ("http", "http://host:8501"))
    with self.assertRaisesRegex(ValueError, "--target must be local, http://host:port or "
                                "grpc://host:port"):
      serving_request.parse_target("host:8500")
    self.assertEqual(serving_request.rest_url("http://h:8501", "infogan", 3),
                     "http://h:8501/v1/models/infogan/versions/3:predict")
    self.assertEqual(serving_request.default_model_name("/runs/x/export/infogan/1200/"),
                     "infogan")


class ServingRequestTest(tf.test.TestCase):
  """Builders, local runs and the REST/gRPC clients on one small InfoGAN export."""

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model = make_model(seed=3)
    cls.model_dir = os.path.join(tf.compat.v1.test.get_temp_dir(), "serving_request_run")
    cls.path = export.export(cls.model, cls.model_dir, "infogan", 5)
    script_flags = ("--model_dir", cls.model_dir, "--endpoint", "generate")
    cls.cli_ok = run_tool(*script_flags, "--output", os.path.join(cls.model_dir, "out.json"))
    cls.cli_bad = run_tool(*script_flags, "--inputs_json",
                           json.dumps({"noise": [[0.0] * 3], "codes": [[0.0] * 12]}))
    cls.loaded = tf.saved_model.load(cls.path)
    cls.specs, cls.output_specs = serving_request.signature_specs(cls.loaded, "generate")
    rng = np.random.default_rng(4)
    cls.inputs = {"noise": rng.normal(size=(3, 62)).astype(np.float32),
                  "codes": np.concatenate([np.eye(10)[[1, 5, 9]], rng.uniform(-1, 1, (3, 2))],
                                          -1).astype(np.float32)}
    cls.expected = cls.model.generate(cls.inputs["noise"], cls.inputs["codes"]).numpy()
    # The test doubles of TF Serving (see their docstrings), after the subprocesses started.
    cls.grpc_double = PredictionServiceDouble("infogan", cls.loaded, 5)
    cls.grpc_server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=2))
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(cls.grpc_double,
                                                                        cls.grpc_server)
    cls.grpc_port = cls.grpc_server.add_insecure_port("127.0.0.1:0")
    cls.grpc_server.start()
    cls.http_server = rest_double("infogan", cls.loaded)
    threading.Thread(target=cls.http_server.serve_forever, daemon=True).start()

  @classmethod
  def tearDownClass(cls):
    cls.grpc_server.stop(None)
    cls.http_server.shutdown()
    cls.http_server.server_close()
    for process in (cls.cli_ok, cls.cli_bad):
      if process.poll() is None:
        process.kill()
      process.communicate()
    super().tearDownClass()

  def request(self, **kwargs):
    return serving_request.serving_request(self.path, loaded=self.loaded, **kwargs)

  def test_signature_specs_from_the_savedmodel(self):
    self.assertEqual(self.specs, GENERATE)
    self.assertEqual(self.output_specs, {"images": Spec("float32", (None, 28, 28, 1))})
    self.assertEqual(serving_request.signature_specs(self.loaded, "sample")[0], SAMPLE)
    with self.assertRaisesRegex(ValueError, "signature 'encode' is not in the export: use one "
                                "of generate, infer_codes, sample, serving_default"):
      serving_request.signature_specs(self.loaded, "encode")

  def test_example_inputs_follow_the_priors(self):
    prior = serving_request.prior_sample(self.loaded, 4, 7)
    inputs = serving_request.example_inputs(self.specs, 4, 7, prior)
    serving_request.validate_inputs("generate", self.specs, inputs)
    self.assertEqual(inputs["noise"].shape, (4, 62))
    categorical, continuous = inputs["codes"][:, :10], inputs["codes"][:, 10:]
    self.assertAllEqual(np.sort(categorical, -1)[:, -1], np.ones(4))  # one-hot rows
    self.assertAllEqual(categorical.sum(-1), np.ones(4))
    self.assertAllInRange(continuous, -1.0, 1.0)
    images = serving_request.example_inputs(
        serving_request.signature_specs(self.loaded, "infer_codes")[0], 4, 7, prior)["images"]
    self.assertAllClose(images, prior["images"])
    self.assertEqual(serving_request.example_inputs(SAMPLE, 4, 7), {"count": 4, "seed": 7})

  def test_grpc_request_parses_with_the_signature_dtypes(self):
    request = serving_request.grpc_request("infogan", "generate", self.specs, self.inputs,
                                           version=5)
    parsed = predict_pb2.PredictRequest.FromString(request.SerializeToString())
    self.assertEqual(parsed.model_spec.name, "infogan")
    self.assertEqual(parsed.model_spec.signature_name, "generate")
    self.assertEqual(parsed.model_spec.version.value, 5)
    self.assertSetEqual(set(parsed.inputs), {"noise", "codes"})
    for name, value in self.inputs.items():
      self.assertEqual(parsed.inputs[name].dtype, tf.float32.as_datatype_enum)
      self.assertEqual([d.size for d in parsed.inputs[name].tensor_shape.dim], list(value.shape))
      self.assertAllEqual(tf.make_ndarray(parsed.inputs[name]), value)
    sample = serving_request.grpc_request("infogan", "sample", SAMPLE, {"count": 2, "seed": 3})
    self.assertEqual(sample.inputs["count"].dtype, tf.int32.as_datatype_enum)
    self.assertEqual(sample.inputs["seed"].dtype, tf.int64.as_datatype_enum)
    self.assertEmpty(sample.inputs["seed"].tensor_shape.dim)
    self.assertFalse(sample.model_spec.HasField("version"))

  def test_local_target_equals_the_keras_model(self):
    for fmt in serving_request.FORMATS:
      out = self.request(endpoint="generate", fmt=fmt, inputs=self.inputs)["outputs"]
      self.assertAllClose(out["images"], self.expected, atol=1e-5)
    sample = self.request(endpoint="sample", batch_size=3, seed=11)["outputs"]
    self.assertEqual(sample["images"].shape, (3, 28, 28, 1))
    self.assertAllClose(sample["images"], self.model.generate(sample["noise"], sample["codes"]),
                        atol=1e-5)

  def test_grpc_target_against_a_prediction_service_double(self):
    target = f"grpc://127.0.0.1:{self.grpc_port}"
    out = self.request(endpoint="generate", target=target, inputs=self.inputs)["outputs"]
    self.assertAllClose(out["images"], self.expected, atol=1e-5)
    received = self.grpc_double.requests[-1]
    self.assertEqual((received.model_spec.name, received.model_spec.signature_name),
                     ("infogan", "generate"))
    sample = self.request(endpoint="sample", target=target, batch_size=2, seed=4)["outputs"]
    local = self.request(endpoint="sample", batch_size=2, seed=4)["outputs"]
    self.assertSetEqual(set(sample), {"images", "noise", "codes"})
    for name, value in local.items():
      self.assertAllClose(sample[name], value, atol=1e-6)
    with self.assertRaisesRegex(serving_request.ServingError,
                                r"answered NOT_FOUND: Servable not found"):
      self.request(endpoint="generate", target=target, inputs=self.inputs, model_name="other")

  def test_http_target_against_a_rest_double(self):
    target = f"http://127.0.0.1:{self.http_server.server_port}"
    for fmt in serving_request.FORMATS:
      out = self.request(endpoint="generate", target=target, fmt=fmt, inputs=self.inputs,
                         version=5)["outputs"]
      self.assertEqual(out["images"].dtype, np.float32)
      self.assertAllClose(out["images"], self.expected, atol=1e-5)
    sample = self.request(endpoint="sample", target=target, batch_size=2, seed=4)["outputs"]
    self.assertEqual(sample["codes"].shape, (2, 12))
    with self.assertRaisesRegex(serving_request.ServingError, r"answered HTTP 404"):
      self.request(endpoint="generate", target=target, inputs=self.inputs, model_name="other")

  def test_write_payloads(self):
    folder = os.path.join(self.get_temp_dir(), "payloads")
    result = self.request(endpoint="generate", fmt="instances", inputs=self.inputs,
                          payload_dir=folder)
    self.assertEqual([os.path.basename(p) for p in result["payloads"]],
                     ["rest_instances.json", "grpc_request.pb", "curl.sh"])
    with open(os.path.join(folder, "rest_instances.json")) as f:
      body = json.load(f)
    self.assertEqual(body, serving_request.rest_body("generate", self.specs, self.inputs,
                                                     "instances"))
    with open(os.path.join(folder, "grpc_request.pb"), "rb") as f:
      request = predict_pb2.PredictRequest.FromString(f.read())
    self.assertAllEqual(tf.make_ndarray(request.inputs["codes"]), self.inputs["codes"])
    with open(os.path.join(folder, "curl.sh")) as f:
      curl = f.read()
    self.assertIn("http://localhost:8501/v1/models/infogan:predict", curl)
    self.assertIn(f"-d @{os.path.join(folder, 'rest_instances.json')}", curl)

  def test_tool_on_the_command_line(self):
    out, err = self.cli_ok.communicate(timeout=120)
    self.assertEqual(self.cli_ok.returncode, 0, err)
    self.assertIn("images: shape (2, 28, 28, 1) dtype float32", out)
    with open(os.path.join(self.model_dir, "out.json")) as f:
      self.assertEqual(json.load(f)["outputs"], {"images": {"shape": [2, 28, 28, 1],
                                                            "dtype": "float32"}})
    _, err = self.cli_bad.communicate(timeout=120)
    self.assertEqual(self.cli_bad.returncode, 1)
    self.assertNotIn("Traceback", err)
    self.assertEqual(err.strip().splitlines()[-1],
                     "Error: input 'noise' of signature 'generate' must be float32 [N, 62], "
                     "got float32 [1, 3]")


if __name__ == "__main__":
  tf.test.main()
