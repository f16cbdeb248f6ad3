"""cursoconv.utils reexporta os nomes de sempre, e as chamadas da aula original continuam valendo.

Os testes de cada parte estão em test_ambiente.py, test_dados.py, test_treino.py e
test_grafo_cuda.py.
"""
import pytest
import torch
from torch import nn

from cursoconv import ambiente, avaliacao, carregadores, dados, graficos, protecao, treino, utils

NOMES_ANTIGOS = {
    "load_data_fashion_mnist": carregadores, "train_validate": treino, "evaluate_accuracy": avaliacao,
    "fixar_semente": ambiente, "escolher_dispositivo": ambiente, "descrever_dispositivo": ambiente,
    "relatar_ambiente": ambiente, "modo_rapido": ambiente, "CLASSES": dados, "ErroDeDados": dados,
    "preparar_fashion_mnist": dados, "MD5_DESCOMPACTADO": dados, "VARIAVEL_DADOS": dados,
    "RAIZ_PADRAO": dados, "VARIAVEL_RAPIDO": ambiente, "EPOCAS_RAPIDO": ambiente,
    "SUBCONJUNTO": carregadores, "CarregadorDeTensores": carregadores, "para_tensores": carregadores,
    "plotar_historico": graficos, "mostrar_imagens": graficos, "TreinoDivergiu": protecao,
}


@pytest.mark.parametrize("nome, modulo", NOMES_ANTIGOS.items())
def test_utils_reexporta_os_nomes_antigos(nome, modulo):
    assert getattr(utils, nome) is getattr(modulo, nome)


def test_chamadas_da_aula_original_sem_mudanca(monkeypatch, capsys):
    """As três chamadas de ../shared/seed/aula-camada-convolucional.txt, como estão lá."""
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    batch_size, num_epochs = 256, 1
    train_iter, test_iter = utils.load_data_fashion_mnist(batch_size, resize=32)
    net = nn.Sequential(nn.Conv2d(1, 6, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(2, 2),
                        nn.Flatten(), nn.Linear(6 * 14 * 14, 10))
    trainer = torch.optim.SGD(net.parameters(), lr=0.9, weight_decay=0.0)
    loss = nn.CrossEntropyLoss()
    utils.train_validate(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs)
    acc, perda = utils.evaluate_accuracy(test_iter, net, loss)
    assert 0 <= acc <= 1 and perda > 0
    assert "época 1, perda treino" in capsys.readouterr().out


def test_historico_e_grafico():
    import matplotlib
    matplotlib.use("Agg")
    hist = {"perda_treino": [1.0, 0.5], "perda_teste": [1.1, 0.7],
            "acuracia_treino": [0.6, 0.8], "acuracia_teste": [0.5, 0.75], "tempo": [1, 1]}
    ax = utils.plotar_historico(hist)
    assert [len(a.lines) for a in ax] == [2, 2]
    assert list(ax[1].lines[1].get_ydata()) == [0.5, 0.75]
    fig = utils.mostrar_imagens(torch.rand(3, 1, 28, 28), torch.tensor([0, 9, 1]), colunas=2)
    assert [a.get_title() for a in fig.axes[:3]] == ["camiseta", "bota", "calça"]


def test_graficos_com_entradas_de_estudante():
    # Antes (segunda passada de fuzzing), cada chamada abaixo dava um erro do Python em inglês.
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    X, y = torch.rand(4, 1, 28, 28), torch.tensor([0, 9, 1, 2])
    # uma imagem só: antes "IndexError: invalid index of a 0-dim tensor"
    assert [a.get_title() for a in utils.mostrar_imagens(X[0], y[0]).axes[:1]] == ["camiseta"]
    assert [a.get_title() for a in utils.mostrar_imagens(X[0, 0], y[0]).axes[:1]] == ["camiseta"]
    with pytest.raises(ValueError, match="4 imagens e 2 rótulos"):  # antes: IndexError
        utils.mostrar_imagens(X, y[:2])
    # o treino inteiro: antes, 60 000 quadros (minutos e gigabytes, a sessão parecia travada)
    with pytest.raises(ValueError, match=r"no máximo 256 imagens.*X\[:16\]"):
        utils.mostrar_imagens(torch.zeros(60000, 1, 28, 28), torch.zeros(60000, dtype=torch.long))
    hist = {"perda_treino": [1.0, 0.5], "perda_teste": [1.1, 0.7],
            "acuracia_treino": [0.6, 0.8], "acuracia_teste": [0.5, 0.75], "tempo": [1, 1]}
    with pytest.raises(ValueError, match=r"plt.subplots\(2, 1\)"):  # antes: 'Axes' object is not iterable
        utils.plotar_historico(hist, plt.subplots()[1])
    for errado in (None, [hist, hist]):  # antes: TypeError ... not subscriptable / list indices
        with pytest.raises(TypeError, match="o dicionário que utils.train_validate devolve"):
            utils.plotar_historico(errado)
    plt.close("all")


@pytest.mark.parametrize("chamada, trecho", [
    # Antes (terceira passada de fuzzing): KeyError 'perda_teste' ou 'acuracia_treino', em inglês
    (lambda h: h.pop("acuracia_treino"), "faltam acuracia_treino"),
    (lambda h: [h.pop(k) for k in ("perda_validacao", "acuracia_validacao")], "faltam perda_teste, acuracia_teste"),
    # antes: "x and y must have same first dimension, but have shapes (2,) and (1,)"
    (lambda h: h.update(perda_validacao=[1.0]), "os tamanhos são 2, 1, 2, 2"),
    # antes: dois gráficos vazios, calados
    (lambda h: h.update({k: [] for k in h}), "não vazias"),
])
def test_historico_incompleto_explica_em_portugues(chamada, trecho):
    import matplotlib
    matplotlib.use("Agg")
    from cursoconv import figuras
    for desenhar in (utils.plotar_historico, lambda h: figuras.desenhar_curvas(h, "rede")):
        hist = {"perda_treino": [1.0, 0.5], "acuracia_treino": [0.6, 0.8],
                "perda_validacao": [1.1, 0.7], "acuracia_validacao": [0.5, 0.75]}
        chamada(hist)
        with pytest.raises(ValueError, match=trecho):
            desenhar(hist)


def test_graficos_aceitam_tensores_listas_e_arrays():
    # Antes: um histórico de tensores com gradiente dava "Can't call numpy() on Tensor that requires grad";
    # imagens em lista ou array do NumPy, AttributeError
    import matplotlib
    matplotlib.use("Agg")
    hist = {"perda_treino": torch.tensor([1.0, 0.5], requires_grad=True), "acuracia_treino": [0.6, 0.8],
            "perda_teste": [torch.tensor(1.1, requires_grad=True), 0.7], "acuracia_teste": (0.5, 0.75)}
    ax = utils.plotar_historico(hist)
    assert list(ax[0].lines[0].get_ydata()) == [1.0, 0.5] and hist["perda_treino"].requires_grad
    X = torch.rand(2, 1, 28, 28)
    for imagens in (X.tolist(), X.numpy()):
        assert [a.get_title() for a in utils.mostrar_imagens(imagens, [0, 9]).axes[:2]] == ["camiseta", "bota"]


@pytest.mark.parametrize("rotulos, colunas, trecho", [
    ([3, 11], 8, "inteiros de 0 a 9"),  # antes: IndexError: tuple index out of range
    ([3, -1], 8, "inteiros de 0 a 9"),  # antes: -1 saía, calado, como "bota"
    ([3.7, 1.0], 8, "inteiros de 0 a 9"),  # antes: 3,7 saía, calado, como "vestido"
    ([3, 1], 0, "colunas ≥ 1"),  # antes: ZeroDivisionError
])
def test_mostrar_imagens_com_rotulos_ou_colunas_errados(rotulos, colunas, trecho):
    with pytest.raises(ValueError, match=trecho):
        utils.mostrar_imagens(torch.rand(2, 28, 28), rotulos, colunas=colunas)
    with pytest.raises(ValueError, match="ao menos uma imagem"):
        utils.mostrar_imagens(torch.rand(0, 28, 28), [])


def test_mostrar_imagens_com_titulos_nao_le_os_rotulos():
    # Com titulos, os rótulos não são lidos: antes desta revisão, None como rótulos dava um RuntimeError em inglês
    # ("Could not infer dtype of NoneType"), e rótulos fora de 0 a 9 eram recusados mesmo sem serem usados.
    for rotulos in (None, [-1, 42]):
        figura = utils.mostrar_imagens(torch.rand(2, 28, 28), rotulos, titulos=["a", "b"])
        assert [a.get_title() for a in figura.axes[:2]] == ["a", "b"]


@pytest.mark.parametrize("semente", [None, "0", 0.5, -1, 2**40])
def test_semente_que_nao_serve_explica_em_portugues(semente, monkeypatch):
    # Antes (segunda passada de fuzzing): "RuntimeError: manual_seed expected a long, but got NoneType"
    # e, no NumPy, "Seed must be between 0 and 2**32 - 1", em inglês.
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    with pytest.raises((TypeError, ValueError), match="semente deve ser um inteiro de 0 a"):
        utils.fixar_semente(semente)
    X = torch.rand(12, 1, 2, 2)
    carregador = utils.CarregadorDeTensores(X, torch.arange(12) % 10, 4, True)
    with pytest.raises((TypeError, ValueError), match="semente deve ser um inteiro de 0 a"):
        utils.dividir_validacao(carregador, 3, semente)
