"""One module per model, all on `base.TwoPlayerModel`; the GANs share `gan.GAN`'s train_step."""

from tfgan_info.models.age import AGE
from tfgan_info.models.conditional_gan import ConditionalGAN
from tfgan_info.models.gan import GAN
from tfgan_info.models.infogan import InfoGAN
from tfgan_info.models.ss_infogan import SSInfoGAN

MODELS = {
    "age": AGE,
    "cgan": ConditionalGAN,
    "gan": GAN,
    "infogan": InfoGAN,
    "ssinfogan": SSInfoGAN,
}
