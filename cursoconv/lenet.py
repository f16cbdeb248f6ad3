"""A LeNet-5 da lição 5: os dois modelos, a tabela de camadas e as contagens.

``lenet5_variante`` é a rede da aula original (C1, C3 e C5 sem agrupamento);
``lenet5_moderna`` é a LeNet-5 com as camadas S2 e S4 na forma simplificada de
hoje (agrupamento pela média, sem pesos, e saída densa), que não é exatamente a
rede de LeCun et al. (1998): a lição 5 lista as diferenças.

As duas funções são cópias exatas do código escrito na lição (um teste confere).
As figuras da lição ficam em ``cursoconv/figuras/lenet.py``.
"""
from collections import OrderedDict

import torch
from torch import nn

from .ambiente import dispositivo_de


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


def contar_parametros(net):
    """Número de parâmetros treináveis de ``net``."""
    if any(nn.parameter.is_lazy(p) for p in net.parameters()):
        raise ValueError("A rede tem camadas preguiçosas (nn.LazyLinear, nn.LazyConv2d) ainda sem pesos: passe uma "
                         "imagem antes, como net(X[:1]), ou use lenet.tabela_camadas(net), que faz isso.")
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def camadas(net, forma_entrada=(1, 1, 32, 32)):
    """Lista ``(nome, tipo, forma da saída, parâmetros)`` de cada camada, medida com uma passada real."""
    if len(forma_entrada) != 4:
        raise ValueError("forma_entrada deve ter 4 números, (lote, canais, altura, largura), como (1, 1, 32, 32); "
                         f"recebi {tuple(forma_entrada)}.")
    if not list(net.children()):
        raise ValueError(f"net deve ser uma rede com camadas, como nn.Sequential(nn.Conv2d(1, 6, 5), ...); recebi "
                         f"{type(net).__name__}, sem camadas dentro.")
    tipo = next((p.dtype for p in net.parameters()), torch.float32)  # uma rede em double recebe double
    linhas, X = [], torch.zeros(forma_entrada, device=dispositivo_de(net), dtype=tipo)
    with torch.no_grad():
        for nome, camada in net.named_children():
            try:
                X = camada(X)
            except RuntimeError as erro:
                raise ValueError(
                    f"A camada {nome} ({type(camada).__name__}) não aceitou a entrada de forma {tuple(X.shape)} "
                    f"({erro}). Confira forma_entrada (lote, canais, altura, largura; a LeNet-5 recebe "
                    "(1, 1, 32, 32)) e as camadas da rede, em ordem: print(net).") from erro
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


@torch.no_grad()
def previsoes(net, data_iter):
    """Rótulos previstos e verdadeiros de todo ``data_iter``, na CPU; a rede volta ao modo em que estava."""
    dispositivo, treinando = dispositivo_de(net), net.training
    net.eval()
    previstos, reais = [], []
    try:
        for X, y in data_iter:
            try:
                saida = net(X.to(dispositivo))
            except RuntimeError as erro:
                raise ValueError(f"A rede não aceitou o lote X de forma {tuple(X.shape)} e tipo {X.dtype} ({erro}). "
                                 "X deve ser (lote, canais, altura, largura), como a rede espera (a LeNet-5 recebe "
                                 "(lote, 1, 32, 32)), e do tipo dos pesos: X.float() ou net.float().") from erro
            previstos.append(saida.argmax(dim=1).cpu())
            reais.append(y.cpu())
    finally:
        net.train(treinando)
    return torch.cat(previstos), torch.cat(reais)


def matriz_de_confusao(previstos, reais, classes=10):
    """Matriz ``M[real, previsto]`` com a contagem de cada par (classes de 0 a ``classes`` − 1)."""
    previstos, reais = torch.as_tensor(previstos), torch.as_tensor(reais)
    if previstos.shape != reais.shape or previstos.dim() != 1:
        raise ValueError(f"previstos {tuple(previstos.shape)} e reais {tuple(reais.shape)} devem ser listas de classes "
                         "do mesmo tamanho, uma por imagem: use net(X).argmax(dim=1) e y.")
    for nome, t in (("previstos", previstos), ("reais", reais)):
        if t.is_floating_point():
            raise TypeError(f"{nome} deve ter as classes, inteiros de 0 a {classes - 1}, e não números com "
                            f"vírgula (probabilidades ou saídas da rede?): use net(X).argmax(dim=1).")
        fora = t[(t < 0) | (t >= classes)]
        if len(fora):
            raise ValueError(f"{nome} tem a classe {int(fora[0])}, mas as classes vão de 0 a {classes - 1}; "
                             "passe classes= com o número certo de classes.")
    return torch.bincount(reais * classes + previstos, minlength=classes * classes).reshape(classes, classes)
