"""Verificadores da lição 5: certo, errado, em branco, malformado e exceção, sempre sem traceback."""
from collections import OrderedDict

import pytest
import torch
from torch import nn

from cursoconv import lenet, utils
from cursoconv.exercicios import base
from cursoconv.exercicios import licao5 as v


def estado(verificar, resposta, capsys):
    verificar(resposta)
    saida = capsys.readouterr().out
    assert saida.startswith("Exercício «") and "Traceback" not in saida
    return base.RESULTADOS[verificar.rotulo]["estado"], saida


def pendente(*_):
    raise NotImplementedError


def explode(*_):
    raise ZeroDivisionError("divisão por zero")


# ---- ex-l5-f6
@pytest.mark.parametrize("resposta, esperado, trecho", [
    (lambda n: 120 * (n - 12) ** 2 * 84 + 84, "correto", ""),
    (lambda n: 120 * (n - 12) ** 2 * 84, "errado", "faltam os 84 vieses"),
    (lambda n: 120 * (n - 12) ** 2, "errado", "número de entradas de F6"),
    (lambda n: 4_032_084, "errado", "entradas 32×32"),
    (lambda n: 120 * (n - 10) ** 2 * 84 + 84, "errado", "tira 4 pixels"),
    (lambda n: 120.0 * (n - 12) ** 2 * 84 + 84, "correto", ""),
    (None, "sem resposta", ""),
    (pendente, "sem resposta", ""),
    (lambda n: None, "errado", "faltou o return"),
    (lambda n: "muitos", "errado", "número inteiro"),
    (2580564, "errado", "deve ser uma função"),
    (explode, "erro", "ZeroDivisionError"),
])
def test_verificador_f6(resposta, esperado, trecho, capsys):
    obtido, saida = estado(v.verificar_parametros_f6, resposta, capsys)
    assert obtido == esperado and trecho in saida


def test_verificador_f6_nao_aceita_valores_decorados(capsys):
    decorado = {28: 2_580_564, 32: 4_032_084}
    obtido, _ = estado(v.verificar_parametros_f6, lambda n: decorado.get(n, 0), capsys)
    assert obtido == "errado"


# ---- ex-l5-relu e ex-l5-maxpool
def trocar(rede, antigo, novo):
    return nn.Sequential(OrderedDict((nome, novo() if isinstance(c, antigo) else c)
                                     for nome, c in rede.named_children()))


def test_verificador_relu(capsys):
    assert estado(v.verificar_variante_relu, trocar(lenet.lenet5_variante(), nn.Tanh, nn.ReLU), capsys)[0] == "correto"
    sem_nomes = nn.Sequential(*[nn.ReLU() if isinstance(c, nn.Tanh) else c for c in lenet.lenet5_variante()])
    assert estado(v.verificar_variante_relu, sem_nomes, capsys)[0] == "correto"
    obtido, saida = estado(v.verificar_variante_relu, lenet.lenet5_variante(), capsys)
    assert obtido == "errado" and "Tanh" in saida
    obtido, saida = estado(v.verificar_variante_relu, trocar(lenet.lenet5_variante(), nn.Tanh, nn.Sigmoid), capsys)
    assert obtido == "errado" and "Sigmoid" in saida
    assert estado(v.verificar_variante_relu, None, capsys)[0] == "sem resposta"
    obtido, saida = estado(v.verificar_variante_relu, "nn.ReLU", capsys)
    assert obtido == "errado" and "nn.Module" in saida
    quebrada = trocar(lenet.lenet5_variante(), nn.Tanh, nn.ReLU)
    quebrada.F6 = nn.Linear(4800, 84)
    obtido, saida = estado(v.verificar_variante_relu, quebrada, capsys)
    assert obtido == "erro" and "não passa pela rede" in saida


def test_verificador_maxpool(capsys):
    certa = trocar(lenet.lenet5_moderna(), nn.AvgPool2d, lambda: nn.MaxPool2d(2))
    assert estado(v.verificar_moderna_max, certa, capsys)[0] == "correto"
    obtido, saida = estado(v.verificar_moderna_max, lenet.lenet5_moderna(), capsys)
    assert obtido == "errado" and "AvgPool2d" in saida
    janela_errada = trocar(lenet.lenet5_moderna(), nn.AvgPool2d, lambda: nn.MaxPool2d(2, stride=1))
    obtido, _ = estado(v.verificar_moderna_max, janela_errada, capsys)
    assert obtido in ("errado", "erro")
    assert estado(v.verificar_moderna_max, None, capsys)[0] == "sem resposta"
    assert estado(v.verificar_moderna_max, 42, capsys)[0] == "errado"


# ---- ex-l5-avaliar
def avaliar_certo(net, data_iter, loss):
    net.eval()
    soma, acertos, n = 0.0, 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            y_hat = net(X)
            soma += loss(y_hat, y).item() * len(y)
            acertos += (y_hat.argmax(dim=1) == y).sum().item()
            n += len(y)
    return acertos / n, soma / n


def avaliar_por_lote(net, data_iter, loss):
    acc, perdas = avaliar_certo(net, data_iter, loss)[0], []
    with torch.no_grad():
        for X, y in data_iter:
            perdas.append(loss(net(X), y).item())
    return acc, sum(perdas) / len(perdas)


def test_verificador_avaliar(capsys):
    assert estado(v.verificar_avaliar, avaliar_certo, capsys)[0] == "correto"
    obtido, saida = estado(v.verificar_avaliar, avaliar_por_lote, capsys)
    assert obtido == "errado" and "média das perdas dos lotes" in saida
    obtido, saida = estado(v.verificar_avaliar, lambda *a: utils.evaluate_accuracy(*a[1::-1], a[2]), capsys)
    assert obtido == "errado" and "evaluate_accuracy" in saida
    from cursoconv.avaliacao import evaluate_accuracy as com_outro_nome
    obtido, saida = estado(v.verificar_avaliar, lambda *a: com_outro_nome(*a[1::-1], a[2]), capsys)
    assert obtido == "errado" and "evaluate_accuracy" in saida
    assert estado(v.verificar_avaliar, None, capsys)[0] == "sem resposta"
    assert estado(v.verificar_avaliar, pendente, capsys)[0] == "sem resposta"
    obtido, saida = estado(v.verificar_avaliar, lambda *a: 0.5, capsys)
    assert obtido == "errado" and "par (acurácia, perda)" in saida
    obtido, saida = estado(v.verificar_avaliar, lambda *a: ("alta", "baixa"), capsys)
    assert obtido == "errado" and "números" in saida
    assert estado(v.verificar_avaliar, explode, capsys)[0] == "erro"
