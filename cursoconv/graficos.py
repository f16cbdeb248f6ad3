"""Gráficos do curso: as curvas de um treino e uma grade de imagens com os nomes das classes."""

import math

import numpy as np
import torch

from .dados import CLASSES

#: Mais imagens que isto numa grade de ``mostrar_imagens`` é um erro (um lote de 256 cabe).
MAXIMO_DE_IMAGENS = 256


def plotar_historico(historico, ax=None):
    """Desenha as curvas de perda e de acurácia de um histórico de ``train_validate``, uma acima da outra
    (legíveis num celular); as da avaliação se chamam "validação" se houver ``perda_validacao``."""
    import matplotlib.pyplot as plt
    if not isinstance(historico, dict) or "perda_treino" not in historico:
        raise TypeError("historico deve ser o dicionário que utils.train_validate devolve, como em historico = "
                        f"utils.train_validate(...); recebi {type(historico).__name__}.")
    if ax is None:
        fig, ax = plt.subplots(2, 1, figsize=(6, 6.5))
        fig.subplots_adjust(hspace=0.45)
    elif np.size(ax) != 2:
        raise ValueError("ax deve ter dois gráficos, um para a perda e outro para a acurácia: "
                         "fig, ax = plt.subplots(2, 1); ou não passe ax.")
    epocas = range(1, len(historico["perda_treino"]) + 1)
    avaliado, nome = ("validacao", "validação") if "perda_validacao" in historico else ("teste", "teste")
    for a, medida, titulo in zip(ax, ("perda", "acuracia"), ("Perda (entropia cruzada)", "Acurácia")):
        for chave, rotulo in ((f"{medida}_treino", "treino"), (f"{medida}_{avaliado}", nome)):
            a.plot(epocas, historico[chave], marker="o", label=rotulo)
        a.set_xlabel("época")
        a.set_title(titulo)
        a.grid(alpha=0.3)
        a.legend()
    return ax


def mostrar_imagens(imagens, rotulos, titulos=None, colunas=8, escala=1.5):
    """Mostra uma grade de imagens (N×1×H×W, N×H×W ou uma só, H×W) com o nome da classe em cada uma."""
    import matplotlib.pyplot as plt
    imagens = imagens.detach().cpu()
    if imagens.dim() == 2:  # uma imagem só, como X[0, 0]
        imagens = imagens[None]
    if imagens.dim() == 4:
        imagens = imagens[:, 0]
    if len(imagens) > MAXIMO_DE_IMAGENS:  # 60 000 quadros levariam minutos e gigabytes
        raise ValueError(f"Recebi {len(imagens)} imagens: mostre no máximo {MAXIMO_DE_IMAGENS} imagens de cada vez, "
                         "como utils.mostrar_imagens(X[:16], y[:16]).")
    nomes = list(titulos) if titulos else [CLASSES[int(r)] for r in torch.as_tensor(rotulos).reshape(-1)]
    if len(nomes) != len(imagens):
        raise ValueError(f"Recebi {len(imagens)} imagens e {len(nomes)} {'títulos' if titulos else 'rótulos'}: passe "
                         "um para cada imagem, como utils.mostrar_imagens(X[:16], y[:16]).")
    linhas = math.ceil(len(imagens) / colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(colunas * escala, linhas * escala * 1.15))
    for i, ax in enumerate(np.atleast_1d(eixos).ravel()):
        ax.axis("off")
        if i < len(imagens):
            ax.imshow(imagens[i].numpy(), cmap="gray_r")
            ax.set_title(nomes[i], fontsize=12)
    fig.tight_layout()
    return fig
