"""Grava em ``figures/`` as figuras das lições que não dependem de treino (PNG; animações em GIF).

    python -m ferramentas.gerar_figuras            # grava em figures/ (e a marca em _static/)
    python -m ferramentas.gerar_figuras PASTA      # grava em outra pasta

Grava também, em ``_static/``, o logotipo (``logo.png``) e o ícone do site
(``favicon.png``): uma grade de núcleo 3×3 (``desenhar_marca``, abaixo).

Usa as mesmas funções (``cursoconv.figuras`` e ``cursoconv.lenet``) e os mesmos
dados das lições: os números das figuras são calculados por ``cursoconv.conv``
ou medidos nos modelos, nunca digitados. As figuras da lição 5 que dependem do
treino (curvas, filtros, matriz de confusão) ficam só na lição.
As lições desenham as figuras de novo ao rodar; estes arquivos servem para
quem quer usá-las fora do livro (slides, provas, o README).
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from cursoconv import conv, figuras, lenet  # noqa: E402
from ferramentas.repositorio import RAIZ  # noqa: E402
# A marca do site: nome do arquivo em _static/ -> lado em pixels.
MARCA = {"logo.png": 128, "favicon.png": 32}
# As figuras são gravadas com esta resolução (a mesma que o matplotlib usa no notebook).
DPI = 100


def desenhar_marca(lado_px=128):
    """O logotipo e o ícone do site: um núcleo 3×3 de bordas (colunas 1, 0, −1), em cores.

    ``lado_px``: lado da imagem em pixels (128 para o logotipo, 32 para o ícone).
    Devolve a figura (fundo transparente; grave-a com ``dpi=100``).
    """
    import numpy as np
    from matplotlib.patches import Rectangle

    nucleo = np.array([[1.0, 0.0, -1.0]] * 3)
    fig = plt.figure(figsize=(lado_px / 100, lado_px / 100))
    fig.patch.set_alpha(0)
    ax = fig.add_axes((0, 0, 1, 1))
    margem = 0.04
    cores = plt.get_cmap("coolwarm")
    for i in range(3):
        for j in range(3):
            cor = cores((nucleo[i, j] + 1) / 2)
            ax.add_patch(Rectangle((j + margem, i + margem), 1 - 2 * margem, 1 - 2 * margem,
                                   facecolor=cor, edgecolor=figuras.COR_BORDA, lw=max(lado_px / 64, 0.5)))
    ax.set_xlim(0, 3)
    ax.set_ylim(3, 0)
    ax.axis("off")
    return fig


def exemplos():
    """Os dados das lições: nome da figura -> função que a desenha (figura ou bytes de GIF)."""
    X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    X2 = torch.stack((X, X + 1))
    K2 = torch.stack((K, K + 1))
    bordas = torch.ones((6, 8))
    bordas[:, 2:6] = 0
    K_borda = torch.tensor([[1.0, -1.0]])
    quadrado = torch.zeros(1, 8, 8)
    quadrado[0, 2:6, 2:6] = 1
    K_bordas = torch.tensor([[[[1.0, -1.0], [1.0, -1.0]]], [[[1.0, 1.0], [-1.0, -1.0]]]])
    Y_bordas = conv.corr2d_multi_in_out(quadrado, K_bordas)
    A = torch.tensor([[1.0, 3.0, 2.0, 0.0], [4.0, 8.0, 5.0, 1.0], [0.0, 2.0, 9.0, 7.0], [6.0, 4.0, 3.0, 5.0]])
    borda, borda_deslocada = torch.zeros(4, 7), torch.zeros(4, 7)
    borda[:, :3] = 1
    borda_deslocada[:, :4] = 1
    return {
        "l1-correlacao.png": lambda: figuras.desenhar_correlacao(X, K),
        "l1-animacao.gif": lambda: figuras.animar_correlacao(X, K),
        "l1-borda.png": lambda: figuras.mostrar_matrizes(
            [bordas, K_borda, conv.corr2d(bordas, K_borda)], ["entrada X (6×8)", "núcleo K", "saída Y (6×7)"],
            cmaps=["gray_r", "coolwarm", "coolwarm"]),
        "l1-borda-transposta.png": lambda: figuras.mostrar_matrizes(
            [bordas.t(), K_borda, conv.corr2d(bordas.t(), K_borda)],
            ["entrada transposta (8×6)", "núcleo K", "saída (8×5)"],
            cmaps=["gray_r", "coolwarm", "coolwarm"]),
        "l2-multi-entrada.png": lambda: figuras.desenhar_correlacao(X2, K2),
        "l2-animacao.gif": lambda: figuras.animar_correlacao(X2, K2),
        "l2-dois-canais.png": lambda: figuras.mostrar_matrizes(
            [quadrado[0], Y_bordas[0], Y_bordas[1]],
            ["entrada (8×8)", "canal de saída 0: verticais", "canal de saída 1: horizontais"],
            cmaps=["gray_r", "coolwarm", "coolwarm"]),
        "l3-preenchimento.png": lambda: figuras.desenhar_correlacao(X, K, preenchimento=1),
        "l3-passo.png": lambda: figuras.desenhar_correlacao(X, K, posicao=(0, 1), preenchimento=1, passo=(3, 2)),
        "l3-animacao.gif": lambda: figuras.animar_correlacao(X, K, preenchimento=1, passo=(3, 2)),
        "l3-encolhimento.png": lambda: figuras.grafico_encolhimento(240, 5, 10, p=2),
        "l4-maximo.png": lambda: figuras.desenhar_agrupamento(X, (2, 2), modo="max", passo=(1, 1)),
        "l4-preenchimento.png": lambda: figuras.desenhar_agrupamento(X, (2, 2), modo="max", posicao=(0, 1),
                                                                     preenchimento=1),
        "l4-animacao.gif": lambda: figuras.animar_agrupamento(A, (2, 2), modo="max"),
        "l4-deslocamento.png": lambda: figuras.desenhar_deslocamento(borda, borda_deslocada, K_borda,
                                                                     rotulo="deslocada 1 pixel"),
        "l5-lenet5-moderna.png": lambda: figuras.desenhar_arquitetura(lenet.lenet5_moderna(),
                                                                     titulo="LeNet-5 moderna"),
        "l5-lenet5-variante.png": lambda: figuras.desenhar_arquitetura(lenet.lenet5_variante(),
                                                                     titulo="LeNet-5 sem subamostragem"),
    }


def gerar(destino=RAIZ / "figures"):
    """Grava todas as figuras em ``destino`` e devolve a lista dos arquivos gravados."""
    destino = Path(destino)
    destino.mkdir(parents=True, exist_ok=True)
    gravados = []
    for nome, desenhar in exemplos().items():
        resultado = desenhar()
        caminho = destino / nome
        if isinstance(resultado, bytes):
            caminho.write_bytes(resultado)
        else:
            resultado.savefig(caminho, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
            plt.close(resultado)
        gravados.append(caminho)
    return gravados


def gerar_marca(destino=RAIZ / "_static"):
    """Grava o logotipo e o ícone do site em ``destino``; devolve a lista dos arquivos."""
    destino = Path(destino)
    destino.mkdir(parents=True, exist_ok=True)
    gravados = []
    for nome, lado in MARCA.items():
        fig = desenhar_marca(lado)
        fig.savefig(destino / nome, dpi=100, transparent=True, metadata={"Software": None})
        plt.close(fig)
        gravados.append(destino / nome)
    return gravados


if __name__ == "__main__":
    pasta = sys.argv[1:2]
    for caminho in gerar(*pasta) + gerar_marca(*(Path(p) for p in pasta)):
        print(caminho.relative_to(RAIZ) if caminho.is_relative_to(RAIZ) else caminho)
