"""Testes da iteração de treino num grafo CUDA (cursoconv.grafo_cuda): só rodam numa GPU NVIDIA.

Comparam os pesos depois de treinar com e sem o grafo (e com o laço simples da
lição 5), o recuo para o laço comum quando a gravação falha (Adam sem
``capturable=True``) e a perda NaN vista de dentro do grafo.
"""
import contextlib
import os

os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # contas determinísticas no cuBLAS

import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from cursoconv import ambiente, grafo_cuda, treino, utils  # noqa: E402

precisa_de_cuda = pytest.mark.skipif(not torch.cuda.is_available(),
                                     reason="precisa de uma GPU NVIDIA (CUDA); o grafo CUDA só existe nela")


def test_recuo_quando_a_gravacao_falha_sem_gpu(monkeypatch, capsys):
    """Na CPU, com um grafo falso que não grava: aquecimento, recuo e lote final menor dão
    os mesmos pesos, bit a bit, que o laço comum (a mesma ordem sorteada, uma iteração por lote)."""
    class FluxoFalso:
        def wait_stream(self, outro):
            pass

    def captura_impossivel(grafo):
        raise RuntimeError("gravação não suportada (falsa)")
    for nome, valor in (("Stream", lambda *a: FluxoFalso()), ("current_stream", lambda *a: FluxoFalso()),
                        ("stream", lambda f: contextlib.nullcontext()), ("CUDAGraph", object),
                        ("graph", captura_impossivel), ("synchronize", lambda *a: None)):
        monkeypatch.setattr(torch.cuda, nome, valor)
    X, y = torch.rand(1000, 1, 28, 28), torch.randint(0, 10, (1000,))
    pesos = []
    for com_grafo in (True, False):
        utils.fixar_semente(2)
        net = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(784, 10))
        otimizador = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        iteracao = treino.Iteracao(net, otimizador, nn.CrossEntropyLoss(), torch.device("cpu"))
        carregador = utils.CarregadorDeTensores(X, y, 64, True)  # 15 lotes de 64 e um de 40
        grafo = grafo_cuda.GrafoCUDA(iteracao, carregador, torch.device("cpu"))
        for _ in range(2):  # duas épocas
            if com_grafo:
                tamanhos = list(grafo.iteracoes())
            else:
                tamanhos = []
                for Xb, yb in carregador:
                    iteracao(Xb, yb)
                    tamanhos.append(len(yb))
            assert tamanhos == [64] * 15 + [40]
        pesos.append([p.detach().clone() for p in net.parameters()])
        if com_grafo:
            assert grafo.falhou and grafo.aquecidos == grafo_cuda.GrafoCUDA.AQUECIMENTO
    assert "Aviso: não consegui gravar a iteração de treino num grafo CUDA" in capsys.readouterr().out
    assert all(torch.equal(a, b) for a, b in zip(*pesos))


@pytest.fixture
def deterministico(monkeypatch):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    torch.use_deterministic_algorithms(True, warn_only=True)
    yield
    torch.use_deterministic_algorithms(False)


@pytest.fixture
def capturas(monkeypatch):
    """Conta as gravações de grafo que deram certo."""
    contagem = []
    original = grafo_cuda.GrafoCUDA._capturar

    def capturar(self, indices):
        original(self, indices)
        contagem.append(1)
    monkeypatch.setattr(grafo_cuda.GrafoCUDA, "_capturar", capturar)
    return contagem


def _rede():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6 * 12 * 12, 10))


def _treinar(otimizador_de, como, epocas=2):
    """Treina a mesma rede, da mesma semente, no subconjunto (3000 imagens, último lote de 56)."""
    train_iter, test_iter = utils.load_data_fashion_mnist(128)
    utils.fixar_semente(11)
    net = _rede().cuda()
    otimizador = otimizador_de(net)
    loss = nn.CrossEntropyLoss()
    if como == "licao":
        from test_treino import laco_da_licao
        laco_da_licao(net, train_iter, test_iter, loss, otimizador, epocas, "cuda")
    else:
        utils.train_validate(net, train_iter, test_iter, 128, otimizador, loss, epocas, device="cuda",
                             grafo_cuda=(como == "grafo"), barra=False)
    return [p.detach().cpu() for p in net.parameters()]


def _sgd(net):
    return torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)


@precisa_de_cuda
def test_grafo_da_os_mesmos_pesos_que_sem_grafo(deterministico, capturas):
    com_grafo = _treinar(_sgd, "grafo")
    assert capturas == [1]  # o grafo foi mesmo gravado (uma vez por chamada)
    sem_grafo = _treinar(_sgd, "comum")
    licao = _treinar(_sgd, "licao")
    for a, b, c in zip(com_grafo, sem_grafo, licao):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(b, c, rtol=1e-4, atol=1e-5)
    utils.fixar_semente(11)
    inicial = [p.detach() for p in _rede().parameters()]
    assert not torch.allclose(inicial[0], com_grafo[0])  # o treino mexeu nos pesos


@precisa_de_cuda
def test_adam_sem_capturable_recua_para_o_laco_comum(deterministico, capturas, capsys):
    adam = lambda net: torch.optim.Adam(net.parameters(), lr=1e-3)
    com_recuo = _treinar(adam, "grafo")
    saida = capsys.readouterr().out
    assert "Aviso: não consegui gravar a iteração de treino num grafo CUDA" in saida and capturas == []
    sem_grafo = _treinar(adam, "comum")
    for a, b in zip(com_recuo, sem_grafo):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


@precisa_de_cuda
def test_adam_capturable_entra_no_grafo(deterministico, capturas):
    adam = lambda net: torch.optim.Adam(net.parameters(), lr=1e-3, capturable=True)
    com_grafo = _treinar(adam, "grafo")
    sem_grafo = _treinar(adam, "comum")
    assert capturas == [1]
    for a, b in zip(com_grafo, sem_grafo):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


@precisa_de_cuda
def test_perda_nan_dentro_do_grafo(monkeypatch):
    """Uma imagem infinita no lote k: o laço acha a iteração exata, para e restaura os pesos iniciais."""
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    X, y = torch.rand(128 * 120, 1, 28, 28), torch.randint(0, 10, (128 * 120,))
    # A conferência de entrada de train_validate recusaria a imagem infinita antes do treino; aqui se testa
    # a guarda de dentro do grafo, por isso a imagem estraga logo depois dessa conferência.
    conferir = treino.conferir_argumentos

    def conferir_e_estragar(*argumentos):
        conferir(*argumentos)
        X[5000] = float("inf")

    monkeypatch.setattr(treino, "conferir_argumentos", conferir_e_estragar)
    train_iter = utils.CarregadorDeTensores(X, y, 128, True)
    test_iter = utils.CarregadorDeTensores(X[:256], y[:256], 128, False)
    utils.fixar_semente(3)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10)).cuda()
    iniciais = [p.detach().clone() for p in net.parameters()]
    otimizador = torch.optim.SGD(net.parameters(), lr=0.1)
    utils.fixar_semente(4)
    esperada = int((torch.randperm(len(y)) == 5000).nonzero()) // 128 + 1  # o mesmo sorteio do laço
    utils.fixar_semente(4)
    with pytest.raises(utils.TreinoDivergiu) as erro:
        utils.train_validate(net, train_iter, test_iter, 128, otimizador, nn.CrossEntropyLoss(), 3,
                             device="cuda", barra=False)
    assert erro.value.epoca == 1 and erro.value.iteracao == esperada
    assert all(torch.equal(a, p) for a, p in zip(iniciais, net.parameters()))
    assert treino.VERIFICAR_A_CADA > 1  # na GPU a leitura é espaçada; a iteração continua exata


@precisa_de_cuda
def test_ultima_camada_pequena_na_gpu_da_erro_claro_e_nao_quebra_a_sessao(monkeypatch):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    train_iter, test_iter = utils.load_data_fashion_mnist(128)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 5))
    with pytest.raises(ValueError, match="5 saídas"):
        utils.train_validate(net, train_iter, test_iter, 128, torch.optim.SGD(net.parameters(), lr=0.1),
                             nn.CrossEntropyLoss(), 1, device="cuda", barra=False)
    assert torch.ones(2, device="cuda").sum().item() == 2  # a GPU continua usável


@precisa_de_cuda
def test_camadas_preguicosas_entram_no_grafo(deterministico, capturas):
    """Uma rede com camadas preguiçosas (como a LeNet do d2l), com o otimizador criado antes dos pesos nascerem:
    os pesos nascem no 1º lote, na GPU, e a iteração de treino é gravada no grafo como a de qualquer rede."""
    train_iter, test_iter = utils.load_data_fashion_mnist(128)
    utils.fixar_semente(11)
    net = nn.Sequential(nn.LazyConv2d(6, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(), nn.LazyLinear(10))
    otimizador = _sgd(net)
    historico = utils.train_validate(net, train_iter, test_iter, 128, otimizador, nn.CrossEntropyLoss(), 2,
                                     device="cuda", barra=False)
    assert capturas == [1] and len(historico["perda_treino"]) == 2
    assert historico["perda_treino"][1] < historico["perda_treino"][0]
    assert all(p.is_cuda and not nn.parameter.is_lazy(p) and bool(torch.isfinite(p).all()) for p in net.parameters())
