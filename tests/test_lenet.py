"""Testes de cursoconv.lenet: modelos, tabela de camadas, matriz de confusão e figuras."""
import matplotlib
import pytest
import torch
from torch import nn

from cursoconv import lenet

matplotlib.use("Agg")


def test_contagem_de_parametros_das_duas_lenets():
    assert lenet.contar_parametros(lenet.lenet5_variante()) == 4_083_626
    assert lenet.contar_parametros(lenet.lenet5_classica()) == 61_706
    # F6 da variante: 48000 entradas para cada um dos 84 neurônios, mais os vieses.
    assert lenet.contar_parametros(lenet.lenet5_variante().F6) == 48000 * 84 + 84


@pytest.mark.parametrize("construtor, formas", [
    (lenet.lenet5_variante, {"C1": (6, 28, 28), "C3": (16, 24, 24), "C5": (120, 20, 20),
                             "achatar": (48000,), "saida": (10,)}),
    (lenet.lenet5_classica, {"C1": (6, 28, 28), "S2": (6, 14, 14), "C3": (16, 10, 10),
                             "S4": (16, 5, 5), "C5": (120, 1, 1), "saida": (10,)}),
])
def test_formas_de_saida_de_cada_camada(construtor, formas):
    linhas = {nome: (forma, p) for nome, _, forma, p in lenet.camadas(construtor())}
    for nome, forma in formas.items():
        assert linhas[nome][0] == forma
    assert construtor()(torch.zeros(3, 1, 32, 32)).shape == (3, 10)


def test_tabela_de_camadas_traz_formas_e_total():
    tabela = lenet.tabela_camadas(lenet.lenet5_classica())
    assert "(16, 5, 5)" in tabela and tabela.splitlines()[-1].split()[-1] == "61.706"
    assert len(tabela.splitlines()) == 2 + len(lenet.lenet5_classica()) + 1


def test_matriz_de_confusao_conta_cada_par():
    reais = torch.tensor([0, 0, 1, 2, 2, 2])
    previstos = torch.tensor([0, 1, 1, 2, 0, 2])
    M = lenet.matriz_de_confusao(previstos, reais, classes=3)
    assert M.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert M.sum() == 6 and M.diag().sum() == 4


def test_previsoes_percorrem_todo_o_iterador():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(4, 3))
    dados = [(torch.randn(5, 1, 2, 2), torch.tensor([0, 1, 2, 0, 1])) for _ in range(3)]
    previstos, reais = lenet.previsoes(net, dados)
    assert len(previstos) == 15 and torch.equal(reais, torch.cat([y for _, y in dados]))
    esperado = torch.cat([net(X).argmax(1) for X, _ in dados])
    assert torch.equal(previstos, esperado)


def test_figuras_desenham_o_que_recebem():
    net = lenet.lenet5_classica()
    fig = lenet.desenhar_arquitetura(net)
    textos = {t.get_text() for t in fig.axes[0].texts}
    assert {"C1", "S4", "16×5×5", "120×1×1", "saída"} <= textos
    assert len(lenet.desenhar_filtros(net.C1.weight).axes) == 6
    assert len(lenet.desenhar_mapas(torch.rand(4, 8, 8)).axes) == 4
    M = torch.arange(100).reshape(10, 10)
    assert fig_texto(lenet.desenhar_matriz_de_confusao(M), "99")
    X, y = torch.rand(3, 1, 32, 32), torch.tensor([1, 2, 3])
    assert len([a for a in lenet.desenhar_previsoes(net, X, y).axes if a.images]) == 3


def fig_texto(fig, texto):
    return any(t.get_text() == texto for t in fig.axes[0].texts)
