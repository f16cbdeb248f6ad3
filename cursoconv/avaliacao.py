"""A avaliação (``evaluate_accuracy``) e as conferências que o treino também usa."""

import torch
from torch import nn


def validar_modelo(net, loss):
    if not isinstance(net, nn.Module):
        raise TypeError("net deve ser um modelo do PyTorch (um nn.Module, como nn.Sequential(...)); "
                        f"recebi {type(net).__name__}.")
    if not isinstance(loss, nn.Module) or getattr(loss, "reduction", None) not in ("mean", "sum", "none"):
        raise TypeError("loss deve ser uma função de perda do PyTorch, como nn.CrossEntropyLoss(); "
                        f"recebi {type(loss).__name__}.")


def _dispositivo_do(net):
    p = next(net.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


def _erro_de_saidas(net, saidas, classes):
    lineares = [m for m in net.modules() if isinstance(m, nn.Linear)]
    exemplo = f"nn.Linear({lineares[-1].in_features}, {classes})" if lineares else f"uma camada com {classes} saídas"
    return ValueError(f"A última camada da rede tem {saidas} saídas, mas os rótulos vão de 0 a {classes - 1}: "
                      f"a rede precisa de uma saída por classe ({classes}). Troque a última camada por {exemplo}.")


def conferir_saidas(net, y_hat, y, classes=None):
    """Recusa, antes da conta da perda, uma rede com menos saídas que classes (na GPU, o
    PyTorch só daria um erro assíncrono e a sessão inteira ficaria inutilizável)."""
    if y_hat.dim() == 2 and not y.is_floating_point() and y.numel():
        classes = classes or int(y.max()) + 1
        if y_hat.shape[1] < classes:
            raise _erro_de_saidas(net, y_hat.shape[1], classes)


def calcular_perda(loss, net, y_hat, y):
    try:
        return loss(y_hat, y)
    except IndexError as erro:  # "Target 9 is out of bounds." na CPU
        if "out of bounds" not in str(erro):
            raise
        raise _erro_de_saidas(net, y_hat.shape[1], int(y.max()) + 1) from erro


def soma_da_perda(l, loss, n):
    """Soma das perdas das ``n`` amostras do lote, qualquer que seja a redução da perda."""
    return l * n if loss.reduction == "mean" else l.sum()


def evaluate_accuracy(data_iter, net, loss):
    """Devolve ``(acurácia, perda)`` de ``net`` em ``data_iter``, ambas médias por amostra.

    A aula original dividia a perda pelo número de lotes, o que pesa demais o
    último lote quando ele é menor; aqui somamos a perda de cada amostra e
    dividimos pelo total de amostras. A rede roda em modo de avaliação
    (``net.eval()``); no fim, mesmo se houver erro, cada submódulo volta ao
    modo em que estava (um submódulo congelado em ``eval`` continua em ``eval``).
    """
    validar_modelo(net, loss)
    dispositivo = _dispositivo_do(net)
    modos = [(m, m.training) for m in net.modules()]
    soma_l = torch.zeros((), device=dispositivo)
    acertos = torch.zeros((), device=dispositivo, dtype=torch.long)
    n = 0
    net.eval()
    try:
        with torch.no_grad():
            for X, y in data_iter:
                X, y = X.to(dispositivo, non_blocking=True), y.to(dispositivo, non_blocking=True)
                y_hat = net(X)
                if n == 0:
                    conferir_saidas(net, y_hat, y)
                soma_l += soma_da_perda(calcular_perda(loss, net, y_hat, y), loss, y.shape[0])
                acertos += (y_hat.argmax(dim=1) == y).sum()
                n += y.shape[0]
    finally:
        for modulo, treinando in modos:
            modulo.training = treinando
    if n == 0:
        raise ValueError("data_iter não entregou nenhum lote: confira o carregador de dados.")
    return acertos.item() / n, soma_l.item() / n
