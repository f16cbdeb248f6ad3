"""Figuras da correlação cruzada (lições 1 a 3), desenhadas com matplotlib a partir de valores calculados.

Nenhum número é digitado nas figuras: as saídas vêm das funções de
``cursoconv.conv``, as mesmas que as lições mostram. As lições chamam estas
funções numa célula de código, e ``ferramentas/gerar_figuras.py`` grava as
mesmas figuras em ``figures/``.
"""
import matplotlib.pyplot as plt
import numpy as np
import torch.nn.functional as F

from cursoconv import conv
from cursoconv.formato import enxuto, virgula_nos_eixos
from .base import (UNIDADE, conferir_posicao, conferir_preenchimento, conferir_tamanho, cor_do_texto, fechar_figura,
                   fonte_legivel, gif, grade, largura_do_texto, matriz_de_valores)


def _saida(Xp, K, passo):
    """A saída da correlação cruzada, calculada pelas funções da lição correspondente."""
    if tuple(passo) == (1, 1):
        return conv.corr2d_multi_in(Xp, K)
    return sum(conv.corr2d_passo(x, k, passo) for x, k in zip(Xp, K))


def expressao(X, K, posicao=(0, 0), preenchimento=0, passo=(1, 1)):
    """A conta de uma posição da saída, por extenso: "0×0 + 1×1 + 3×2 + 4×3 = 19"."""
    Xp, K3, Y, passo = _preparar(X, K, preenchimento, passo)
    i, j = conferir_posicao(posicao, Y)
    k_h, k_w = K3.shape[1:]
    r, c = i * passo[0], j * passo[1]
    partes = []
    for x, k in zip(Xp, K3):
        janela = x[r:r + k_h, c:c + k_w]
        termos = " + ".join(f"{enxuto(a)}×{enxuto(b)}" for a, b in zip(janela.flatten(), k.flatten()))
        partes.append(termos)
    texto = partes[0] if len(partes) == 1 else " + ".join(f"({p})" for p in partes)
    return f"{texto} = {enxuto(Y[i, j])}"


def _preparar(X, K, preenchimento, passo, limitar=False):
    """X e K com 3 dimensões (X preenchido), a saída e o passo como par; ``limitar`` recusa X grande demais."""
    X, K = matriz_de_valores(X, "X"), matriz_de_valores(K, "K")
    conferir_preenchimento(preenchimento)
    passo = conv.par(passo, "passo")
    X3 = X if X.dim() == 3 else X.unsqueeze(0)
    K3 = K if K.dim() == 3 else K.unsqueeze(0)
    Xp = F.pad(X3, (preenchimento,) * 4) if preenchimento else X3
    if limitar:
        conferir_tamanho(Xp)
    return Xp, K3, _saida(Xp, K3, passo), passo


def desenhar_correlacao(X, K, posicao=(0, 0), preenchimento=0, passo=(1, 1), revelar=None, titulo=None):
    """Desenha entrada ⋆ núcleo = saída, com a janela da posição ``posicao`` da saída destacada.

    X: n_h × n_w (um canal) ou c_i × n_h × n_w; K: k_h × k_w ou c_i × k_h × k_w.
    preenchimento: zeros acrescentados em cada lado; passo: (linhas, colunas) por passo.
    revelar: quantos valores da saída mostrar (em ordem de leitura); None mostra todos.
    Devolve a figura; ``fig.saida`` guarda a saída calculada e ``fig.conta`` a conta escrita.
    """
    Xp, K3, Y, passo = _preparar(X, K, preenchimento, passo, limitar=True)
    c_i, n_h, n_w = Xp.shape
    k_h, k_w = K3.shape[1:]
    m_h, m_w = Y.shape
    i, j = conferir_posicao(posicao, Y)
    faixa = max(n_h, m_h) + 1.6           # altura reservada a cada canal
    x_nucleo = n_w + 1.6
    x_saida = x_nucleo + k_w + 1.6
    rotulo_entrada = "entrada" if c_i == 1 else "entrada (canal 1)"
    rotulo_saida = "saída" if c_i == 1 else "saída\n(soma dos canais)"
    # Os rótulos, centrados sobre as grades, podem ser mais largos que elas: a figura cresce
    # para caber cada um inteiro (sem isso, o ")" de "(soma dos canais)" ficava fora da imagem).
    # Uma figura larga (com preenchimento) encolhe mais no celular: letras maiores.
    tam = fonte_legivel(UNIDADE * (x_saida + m_w) + 0.2)
    meio_rotulo = {r: largura_do_texto(r, tam) / UNIDADE / 2 + 0.1 for r in (rotulo_entrada, rotulo_saida)}
    esquerda = min(-0.3, n_w / 2 - meio_rotulo[rotulo_entrada])
    largura = max(x_saida + m_w + 0.3, x_saida + m_w / 2 + meio_rotulo[rotulo_saida])
    altura = c_i * faixa + 0.7
    conta = expressao(X, K, posicao, preenchimento, passo)
    escrita = conta.replace(") + (", ")\n+ (")  # uma linha por canal, para caber na figura
    if c_i > 1:
        altura += 0.5 * (c_i - 1)
    fig, ax = plt.subplots(figsize=(UNIDADE * (largura - esquerda - 0.3) + 0.2, UNIDADE * altura + 0.2))
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98)
    for c in range(c_i):
        y0 = c * faixa + 0.9
        grade(ax, Xp[c], 0, y0, janela=(i * passo[0], j * passo[1], k_h, k_w), borda_cinza=preenchimento, tam=tam)
        yk = y0 + (n_h - k_h) / 2
        grade(ax, K3[c], x_nucleo, yk, janela=(0, 0, k_h, k_w), tam=tam)
        ax.text(n_w + 0.8, y0 + n_h / 2, "⋆", ha="center", va="center", fontsize=30)
        rotulo = "" if c_i == 1 else f" (canal {c + 1})"
        ax.text(n_w / 2, y0 - 0.3, "entrada" + rotulo, ha="center", fontsize=tam)
        ax.text(x_nucleo + k_w / 2, yk - 0.3, "núcleo" + rotulo, ha="center", fontsize=tam)
    y_saida = (c_i * faixa + 0.9 - m_h) / 2 if c_i > 1 else 0.9 + (n_h - m_h) / 2
    grade(ax, Y, x_saida, y_saida, destaque=(i, j), saida_ate=revelar, tam=tam)
    ax.text(x_saida - 0.8, y_saida + m_h / 2, "=", ha="center", va="center", fontsize=18)
    ax.text(x_saida + m_w / 2, y_saida - 0.3, rotulo_saida, ha="center", fontsize=tam)
    ax.text(largura / 2, c_i * faixa + 0.2, escrita, ha="center", va="top" if c_i > 1 else "center", fontsize=tam)
    if titulo:
        ax.set_title(titulo)
    return fechar_figura(fig, ax, (esquerda, largura), altura, Y, conta)


def animar_correlacao(X, K, preenchimento=0, passo=(1, 1), ms_por_quadro=1100, dpi=80):
    """GIF animado da janela deslizando sobre a entrada, um quadro por valor da saída.

    Usa ``desenhar_correlacao`` em cada quadro. Devolve os bytes do GIF (para
    ``IPython.display.Image(data=...)`` ou para gravar num arquivo).
    """
    Xp, _, Y, _ = _preparar(X, K, preenchimento, passo, limitar=True)
    conferir_tamanho(Xp, quadros=Y.numel())
    m_h, m_w = Y.shape
    figs = (desenhar_correlacao(X, K, posicao=divmod(n, m_w), preenchimento=preenchimento,
                                passo=passo, revelar=n + 1) for n in range(m_h * m_w))
    return gif(figs, ms_por_quadro, dpi)


# Largura máxima de uma linha de matrizes, em células (com os espaços entre elas):
# acima disso as matrizes passam para a linha de baixo, e o texto continua
# legível quando a figura encolhe para a largura de um celular.
CELULAS_POR_LINHA = 20
LARGURA_SEM_VALORES = 6.0  # polegadas: matrizes sem valores escritos (imagens 28×28) cabem nisto


def _em_linhas(larguras, limite=CELULAS_POR_LINHA):
    """Divide as matrizes (pelas larguras) em linhas de até ``limite`` células, na ordem."""
    linhas, atual, soma = [], [], 0.0
    for k, largura in enumerate(larguras):
        extra = largura + 1.5
        if atual and soma + extra > limite:
            linhas.append(atual)
            atual, soma = [], 0.0
        atual.append(k)
        soma += extra
    return linhas + [atual]


def mostrar_matrizes(matrizes, titulos, anotar=True, cmaps=None, escala=0.3, lado=None):
    """Mostra matrizes lado a lado como mapas de cores, com os valores escritos se ``anotar``.

    ``cmaps`` dá um mapa de cores por matriz (por padrão, ``"coolwarm"`` em todas).
    Com ``"coolwarm"`` a escala é simétrica em torno de zero: positivo em vermelho,
    negativo em azul, zero neutro. Com outros mapas (``"gray_r"``: 0 branco, 1 preto, como nas imagens do curso)
    a escala vai do menor ao maior valor da matriz. Se as matrizes com valores
    escritos forem largas demais para um celular, elas continuam na linha de
    baixo; sem valores (``anotar=False``), ficam numa linha de 6 polegadas.
    ``lado`` fixa o tamanho da figura (largura, altura), em polegadas.
    """
    matrizes = [matriz_de_valores(M, f"matrizes[{k}]") for k, M in enumerate(matrizes)]
    titulos = [titulos] if isinstance(titulos, str) else list(titulos)
    cmaps = [cmaps] * len(matrizes) if isinstance(cmaps, str) else list(cmaps or ["coolwarm"] * len(matrizes))
    if not matrizes or any(M.dim() != 2 for M in matrizes):
        raise ValueError("matrizes deve ser uma lista de matrizes 2-D, como [X, K, Y]; recebi as formas "
                         f"{[tuple(M.shape) for M in matrizes]}.")
    if not len(titulos) == len(cmaps) == len(matrizes):
        raise ValueError(f"Recebi {len(matrizes)} matrizes, {len(titulos)} títulos e {len(cmaps)} mapas de cores: "
                         "passe um título (e, em cmaps, um mapa) para cada matriz, na mesma ordem.")
    for nome in cmaps:
        if isinstance(nome, str) and nome not in plt.colormaps():
            raise ValueError(f'{nome!r} não é um mapa de cores do matplotlib: use, por exemplo, "coolwarm" (negativos '
                             'em azul, positivos em vermelho) ou "gray_r" (0 branco, 1 preto).')
    if anotar and max(max(M.shape) for M in matrizes) > CELULAS_POR_LINHA:
        raise ValueError(f"Com anotar=True cada valor é escrito na célula: até {CELULAS_POR_LINHA}×{CELULAS_POR_LINHA} "
                         "valores por matriz (mais fica ilegível e demora); para imagens maiores, use anotar=False.")
    larguras = [M.shape[1] for M in matrizes]
    # Sem valores escritos, as células podem ser pequenas: uma linha só, na largura da coluna.
    linhas = _em_linhas(larguras, CELULAS_POR_LINHA if anotar else float("inf"))
    alturas = [max(matrizes[k].shape[0] for k in linha) for linha in linhas]
    largura_max = max(sum(larguras[k] + 1.5 for k in linha) for linha in linhas)
    if not anotar:
        escala = min(escala, LARGURA_SEM_VALORES / largura_max)
    tamanho = lado or (escala * largura_max, sum(escala * a + 0.75 for a in alturas))
    fig = plt.figure(figsize=tamanho)
    grade = fig.add_gridspec(len(linhas), 1, height_ratios=[a + 2.5 for a in alturas])
    eixos = []
    for r, linha in enumerate(linhas):
        folga = largura_max - sum(larguras[k] + 1.5 for k in linha)
        razoes = [folga / 2 + 1e-3] + [larguras[k] + 1.5 for k in linha] + [folga / 2 + 1e-3]
        sub = grade[r].subgridspec(1, len(razoes), width_ratios=razoes)
        eixos += [fig.add_subplot(sub[0, c + 1]) for c in range(len(linha))]
    for ax, M, titulo, nome in zip(eixos, matrizes, titulos, cmaps):
        if nome == "coolwarm":
            limite = max(float(M.abs().max()), 1e-6)
            vmin, vmax = -limite, limite
        else:
            vmin, vmax = float(M.min()), max(float(M.max()), float(M.min()) + 1e-6)
        imagem = ax.imshow(M.numpy(), cmap=nome, vmin=vmin, vmax=vmax)
        if anotar:
            for (i, j), v in np.ndenumerate(M.numpy()):
                cor = cor_do_texto(imagem.cmap(imagem.norm(v)))
                ax.text(j, i, enxuto(v), ha="center", va="center", fontsize=10, color=cor)
        ax.set_title(titulo, fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def grafico_encolhimento(n, k, camadas, p=0):
    """Lado da imagem depois de cada uma de ``camadas`` convoluções k×k, sem e com preenchimento p."""
    if isinstance(camadas, bool) or not isinstance(camadas, int) or not 0 <= camadas <= 50:
        raise ValueError(f"camadas deve ser um inteiro de 0 a 50 (um ponto por camada no gráfico); veio {camadas!r}.")
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    x = list(range(camadas + 1))
    fig.lados = {}
    for pad, rotulo in ((0, "sem preenchimento"), (p, f"preenchimento {p}")):
        lados = [n]
        for _ in range(camadas):
            lados.append(conv.tamanho_saida(lados[-1], k, pad))
        fig.lados[pad] = lados
        ax.plot(x, lados, marker="o", label=f"{rotulo}: termina em {lados[-1]}×{lados[-1]}")
    ax.set_xlabel("camadas convolucionais")
    ax.set_ylabel("lado da imagem (pixels)")
    ax.set_title(f"Imagem {n}×{n} passando por núcleos {k}×{k}")
    ax.set_xticks(x)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return virgula_nos_eixos(fig)
