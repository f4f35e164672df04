"""One module per model; all share `gan.GAN`'s train_step skeleton."""

from tfgan_info.models.conditional_gan import ConditionalGAN
from tfgan_info.models.gan import GAN
from tfgan_info.models.infogan import InfoGAN
from tfgan_info.models.ss_infogan import SSInfoGAN

MODELS = {
    "cgan": ConditionalGAN,
    "gan": GAN,
    "infogan": InfoGAN,
    "ssinfogan": SSInfoGAN,
}
