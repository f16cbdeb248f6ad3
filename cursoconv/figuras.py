"""Figuras das lições 1 a 4, desenhadas com matplotlib a partir de valores calculados.

Nenhum número é digitado nas figuras: as saídas vêm das funções de
``cursoconv.conv``, as mesmas que as lições mostram. As lições chamam estas
funções numa célula de código, e ``ferramentas/gerar_figuras.py`` grava as
mesmas figuras em ``figures/``.
"""
import io

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.patches import Rectangle

from . import conv

COR_JANELA = "#9ecae1"      # janela da entrada e núcleo em uso
COR_SAIDA = "#fdd0a2"       # valor da saída sendo calculado
COR_PREENCHIMENTO = "#eeeeee"
COR_BORDA = "#444444"
UNIDADE = 0.42              # lado de uma célula das figuras de correlação, em polegadas


def _luminancia(cor):
    """Luminância relativa de uma cor (WCAG 2), de 0 (preto) a 1 (branco)."""
    from matplotlib.colors import to_rgb
    canais = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(cor)]
    return 0.2126 * canais[0] + 0.7152 * canais[1] + 0.0722 * canais[2]


def contraste(cor1, cor2):
    """Razão de contraste entre duas cores (WCAG 2): de 1 (iguais) a 21 (preto e branco)."""
    a, b = sorted((_luminancia(cor1), _luminancia(cor2)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def cor_do_texto(fundo):
    """Preto ou branco, o que tiver mais contraste com ``fundo`` (nada de branco em cor clara)."""
    return "white" if contraste("white", fundo) > contraste("black", fundo) else "black"


def _fmt(v):
    """Escreve um número sem casas decimais inúteis (2, -1, 0.5)."""
    v = float(v)
    if np.isinf(v):
        return "−∞" if v < 0 else "∞"
    return str(int(round(v))) if abs(v - round(v)) < 1e-9 else f"{v:.2f}".rstrip("0")


def _grade(ax, M, x0, y0, janela=None, saida_ate=None, destaque=None, borda_cinza=0, tam=11, fmt=None):
    """Desenha a matriz M com o canto superior esquerdo em (x0, y0), uma célula por valor.

    janela: (i, j, altura, largura) das células pintadas de azul;
    destaque: (i, j) da célula pintada de laranja;
    saida_ate: só as primeiras ``saida_ate`` células (em ordem de leitura) mostram o valor;
    borda_cinza: largura do preenchimento, desenhado em cinza;
    fmt: função que escreve cada valor (por padrão, sem casas decimais inúteis).
    """
    fmt = fmt or _fmt
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


def _saida(Xp, K, passo):
    """A saída da correlação cruzada, calculada pelas funções da lição correspondente."""
    if tuple(passo) == (1, 1):
        return conv.corr2d_multi_in(Xp, K)
    return sum(conv.corr2d_passo(x, k, passo) for x, k in zip(Xp, K))


def expressao(X, K, posicao=(0, 0), preenchimento=0, passo=(1, 1)):
    """A conta de uma posição da saída, por extenso: "0×0 + 1×1 + 3×2 + 4×3 = 19"."""
    Xp, K3, Y = _preparar(X, K, preenchimento, passo)
    i, j = posicao
    k_h, k_w = K3.shape[1:]
    r, c = i * passo[0], j * passo[1]
    partes = []
    for x, k in zip(Xp, K3):
        janela = x[r:r + k_h, c:c + k_w]
        termos = " + ".join(f"{_fmt(a)}×{_fmt(b)}" for a, b in zip(janela.flatten(), k.flatten()))
        partes.append(termos)
    texto = partes[0] if len(partes) == 1 else " + ".join(f"({p})" for p in partes)
    return f"{texto} = {_fmt(Y[i, j])}"


def _preparar(X, K, preenchimento, passo):
    X3 = X if X.dim() == 3 else X.unsqueeze(0)
    K3 = K if K.dim() == 3 else K.unsqueeze(0)
    Xp = F.pad(X3, (preenchimento,) * 4) if preenchimento else X3
    return Xp, K3, _saida(Xp, K3, passo)


def desenhar_correlacao(X, K, posicao=(0, 0), preenchimento=0, passo=(1, 1), revelar=None, titulo=None):
    """Desenha entrada ⋆ núcleo = saída, com a janela da posição ``posicao`` da saída destacada.

    X: n_h × n_w (um canal) ou c_i × n_h × n_w; K: k_h × k_w ou c_i × k_h × k_w.
    preenchimento: zeros acrescentados em cada lado; passo: (linhas, colunas) por passo.
    revelar: quantos valores da saída mostrar (em ordem de leitura); None mostra todos.
    Devolve a figura; ``fig.saida`` guarda a saída calculada e ``fig.conta`` a conta escrita.
    """
    Xp, K3, Y = _preparar(X, K, preenchimento, passo)
    c_i, n_h, n_w = Xp.shape
    k_h, k_w = K3.shape[1:]
    m_h, m_w = Y.shape
    i, j = posicao
    faixa = max(n_h, m_h) + 1.6           # altura reservada a cada canal
    x_nucleo = n_w + 1.6
    x_saida = x_nucleo + k_w + 1.6
    largura = x_saida + m_w + 0.3
    altura = c_i * faixa + 0.7
    conta = expressao(X, K, posicao, preenchimento, passo)
    escrita = conta.replace(") + (", ")\n+ (")  # uma linha por canal, para caber na figura
    if c_i > 1:
        altura += 0.5 * (c_i - 1)
    fig, ax = plt.subplots(figsize=(UNIDADE * largura + 0.2, UNIDADE * altura + 0.2))
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98)
    for c in range(c_i):
        y0 = c * faixa + 0.9
        _grade(ax, Xp[c], 0, y0, janela=(i * passo[0], j * passo[1], k_h, k_w), borda_cinza=preenchimento)
        yk = y0 + (n_h - k_h) / 2
        _grade(ax, K3[c], x_nucleo, yk, janela=(0, 0, k_h, k_w))
        ax.text(n_w + 0.8, y0 + n_h / 2, "⋆", ha="center", va="center", fontsize=30)
        rotulo = "" if c_i == 1 else f" (canal {c + 1})"
        ax.text(n_w / 2, y0 - 0.3, "entrada" + rotulo, ha="center", fontsize=11)
        ax.text(x_nucleo + k_w / 2, yk - 0.3, "núcleo" + rotulo, ha="center", fontsize=11)
    y_saida = (c_i * faixa + 0.9 - m_h) / 2 if c_i > 1 else 0.9 + (n_h - m_h) / 2
    _grade(ax, Y, x_saida, y_saida, destaque=(i, j), saida_ate=revelar)
    ax.text(x_saida - 0.8, y_saida + m_h / 2, "=", ha="center", va="center", fontsize=18)
    ax.text(x_saida + m_w / 2, y_saida - 0.3, "saída" if c_i == 1 else "saída\n(soma dos canais)",
            ha="center", fontsize=11)
    ax.text(largura / 2, c_i * faixa + 0.2, escrita, ha="center", va="top" if c_i > 1 else "center", fontsize=11)
    if titulo:
        ax.set_title(titulo)
    ax.set_xlim(-0.3, largura)
    ax.set_ylim(altura, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.saida, fig.conta = Y, conta
    return fig


def animar_correlacao(X, K, preenchimento=0, passo=(1, 1), ms_por_quadro=1100, dpi=80):
    """GIF animado da janela deslizando sobre a entrada, um quadro por valor da saída.

    Usa ``desenhar_correlacao`` em cada quadro. Devolve os bytes do GIF (para
    ``IPython.display.Image(data=...)`` ou para gravar num arquivo).
    """
    _, _, Y = _preparar(X, K, preenchimento, passo)
    m_h, m_w = Y.shape
    figs = (desenhar_correlacao(X, K, posicao=divmod(n, m_w), preenchimento=preenchimento,
                                passo=passo, revelar=n + 1) for n in range(m_h * m_w))
    return _gif(figs, ms_por_quadro, dpi)


def _gif(figs, ms_por_quadro, dpi):
    """Junta as figuras de ``figs`` (uma por quadro) num GIF que se repete; devolve os bytes."""
    from PIL import Image
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
    negativo em azul, zero neutro. Com outros mapas (``"gray"``: 0 preto, 1 branco)
    a escala vai do menor ao maior valor da matriz. Se as matrizes com valores
    escritos forem largas demais para um celular, elas continuam na linha de
    baixo; sem valores (``anotar=False``), ficam numa linha de 6 polegadas.
    ``lado`` fixa o tamanho da figura (largura, altura), em polegadas.
    """
    matrizes = [torch.as_tensor(M).detach().float() for M in matrizes]
    cmaps = cmaps or ["coolwarm"] * len(matrizes)
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
                ax.text(j, i, _fmt(v), ha="center", va="center", fontsize=9, color=cor)
        ax.set_title(titulo, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def grafico_encolhimento(n, k, camadas, p=0):
    """Lado da imagem depois de cada uma de ``camadas`` convoluções k×k, sem e com preenchimento p."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
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
    return fig


#: Figuras da lição 4, em figuras_agrupamento.py, entregues aqui pelo nome.
_AGRUPAMENTO = {"conta_agrupamento", "desenhar_agrupamento", "animar_agrupamento", "desenhar_deslocamento"}


def __getattr__(nome):
    """``figuras.desenhar_agrupamento`` e as outras figuras da lição 4 (em figuras_agrupamento.py)."""
    if nome in _AGRUPAMENTO:
        from cursoconv import figuras_agrupamento
        return getattr(figuras_agrupamento, nome)
    raise AttributeError(f"o módulo cursoconv.figuras não tem {nome!r}")


from .explorador import explorador  # noqa: E402,F401  (o explorador interativo, em cursoconv/explorador.py)
