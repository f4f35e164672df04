import concurrent.futures
import http.server
import json
import os
import re
import shlex
import threading

import grpc
import numpy as np
import tensorflow as tf
from tensorflow_serving.apis import predict_pb2
from tensorflow_serving.apis import prediction_service_pb2_grpc

from tests.serving import serving_testutil
from tfgan_info import serving


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


class TargetsTest(tf.test.TestCase):

  def test_targets_and_urls(self):
    self.assertEqual(serving.parse_target("grpc://host:8500"), ("grpc", "host:8500"))
    self.assertEqual(serving.parse_target("http://host:8501/"), ("http", "http://host:8501"))
    self.assertEqual(serving.parse_target("local"), ("local", None))
    with self.assertRaisesRegex(ValueError, "--target must be local, http://host:port or "
                                "grpc://host:port"):
      serving.parse_target("host:8500")
    self.assertEqual(serving.rest_url("http://h:8501", "infogan", 3),
                     "http://h:8501/v1/models/infogan/versions/3:predict")
    self.assertEqual(serving.rest_url("http://h:8501/", "infogan"),
                     "http://h:8501/v1/models/infogan:predict")
    self.assertEqual(serving.curl_command("http://h:8501/v1/models/m:predict", "/tmp/a b.json"),
                     "curl -sS -X POST -H 'Content-Type: application/json' "
                     "-d @'/tmp/a b.json' http://h:8501/v1/models/m:predict")


class TransportTest(serving_testutil.ExportTestCase):
  """`serving.serving_request` on a small InfoGAN export: local runs, the REST/gRPC clients
  against test doubles of TF Serving, and the payload files."""

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    # The test doubles of TF Serving (see their docstrings).
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
    super().tearDownClass()

  def request(self, **kwargs):
    return serving.serving_request(self.path, loaded=self.loaded, **kwargs)

  def test_local_target_equals_the_keras_model(self):
    for fmt in serving.FORMATS:
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
    with self.assertRaisesRegex(serving.ServingError,
                                r"answered NOT_FOUND: Servable not found"):
      self.request(endpoint="generate", target=target, inputs=self.inputs, model_name="other")

  def test_http_target_against_a_rest_double(self):
    target = f"http://127.0.0.1:{self.http_server.server_port}"
    for fmt in serving.FORMATS:
      out = self.request(endpoint="generate", target=target, fmt=fmt, inputs=self.inputs,
                         version=5)["outputs"]
      self.assertEqual(out["images"].dtype, np.float32)
      self.assertAllClose(out["images"], self.expected, atol=1e-5)
    sample = self.request(endpoint="sample", target=target, batch_size=2, seed=4)["outputs"]
    self.assertEqual(sample["codes"].shape, (2, 12))
    with self.assertRaisesRegex(serving.ServingError, r"answered HTTP 404"):
      self.request(endpoint="generate", target=target, inputs=self.inputs, model_name="other")

  def test_write_payloads(self):
    folder = os.path.join(self.get_temp_dir(), "payloads")
    result = self.request(endpoint="generate", fmt="instances", inputs=self.inputs,
                          payload_dir=folder)
    self.assertEqual([os.path.basename(p) for p in result["payloads"]],
                     ["rest_instances.json", "grpc_request.pb", "curl.sh"])
    with open(os.path.join(folder, "rest_instances.json")) as f:
      body = json.load(f)
    self.assertEqual(body, serving.rest_body("generate", self.specs, self.inputs, "instances"))
    with open(os.path.join(folder, "grpc_request.pb"), "rb") as f:
      request = predict_pb2.PredictRequest.FromString(f.read())
    self.assertAllEqual(tf.make_ndarray(request.inputs["codes"]), self.inputs["codes"])
    with open(os.path.join(folder, "curl.sh")) as f:
      curl = f.read()
    self.assertIn("http://localhost:8501/v1/models/infogan:predict", curl)
    # Quoted where the path needs it (pytest-xdist's temp folders hold "<string>").
    self.assertIn(f"-d @{shlex.quote(os.path.join(folder, 'rest_instances.json'))}", curl)


if __name__ == "__main__":
  tf.test.main()
