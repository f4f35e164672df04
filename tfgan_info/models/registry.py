"""The model registry: each model registers itself, once, in its own file.

    @registry.register("infogan", InfoGANParams)
    class InfoGAN(GAN): ...

An entry ties a name (the value of ``--model``) to the model class and to the dataclass of
the model's own parameters (its config section, `config.Config.params`). The class says
everything else the shared modules need, through the interface of
`models.base.TwoPlayerModel`: how it is built from a config (``from_config``), which training
batches it needs (``train_batches``), which image grids it draws (``image_grids``,
``grid_real_images``) and which SavedModel signatures it exports (``serving_signatures``,
``serving_networks``). `train_lib`, `export`, `callbacks` and `evaluate` loop over these and
name no model (docs/design.md, "Adding a model"). As in the Model Garden's
``task_factory.register_task_cls``, a model is known once its module is imported;
`tfgan_info.models` imports the shipped ones.
"""

import dataclasses
from typing import Dict, List


@dataclasses.dataclass(frozen=True)
class Entry:
  """One registered model.

  Attributes:
    name: the ``--model`` value.
    model_cls: the `models.base.TwoPlayerModel` subclass.
    params_cls: frozen dataclass of the model's own parameters (fields made with
      `params.field`, so that each becomes a flag).
  """
  name: str
  model_cls: type
  params_cls: type

  @property
  def description(self) -> str:
    """The first paragraph of the model class's docstring, on one line."""
    paragraph = (self.model_cls.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


_ENTRIES: Dict[str, Entry] = {}


def register(name: str, params_cls: type):
  """Class decorator: registers a model class under ``name`` with its parameter dataclass.

  Raises:
    ValueError: if ``name`` is taken by another class, or params_cls is not a dataclass.
  """
  if not dataclasses.is_dataclass(params_cls):
    raise ValueError(f"The parameters of model {name!r} must be a dataclass, got {params_cls}")

  def decorate(cls):
    old = _ENTRIES.get(name)
    if old is not None and old.model_cls.__qualname__ != cls.__qualname__:
      raise ValueError(f"Model name {name!r} is already registered to {old.model_cls}")
    _ENTRIES[name] = Entry(name, cls, params_cls)
    cls.registered_name = name
    return cls
  return decorate


def get(name: str) -> Entry:
  """The entry of ``--model=name``.

  Raises:
    ValueError: for a name nobody registered.
  """
  if name not in _ENTRIES:
    raise ValueError(f"Unknown model {name!r}: use one of {names()}")
  return _ENTRIES[name]


def names() -> List[str]:
  """The registered model names, sorted."""
  return sorted(_ENTRIES)


def entries() -> List[Entry]:
  """The registered entries, sorted by name."""
  return [_ENTRIES[n] for n in names()]
