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
    """Desenha cada camada com peso (convolução, subamostragem, densa) como um bloco com sua forma de saída."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch
    cores = {"Conv2d": "#4c72b0", "AvgPool2d": "#55a868", "Linear": "#dd8452"}
    blocos = [("entrada", "", tuple(forma_entrada[1:]), 0)] + [
        l for l in camadas(net, forma_entrada) if l[1] in cores]
    fig, ax = plt.subplots(figsize=(1.55 * len(blocos), 2.6))
    for i, (nome, tipo, forma, params) in enumerate(blocos):
        altura = 0.9 if len(forma) == 3 else 0.55
        ax.add_patch(FancyBboxPatch((i * 1.5, -altura / 2), 1.15, altura, boxstyle="round,pad=0.03",
                                    color=cores.get(tipo, "#8c8c8c"), alpha=0.9))
        ax.text(i * 1.5 + 0.575, 0.12, nome.replace("saida", "saída"), ha="center", va="center", color="white", weight="bold")
        ax.text(i * 1.5 + 0.575, -0.15, "×".join(map(str, forma)), ha="center", va="center",
                color="white", fontsize=8)
        if params:
            ax.text(i * 1.5 + 0.575, -0.62, f"{params:,} parâm.".replace(",", "."), ha="center", fontsize=7.5)
        if i:
            ax.annotate("", xy=(i * 1.5 - 0.02, 0), xytext=(i * 1.5 - 0.33, 0),
                        arrowprops=dict(arrowstyle="->", color="#333"))
    legenda = {"Conv2d": "convolução 5×5 + tanh", "AvgPool2d": "subamostragem 2×2", "Linear": "densa"}
    for tipo, texto in legenda.items():
        if any(b[1] == tipo for b in blocos):
            ax.plot([], [], "s", color=cores[tipo], label=texto, markersize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 1.22), ncol=3, frameon=False, fontsize=8)
    ax.set_xlim(-0.2, 1.5 * len(blocos) - 0.2)
    ax.set_ylim(-0.8, 0.7)
    ax.axis("off")
    if titulo:
        ax.set_title(titulo, pad=28)
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
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.imshow(M.numpy(), cmap="Blues")
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            ax.text(j, i, int(M[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if M[i, j] > M.max() / 2 else "black")
    ax.set_xticks(range(10), CLASSES, rotation=45, ha="right")
    ax.set_yticks(range(10), CLASSES)
    ax.set_xlabel("classe prevista")
    ax.set_ylabel("classe verdadeira")
    fig.tight_layout()
    return fig


def desenhar_previsoes(net, X, y, colunas=8):
    """Imagens com 'previsto / verdadeiro' em cima; erros em vermelho."""
    import matplotlib.pyplot as plt
    net.eval()
    with torch.no_grad():
        previstos = net(X.to(next(net.parameters()).device)).argmax(dim=1).cpu()
    linhas = -(-len(X) // colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(colunas * 1.6, linhas * 1.95))
    for i, ax in enumerate(eixos.ravel()):
        ax.axis("off")
        if i < len(X):
            ax.imshow(X[i, 0].cpu().numpy(), cmap="gray_r")
            certo = previstos[i] == y[i]
            ax.set_title(f"{CLASSES[previstos[i]]}\n({CLASSES[y[i]]})", fontsize=8,
                         color="black" if certo else "red")
    fig.tight_layout()
    return fig


def desenhar_filtros(pesos, titulo="filtro"):
    """Mostra cada filtro 2-D de uma camada convolucional de entrada única (pesos c_o×1×k×k)."""
    import matplotlib.pyplot as plt
    pesos = pesos.detach().cpu()
    fig, eixos = plt.subplots(1, len(pesos), figsize=(1.6 * len(pesos), 1.9))
    limite = pesos.abs().max()
    for i, ax in enumerate(eixos):
        ax.imshow(pesos[i, 0].numpy(), cmap="RdBu_r", vmin=-float(limite), vmax=float(limite))
        ax.set_title(f"{titulo} {i}", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig


def desenhar_mapas(mapas, titulo="mapa"):
    """Mostra os mapas de características (c×H×W) de uma imagem, um por canal."""
    import matplotlib.pyplot as plt
    mapas = mapas.detach().cpu()
    fig, eixos = plt.subplots(1, len(mapas), figsize=(1.6 * len(mapas), 1.9))
    for i, ax in enumerate(eixos):
        ax.imshow(mapas[i].numpy(), cmap="viridis")
        ax.set_title(f"{titulo} {i}", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig
