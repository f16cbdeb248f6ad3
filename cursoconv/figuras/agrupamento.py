"""Figuras da lição 4 (agrupamento): a janela sobre a entrada, a animação e o deslocamento.

As lições as chamam como ``figuras.desenhar_agrupamento`` etc. Usam as mesmas
grades e cores das figuras da correlação cruzada (``figuras/base.py``).
"""
import matplotlib.pyplot as plt
import numpy as np
import torch.nn.functional as F

from cursoconv import conv
from cursoconv.formato import enxuto
from .base import (COR_BORDA, conferir_posicao, conferir_preenchimento, conferir_tamanho, fechar_figura, gif, grade,
                   matriz_de_valores)

NOMES_MODO = {"max": "máx", "media": "média"}
#: Tamanho das letras das figuras da lição 4. No celular (tela de 360 px), o livro mostra
#: as figuras com 312 px de largura: para que as letras fiquem com pelo menos 9 pt na tela,
#: uma figura de L polegadas precisa de letras de 2,8·L pt. As figuras abaixo têm até 5 polegadas.
FONTE_L4 = 15


def _moldura(X, preenchimento, modo):
    """X com ``preenchimento`` linhas e colunas de cada lado: -inf no máximo, 0 na média."""
    if not preenchimento:
        return X
    return F.pad(X, (preenchimento,) * 4, value=float("-inf") if modo == "max" else 0.0)


def _preparar(X, tamanho, modo, preenchimento, passo, limitar=False):
    """X como tensor, X com a moldura, a saída, (k_h, k_w) e (s_h, s_w); ``limitar`` recusa X grande demais."""
    X = matriz_de_valores(X, "X")
    conferir_preenchimento(preenchimento)
    janela = conv.par(tamanho, "tamanho")
    Xp = _moldura(X, preenchimento, modo)
    if limitar:
        conferir_tamanho(Xp)
    Y = conv.pool2d_passo(X, janela, (preenchimento, preenchimento), passo, modo)
    return X, Xp, Y, janela, conv.par(janela if passo is None else passo, "passo")


def conta_agrupamento(X, tamanho, modo="max", posicao=(0, 0), preenchimento=0, passo=None):
    """A conta de uma posição da saída, por extenso: "máx(0, 1, 3, 4) = 4"."""
    X, Xp, Y, (k_h, k_w), (s_h, s_w) = _preparar(X, tamanho, modo, preenchimento, passo)
    i, j = conferir_posicao(posicao, Y)
    r, c = i * s_h, j * s_w
    janela = Xp[r:r + k_h, c:c + k_w].flatten()
    escritos = [enxuto(v) for v in janela]
    # com vírgula decimal, os valores se separam por ponto e vírgula: média(0,5; 1; 2; 3)
    valores = "; ".join(escritos) if modo == "media" or any("," in v for v in escritos) else ", ".join(escritos)
    return f"{NOMES_MODO[modo]}({valores}) = {enxuto(Y[i, j])}"


def desenhar_agrupamento(X, tamanho=(2, 2), modo="max", posicao=(0, 0), preenchimento=0, passo=None,
                         revelar=None):
    """Desenha entrada → agrupamento → saída, com a janela da posição ``posicao`` da saída destacada.

    X: n_h × n_w; tamanho: (k_h, k_w) da janela; modo: "max" ou "media";
    preenchimento: linhas e colunas acrescentadas de cada lado (−∞ no máximo, 0 na média);
    passo: (linhas, colunas) que a janela pula; None usa o tamanho da janela, como o PyTorch.
    revelar: quantos valores da saída mostrar (em ordem de leitura); None mostra todos.
    Devolve a figura; ``fig.saida`` guarda a saída (calculada por ``conv.pool2d_passo``)
    e ``fig.conta``, a conta escrita.
    """
    X, Xp, Y, (k_h, k_w), (s_h, s_w) = _preparar(X, tamanho, modo, preenchimento, passo, limitar=True)
    n_h, n_w = Xp.shape
    m_h, m_w = Y.shape
    i, j = conferir_posicao(posicao, Y)
    x_saida = n_w + 2.0
    largura = x_saida + m_w + 0.3
    altura = n_h + 2.0
    fig, ax = plt.subplots(figsize=(0.5 * largura + 0.2, 0.5 * altura + 0.2))
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98)
    grade(ax, Xp, 0, 0.9, janela=(i * s_h, j * s_w, k_h, k_w), borda_cinza=preenchimento, fmt=enxuto,
          tam=FONTE_L4)
    ax.text(n_w / 2, 0.6, "entrada", ha="center", fontsize=FONTE_L4)
    y_saida = 0.9 + (n_h - m_h) / 2
    ax.text(n_w + 1.0, 0.9 + n_h / 2 - 0.3, f"{NOMES_MODO[modo]}\n{k_h}×{k_w}", ha="center", va="bottom",
            fontsize=FONTE_L4)
    ax.annotate("", xy=(x_saida - 0.15, 0.9 + n_h / 2), xytext=(n_w + 0.15, 0.9 + n_h / 2),
                arrowprops={"arrowstyle": "->", "lw": 1.5, "color": COR_BORDA})
    grade(ax, Y, x_saida, y_saida, destaque=(i, j), saida_ate=revelar, fmt=enxuto, tam=FONTE_L4)
    ax.text(x_saida + m_w / 2, y_saida - 0.3, "saída", ha="center", fontsize=FONTE_L4)
    conta = conta_agrupamento(X, tamanho, modo, posicao, preenchimento, passo)
    ax.text(largura / 2, n_h + 1.5, conta, ha="center", va="center", fontsize=FONTE_L4)
    return fechar_figura(fig, ax, (-0.3, largura), altura, Y, conta)


def animar_agrupamento(X, tamanho=(2, 2), modo="max", preenchimento=0, passo=None, ms_por_quadro=1100,
                       dpi=80):
    """GIF animado da janela de agrupamento percorrendo a entrada, um quadro por valor da saída."""
    _, Xp, Y, _, _ = _preparar(X, tamanho, modo, preenchimento, passo, limitar=True)
    conferir_tamanho(Xp, quadros=Y.numel())
    m_h, m_w = Y.shape
    figs = (desenhar_agrupamento(X, tamanho, modo, posicao=divmod(n, m_w), preenchimento=preenchimento,
                                 passo=passo, revelar=n + 1) for n in range(m_h * m_w))
    return gif(figs, ms_por_quadro, dpi)


def desenhar_deslocamento(X, X_deslocada, K, tamanho=(2, 2), rotulo="deslocada"):
    """Compara a convolução e o máximo de duas entradas: a original e uma deslocada.

    Três linhas (entrada, correlação com K, máximo com janela ``tamanho`` e passo
    igual à janela) e duas colunas (original e deslocada). Devolve a figura;
    ``fig.mudancas`` diz, para a correlação e para o máximo, quantos valores mudam
    com o deslocamento e quantos são ao todo; ``fig.saidas`` guarda as matrizes.
    """
    X, X_deslocada, K = matriz_de_valores(X, "X"), matriz_de_valores(X_deslocada, "X_deslocada"), matriz_de_valores(K, "K")
    if X.shape != X_deslocada.shape:
        raise ValueError(f"X {tuple(X.shape)} e X_deslocada {tuple(X_deslocada.shape)} devem ter a mesma forma, para "
                         "comparar valor a valor: desloque sem cortar, como torch.roll(X, 1, dims=1).")
    tamanho = conv.par(tamanho, "tamanho")
    conferir_tamanho(X)
    linhas = []
    for entrada in (X, X_deslocada):
        Y = conv.corr2d(entrada, K)
        linhas.append((entrada, Y, conv.pool2d_passo(Y, tamanho, modo="max")))
    fig, eixos = plt.subplots(3, 2, figsize=(4.6, 4.4),
                              gridspec_kw={"height_ratios": [m.shape[0] for m in linhas[0]]})
    nomes = ["entrada", f"correlação\ncom {_fmt_vetor(K)}", f"máximo\n{tamanho[0]}×{tamanho[1]}"]
    for coluna, (matrizes, titulo) in enumerate(zip(linhas, ("original", rotulo))):
        for linha, M in enumerate(matrizes):
            ax = eixos[linha, coluna]
            M = M.detach().float()
            if linha == 0:
                imagem = ax.imshow(M.numpy(), cmap="gray_r", vmin=0, vmax=1)
            else:
                imagem = ax.imshow(M.numpy(), cmap="coolwarm", vmin=-1, vmax=1)
            for (a, b), v in np.ndenumerate(M.numpy()):
                r, g, bl, _ = imagem.cmap(imagem.norm(v))
                cor = "white" if 0.299 * r + 0.587 * g + 0.114 * bl < 0.5 else "black"
                ax.text(b, a, enxuto(v), ha="center", va="center", fontsize=FONTE_L4 - 2, color=cor)
            ax.set_xticks([])
            ax.set_yticks([])
            if linha == 0:
                ax.set_title(titulo, fontsize=FONTE_L4 - 2)
            if coluna == 0:
                ax.set_ylabel(nomes[linha], fontsize=FONTE_L4 - 2)
    fig.tight_layout()
    fig.saidas = {"original": linhas[0], rotulo: linhas[1]}
    fig.mudancas = {nome: (int((a != b).sum()), a.numel())
                    for nome, a, b in (("correlação", linhas[0][1], linhas[1][1]),
                                       ("máximo", linhas[0][2], linhas[1][2]))}
    return fig


def _fmt_vetor(K):
    """[1, −1] para um núcleo de uma linha; a forma (2×2) para os outros."""
    if K.shape[0] == 1:
        return "[" + ", ".join(enxuto(v).replace("-", "−") for v in K[0]) + "]"
    return "×".join(map(str, K.shape))
