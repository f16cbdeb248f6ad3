"""O que todas as figuras do curso usam: cores, contraste, a grade de valores e o GIF animado."""
import io
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle

from cursoconv.formato import enxuto

COR_JANELA = "#9ecae1"      # janela da entrada e núcleo em uso
COR_SAIDA = "#fdd0a2"       # valor da saída sendo calculado
COR_PREENCHIMENTO = "#eeeeee"
COR_BORDA = "#444444"
UNIDADE = 0.42              # lado de uma célula das figuras de correlação, em polegadas
#: No celular (tela de 390 px), uma figura de saída ocupa 342 px de largura na lição: para que
#: as letras tenham pelo menos 9,5 px na tela, uma figura de L polegadas precisa de letras de 2·L pt.
PT_POR_POLEGADA = 2.0
#: Figuras de grades (correlação, agrupamento) escrevem um valor por célula: acima deste lado
#: (com o preenchimento) os números ficam ilegíveis no celular e a figura leva minutos.
LADO_MAXIMO = 12
#: Uma animação desenha uma figura por valor da saída: 49 quadros (saída 7×7) já levam uns 15 s.
QUADROS_MAXIMO = 49


def _luminancia(cor):
    """Luminância relativa de uma cor (WCAG 2), de 0 (preto) a 1 (branco)."""
    from matplotlib.colors import to_rgb
    canais = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(cor)]
    return 0.2126 * canais[0] + 0.7152 * canais[1] + 0.0722 * canais[2]


def matriz_de_valores(M, nome):
    """``M`` (tensor, lista ou array do NumPy) como tensor float na CPU, sem gradiente; recusa NaN e infinitos."""
    M = torch.as_tensor(M).detach().cpu().float()
    if not torch.isfinite(M).all():
        raise ValueError(f"{nome} tem NaN ou infinito, que a figura não sabe escrever: confira como {nome} foi "
                         "calculado (uma divisão por zero?) e passe só números finitos.")
    return M


def conferir_preenchimento(preenchimento):
    """Recusa um preenchimento que não seja um inteiro ≥ 0 (as figuras o desenham igual nas quatro bordas)."""
    if isinstance(preenchimento, bool) or not isinstance(preenchimento, int) or preenchimento < 0:
        raise ValueError("preenchimento deve ser um inteiro ≥ 0, as linhas e colunas acrescentadas em cada "
                         f"lado, como 1 (a figura usa o mesmo nas quatro bordas); veio {preenchimento!r}.")


def conferir_tamanho(Xp, quadros=1):
    """Recusa uma entrada (já preenchida) ou uma animação grandes demais para desenhar: ver LADO_MAXIMO."""
    if max(Xp.shape[-2:]) > LADO_MAXIMO:
        raise ValueError(f"A entrada, com o preenchimento, tem {Xp.shape[-2]}×{Xp.shape[-1]} valores: a figura "
                         f"escreve um valor por célula e aceita até {LADO_MAXIMO}×{LADO_MAXIMO} (mais que isso "
                         "fica ilegível e leva minutos); desenhe um pedaço, como X[:6, :6].")
    if quadros > QUADROS_MAXIMO:
        raise ValueError(f"A animação teria {quadros} quadros, uma figura por valor da saída; o limite é "
                         f"{QUADROS_MAXIMO} (mais levaria minutos): use uma entrada menor ou um passo maior.")


def conferir_posicao(posicao, Y):
    """Recusa uma ``posicao`` fora da saída ``Y`` (uma negativa daria, calada, uma janela vazia)."""
    if not (isinstance(posicao, (tuple, list)) and len(posicao) == 2):
        raise ValueError(f"posicao deve ser um par (linha, coluna) da saída, como (0, 1); veio {posicao!r}.")
    i, j = posicao
    if not (0 <= i < Y.shape[0] and 0 <= j < Y.shape[1]):
        raise ValueError(f"posicao={tuple(posicao)} está fora da saída, que tem {Y.shape[0]}×{Y.shape[1]} valores: "
                         f"use linhas de 0 a {Y.shape[0] - 1} e colunas de 0 a {Y.shape[1] - 1}.")
    return i, j


def contraste(cor1, cor2):
    """Razão de contraste entre duas cores (WCAG 2): de 1 (iguais) a 21 (preto e branco)."""
    a, b = sorted((_luminancia(cor1), _luminancia(cor2)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def cor_do_texto(fundo):
    """Preto ou branco, o que tiver mais contraste com ``fundo`` (nada de branco em cor clara)."""
    return "white" if contraste("white", fundo) > contraste("black", fundo) else "black"


def grade(ax, M, x0, y0, janela=None, saida_ate=None, destaque=None, borda_cinza=0, tam=11, fmt=None):
    """Desenha a matriz M com o canto superior esquerdo em (x0, y0), uma célula por valor.

    janela: (i, j, altura, largura) das células pintadas de azul;
    destaque: (i, j) da célula pintada de laranja;
    saida_ate: só as primeiras ``saida_ate`` células (em ordem de leitura) mostram o valor;
    borda_cinza: largura do preenchimento, desenhado em cinza;
    fmt: função que escreve cada valor (por padrão, ``formato.enxuto``: sem casas decimais inúteis).
    """
    fmt = fmt or enxuto
    linhas, colunas = M.shape
    for i in range(linhas):
        for j in range(colunas):
            cor = "white"
            if borda_cinza and (i < borda_cinza or j < borda_cinza or i >= linhas - borda_cinza
                                or j >= colunas - borda_cinza):
                cor = COR_PREENCHIMENTO
            if janela and janela[0] <= i < janela[0] + janela[2] and janela[1] <= j < janela[1] + janela[3]:
                cor = COR_JANELA
            if destaque == (i, j):
                cor = COR_SAIDA
            ax.add_patch(Rectangle((x0 + j, y0 + i), 1, 1, facecolor=cor, edgecolor=COR_BORDA, lw=1.2))
            if saida_ate is None or i * colunas + j < saida_ate:
                ax.text(x0 + j + 0.5, y0 + i + 0.5, fmt(M[i, j]), ha="center", va="center", fontsize=tam)


def fonte_legivel(largura_pol, minimo=11):
    """Tamanho de letra (pt) que fica legível no celular numa figura de ``largura_pol`` polegadas."""
    return max(minimo, math.ceil(PT_POR_POLEGADA * largura_pol))


def largura_do_texto(texto, tamanho):
    """Largura, em polegadas, da linha mais larga de ``texto`` na fonte padrão do matplotlib, em ``tamanho`` pt."""
    from matplotlib.textpath import TextPath
    return max(TextPath((0, 0), linha, size=tamanho).get_extents().width for linha in texto.splitlines()) / 72


def fechar_figura(fig, ax, limites_x, altura, saida, conta):
    """Fecha uma figura de grades (correlação, agrupamento): eixos em células, y para baixo, sem moldura.

    limites_x: (esquerda, direita) em células; altura: a altura em células. Guarda em
    ``fig.saida`` a saída calculada e em ``fig.conta`` a conta escrita; devolve a figura.
    """
    ax.set_xlim(*limites_x)
    ax.set_ylim(altura, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.saida, fig.conta = saida, conta
    return fig


def gif(figs, ms_por_quadro, dpi):
    """Junta as figuras de ``figs`` (uma por quadro) num GIF que se repete; devolve os bytes."""
    from PIL import Image
    if isinstance(ms_por_quadro, bool) or not isinstance(ms_por_quadro, (int, float)) or ms_por_quadro < 20:
        raise ValueError("ms_por_quadro deve ser um número de milissegundos ≥ 20, como 1100 (os navegadores mostram "
                         f"quadros mais curtos por 100 ms); veio {ms_por_quadro!r}.")
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 10 <= dpi <= 300:
        raise ValueError(f"dpi deve ser um número de 10 a 300 pontos por polegada, como 80 (mais que isso faz quadros "
                         f"de dezenas de megapixels); veio {dpi!r}.")
    quadros = []
    for fig in figs:
        fig.set_dpi(dpi)
        fig.canvas.draw()
        quadros.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3]))
        plt.close(fig)
    quadros = [q.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
               for q in quadros]
    duracoes = [ms_por_quadro] * (len(quadros) - 1) + [3 * ms_por_quadro]
    saida = io.BytesIO()
    quadros[0].save(saida, format="GIF", save_all=True, append_images=quadros[1:],
                    duration=duracoes, loop=0)
    return saida.getvalue()


