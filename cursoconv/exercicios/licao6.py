"""Verificadores dos exercícios da lição 6 (avaliar e comparar redes).

As lições os chamam como ``licao6.verificar_...`` (``from cursoconv.exercicios import licao6``).
Seguem :mod:`cursoconv.exercicios.base`: recebem a resposta do estudante e terminam com uma
mensagem em português, nunca com um traceback.
"""
from torch import nn

from cursoconv.lenet import lenet5_moderna
from .base import verificador
from .licao5 import conferir_rede

# Os exercícios que só se corrigem lendo (sem verificador) estão listados aqui
# para a página dos instrutores: a solução de cada um traz os critérios de correção.
CORRIGIDOS_POR_LEITURA = ("ex-l6-lr",)


@verificador("ex-l6-relu", "LeNet-5 moderna com ReLU")
def verificar_moderna_relu(modelo):
    """``modelo`` deve ser a LeNet-5 moderna com cada ``nn.Tanh`` trocada por ``nn.ReLU``."""
    return conferir_rede(modelo, lenet5_moderna(), (nn.Tanh, nn.ReLU), "moderna_relu")


@verificador("ex-l6-maxpool", "agrupamento pelo máximo")
def verificar_moderna_max(modelo):
    """``modelo`` deve ser a LeNet-5 moderna com ``nn.MaxPool2d(2)`` no lugar de cada ``nn.AvgPool2d``."""
    problemas = conferir_rede(modelo, lenet5_moderna(), (nn.AvgPool2d, nn.MaxPool2d), "moderna_max")
    for camada in modelo.modules():
        if isinstance(camada, nn.MaxPool2d) and (camada.kernel_size not in (2, (2, 2))
                                                  or camada.stride not in (2, (2, 2))):
            problemas.append(f"use janelas 2×2 com passo 2, como S2 e S4 (achei {camada}).")
            break
    return problemas
