"""Gráficos do curso: as curvas de um treino e uma grade de imagens com os nomes das classes."""

import math

import numpy as np
import torch

from .dados import CLASSES

#: Mais imagens que isto numa grade de ``mostrar_imagens`` é um erro (um lote de 256 cabe).
MAXIMO_DE_IMAGENS = 256


def curvas_do_historico(historico):
    """As quatro curvas de um histórico de ``train_validate``, como listas de números, e o nome da avaliação.

    Devolve ``(curvas, avaliado, nome)``: ``curvas`` tem ``perda_treino``, ``acuracia_treino`` e as duas da
    avaliação (``_validacao`` se houver ``perda_validacao``; se não, ``_teste``). Recusa em português
    um histórico sem uma delas, com tamanhos diferentes ou vazio.
    """
    if not isinstance(historico, dict) or "perda_treino" not in historico:
        raise TypeError("historico deve ser o dicionário que utils.train_validate devolve, como em historico = "
                        f"utils.train_validate(...); recebi {type(historico).__name__}.")
    avaliado, nome = ("validacao", "validação") if "perda_validacao" in historico else ("teste", "teste")
    chaves = [f"{medida}_{parte}" for medida in ("perda", "acuracia") for parte in ("treino", avaliado)]
    faltam = [chave for chave in chaves if chave not in historico]
    curvas = {chave: [float(v.detach()) if torch.is_tensor(v) else float(v) for v in historico.get(chave, [])]
              for chave in chaves}
    tamanhos = [len(c) for c in curvas.values()]
    if faltam or len(set(tamanhos)) != 1 or not tamanhos[0]:
        problema = f"faltam {', '.join(faltam)}" if faltam else f"os tamanhos são {', '.join(map(str, tamanhos))}"
        raise ValueError(f"historico deve ter as listas {', '.join(chaves)}, do mesmo tamanho (uma entrada por "
                         f"época) e não vazias; {problema}. Use o dicionário que utils.train_validate devolve.")
    return curvas, avaliado, nome


def plotar_historico(historico, ax=None):
    """Desenha as curvas de perda e de acurácia de um histórico de ``train_validate``, uma acima da outra
    (legíveis num celular); as da avaliação se chamam "validação" se houver ``perda_validacao``."""
    import matplotlib.pyplot as plt
    historico, avaliado, nome = curvas_do_historico(historico)
    if ax is None:
        fig, ax = plt.subplots(2, 1, figsize=(6, 6.5))
        fig.subplots_adjust(hspace=0.45)
    elif np.size(ax) != 2:
        raise ValueError("ax deve ter dois gráficos, um para a perda e outro para a acurácia: "
                         "fig, ax = plt.subplots(2, 1); ou não passe ax.")
    epocas = range(1, len(historico["perda_treino"]) + 1)
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
    imagens = torch.as_tensor(imagens).detach().cpu()
    if imagens.dim() == 2:  # uma imagem só, como X[0, 0]
        imagens = imagens[None]
    if imagens.dim() == 4:
        imagens = imagens[:, 0]
    if len(imagens) > MAXIMO_DE_IMAGENS:  # 60 000 quadros levariam minutos e gigabytes
        raise ValueError(f"Recebi {len(imagens)} imagens: mostre no máximo {MAXIMO_DE_IMAGENS} imagens de cada vez, "
                         "como utils.mostrar_imagens(X[:16], y[:16]).")
    if not len(imagens) or colunas < 1:
        raise ValueError(f"Recebi {len(imagens)} imagens e colunas={colunas}: passe ao menos uma imagem e colunas ≥ 1, "
                         "como utils.mostrar_imagens(X[:16], y[:16]).")
    if titulos:  # com títulos, os rótulos não são lidos
        nomes = list(titulos)
    else:
        rotulos = torch.as_tensor(rotulos).reshape(-1)
        if rotulos.is_floating_point() or ((rotulos < 0) | (rotulos >= len(CLASSES))).any():
            raise ValueError(f"rotulos devem ser as classes, inteiros de 0 a {len(CLASSES) - 1} (como y); recebi "
                             f"{rotulos[:8].tolist()}. Para escrever outra coisa, passe titulos=[...].")
        nomes = [CLASSES[int(r)] for r in rotulos]
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
