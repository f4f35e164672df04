import json
import os
import re

import numpy as np
import tensorflow as tf
from tensorflow_serving.apis import predict_pb2

from tests.serving import serving_testutil
from tests.serving.serving_testutil import CGAN_GENERATE
from tests.serving.serving_testutil import GENERATE
from tests.serving.serving_testutil import SAMPLE
from tfgan_info import serving
from tfgan_info.serving import Spec


class ValidationTest(tf.test.TestCase):
  """The checks that run before anything is sent (pure NumPy), and the REST bodies."""

  def test_valid_inputs_are_cast_to_the_spec_dtypes(self):
    arrays = serving.validate_inputs(
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
        serving.validate_inputs("sample" if specs is SAMPLE else "generate", specs, inputs)

  def test_row_format_refuses_scalar_inputs(self):
    with self.assertRaisesRegex(ValueError, r"scalar inputs \(count, seed\).*use "
                                r"--format=inputs"):
      serving.rest_body("sample", SAMPLE, {"count": 2, "seed": 0}, "instances")
    self.assertEqual(serving.rest_body("sample", SAMPLE, {"count": 2, "seed": 5}),
                     {"signature_name": "sample", "inputs": {"count": 2, "seed": 5}})

  def test_rest_bodies_round_trip_to_the_same_tensors(self):
    rng = np.random.default_rng(0)
    inputs = {"noise": rng.normal(size=(3, 62)).astype(np.float32),
              "codes": rng.uniform(-1, 1, (3, 12)).astype(np.float32)}
    for fmt in serving.FORMATS:
      body = serving.rest_body("generate", GENERATE, inputs, fmt)
      self.assertIn(fmt, body)
      if fmt == "instances":
        self.assertLen(body["instances"], 3)
        self.assertSetEqual(set(body["instances"][0]), {"noise", "codes"})
      endpoint, decoded = serving.decode_rest_body(json.loads(json.dumps(body)), GENERATE)
      self.assertEqual(endpoint, "generate")
      arrays = serving.validate_inputs(endpoint, GENERATE, decoded)
      for name, value in inputs.items():
        self.assertEqual(arrays[name].dtype, np.float32)
        self.assertAllEqual(arrays[name], value)  # exactly: float32 -> JSON -> float32

  def test_rest_outputs_of_one_and_several_outputs(self):
    outputs = {"images": Spec("float32", (None, 2))}
    for reply in ({"predictions": [[1, 2], [3, 4]]}, {"outputs": [[1, 2], [3, 4]]}):
      got = serving.rest_outputs(reply, outputs)
      self.assertAllEqual(got["images"], [[1, 2], [3, 4]])
      self.assertEqual(got["images"].dtype, np.float32)
    specs = {"labels": Spec("int32", (None,)), "noise": Spec("float32", (None, 1))}
    got = serving.rest_outputs(
        {"predictions": [{"labels": 1, "noise": [0.5]}, {"labels": 2, "noise": [1.5]}]}, specs)
    self.assertAllEqual(got["labels"], [1, 2])
    self.assertEqual(got["labels"].dtype, np.int32)
    with self.assertRaisesRegex(serving.ServingError, "the server answered: boom"):
      serving.rest_outputs({"error": "boom"}, specs)

  def test_load_inputs_json(self):
    inputs = {"noise": [[0.0] * 62], "codes": [[0.0] * 12]}
    self.assertEqual(serving.load_inputs_json(json.dumps(inputs)), inputs)
    path = os.path.join(self.get_temp_dir(), "inputs.json")
    with open(path, "w") as f:
      json.dump(inputs, f)
    self.assertEqual(serving.load_inputs_json("@" + path), inputs)
    with self.assertRaisesRegex(ValueError, "^--inputs_json must be a JSON object"):
      serving.load_inputs_json("[1, 2]")
    with self.assertRaisesRegex(ValueError, "^--inputs_json is not valid JSON"):
      serving.load_inputs_json("{noise")


class ExportPayloadTest(serving_testutil.ExportTestCase):
  """Example inputs and gRPC requests for a small InfoGAN export's signatures."""

  def test_example_inputs_follow_the_priors(self):
    prior = serving.prior_sample(self.loaded, 4, 7)
    inputs = serving.example_inputs(self.specs, 4, 7, prior)
    serving.validate_inputs("generate", self.specs, inputs)
    self.assertEqual(inputs["noise"].shape, (4, 62))
    categorical, continuous = inputs["codes"][:, :10], inputs["codes"][:, 10:]
    self.assertAllEqual(np.sort(categorical, -1)[:, -1], np.ones(4))  # one-hot rows
    self.assertAllEqual(categorical.sum(-1), np.ones(4))
    self.assertAllInRange(continuous, -1.0, 1.0)
    images = serving.example_inputs(
        serving.signature_specs(self.loaded, "infer_codes")[0], 4, 7, prior)["images"]
    self.assertAllClose(images, prior["images"])
    self.assertEqual(serving.example_inputs(SAMPLE, 4, 7), {"count": 4, "seed": 7})

  def test_grpc_request_parses_with_the_signature_dtypes(self):
    request = serving.grpc_request("infogan", "generate", self.specs, self.inputs, version=5)
    parsed = predict_pb2.PredictRequest.FromString(request.SerializeToString())
    self.assertEqual(parsed.model_spec.name, "infogan")
    self.assertEqual(parsed.model_spec.signature_name, "generate")
    self.assertEqual(parsed.model_spec.version.value, 5)
    self.assertSetEqual(set(parsed.inputs), {"noise", "codes"})
    for name, value in self.inputs.items():
      self.assertEqual(parsed.inputs[name].dtype, tf.float32.as_datatype_enum)
      self.assertEqual([d.size for d in parsed.inputs[name].tensor_shape.dim], list(value.shape))
      self.assertAllEqual(tf.make_ndarray(parsed.inputs[name]), value)
    sample = serving.grpc_request("infogan", "sample", SAMPLE, {"count": 2, "seed": 3})
    self.assertEqual(sample.inputs["count"].dtype, tf.int32.as_datatype_enum)
    self.assertEqual(sample.inputs["seed"].dtype, tf.int64.as_datatype_enum)
    self.assertEmpty(sample.inputs["seed"].tensor_shape.dim)
    self.assertFalse(sample.model_spec.HasField("version"))


if __name__ == "__main__":
  tf.test.main()
