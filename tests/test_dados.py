"""Testes de cursoconv.dados e cursoconv.carregadores: achar, conferir, baixar e carregar os dados."""
import errno
import gzip
import multiprocessing
import os
import socket
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
import torch
import torchvision

from cursoconv import ambiente, carregadores, dados, utils

COPIA_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-mnist"


def sem_sobras(raiz):
    """Nada pela metade: nenhuma pasta temporária nem arquivo bruto fica em ``raiz``."""
    raiz = Path(raiz)
    return (not list(raiz.glob(".*parcial-*")) and not (raiz / "FashionMNIST").exists())


def download_proibido(*args, **kwargs):
    raise AssertionError("o teste não deveria tentar baixar nada")


@pytest.fixture
def modo_completo(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    monkeypatch.delenv(dados.VARIAVEL_DADOS, raising=False)


# ---------------------------------------------------------------- ordem das fontes

def test_copia_local_quando_a_raiz_esta_vazia(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setattr(dados, "_baixar", download_proibido)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    assert utils.preparar_fashion_mnist(tmp_path / "raiz") == "cópia local"
    assert sorted(p.name for p in (tmp_path / "raiz" / "FashionMNIST" / "raw").iterdir()) == sorted(dados.MD5_DESCOMPACTADO)
    assert [p.name for p in (tmp_path / "raiz").iterdir()] == ["FashionMNIST"]


def test_raiz_vem_antes_da_copia_local(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    utils.preparar_fashion_mnist(tmp_path)
    # Com os dados já na raiz, nem a cópia local (agora inválida) nem a rede são usadas.
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(tmp_path / "nao-existe"))
    monkeypatch.setattr(dados, "_baixar", download_proibido)
    assert utils.preparar_fashion_mnist(tmp_path) == "raiz"


def test_copia_local_vem_antes_do_download(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", download_proibido)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    train_iter, test_iter = utils.load_data_fashion_mnist(100, root=tmp_path)
    assert len(train_iter.dataset) == 3000 and len(test_iter.dataset) == 1000


def test_download_quando_nao_ha_copia(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    def download_falso(self):  # faz o que o torchvision faz: .gz e descompactados em raw/
        os.makedirs(self.raw_folder, exist_ok=True)
        for nome in dados.MD5_DESCOMPACTADO:
            conteudo = gzip.decompress((copia_sintetica / f"{nome}.gz").read_bytes())
            Path(self.raw_folder, nome).write_bytes(conteudo)
            Path(self.raw_folder, f"{nome}.gz").write_bytes(b"x")
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", download_falso)
    assert utils.preparar_fashion_mnist(tmp_path) == "download"
    assert not list((tmp_path / "FashionMNIST" / "raw").glob("*.gz"))
    assert not list(tmp_path.glob(".*parcial-*"))


def test_sem_rede_e_sem_copia_erro_claro_e_nada_pela_metade(tmp_path, monkeypatch, modo_completo):
    def download_interrompido(self):  # grava parte de um arquivo e então a rede cai
        os.makedirs(self.raw_folder, exist_ok=True)
        Path(self.raw_folder, "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b pela metade")
        raise URLError("sem rede")
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", download_interrompido)
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.load_data_fashion_mnist(128, root=tmp_path)
    mensagem = str(erro.value)
    assert "internet" in mensagem and dados.VARIAVEL_DADOS in mensagem and "dataset-fashion-mnist" in mensagem
    assert isinstance(erro.value.__cause__, URLError)
    assert sem_sobras(tmp_path)


@pytest.fixture
def servidor_mudo():
    """Um servidor em 127.0.0.1 que aceita a conexão (pela fila do sistema) e nunca responde."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/"
    srv.close()


def test_download_parado_tem_limite_de_tempo(tmp_path, servidor_mudo, monkeypatch, modo_completo):
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", [servidor_mudo])
    monkeypatch.setattr(dados, "SEGUNDOS_SEM_PROGRESSO", 0.2)
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(tmp_path)
    mensagem = str(erro.value)
    assert "0,2 s sem mandar nada" in mensagem and dados.VARIAVEL_DADOS in mensagem and "internet" in mensagem
    assert sem_sobras(tmp_path)
    assert socket.getdefaulttimeout() is None  # o limite vale só durante o download


def test_variavel_apontando_para_pasta_inexistente(tmp_path, monkeypatch, modo_completo):
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(tmp_path / "nada"))
    with pytest.raises(utils.ErroDeDados, match="não é uma pasta"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")


def test_variavel_com_til_e_expandida(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(dados.VARIAVEL_DADOS, "~/copia")
    assert utils.preparar_fashion_mnist(tmp_path / "raiz") == "cópia local"


def test_arquivo_faltando_na_copia(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    (copia_sintetica / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados, match="t10k-labels-idx1-ubyte.gz"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")
    assert sem_sobras(tmp_path / "raiz")


# ---------------------------------------------------------------- os arquivos do usuário

def test_nunca_apaga_os_arquivos_do_usuario_em_raw(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    """FASHION_MNIST_DIR = root/FashionMNIST/raw, onde o torchvision guarda os .gz: nada some."""
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.parent.mkdir()
    copia_sintetica.rename(raw)
    (raw / "minhas-notas.txt").write_text("não apague")
    antes = {p.name: p.read_bytes() for p in raw.iterdir()}
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(raw))
    assert utils.preparar_fashion_mnist(tmp_path) == "cópia local"
    depois = {p.name: p.read_bytes() for p in raw.iterdir()}
    assert all(depois[nome] == conteudo for nome, conteudo in antes.items())
    assert set(depois) == set(antes) | set(dados.MD5_DESCOMPACTADO)
    assert utils.preparar_fashion_mnist(tmp_path) == "raiz"


def test_raw_como_link_simbolico(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    (tmp_path / "raiz" / "FashionMNIST").mkdir(parents=True)
    (tmp_path / "raiz" / "FashionMNIST" / "raw").symlink_to(copia_sintetica)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    assert utils.preparar_fashion_mnist(tmp_path / "raiz") == "cópia local"
    assert (tmp_path / "raiz" / "FashionMNIST" / "raw").is_symlink()
    assert all((copia_sintetica / nome).is_file() for nome in dados.MD5_DESCOMPACTADO)


def test_mover_para_outro_disco_copia_e_renomeia(tmp_path, monkeypatch):
    origem, destino = tmp_path / "a", tmp_path / "b"
    origem.write_bytes(b"dados")
    replace = os.replace
    chamadas = []

    def replace_entre_discos(a, b):  # o primeiro os.replace cruza discos, como raw/ num link
        chamadas.append((a, b))
        if len(chamadas) == 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        replace(a, b)
    monkeypatch.setattr(dados.os, "replace", replace_entre_discos)
    dados._mover(origem, destino)
    assert destino.read_bytes() == b"dados" and sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
    assert Path(chamadas[1][0]).parent == destino.parent  # renomeado ao lado do destino


def _preparar_em(root, barreira, fila):
    barreira.wait()
    try:
        fila.put(dados.preparar_fashion_mnist(root))
    except BaseException as erro:  # noqa: BLE001 - o teste mostra o erro
        fila.put(f"{type(erro).__name__}: {erro}")


def test_varios_processos_ao_mesmo_tempo(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    contexto = multiprocessing.get_context("fork")  # os filhos herdam os MD5 trocados pela fixture
    barreira, fila = contexto.Barrier(4), contexto.Queue()
    processos = [contexto.Process(target=_preparar_em, args=(tmp_path, barreira, fila)) for _ in range(4)]
    for p in processos:
        p.start()
    resultados = sorted(fila.get(timeout=120) for _ in processos)
    for p in processos:
        p.join()
    assert resultados == ["cópia local", "raiz", "raiz", "raiz"], resultados
    assert not list(tmp_path.glob(".*parcial-*"))


def test_limpa_as_proprias_pastas_parciais_velhas(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    raiz = tmp_path / "raiz"
    for velha in (".cursoconv-parcial-morto/FashionMNIST/raw", ".parcial-antigo/FashionMNIST/raw"):
        (raiz / velha).mkdir(parents=True)
        (raiz / velha / "train-images-idx3-ubyte").write_bytes(b"pela metade")
    (raiz / ".parcial-do-usuario").mkdir()
    (raiz / ".parcial-do-usuario" / "notas.txt").write_text("meu")
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    utils.preparar_fashion_mnist(raiz)
    restantes = sorted(p.name for p in raiz.iterdir())
    assert restantes == [".parcial-do-usuario", "FashionMNIST"]


# ---------------------------------------------------------------- erros de uso e de arquivo

def test_gz_truncado_e_nomeado(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    alvo = copia_sintetica / "train-images-idx3-ubyte.gz"
    alvo.write_bytes(alvo.read_bytes()[:5000])
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados, match="train-images-idx3-ubyte.gz está corrompido ou truncado"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")
    assert sem_sobras(tmp_path / "raiz")


def test_gz_sem_permissao_de_leitura_nao_e_corrompido(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    abrir = gzip.open

    def gzip_sem_permissao(caminho, *args, **kwargs):  # como chmod 000 (os testes podem rodar como root)
        if Path(caminho).name == "t10k-images-idx3-ubyte.gz":
            raise PermissionError(errno.EACCES, "Permission denied", str(caminho))
        return abrir(caminho, *args, **kwargs)
    monkeypatch.setattr(dados.gzip, "open", gzip_sem_permissao)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(tmp_path / "raiz")
    assert "permissão para ler" in str(erro.value) and "corrompido" not in str(erro.value)
    assert "chmod u+r" in str(erro.value) and isinstance(erro.value.__cause__, PermissionError)
    assert sem_sobras(tmp_path / "raiz")


def test_root_sem_permissao_de_escrita(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    def sem_escrita(*args, **kwargs):  # como uma pasta de outro usuário (os testes podem rodar como root)
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))
    monkeypatch.setattr(dados.tempfile, "TemporaryDirectory", sem_escrita)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.load_data_fashion_mnist(128, root=tmp_path)
    assert "sem permissão de escrita" in str(erro.value) and "root=" in str(erro.value)
    assert isinstance(erro.value.__cause__, PermissionError)


@pytest.mark.parametrize("rapido", ["1", "0"])
def test_root_none_erro_claro(monkeypatch, rapido):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, rapido)
    with pytest.raises(TypeError, match="root deve ser uma pasta.*não passe root"):
        utils.load_data_fashion_mnist(128, root=None)


def test_gz_com_conteudo_alterado(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    alvo = copia_sintetica / "t10k-labels-idx1-ubyte.gz"
    conteudo = bytearray(gzip.decompress(alvo.read_bytes()))
    conteudo[-1] = (conteudo[-1] + 1) % 10  # um rótulo trocado: o gzip é válido, o conteúdo não
    alvo.write_bytes(gzip.compress(bytes(conteudo)))
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados, match="não é o do Fashion-MNIST oficial"):
        utils.preparar_fashion_mnist(tmp_path / "raiz")


def test_arquivo_corrompido_na_raiz_e_nomeado_e_nao_apagado(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    utils.preparar_fashion_mnist(tmp_path)
    bruto = tmp_path / "FashionMNIST" / "raw" / "train-labels-idx1-ubyte"
    bruto.write_bytes(bruto.read_bytes()[:-10])
    with pytest.raises(utils.ErroDeDados, match="train-labels-idx1-ubyte não confere.*Apague o arquivo"):
        utils.preparar_fashion_mnist(tmp_path)
    assert bruto.is_file()


@pytest.mark.skipif(not COPIA_REAL.is_dir(), reason="a cópia real fica em ../shared, ao lado do repositório")
def test_dados_reais_conferem(tmp_path, monkeypatch, modo_completo):
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(COPIA_REAL))
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
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    monkeypatch.setattr(carregadores, "ler_completo", download_proibido)
    train_iter, test_iter = utils.load_data_fashion_mnist(256, resize=32)
    assert torch.bincount(train_iter.dataset.tensors[1]).tolist() == [300] * 10
    assert torch.bincount(test_iter.dataset.tensors[1]).tolist() == [100] * 10
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 32, 32) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert 0 <= X.min() and X.max() <= 1 and X.max() > 0.9
    assert len(train_iter) == -(-3000 // 256)


def test_resize_retangular_e_teste_sem_embaralhar(monkeypatch):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    _, test_iter = utils.load_data_fashion_mnist(64, resize=(20, 30))
    a, b = [torch.cat([y for _, y in test_iter]) for _ in range(2)]
    assert next(iter(test_iter))[0].shape == (64, 1, 20, 30)
    assert torch.equal(a, b) and torch.equal(a, test_iter.dataset.tensors[1])


def test_treino_embaralha_cada_epoca(monkeypatch):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    train_iter, _ = utils.load_data_fashion_mnist(3000)
    a, b = [next(iter(train_iter))[1] for _ in range(2)]
    assert not torch.equal(a, b) and torch.equal(a.sort().values, b.sort().values)


def test_carregador_em_lotes_com_o_ultimo_menor():
    lotes = utils.CarregadorDeTensores(torch.rand(10, 1, 2, 2), torch.arange(10), 4, False)
    assert len(lotes) == 3 and [y.tolist() for _, y in lotes] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_redimensionar_em_blocos_da_o_mesmo_que_tudo_de_uma_vez(monkeypatch):
    imagens = torch.randint(0, 256, (50, 28, 28), dtype=torch.uint8)
    inteiro = carregadores.para_tensores(imagens, (32, 32))
    monkeypatch.setattr(carregadores, "LOTE_DE_REDIMENSIONAR", 7)
    assert torch.equal(carregadores.para_tensores(imagens, (32, 32)), inteiro)


def test_resize_grande_demais_e_recusado_com_a_estimativa(tmp_path, monkeypatch, modo_completo):
    monkeypatch.setattr(carregadores, "ler_completo", download_proibido)
    with pytest.raises(MemoryError) as erro:
        utils.load_data_fashion_mnist(128, resize=224, root=tmp_path)
    assert "13,1 GiB" in str(erro.value) and "70.000" in str(erro.value) and "resize=32" in str(erro.value)


def test_num_workers_e_aceito_e_ignorado_com_aviso(monkeypatch):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    with pytest.warns(UserWarning, match="num_workers=2 foi ignorado"):
        train_iter, _ = utils.load_data_fashion_mnist(128, num_workers=2)
    assert len(train_iter.dataset) == 3000


@pytest.mark.parametrize("lote, erro", [(0, ValueError), (-5, ValueError), (1.5, TypeError),
                                        ("128", TypeError), (True, TypeError)])
def test_batch_size_invalido(lote, erro):
    with pytest.raises(erro, match="batch_size"):
        utils.load_data_fashion_mnist(lote)


@pytest.mark.parametrize("tamanho", [0, -32, (32,), (32, 0), "32", 32.0, (32, 32, 1), True])
def test_resize_invalido(tamanho):
    with pytest.raises(ValueError, match="resize deve ser"):
        utils.load_data_fashion_mnist(128, resize=tamanho)
