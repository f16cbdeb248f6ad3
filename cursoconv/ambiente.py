"""O ambiente do curso: modo rápido, sementes e dispositivo (CPU ou GPU).

``CURSO_RAPIDO`` liga o modo rápido (um subconjunto pequeno e real dos dados, no máximo
``EPOCAS_RAPIDO`` épocas) com ``VALORES_SIM`` e o desliga com ``VALORES_NAO``; outro valor é um erro.
"""

import os
import random

import numpy as np
import torch

VARIAVEL_RAPIDO = "CURSO_RAPIDO"
EPOCAS_RAPIDO = 2
VALORES_SIM = ("1", "sim", "s", "true", "yes", "y", "on")
VALORES_NAO = ("", "0", "não", "nao", "n", "false", "no", "off")

COMO_LIGAR_A_GPU = (
    "No Colab, ligue a GPU em Ambiente de execução → Alterar o tipo de ambiente de "
    "execução → Acelerador de hardware: GPU (T4) e rode o notebook de novo.")


class DispositivoIndisponivel(RuntimeError):
    """O dispositivo pedido (por exemplo ``"cuda"``) não existe nesta máquina."""


def modo_rapido():
    """Diz se o modo rápido (``CURSO_RAPIDO``) está ligado; um valor desconhecido é um ``ValueError``."""
    valor = os.environ.get(VARIAVEL_RAPIDO, "").strip().lower()
    if valor in VALORES_SIM:
        return True
    if valor in VALORES_NAO:
        return False
    raise ValueError(
        f"Não entendi {VARIAVEL_RAPIDO}={os.environ[VARIAVEL_RAPIDO]!r}. Use {VARIAVEL_RAPIDO}=1 "
        f"para ligar o modo rápido ou {VARIAVEL_RAPIDO}=0 para desligá-lo (também valem "
        f"{', '.join(v for v in VALORES_SIM if v != '1')} e {', '.join(v for v in VALORES_NAO if v not in ('', '0'))}).")


def conferir_semente(semente):
    """A semente como ``int``; uma que o NumPy ou o PyTorch recusariam (em inglês) é um ``ValueError``."""
    if isinstance(semente, bool) or not isinstance(semente, (int, np.integer)) or not 0 <= semente < 2**32:
        raise ValueError(f"semente deve ser um inteiro de 0 a 2**32 − 1 (4.294.967.295), como 0; "
                         f"recebi {semente!r}.")
    return int(semente)


def fixar_semente(semente=0):
    """Fixa as sementes de ``random``, NumPy e PyTorch (CPU e GPU) para repetir resultados."""
    semente = conferir_semente(semente)
    random.seed(semente)
    np.random.seed(semente)
    torch.manual_seed(semente)  # também semeia todas as GPUs
    return semente


def dispositivo_de(net):
    """O dispositivo dos pesos de ``net`` (a CPU, se ela não tem pesos)."""
    return next((p.device for p in net.parameters()), torch.device("cpu"))


def escolher_dispositivo():
    """Devolve a GPU NVIDIA (``cuda``), a GPU da Apple (``mps``) ou, sem nenhuma, a ``cpu``."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def conferir_dispositivo(dispositivo=None):
    """Um ``torch.device`` que existe aqui (``None``: o melhor), ou ``DispositivoIndisponivel`` com a correção."""
    if dispositivo is None:
        return escolher_dispositivo()
    try:
        dispositivo = torch.device(dispositivo)
    except (RuntimeError, TypeError) as erro:
        raise DispositivoIndisponivel(
            f"Não conheço o dispositivo {dispositivo!r}. Use \"cuda\" (GPU NVIDIA), \"mps\" "
            "(GPU da Apple) ou \"cpu\"; ou não passe device, e o curso escolhe o melhor.") from erro
    if dispositivo.type == "cuda":
        if not torch.cuda.is_available():
            raise DispositivoIndisponivel(
                f"Você pediu device={str(dispositivo)!r}, mas esta máquina não tem GPU NVIDIA "
                f"disponível. {COMO_LIGAR_A_GPU} Ou use a CPU: device=\"cpu\" (ou não passe device).")
        if dispositivo.index is not None and dispositivo.index >= torch.cuda.device_count():
            raise DispositivoIndisponivel(
                f"Você pediu {dispositivo}, mas esta máquina tem {torch.cuda.device_count()} GPU(s), "
                "numeradas a partir de 0. Use device=\"cuda\" (a primeira).")
    elif dispositivo.type == "mps" and not torch.backends.mps.is_available():
        raise DispositivoIndisponivel(
            "Você pediu device=\"mps\" (GPU da Apple), mas ela não está disponível aqui. "
            "Use device=\"cpu\" ou não passe device.")
    return dispositivo


def descrever_dispositivo(dispositivo=None):
    """Descreve o dispositivo em uma frase, com o nome da placa quando houver."""
    dispositivo = conferir_dispositivo(dispositivo)
    if dispositivo.type == "cuda":
        nome = torch.cuda.get_device_name(dispositivo)
        return f"GPU {nome if nome.startswith('NVIDIA') else 'NVIDIA ' + nome} (cuda)"
    if dispositivo.type == "mps":
        return "GPU da Apple (mps)"
    return f"CPU, {torch.get_num_threads()} threads"


def relatar_ambiente():
    """Resume o ambiente: versão do PyTorch, dispositivo e, sem GPU, como ligar uma no Colab."""
    dispositivo = escolher_dispositivo()
    linhas = [f"PyTorch {torch.__version__}; dispositivo: {descrever_dispositivo(dispositivo)}."]
    if dispositivo.type == "cpu":
        linhas.append("Nenhuma GPU encontrada: tudo funciona na CPU, só que o treino da LeNet-5 fica "
                      "bem mais lento. " + COMO_LIGAR_A_GPU)
    if modo_rapido():
        linhas.append(f"Modo rápido ligado ({VARIAVEL_RAPIDO}=1): subconjunto pequeno dos dados "
                      f"e no máximo {EPOCAS_RAPIDO} épocas.")
    return "\n".join(linhas)
