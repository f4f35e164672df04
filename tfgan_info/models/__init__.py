"""One module per model, all on `base.TwoPlayerModel`; the GANs share `gan.GAN`'s train_step.

Each model registers itself in its own file (`registry.register`); importing this package
registers the shipped ones. ``registry.get(name)`` is the only way the shared modules reach a
model.
"""

from tfgan_info.models import registry
from tfgan_info.models.age import AGE
from tfgan_info.models.ali import ALI
from tfgan_info.models.conditional_gan import ConditionalGAN
from tfgan_info.models.gan import GAN
from tfgan_info.models.infogan import InfoGAN
from tfgan_info.models.infogan_cr import InfoGANCR
from tfgan_info.models.pix2pix import Pix2Pix
from tfgan_info.models.ss_infogan import SSInfoGAN
from tfgan_info.models.text_cgan import TextConditionalGAN
from tfgan_info.models.wgan_gp import WGANGP

# The --model of a config that names none (Config(), a flagfile without --model).
DEFAULT_MODEL = "infogan"

# The registered model classes imported above: a model's import line is its registration.
__all__ = ["DEFAULT_MODEL", "registry"] + [
    name for name, value in dict(globals()).items()
    if isinstance(value, type) and getattr(value, "registered_name", "")]
