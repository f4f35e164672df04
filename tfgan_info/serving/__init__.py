"""Client side of TF Serving's predict API for the package's SavedModel exports.

``serving_request(export_dir, endpoint, target, ...)`` reads a signature's input specs from
the export, builds or takes the inputs, checks them before anything is sent, builds the REST
body (row or columnar format) and the gRPC PredictRequest, and runs them on the SavedModel here
or sends them to TF Serving. The pieces:

  specs       Spec, ServingError, format_shape, describe, signature_specs, resolve_export,
              default_model_name
  payload     FORMATS, validate_inputs, example_inputs, prior_sample, rest_body,
              decode_rest_body, rest_outputs, grpc_request, load_inputs_json
  transport   parse_target, rest_url, curl_command, write_payloads, run_local, run_http,
              run_grpc
  request     serving_request

Importing the package is cheap: NumPy, TensorFlow, grpc and tensorflow_serving are imported
by the functions that use them. The command line is tools/serving_request.py.
"""

from tfgan_info.serving.payload import decode_rest_body
from tfgan_info.serving.payload import example_inputs
from tfgan_info.serving.payload import FORMATS
from tfgan_info.serving.payload import grpc_request
from tfgan_info.serving.payload import load_inputs_json
from tfgan_info.serving.payload import prior_sample
from tfgan_info.serving.payload import rest_body
from tfgan_info.serving.payload import rest_outputs
from tfgan_info.serving.payload import validate_inputs
from tfgan_info.serving.request import serving_request
from tfgan_info.serving.specs import default_model_name
from tfgan_info.serving.specs import describe
from tfgan_info.serving.specs import format_shape
from tfgan_info.serving.specs import resolve_export
from tfgan_info.serving.specs import ServingError
from tfgan_info.serving.specs import signature_specs
from tfgan_info.serving.specs import Spec
from tfgan_info.serving.transport import curl_command
from tfgan_info.serving.transport import parse_target
from tfgan_info.serving.transport import rest_url
from tfgan_info.serving.transport import run_grpc
from tfgan_info.serving.transport import run_http
from tfgan_info.serving.transport import run_local
from tfgan_info.serving.transport import write_payloads
