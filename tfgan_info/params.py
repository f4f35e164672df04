"""Typed, documented config fields: each field of a config dataclass carries its flag's help
text and bounds, so a flag is declared once, where the field is (docs/design.md, "Config").

    @dataclasses.dataclass(frozen=True)
    class AGEParams:
      lambda_z: float = params.field(1000.0, "weight of L_Z", lower=0.0)

The training entry point turns every field into an absl flag of the same name (`flag_kind`
gives its kind; ``choices`` makes an enum); the library below it reads the dataclasses only.
"""

import dataclasses
from typing import Callable, Sequence, Union

_KEY = "tfgan_info"


def field(default, help: str, *, lower=None, upper=None,  # pylint: disable=redefined-builtin
          choices: Union[None, Sequence[str], Callable[[], Sequence[str]]] = None):
  """A dataclass field with its flag's help text, bounds and choices.

  Args:
    default: the default value (a str, int, float or bool).
    help: one or two sentences for ``--help``.
    lower, upper: inclusive bounds of a number (None: unbounded).
    choices: the allowed values of a string (an enum flag), or a function that returns them
      when the flag is defined (e.g. the registered model names, which grow as models
      register).
  """
  return dataclasses.field(default=default, metadata={_KEY: dict(
      help=help, lower=lower, upper=upper, choices=choices)})


def meta(f: dataclasses.Field) -> dict:
  """{"help", "lower", "upper", "choices"} of a field made by `field` (a plain field: empty
  help, no bounds)."""
  m = dict(f.metadata.get(_KEY, dict(help="", lower=None, upper=None, choices=None)))
  if callable(m["choices"]):
    m["choices"] = m["choices"]()
  m["choices"] = tuple(m["choices"]) if m["choices"] else None
  return m


def flag_kind(f: dataclasses.Field) -> str:
  """The absl DEFINE_* kind of a field: enum, string, integer, float or boolean."""
  if meta(f)["choices"]:
    return "enum"
  kinds = {"str": "string", "int": "integer", "float": "float", "bool": "boolean"}
  kind = kinds.get(f.type if isinstance(f.type, str) else getattr(f.type, "__name__", ""))
  if kind is None:
    raise TypeError(f"Field {f.name} has type {f.type}: a flag must be str, int, float or bool")
  return kind
