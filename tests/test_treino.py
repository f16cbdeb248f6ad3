"""Testes de cursoconv.treino e cursoconv.avaliacao: contas, erros de uso e o trabalho nunca perdido."""
import math
import re
import signal

import numpy as np
import pytest
import torch
from torch import nn

from cursoconv import ambiente, protecao, utils


def _pecas_de_treino(saidas=10):
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, saidas))
    return net, torch.optim.SGD(net.parameters(), lr=0.1), nn.CrossEntropyLoss()


def _dados(n=8, lote=4, embaralhar=False):
    return utils.CarregadorDeTensores(torch.rand(n, 1, 28, 28), torch.arange(n) % 10, lote, embaralhar)


# ---------------------------------------------------------------- argumentos inválidos

@pytest.mark.parametrize("mudanca, erro, trecho", [
    ({"num_epochs": -1}, ValueError, "num_epochs"),
    ({"num_epochs": 2.5}, ValueError, "num_epochs"),
    ({"loss": lambda a, b: 0}, TypeError, "nn.CrossEntropyLoss"),
    ({"net": lambda x: x}, TypeError, "nn.Module"),
    ({"trainer": "sgd"}, TypeError, "otimizador"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"train_iter": []}, ValueError, "train_iter está vazio"),
    ({"test_iter": []}, ValueError, "test_iter está vazio"),
    ({"device": "gpu"}, utils.DispositivoIndisponivel, "Não conheço o dispositivo"),
])
def test_train_validate_recusa_argumentos(mudanca, erro, trecho):
    net, trainer, loss = _pecas_de_treino()
    args = dict(net=net, train_iter=_dados(), test_iter=_dados(), batch_size=4, trainer=trainer,
                loss=loss, num_epochs=1)
    args.update(mudanca)
    with pytest.raises(erro, match=trecho):
        utils.train_validate(**args)


def test_carregador_vazio_nao_e_divergencia(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    net, trainer, loss = _pecas_de_treino()
    vazio = utils.CarregadorDeTensores(torch.rand(0, 1, 28, 28), torch.zeros(0, dtype=torch.long), 4, True)
    with pytest.raises(ValueError, match="train_iter está vazio"):
        utils.train_validate(net, vazio, _dados(), 4, trainer, loss, 2, device="cpu")
    sem_tamanho = (lote for lote in [])  # um gerador vazio, sem len()
    with pytest.raises(ValueError, match="train_iter não entregou nenhum lote") as erro:
        utils.train_validate(net, sem_tamanho, _dados(), 4, trainer, loss, 1, device="cpu")
    assert not isinstance(erro.value, FloatingPointError)


def test_cuda_sem_gpu_diz_como_ligar_no_colab(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    net, trainer, loss = _pecas_de_treino()
    with pytest.raises(utils.DispositivoIndisponivel) as erro:
        utils.train_validate(net, _dados(), _dados(), 4, trainer, loss, 1, device="cuda")
    assert "Alterar o tipo de ambiente de execução" in str(erro.value) and 'device="cpu"' in str(erro.value)


def test_treinar_dentro_de_no_grad_erro_claro():
    net, trainer, loss = _pecas_de_treino()
    with torch.no_grad(), pytest.raises(RuntimeError, match=r"dentro de torch.no_grad\(\)"):
        utils.train_validate(net, _dados(), _dados(), 4, trainer, loss, 1, device="cpu")


def test_ultima_camada_com_menos_saidas_que_classes():
    net, trainer, loss = _pecas_de_treino(saidas=5)
    antes = [p.detach().clone() for p in net.parameters()]
    with pytest.raises(ValueError, match=r"5 saídas.*0 a 9.*nn.Linear\(784, 10\)"):
        utils.train_validate(net, _dados(20, 4, True), _dados(), 4, trainer, loss, 1, device="cpu")
    assert all(torch.equal(a, p) for a, p in zip(antes, net.parameters()))  # nada foi treinado
    with pytest.raises(ValueError, match="5 saídas"):
        utils.evaluate_accuracy(_dados(), net, loss)
    # Um carregador qualquer cujo 1º lote só tem rótulos pequenos: o erro do PyTorch vira o nosso.
    lotes = [(torch.rand(2, 1, 28, 28), torch.tensor([0, 1])), (torch.rand(2, 1, 28, 28), torch.tensor([9, 1]))]
    with pytest.raises(ValueError, match="5 saídas") as erro:
        utils.train_validate(net, lotes, lotes[:1], 2, trainer, loss, 1, device="cpu")
    assert isinstance(erro.value.__cause__, IndexError)


def test_sem_o_nome_antigo_rapido():
    net, trainer, loss = _pecas_de_treino()
    with pytest.raises(TypeError, match="rapido"):
        utils.train_validate(net, _dados(), _dados(), 4, trainer, loss, 1, device="cpu", rapido=False)


# ---------------------------------------------------------------- avaliação

def test_media_por_amostra_com_ultimo_lote_menor():
    torch.manual_seed(1)
    X, y = torch.randn(5, 3), torch.tensor([0, 1, 2, 1, 0])
    net = nn.Linear(3, 3)
    with torch.no_grad():
        net.weight.copy_(torch.tensor([[1.0, 0, 0], [0, 2.0, 0], [0, 0, -1.0]]))
        net.bias.zero_()
    lotes = utils.CarregadorDeTensores(X, y, 2, False)  # lotes de 2, 2 e 1
    acc, perda = utils.evaluate_accuracy(lotes, net, nn.CrossEntropyLoss())
    # Conta feita à mão: média das 5 perdas individuais, -log softmax da classe certa.
    logits = X @ net.weight.T
    individuais = [-(logits[i, y[i]] - logits[i].exp().sum().log()).item() for i in range(5)]
    assert perda == pytest.approx(sum(individuais) / 5, rel=1e-6)
    assert acc == pytest.approx(sum(int(logits[i].argmax() == y[i]) for i in range(5)) / 5)
    # A média por lote da aula original daria outro número aqui.
    por_lote = (np.mean(individuais[:2]) + np.mean(individuais[2:4]) + individuais[4]) / 3
    assert perda != pytest.approx(por_lote, rel=1e-3)
    for reducao in ("sum", "none"):
        assert utils.evaluate_accuracy(lotes, net, nn.CrossEntropyLoss(reduction=reducao))[1] == pytest.approx(perda, rel=1e-6)


def test_avaliacao_devolve_o_modo_de_cada_submodulo_mesmo_com_erro():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Dropout(0.5), nn.BatchNorm1d(10))
    net.train()
    net[3].eval()  # um submódulo congelado em modo de avaliação
    modos = [m.training for m in net.modules()]
    utils.evaluate_accuracy(_dados(), net, nn.CrossEntropyLoss())
    assert [m.training for m in net.modules()] == modos

    def quebra():
        yield torch.rand(4, 1, 28, 28), torch.zeros(4, dtype=torch.long)
        raise RuntimeError("o carregador quebrou")
    with pytest.raises(RuntimeError, match="quebrou"):
        utils.evaluate_accuracy(quebra(), net, nn.CrossEntropyLoss())
    assert [m.training for m in net.modules()] == modos


# ---------------------------------------------------------------- o treino e o laço da lição 5

def laco_da_licao(net, train_iter, test_iter, loss, otimizador, num_epochs, disp):
    """O laço simples que a lição 5 escreve, sem nada do módulo além de evaluate_accuracy."""
    historico = []
    for _ in range(num_epochs):
        net.train()
        soma, acertos, n = 0.0, 0, 0
        for X, y in train_iter:
            X, y = X.to(disp), y.to(disp)
            y_hat = net(X)
            l = loss(y_hat, y)
            otimizador.zero_grad()
            l.backward()
            otimizador.step()
            soma += l.item() * len(y)
            acertos += (y_hat.argmax(dim=1) == y).sum().item()
            n += len(y)
        historico.append((soma / n, acertos / n, *utils.evaluate_accuracy(test_iter, net, loss)))
    return historico


def _rede_pequena():
    return nn.Sequential(nn.Conv2d(1, 4, 5), nn.Tanh(), nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 24 * 24, 10))


def _treinar(com_laco_da_licao, epocas=2, **kwargs):
    """Treina a rede pequena (com dropout e momento) no subconjunto, a partir da semente 7."""
    train_iter, test_iter = utils.load_data_fashion_mnist(128)
    X, y = train_iter.dataset.tensors
    train_iter = utils.CarregadorDeTensores(X[:1000], y[:1000], 128, True)  # último lote de 104
    utils.fixar_semente(7)
    net = _rede_pequena()
    otimizador = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    loss = nn.CrossEntropyLoss()
    if com_laco_da_licao:
        hist = laco_da_licao(net, train_iter, test_iter, loss, otimizador, epocas, "cpu")
    else:
        hist = utils.train_validate(net, train_iter, test_iter, 128, otimizador, loss, epocas,
                                    device="cpu", **kwargs)
    return net.state_dict(), hist, otimizador


def test_train_validate_da_os_mesmos_pesos_que_o_laco_da_licao(monkeypatch):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    referencia, hist_ref, _ = _treinar(True)
    pesos, hist, _ = _treinar(False, grafo_cuda=False)  # o teste de equivalência da lição 5
    for nome, valor in referencia.items():
        assert torch.equal(pesos[nome], valor), nome
    for epoca, (perda, acc, acc_teste, perda_teste) in enumerate(hist_ref):
        assert hist["perda_treino"][epoca] == pytest.approx(perda, rel=1e-5)
        assert hist["acuracia_treino"][epoca] == acc and hist["acuracia_teste"][epoca] == acc_teste
        assert hist["perda_teste"][epoca] == perda_teste
    # E o treino de fato mexeu nos pesos (a comparação não é trivial).
    utils.fixar_semente(7)
    assert not torch.equal(_rede_pequena().state_dict()["0.weight"], referencia["0.weight"])


def test_treino_diminui_a_perda_e_imprime_com_virgula(monkeypatch, capsys):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    utils.fixar_semente(0)
    train_iter, test_iter = utils.load_data_fashion_mnist(64)
    net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(6 * 12 * 12, 10))
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    hist = utils.train_validate(net, train_iter, test_iter, 64, trainer, nn.CrossEntropyLoss(), 10, device="cpu")
    saida = capsys.readouterr().out
    assert "10 épocas reduzidas a 2" in saida and saida.count("\népoca ") == 2
    linha = re.compile(r"^época 2, perda treino \d,\d{4}, acurácia treino \d,\d{3}, perda teste \d,\d{4}, "
                       r"acurácia teste \d,\d{3}, tempo \d+,\d s$", re.M)
    assert linha.search(saida), saida
    assert hist["perda_treino"][1] < hist["perda_treino"][0] < math.log(10) + 0.1
    assert hist["acuracia_teste"][-1] > 0.6  # o acaso daria 0.1


# ---------------------------------------------------------------- NaN: parar, restaurar, explicar

class LotesComVeneno:
    """Lotes fixos; na época ``epoca`` e no lote ``lote`` (contando de 1), as imagens viram infinito."""

    def __init__(self, epoca, lote, n=40, tamanho=8):
        gerador = torch.Generator().manual_seed(3)
        self.X, self.y = torch.rand(n, 1, 28, 28, generator=gerador), torch.randint(0, 10, (n,), generator=gerador)
        self.epoca_ruim, self.lote_ruim, self.tamanho = epoca, lote, tamanho
        self.epoca, self.entregues = 0, 0

    def __len__(self):
        return len(self.y) // self.tamanho

    def __iter__(self):
        self.epoca += 1
        self.entregues = 0
        for i in range(len(self)):
            X = self.X[i * self.tamanho:(i + 1) * self.tamanho].clone()
            if (self.epoca, i + 1) == (self.epoca_ruim, self.lote_ruim):
                X[0] = float("inf")
            self.entregues += 1
            yield X, self.y[i * self.tamanho:(i + 1) * self.tamanho]


def _rede_e_otimizador():
    utils.fixar_semente(5)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    return net, torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)


def test_perda_nan_no_meio_da_epoca_2(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    loss = nn.CrossEntropyLoss()
    # Referência: o estado depois de 1 época boa.
    net_ref, otim_ref = _rede_e_otimizador()
    utils.train_validate(net_ref, LotesComVeneno(0, 0), LotesComVeneno(0, 0), 8, otim_ref, loss, 1, device="cpu")

    net, otimizador = _rede_e_otimizador()
    lotes = LotesComVeneno(epoca=2, lote=3)
    with pytest.raises(utils.TreinoDivergiu) as erro:
        utils.train_validate(net, lotes, LotesComVeneno(0, 0), 8, otimizador, loss, 4, device="cpu")
    e = erro.value
    assert isinstance(e, FloatingPointError) and protecao.TreinoDivergiu is utils.TreinoDivergiu
    assert (e.epoca, e.iteracao) == (2, 3) and lotes.entregues == 3  # parou na própria iteração
    assert len(e.historico["perda_treino"]) == 1 and all(len(v) == 1 for v in e.historico.values())
    mensagem = str(e)
    assert "época 2, iteração 3" in mensagem and "pesos do fim da época 1" in mensagem
    assert "estado do otimizador" in mensagem and "erro.historico" in mensagem
    # o veneno está nos dados (um pixel infinito): a mensagem diz isso, e não "use um lr menor"
    assert "pixels NaN ou infinitos" in mensagem and "não na taxa de aprendizado" in mensagem
    assert "lr) menor" not in mensagem
    for p, q in zip(net.parameters(), net_ref.parameters()):
        assert torch.equal(p, q) and p.grad is None
    for p, q in zip(net.parameters(), net_ref.parameters()):  # o momento do SGD também voltou
        assert torch.equal(otimizador.state[p]["momentum_buffer"], otim_ref.state[q]["momentum_buffer"])


def test_perda_nan_na_epoca_1_volta_aos_pesos_iniciais(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    net, otimizador = _rede_e_otimizador()
    iniciais = [p.detach().clone() for p in net.parameters()]
    with pytest.raises(utils.TreinoDivergiu, match="pesos iniciais") as erro:
        utils.train_validate(net, LotesComVeneno(1, 4), LotesComVeneno(0, 0), 8, otimizador,
                             nn.CrossEntropyLoss(), 2, device="cpu")
    assert erro.value.historico["perda_treino"] == [] and erro.value.iteracao == 4
    assert all(torch.equal(a, p) for a, p in zip(iniciais, net.parameters()))
    assert otimizador.state_dict()["state"] == {}


def test_lr_enorme_diverge_e_os_pesos_ficam_finitos(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    net, _, loss = _pecas_de_treino()
    trainer = torch.optim.SGD(net.parameters(), lr=1e30)
    X = torch.rand(32, 1, 28, 28) * 1e6
    lotes = utils.CarregadorDeTensores(X, torch.randint(0, 10, (32,)), 8, True)
    with pytest.raises(FloatingPointError, match=r"taxa de aprendizado \(lr\) menor") as erro:
        utils.train_validate(net, lotes, lotes, 8, trainer, loss, 3, device="cpu")
    assert "nos dados" not in str(erro.value)
    assert all(torch.isfinite(p).all() for p in net.parameters())


# ---------------------------------------------------------------- Stop: parar limpo e devolver

class LotesQueParam(LotesComVeneno):
    """Na época ``epoca``, ao entregar o lote ``lote``, faz ``acao()`` (um Ctrl+C, por exemplo)."""

    def __init__(self, epoca, lote, acao):
        super().__init__(0, 0)
        self.parar_em, self.acao = (epoca, lote), acao

    def __iter__(self):
        for i, lote in enumerate(super().__iter__(), 1):
            if (self.epoca, i) == self.parar_em:
                self.acao()
            yield lote


def _interromper():
    raise KeyboardInterrupt


@pytest.mark.parametrize("acao, iteracao", [
    (lambda: signal.raise_signal(signal.SIGINT), 3),  # o Stop do Jupyter: a iteração 3 termina
    (_interromper, 2),                                # um KeyboardInterrupt direto, no meio do lote 3
])
def test_stop_devolve_o_historico_e_diz_onde_parou(monkeypatch, capsys, acao, iteracao):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    net, otimizador = _rede_e_otimizador()
    lotes = LotesQueParam(2, 3, acao)
    hist = utils.train_validate(net, lotes, LotesComVeneno(0, 0), 8, otimizador, nn.CrossEntropyLoss(), 5,
                                device="cpu")
    assert len(hist["perda_treino"]) == 1 and len(hist["tempo"]) == 1
    saida = capsys.readouterr().out
    assert f"Treino interrompido na época 2, iteração {iteracao}." in saida
    assert "histórico até aqui (1 época completa)" in saida and "pesos da rede ficam como estavam" in saida
    assert all(torch.isfinite(p).all() for p in net.parameters())
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # o Ctrl+C volta ao normal


def test_stop_no_ultimo_lote_conta_a_epoca(monkeypatch, capsys):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    net, otimizador = _rede_e_otimizador()
    lotes = LotesQueParam(1, 5, lambda: signal.raise_signal(signal.SIGINT))  # 5 lotes por época
    hist = utils.train_validate(net, lotes, LotesComVeneno(0, 0), 8, otimizador, nn.CrossEntropyLoss(), 3,
                                device="cpu")
    assert len(hist["perda_treino"]) == 1 and "Treino interrompido no fim da época 1" in capsys.readouterr().out
