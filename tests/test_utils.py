"""Testes do módulo cursoconv.utils: dados, validação de argumentos e treino."""
import gzip
import math
import os
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from cursoconv import utils

COPIA_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-mnist"


def sem_sobras(raiz):
    """Nada pela metade: nenhuma pasta temporária nem arquivo bruto fica em ``raiz``."""
    return [p.name for p in Path(raiz).glob(".parcial-*")] == [] and not (Path(raiz) / "FashionMNIST").exists()


def download_proibido(*args, **kwargs):
    raise AssertionError("o teste não deveria tentar baixar nada")


@pytest.fixture
def modo_completo(monkeypatch):
    monkeypatch.delenv(utils.VARIAVEL_RAPIDO, raising=False)
    monkeypatch.delenv(utils.VARIAVEL_DADOS, raising=False)


# ---------------------------------------------------------------- ordem das fontes

def test_copia_local_quando_a_raiz_esta_vazia(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setattr(utils, "_baixar", download_proibido)
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(copia_sintetica))
    assert utils.preparar_fashion_mnist(tmp_path / "raiz") == "cópia local"
    assert sorted(p.name for p in (tmp_path / "raiz" / "FashionMNIST" / "raw").iterdir()) == sorted(utils.MD5_DESCOMPACTADO)
    assert not list((tmp_path / "raiz").glob(".parcial-*"))


def test_raiz_vem_antes_da_copia_local(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(copia_sintetica))
    utils.preparar_fashion_mnist(tmp_path)
    # Com os dados já na raiz, nem a cópia local (agora inválida) nem a rede são usadas.
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(tmp_path / "nao-existe"))
    monkeypatch.setattr(utils, "_baixar", download_proibido)
    assert utils.preparar_fashion_mnist(tmp_path) == "raiz"


def test_copia_local_vem_antes_do_download(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", download_proibido)
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(copia_sintetica))
    train_iter, test_iter = utils.load_data_fashion_mnist(100, root=tmp_path)
    assert len(train_iter.dataset) == 3000 and len(test_iter.dataset) == 1000


def test_download_quando_nao_ha_copia(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    def download_falso(self):  # faz o que o torchvision faz: .gz e descompactados em raw/
        os.makedirs(self.raw_folder, exist_ok=True)
        for nome in utils.MD5_DESCOMPACTADO:
            dados = gzip.decompress((copia_sintetica / f"{nome}.gz").read_bytes())
            Path(self.raw_folder, nome).write_bytes(dados)
            Path(self.raw_folder, f"{nome}.gz").write_bytes(b"x")
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", download_falso)
    assert utils.preparar_fashion_mnist(tmp_path) == "download"
    assert not list((tmp_path / "FashionMNIST" / "raw").glob("*.gz"))


def test_sem_rede_e_sem_copia_erro_claro_e_nada_pela_metade(tmp_path, monkeypatch, modo_completo):
    def download_interrompido(self):  # grava parte de um arquivo e então a rede cai
        os.makedirs(self.raw_folder, exist_ok=True)
        Path(self.raw_folder, "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b pela metade")
        raise URLError("sem rede")
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", download_interrompido)
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.load_data_fashion_mnist(128, root=tmp_path)
    mensagem = str(erro.value)
    assert "internet" in mensagem and utils.VARIAVEL_DADOS in mensagem and "dataset-fashion-mnist" in mensagem
    assert sem_sobras(tmp_path)


def test_variavel_apontando_para_pasta_inexistente(tmp_path, monkeypatch, modo_completo):
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(tmp_path / "nada"))
    with pytest.raises(utils.ErroDeDados, match="não é uma pasta"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")


def test_arquivo_faltando_na_copia(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    (copia_sintetica / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados, match="t10k-labels-idx1-ubyte.gz"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")
    assert sem_sobras(tmp_path / "raiz")


# ---------------------------------------------------------------- arquivos corrompidos

def test_gz_truncado_e_nomeado(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    alvo = copia_sintetica / "train-images-idx3-ubyte.gz"
    alvo.write_bytes(alvo.read_bytes()[:5000])
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados, match="train-images-idx3-ubyte.gz está corrompido ou truncado"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")
    assert sem_sobras(tmp_path / "raiz")


def test_gz_com_conteudo_alterado(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    alvo = copia_sintetica / "t10k-labels-idx1-ubyte.gz"
    dados = bytearray(gzip.decompress(alvo.read_bytes()))
    dados[-1] = (dados[-1] + 1) % 10  # um rótulo trocado: o gzip é válido, o conteúdo não
    alvo.write_bytes(gzip.compress(bytes(dados)))
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados, match="não é o do Fashion-MNIST oficial"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")


def test_arquivo_corrompido_na_raiz(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(copia_sintetica))
    utils.preparar_fashion_mnist(tmp_path)
    bruto = tmp_path / "FashionMNIST" / "raw" / "train-labels-idx1-ubyte"
    bruto.write_bytes(bruto.read_bytes()[:-10])
    with pytest.raises(utils.ErroDeDados, match="train-labels-idx1-ubyte não confere.*Apague a pasta"):
        utils.preparar_fashion_mnist(tmp_path)


@pytest.mark.skipif(not COPIA_REAL.is_dir(), reason="a cópia real fica em ../shared, ao lado do repositório")
def test_dados_reais_conferem(tmp_path, monkeypatch, modo_completo):
    monkeypatch.setenv(utils.VARIAVEL_DADOS, str(COPIA_REAL))
    train_iter, test_iter = utils.load_data_fashion_mnist(1000, root=tmp_path)
    ytr, yte = train_iter.dataset.tensors[1], test_iter.dataset.tensors[1]
    assert len(ytr) == 60000 and len(yte) == 10000
    assert yte[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert torch.bincount(ytr).tolist() == [6000] * 10
    # O subconjunto do modo rápido são as primeiras 100 imagens de teste de cada classe.
    with np.load(utils.SUBCONJUNTO) as z:
        primeiras = np.sort(np.concatenate([np.flatnonzero(yte.numpy() == c)[:100] for c in range(10)]))
        assert np.array_equal(z["y_teste"], yte.numpy()[primeiras])
        imagens = torchvision.datasets.FashionMNIST(tmp_path, train=False).data.numpy()
        assert np.array_equal(z["X_teste"], imagens[primeiras])


# ---------------------------------------------------------------- carregadores

def test_modo_rapido_usa_o_subconjunto_equilibrado(monkeypatch):
    monkeypatch.setenv(utils.VARIAVEL_RAPIDO, "1")
    monkeypatch.setattr(utils, "_ler_completo", download_proibido)
    train_iter, test_iter = utils.load_data_fashion_mnist(256, resize=32)
    assert torch.bincount(train_iter.dataset.tensors[1]).tolist() == [300] * 10
    assert torch.bincount(test_iter.dataset.tensors[1]).tolist() == [100] * 10
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 32, 32) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert 0 <= X.min() and X.max() <= 1 and X.max() > 0.9
    assert len(train_iter) == math.ceil(3000 / 256)


def test_resize_retangular_e_teste_sem_embaralhar(monkeypatch):
    monkeypatch.setenv(utils.VARIAVEL_RAPIDO, "1")
    _, test_iter = utils.load_data_fashion_mnist(64, resize=(20, 30))
    a, b = [torch.cat([y for _, y in test_iter]) for _ in range(2)]
    assert next(iter(test_iter))[0].shape == (64, 1, 20, 30)
    assert torch.equal(a, b) and torch.equal(a, test_iter.dataset.tensors[1])


def test_treino_embaralha_cada_epoca(monkeypatch):
    monkeypatch.setenv(utils.VARIAVEL_RAPIDO, "1")
    train_iter, _ = utils.load_data_fashion_mnist(3000)
    a, b = [next(iter(train_iter))[1] for _ in range(2)]
    assert not torch.equal(a, b) and torch.equal(a.sort().values, b.sort().values)


# ---------------------------------------------------------------- argumentos inválidos

@pytest.mark.parametrize("lote, erro", [(0, ValueError), (-5, ValueError), (1.5, TypeError),
                                        ("128", TypeError), (True, TypeError)])
def test_batch_size_invalido(lote, erro):
    with pytest.raises(erro, match="batch_size"):
        utils.load_data_fashion_mnist(lote)


@pytest.mark.parametrize("tamanho", [0, -32, (32,), (32, 0), "32", 32.0, (32, 32, 1), True])
def test_resize_invalido(tamanho):
    with pytest.raises(ValueError, match="resize deve ser"):
        utils.load_data_fashion_mnist(128, resize=tamanho)


def _pecas_de_treino():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    return net, torch.optim.SGD(net.parameters(), lr=0.1), nn.CrossEntropyLoss()


@pytest.mark.parametrize("mudanca, erro, trecho", [
    ({"num_epochs": -1}, ValueError, "num_epochs"),
    ({"num_epochs": 2.5}, ValueError, "num_epochs"),
    ({"loss": lambda a, b: 0}, TypeError, "nn.CrossEntropyLoss"),
    ({"net": lambda x: x}, TypeError, "nn.Module"),
    ({"trainer": "sgd"}, TypeError, "torch.optim.SGD"),
    ({"batch_size": 0}, ValueError, "batch_size"),
])
def test_train_validate_recusa_argumentos(mudanca, erro, trecho):
    net, trainer, loss = _pecas_de_treino()
    dados = utils.CarregadorDeTensores(torch.rand(8, 1, 28, 28), torch.zeros(8, dtype=torch.long), 4, False)
    args = dict(net=net, train_iter=dados, test_iter=dados, batch_size=4, trainer=trainer,
                loss=loss, num_epochs=1)
    args.update(mudanca)
    with pytest.raises(erro, match=trecho):
        utils.train_validate(**args)


# ---------------------------------------------------------------- médias e treino

def test_media_por_amostra_com_ultimo_lote_menor():
    torch.manual_seed(1)
    X, y = torch.randn(5, 3), torch.tensor([0, 1, 2, 1, 0])
    net = nn.Linear(3, 3)
    with torch.no_grad():
        net.weight.copy_(torch.tensor([[1.0, 0, 0], [0, 2.0, 0], [0, 0, -1.0]]))
        net.bias.zero_()
    dados = utils.CarregadorDeTensores(X, y, 2, False)  # lotes de 2, 2 e 1
    acc, perda = utils.evaluate_accuracy(dados, net, nn.CrossEntropyLoss())
    # Conta feita à mão: média das 5 perdas individuais, -log softmax da classe certa.
    logits = X @ net.weight.T
    individuais = [-(logits[i, y[i]] - logits[i].exp().sum().log()).item() for i in range(5)]
    assert perda == pytest.approx(sum(individuais) / 5, rel=1e-6)
    assert acc == pytest.approx(sum(int(logits[i].argmax() == y[i]) for i in range(5)) / 5)
    # A média por lote da aula original daria outro número aqui.
    por_lote = (np.mean(individuais[:2]) + np.mean(individuais[2:4]) + individuais[4]) / 3
    assert perda != pytest.approx(por_lote, rel=1e-3)
    # Perdas com redução "sum" e "none" dão a mesma média por amostra.
    for reducao in ("sum", "none"):
        assert utils.evaluate_accuracy(dados, net, nn.CrossEntropyLoss(reduction=reducao))[1] == pytest.approx(perda, rel=1e-6)


def test_treino_diminui_a_perda_no_subconjunto(monkeypatch, capsys):
    monkeypatch.setenv(utils.VARIAVEL_RAPIDO, "1")
    utils.fixar_semente(0)
    train_iter, test_iter = utils.load_data_fashion_mnist(64)
    net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(6 * 12 * 12, 10))
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    hist = utils.train_validate(net, train_iter, test_iter, 64, trainer, nn.CrossEntropyLoss(), 10,
                                device="cpu")
    saida = capsys.readouterr().out
    assert "10 épocas reduzidas a 2" in saida and saida.count("\népoca ") == 2
    assert len(hist["perda_treino"]) == 2
    assert hist["perda_treino"][1] < hist["perda_treino"][0] < math.log(10) + 0.1
    assert hist["acuracia_teste"][-1] > 0.6  # o acaso daria 0.1


def test_perda_nan_para_o_treino_e_sugere_lr_menor(monkeypatch):
    monkeypatch.delenv(utils.VARIAVEL_RAPIDO, raising=False)
    net, _, loss = _pecas_de_treino()
    trainer = torch.optim.SGD(net.parameters(), lr=1e30)
    X = torch.rand(32, 1, 28, 28) * 1e6
    dados = utils.CarregadorDeTensores(X, torch.randint(0, 10, (32,)), 8, True)
    with pytest.raises(FloatingPointError, match="taxa de aprendizado"):
        utils.train_validate(net, dados, dados, 8, trainer, loss, 3, device="cpu")


def test_historico_e_grafico():
    import matplotlib
    matplotlib.use("Agg")
    hist = {"perda_treino": [1.0, 0.5], "perda_teste": [1.1, 0.7],
            "acuracia_treino": [0.6, 0.8], "acuracia_teste": [0.5, 0.75], "tempo": [1, 1]}
    ax = utils.plotar_historico(hist)
    assert [len(a.lines) for a in ax] == [2, 2]
    assert list(ax[1].lines[1].get_ydata()) == [0.5, 0.75]


# ---------------------------------------------------------------- ambiente

def test_sementes_repetem_resultados():
    utils.fixar_semente(123)
    a = (torch.rand(3), np.random.rand(), nn.Linear(2, 2).weight.detach().clone())
    utils.fixar_semente(123)
    b = (torch.rand(3), np.random.rand(), nn.Linear(2, 2).weight.detach().clone())
    assert torch.equal(a[0], b[0]) and a[1] == b[1] and torch.equal(a[2], b[2])


def test_escolha_do_dispositivo(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert utils.escolher_dispositivo().type == "cpu"
    assert "Alterar o tipo de ambiente de execução" in utils.relatar_ambiente()
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert utils.escolher_dispositivo().type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert utils.escolher_dispositivo().type == "cuda"


# ---------------------------------------------------------------- laço rápido

def _treinar_uma_vez(rapido, laco_de_referencia=False):
    """Treina uma rede pequena (com dropout e momento) por 2 épocas no subconjunto."""
    utils.fixar_semente(7)
    train_iter, test_iter = utils.load_data_fashion_mnist(128)  # 3000 imagens: último lote de 56
    net = nn.Sequential(nn.Conv2d(1, 4, 5), nn.Tanh(), nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 24 * 24, 10))
    trainer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    loss = nn.CrossEntropyLoss()
    if laco_de_referencia:  # o laço de livro-texto, escrito aqui sem nada do módulo
        for _ in range(2):
            net.train()
            for X, y in train_iter:
                l = loss(net(X), y)
                trainer.zero_grad()
                l.backward()
                trainer.step()
        return net.state_dict()
    utils.train_validate(net, train_iter, test_iter, 128, trainer, loss, 2, device="cpu", rapido=rapido)
    return net.state_dict()


def test_laco_rapido_chega_aos_mesmos_pesos_que_o_laco_comum(monkeypatch):
    monkeypatch.setenv(utils.VARIAVEL_RAPIDO, "1")
    referencia = _treinar_uma_vez(None, laco_de_referencia=True)
    for rapido in (True, False):
        pesos = _treinar_uma_vez(rapido)
        for nome, valor in referencia.items():
            assert torch.equal(pesos[nome], valor), (rapido, nome)
    # E o treino de fato mexeu nos pesos (a comparação não é trivial).
    utils.fixar_semente(7)
    inicial = nn.Sequential(nn.Conv2d(1, 4, 5), nn.Tanh(), nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 24 * 24, 10))
    assert not torch.equal(inicial.state_dict()["0.weight"], referencia["0.weight"])


def test_carregador_de_tensores_guarda_uma_copia_por_dispositivo():
    dados = utils.CarregadorDeTensores(torch.rand(10, 1, 2, 2), torch.arange(10), 4, False)
    assert len(dados) == 3 and [len(y) for _, y in dados] == [4, 4, 2]
    a = dados.no_dispositivo("cpu")
    assert dados.no_dispositivo(torch.device("cpu"))[0] is a[0]


def test_avaliacao_em_lotes_grandes_da_o_mesmo_que_lote_a_lote():
    torch.manual_seed(0)
    X, y = torch.randn(2500, 1, 6, 6), torch.randint(0, 10, (2500,))
    net = nn.Sequential(nn.Flatten(), nn.Linear(36, 10))
    nossos = utils.evaluate_accuracy(utils.CarregadorDeTensores(X, y, 100, False), net, nn.CrossEntropyLoss())
    lote_a_lote = utils.evaluate_accuracy(list(utils.CarregadorDeTensores(X, y, 100, False)), net, nn.CrossEntropyLoss())
    assert nossos[0] == lote_a_lote[0] and nossos[1] == pytest.approx(lote_a_lote[1], rel=1e-5)
