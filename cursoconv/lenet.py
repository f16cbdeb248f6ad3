"""A LeNet-5 da lição 5: os dois modelos, a tabela de camadas e as figuras.

``lenet5_variante`` é a rede da aula original (C1, C3 e C5 sem agrupamento);
``lenet5_moderna`` é a LeNet-5 com as camadas S2 e S4 na forma simplificada de
hoje (agrupamento pela média, sem pesos, e saída densa), que não é exatamente a
rede de LeCun et al. (1998): a lição 5 lista as diferenças.

As duas funções são cópias exatas do código escrito na lição (um teste confere).
"""
from collections import OrderedDict

import torch
from torch import nn

from .utils import CLASSES


def lenet5_variante():
    """C1, C3 e C5 (núcleos 5×5, tanh) sem agrupamento; depois 48000 → 84 → 10."""
    return nn.Sequential(OrderedDict([
        ("C1", nn.Conv2d(1, 6, kernel_size=5)), ("tanh1", nn.Tanh()),
        ("C3", nn.Conv2d(6, 16, kernel_size=5)), ("tanh3", nn.Tanh()),
        ("C5", nn.Conv2d(16, 120, kernel_size=5)), ("tanh5", nn.Tanh()),
        ("achatar", nn.Flatten()),
        ("F6", nn.Linear(120 * 20 * 20, 84)), ("tanh6", nn.Tanh()),
        ("saida", nn.Linear(84, 10)),
    ]))


def lenet5_moderna():
    """A LeNet-5 moderna: S2 e S4 são agrupamentos pela média 2×2, sem pesos; saída densa."""
    return nn.Sequential(OrderedDict([
        ("C1", nn.Conv2d(1, 6, kernel_size=5)), ("tanh1", nn.Tanh()),
        ("S2", nn.AvgPool2d(kernel_size=2)),
        ("C3", nn.Conv2d(6, 16, kernel_size=5)), ("tanh3", nn.Tanh()),
        ("S4", nn.AvgPool2d(kernel_size=2)),
        ("C5", nn.Conv2d(16, 120, kernel_size=5)), ("tanh5", nn.Tanh()),
        ("achatar", nn.Flatten()),
        ("F6", nn.Linear(120, 84)), ("tanh6", nn.Tanh()),
        ("saida", nn.Linear(84, 10)),
    ]))


#: Nome antigo de :func:`lenet5_moderna` (a rede não é a "clássica" de 1998; veja a lição 5).
lenet5_classica = lenet5_moderna


def contar_parametros(net):
    """Número de parâmetros treináveis de ``net``."""
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def camadas(net, forma_entrada=(1, 1, 32, 32)):
    """Lista ``(nome, tipo, forma da saída, parâmetros)`` de cada camada, medida com uma passada real."""
    linhas, X = [], torch.zeros(forma_entrada, device=next(net.parameters()).device)
    with torch.no_grad():
        for nome, camada in net.named_children():
            X = camada(X)
            linhas.append((nome, type(camada).__name__, tuple(X.shape[1:]), contar_parametros(camada)))
    return linhas


def tabela_camadas(net, forma_entrada=(1, 1, 32, 32)):
    """A tabela de ``camadas`` como texto, com o total de parâmetros na última linha."""
    linhas = camadas(net, forma_entrada)
    texto = [f"{'camada':<8}{'tipo':<10}{'forma da saída':>18}{'parâmetros':>14}",
             f"{'entrada':<8}{'':<10}{str(tuple(forma_entrada[1:])):>18}{'':>14}"]
    milhar = lambda p: f"{p:,}".replace(",", ".")  # 4.083.626, como se escreve em português
    texto += [f"{n:<8}{t:<10}{str(f):>18}{milhar(p):>14}" for n, t, f, p in linhas]
    texto.append(f"{'total':<8}{'':<10}{'':>18}{milhar(sum(l[3] for l in linhas)):>14}")
    return "\n".join(texto)


def desenhar_arquitetura(net, forma_entrada=(1, 1, 32, 32), titulo=None):
    """Desenha cada camada com peso (convolução, subamostragem, densa), de cima para baixo.

    Cada linha traz o nome da camada num bloco colorido e, ao lado, o tipo com o
    número de parâmetros ("156 parâm.") e, embaixo, a forma da saída. O desenho é estreito
    e alto, para que o texto continue legível na largura de um celular.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    from .figuras import cor_do_texto
    cores = {"Conv2d": "#4c72b0", "AvgPool2d": "#55a868", "Linear": "#dd8452"}
    tipos = {"Conv2d": "convolução 5×5 + tanh", "AvgPool2d": "subamostragem 2×2", "Linear": "densa"}
    blocos = [("entrada", "", tuple(forma_entrada[1:]), 0)] + [
        l for l in camadas(net, forma_entrada) if l[1] in cores]
    passo = 0.62  # altura de cada linha, em polegadas
    fig, ax = plt.subplots(figsize=(4.2, passo * len(blocos) + (0.5 if titulo else 0.1)))
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99 if not titulo else 1 - 0.45 / fig.get_figheight())
    for i, (nome, tipo, forma, params) in enumerate(blocos):
        cor = cores.get(tipo, "#8c8c8c")
        ax.add_patch(FancyBboxPatch((0.05, i + 0.12), 0.9, 0.62, boxstyle="round,pad=0.03", facecolor=cor,
                                    edgecolor="none"))
        ax.text(0.5, i + 0.43, nome.replace("saida", "saída"), ha="center", va="center",
                color=cor_do_texto(cor), weight="bold", fontsize=11)
        descricao = tipos.get(tipo, "imagem de entrada")
        if params:
            descricao += f" · {params:,} parâm.".replace(",", ".")
        ax.text(1.15, i + 0.27, descricao, ha="left", va="center", fontsize=10, color="#222222")
        ax.text(1.15, i + 0.6, "×".join(map(str, forma)), ha="left", va="center", fontsize=10, color="#222222")
        if i:
            ax.annotate("", xy=(0.5, i + 0.1), xytext=(0.5, i - 0.22),
                        arrowprops=dict(arrowstyle="->", color="#333333"))
    ax.set_xlim(0, 4.2)
    ax.set_ylim(len(blocos), 0)
    ax.axis("off")
    if titulo:
        ax.set_title(titulo, fontsize=12)
    return fig


@torch.no_grad()
def previsoes(net, data_iter):
    """Rótulos previstos e verdadeiros de todo ``data_iter``, na CPU."""
    dispositivo = next(net.parameters()).device
    net.eval()
    previstos, reais = [], []
    for X, y in data_iter:
        previstos.append(net(X.to(dispositivo)).argmax(dim=1).cpu())
        reais.append(y.cpu())
    return torch.cat(previstos), torch.cat(reais)


def matriz_de_confusao(previstos, reais, classes=10):
    """Matriz ``M[real, previsto]`` com a contagem de cada par."""
    return torch.bincount(reais * classes + previstos, minlength=classes * classes).reshape(classes, classes)


def desenhar_matriz_de_confusao(M):
    """Mostra a matriz de confusão com os nomes das classes e as contagens."""
    import matplotlib.pyplot as plt
    from .figuras import cor_do_texto
    fig, ax = plt.subplots(figsize=(6.2, 5.8))
    imagem = ax.imshow(M.numpy(), cmap="Blues")
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            ax.text(j, i, int(M[i, j]), ha="center", va="center", fontsize=10,
                    color=cor_do_texto(imagem.cmap(imagem.norm(float(M[i, j])))))
    ax.set_xticks(range(10), CLASSES, rotation=45, ha="right")
    ax.set_yticks(range(10), CLASSES)
    ax.set_xlabel("classe prevista")
    ax.set_ylabel("classe verdadeira")
    fig.tight_layout()
    return fig


def desenhar_previsoes(net, X, y, colunas=4):
    """Imagens com a classe prevista e, entre parênteses, a verdadeira em cima; erros em vermelho.

    Quatro colunas por padrão: a grade fica estreita e os nomes, legíveis no celular.
    """
    import matplotlib.pyplot as plt
    net.eval()
    with torch.no_grad():
        previstos = net(X.to(next(net.parameters()).device)).argmax(dim=1).cpu()
    linhas = -(-len(X) // colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(colunas * 1.6, linhas * 2.0), squeeze=False)
    for i, ax in enumerate(eixos.ravel()):
        ax.axis("off")
        if i < len(X):
            ax.imshow(X[i, 0].cpu().numpy(), cmap="gray_r")
            certo = previstos[i] == y[i]
            ax.set_title(f"{CLASSES[previstos[i]]}\n({CLASSES[y[i]]})", fontsize=11,
                         color="black" if certo else "#c00000", weight="normal" if certo else "bold")
    fig.tight_layout()
    return fig


def _grade_de_eixos(n, colunas=3):
    """Uma grade de ``n`` quadros com até ``colunas`` por linha (estreita, legível no celular)."""
    import matplotlib.pyplot as plt
    colunas = min(n, colunas)
    linhas = -(-n // colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(1.6 * colunas, 1.9 * linhas), squeeze=False)
    for sobra in eixos.ravel()[n:]:
        fig.delaxes(sobra)
    return fig, list(eixos.ravel()[:n])


def desenhar_filtros(pesos, titulo="filtro"):
    """Mostra cada filtro 2-D de uma camada convolucional de entrada única (pesos c_o×1×k×k)."""
    import matplotlib.pyplot as plt
    pesos = pesos.detach().cpu()
    fig, eixos = _grade_de_eixos(len(pesos))
    limite = pesos.abs().max()
    for i, ax in enumerate(eixos):
        ax.axis("off")
        ax.imshow(pesos[i, 0].numpy(), cmap="RdBu_r", vmin=-float(limite), vmax=float(limite))
        ax.set_title(f"{titulo} {i}", fontsize=11)
    fig.tight_layout()
    return fig


def desenhar_mapas(mapas, titulo="mapa"):
    """Mostra os mapas de características (c×H×W) de uma imagem, um por canal."""
    import matplotlib.pyplot as plt
    mapas = mapas.detach().cpu()
    fig, eixos = _grade_de_eixos(len(mapas))
    for i, ax in enumerate(eixos):
        ax.axis("off")
        ax.imshow(mapas[i].numpy(), cmap="viridis")
        ax.set_title(f"{titulo} {i}", fontsize=11)
    fig.tight_layout()
    return fig
