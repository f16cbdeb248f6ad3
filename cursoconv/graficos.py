"""Gráficos do curso: as curvas de um treino e uma grade de imagens com os nomes das classes."""

import math

import numpy as np

from .dados import CLASSES


def plotar_historico(historico, ax=None):
    """Desenha as curvas de perda e de acurácia de um histórico de ``train_validate``.

    As curvas da avaliação se chamam "validação" quando o histórico tem
    ``perda_validacao`` (treino avaliado na validação de ``dividir_validacao``), e "teste" senão.

    Os dois gráficos ficam um acima do outro, para que as letras continuem
    legíveis na largura de um celular.
    """
    import matplotlib.pyplot as plt
    if ax is None:
        fig, ax = plt.subplots(2, 1, figsize=(6, 6.5))
        fig.subplots_adjust(hspace=0.45)
    epocas = range(1, len(historico["perda_treino"]) + 1)
    avaliado, nome = ("validacao", "validação") if "perda_validacao" in historico else ("teste", "teste")
    for chave, rotulo in (("perda_treino", "treino"), (f"perda_{avaliado}", nome)):
        ax[0].plot(epocas, historico[chave], marker="o", label=rotulo)
    for chave, rotulo in (("acuracia_treino", "treino"), (f"acuracia_{avaliado}", nome)):
        ax[1].plot(epocas, historico[chave], marker="o", label=rotulo)
    for a, titulo in zip(ax, ("Perda (entropia cruzada)", "Acurácia")):
        a.set_xlabel("época")
        a.set_title(titulo)
        a.grid(alpha=0.3)
        a.legend()
    return ax


def mostrar_imagens(imagens, rotulos, titulos=None, colunas=8, escala=1.5):
    """Mostra uma grade de imagens (N×1×H×W ou N×H×W) com o nome da classe em cada uma."""
    import matplotlib.pyplot as plt
    imagens = imagens.detach().cpu()
    if imagens.dim() == 4:
        imagens = imagens[:, 0]
    linhas = math.ceil(len(imagens) / colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(colunas * escala, linhas * escala * 1.15))
    for i, ax in enumerate(np.atleast_1d(eixos).ravel()):
        ax.axis("off")
        if i < len(imagens):
            ax.imshow(imagens[i].numpy(), cmap="gray_r")
            ax.set_title(titulos[i] if titulos else CLASSES[int(rotulos[i])], fontsize=11)
    fig.tight_layout()
    return fig
