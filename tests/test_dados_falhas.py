"""Testes de cursoconv.dados contra quem tenta quebrá-lo: rede que cai, para ou se arrasta, disco
cheio, outro processo que não termina, arquivos e pastas do usuário dentro de ``root``, ``root`` que
não é uma pasta. Os servidores só escutam em 127.0.0.1 e param sozinhos (tempo e pedidos limitados)."""
import contextlib
import fcntl
import http.server
import multiprocessing
import os
import resource
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.error import URLError

import pytest
import torchvision

from cursoconv import ambiente, dados, utils

INGLES = ("Errno", "File exists", "No space", "too large", "Permission denied")


@pytest.fixture
def modo_completo(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    monkeypatch.delenv(dados.VARIAVEL_DADOS, raising=False)


def sem_sobras(raiz):
    """Nada pela metade: nenhuma pasta parcial nem arquivo bruto ficou em ``raiz``."""
    return not list(Path(raiz).glob(".*parcial-*")) and not (Path(raiz) / "FashionMNIST").exists()


def sem_ingles(mensagem):
    return not any(trecho in mensagem for trecho in INGLES)


@contextlib.contextmanager
def servidor_local(arquivos, bytes_por_segundo=None, duracao_max=20.0, pedidos_max=10, fracao=1.0):
    """Um servidor HTTP em 127.0.0.1 que serve ``arquivos`` (nome -> bytes) e devolve o endereço.

    Com ``bytes_por_segundo``, manda um byte de cada vez nesse ritmo (um download
    que se arrasta); com ``fracao`` < 1, anuncia o tamanho inteiro, manda só essa
    fração e fecha a conexão (uma rede que cai). Para sozinho depois de ``duracao_max`` segundos ou
    ``pedidos_max`` pedidos, o que vier primeiro.
    """
    fim, pedidos = time.monotonic() + duracao_max, []

    class Manipulador(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            pedidos.append(self.path)
            conteudo = arquivos.get(self.path.lstrip("/"))
            if conteudo is None:
                return self.send_error(404)
            self.send_response(200)
            self.send_header("Content-Length", str(len(conteudo)))
            self.end_headers()
            conteudo = conteudo[:int(len(conteudo) * fracao)]
            with contextlib.suppress(OSError):  # o cliente pode desistir e fechar a conexão
                if bytes_por_segundo is None:
                    return self.wfile.write(conteudo)
                for i in range(len(conteudo)):
                    if time.monotonic() > fim:
                        return
                    self.wfile.write(conteudo[i:i + 1])
                    self.wfile.flush()
                    time.sleep(1 / bytes_por_segundo)

        def log_message(self, *args):
            pass

    servidor = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Manipulador)
    servidor.daemon_threads, servidor.timeout = True, 0.1

    def servir():
        while time.monotonic() < fim and len(pedidos) < pedidos_max:
            servidor.handle_request()
    fio = threading.Thread(target=servir, daemon=True)
    fio.start()
    try:
        yield f"http://127.0.0.1:{servidor.server_address[1]}/"
    finally:
        fim = time.monotonic()  # servir() e do_GET leem este mesmo fim: param já
        fio.join(duracao_max + 1)
        servidor.server_close()


def gz_da_copia(copia):
    return {p.name: p.read_bytes() for p in copia.iterdir()}


def no_processo_filho(funcao, limite_s=30):
    """Roda ``funcao()`` num processo filho (fork, herda os monkeypatches) e devolve o que ela devolveu
    ou a mensagem do erro; o filho é encerrado se passar de ``limite_s``."""
    contexto = multiprocessing.get_context("fork")
    fila = contexto.Queue()

    def alvo():
        try:
            fila.put(("ok", funcao()))
        except BaseException as erro:  # noqa: BLE001 - o teste mostra o erro
            fila.put((type(erro).__name__, str(erro)))
    processo = contexto.Process(target=alvo)
    processo.start()
    try:
        return fila.get(timeout=limite_s)
    except Exception:  # noqa: BLE001 - fila vazia: o filho não terminou no tempo
        return ("tempo esgotado", f"o filho não terminou em {limite_s} s")
    finally:
        processo.join(2)
        if processo.is_alive():
            processo.kill()
            processo.join()


# ---------------------------------------------------------------- download

def test_download_quando_nao_ha_copia(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    with servidor_local(gz_da_copia(copia_sintetica)) as url:
        monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", [url])
        assert utils.preparar_fashion_mnist(tmp_path / "raiz") == "download"
    raw = tmp_path / "raiz" / "FashionMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(dados.MD5_DESCOMPACTADO)
    assert [p.name for p in (tmp_path / "raiz").iterdir()] == ["FashionMNIST"]


def test_sem_rede_e_sem_copia_erro_claro_e_nada_pela_metade(tmp_path, monkeypatch, modo_completo):
    porta = socket.socket()
    porta.bind(("127.0.0.1", 0))
    endereco = f"http://127.0.0.1:{porta.getsockname()[1]}/"
    porta.close()  # ninguém escuta: conexão recusada, como sem rede
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", [endereco])
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
    monkeypatch.setattr(dados, "JANELA_S", 0.2)
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(tmp_path)
    mensagem = str(erro.value)
    assert "0,2 s sem mandar nada" in mensagem and dados.VARIAVEL_DADOS in mensagem and "internet" in mensagem
    assert sem_sobras(tmp_path)
    assert socket.getdefaulttimeout() is None  # nada mudou fora do download


def test_download_que_se_arrasta_desiste(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    """10 bytes/s nunca deixam a conexão 1 s muda, mas ficam abaixo do mínimo de 200 bytes por segundo."""
    monkeypatch.setattr(dados, "JANELA_S", 1)
    monkeypatch.setattr(dados, "BYTES_MINIMOS", 200)
    with servidor_local(gz_da_copia(copia_sintetica), bytes_por_segundo=10, duracao_max=30) as url:
        monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", [url])
        inicio = time.monotonic()
        with pytest.raises(utils.ErroDeDados) as erro:
            utils.preparar_fashion_mnist(tmp_path)
        demorou = time.monotonic() - inicio
    mensagem = str(erro.value)
    assert demorou < 10, f"levou {demorou:.1f} s para desistir"  # sem o limite, até o servidor parar (30 s)
    assert "desisti" in mensagem and "200 bytes a cada 1 s" in mensagem and dados.VARIAVEL_DADOS in mensagem
    assert sem_sobras(tmp_path)


def test_conexao_que_cai_no_meio_e_falha_de_rede(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    with servidor_local(gz_da_copia(copia_sintetica), fracao=0.5) as url:
        monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", [url])
        with pytest.raises(utils.ErroDeDados) as erro:
            utils.preparar_fashion_mnist(tmp_path)
    assert "download falhou" in str(erro.value) and "a conexão caiu" in str(erro.value)
    assert "internet" in str(erro.value) and sem_sobras(tmp_path)


def test_espera_por_outro_processo_tem_limite(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    monkeypatch.setattr(dados, "ESPERA_MAXIMA_S", 0.5)
    outro = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(outro, fcntl.LOCK_EX)  # um "outro processo" que pegou a trava e não termina
    try:
        inicio = time.monotonic()
        tipo, mensagem = no_processo_filho(lambda: dados.preparar_fashion_mnist(tmp_path), limite_s=15)
        demorou = time.monotonic() - inicio
    finally:
        os.close(outro)
    assert tipo == "ErroDeDados", (tipo, mensagem)
    assert demorou < 10 and "Outro processo" in mensagem and "0,5 s" in mensagem
    assert "rode de novo" in mensagem and "root=" in mensagem
    assert sem_sobras(tmp_path)


# ---------------------------------------------------------------- disco cheio

@pytest.fixture
def disco_pequeno(tmp_path):
    """Um tmpfs de 1 MB (os dados sintéticos descompactados têm uns 3 MB); pula sem permissão de montar."""
    ponto = tmp_path / "disco"
    ponto.mkdir()
    montado = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(ponto)],
                             capture_output=True, timeout=30)
    if montado.returncode != 0:
        pytest.skip("não consigo montar um tmpfs aqui (precisa ser root); o teste com RLIMIT_FSIZE cobre o caso")
    yield ponto
    subprocess.run(["umount", str(ponto)], check=True, timeout=30)


def test_disco_cheio_com_copia_local(disco_pequeno, copia_sintetica, monkeypatch, modo_completo):
    antes = gz_da_copia(copia_sintetica)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(disco_pequeno)
    mensagem = str(erro.value)
    assert f"disco onde fica {disco_pequeno} está cheio" in mensagem and "55 MB" in mensagem
    assert "Libere espaço" in mensagem and "root=" in mensagem
    assert "corrompido" not in mensagem and sem_ingles(mensagem)
    assert list(disco_pequeno.iterdir()) == [] and gz_da_copia(copia_sintetica) == antes


def test_disco_cheio_no_download_nao_culpa_a_rede(disco_pequeno, copia_sintetica, monkeypatch, modo_completo):
    with servidor_local(gz_da_copia(copia_sintetica)) as url:
        monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", [url])
        with pytest.raises(utils.ErroDeDados) as erro:
            utils.preparar_fashion_mnist(disco_pequeno)
    mensagem = str(erro.value)
    assert "está cheio" in mensagem and "86 MB" in mensagem
    assert "internet" not in mensagem and sem_ingles(mensagem)
    assert list(disco_pequeno.iterdir()) == []


def test_limite_de_tamanho_de_arquivo(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    """Como ``ulimit -f``: o sistema recusa arquivos maiores que 200 kB (EFBIG), só no processo filho."""
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))

    def com_limite():
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        return dados.preparar_fashion_mnist(tmp_path / "raiz")
    tipo, mensagem = no_processo_filho(com_limite)
    assert tipo == "ErroDeDados", (tipo, mensagem)
    assert "ulimit -f" in mensagem and "corrompido" not in mensagem and sem_ingles(mensagem)
    assert sem_sobras(tmp_path / "raiz")


# ---------------------------------------------------------------- o que é do usuário

def test_nao_apaga_pastas_do_usuario_parecidas_com_as_parciais(tmp_path, copia_sintetica, monkeypatch,
                                                              modo_completo):
    raiz = tmp_path / "raiz"
    (raiz / ".parcial-fotos" / "FashionMNIST").mkdir(parents=True)
    (raiz / ".parcial-fotos" / "FashionMNIST" / "foto.txt").write_text("minha foto")
    (raiz / ".parcial-rascunhos").mkdir()
    (raiz / ".cursoconv-parcial-minha").mkdir()
    (raiz / ".cursoconv-parcial-minha" / "notas.txt").write_text("minhas notas")
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    assert utils.preparar_fashion_mnist(raiz) == "cópia local"
    assert (raiz / ".parcial-fotos" / "FashionMNIST" / "foto.txt").read_text() == "minha foto"
    assert (raiz / ".parcial-rascunhos").is_dir()
    assert (raiz / ".cursoconv-parcial-minha" / "notas.txt").read_text() == "minhas notas"


def test_nao_sobrescreve_arquivos_do_usuario_em_raw(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    meus = {nome: f"meu arquivo {nome}".encode() for nome in list(dados.MD5_DESCOMPACTADO)[:3]}
    for nome, conteudo in meus.items():
        (raw / nome).write_bytes(conteudo)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(tmp_path)
    mensagem = str(erro.value)
    assert "não confere" in mensagem and "não apago nem sobrescrevo" in mensagem and str(raw) in mensagem
    assert {p.name: p.read_bytes() for p in raw.iterdir()} == meus
    assert not list(tmp_path.glob(".*parcial-*"))


def test_nao_sobrescreve_arquivo_que_aparece_durante_a_preparacao(tmp_path, copia_sintetica, monkeypatch,
                                                                  modo_completo):
    descompactar = dados._descompactar
    alvo = tmp_path / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte"

    def e_o_usuario_grava(*args):  # depois da conferência, antes de pôr os arquivos no lugar
        descompactar(*args)
        alvo.parent.mkdir(parents=True, exist_ok=True)
        alvo.write_text("meu")
    monkeypatch.setattr(dados, "_descompactar", e_o_usuario_grava)
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados, match="não gravei, e eu não o sobrescrevo"):
        utils.preparar_fashion_mnist(tmp_path)
    assert alvo.read_text() == "meu" and not list(tmp_path.glob(".*parcial-*"))


# ---------------------------------------------------------------- root que não é uma pasta

def test_root_que_e_um_arquivo(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    arquivo = tmp_path / "dados.csv"
    arquivo.write_text("a,b\n1,2\n")
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(arquivo)
    mensagem = str(erro.value)
    assert "é um arquivo, e não uma pasta" in mensagem and "root=" in mensagem
    assert "permissão" not in mensagem and sem_ingles(mensagem)
    assert arquivo.read_text() == "a,b\n1,2\n" and sorted(p.name for p in tmp_path.iterdir()) == ["copia", "dados.csv"]


def test_root_que_e_um_laco_de_links(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(tmp_path / "a")
    mensagem = str(erro.value)
    assert "link simbólico que não leva a uma pasta" in mensagem and "laço" in mensagem
    assert "permissão" not in mensagem and sem_ingles(mensagem)


def test_root_dentro_de_um_arquivo(tmp_path, copia_sintetica, monkeypatch, modo_completo):
    (tmp_path / "dados.csv").write_text("a,b\n")
    monkeypatch.setenv(dados.VARIAVEL_DADOS, str(copia_sintetica))
    with pytest.raises(utils.ErroDeDados) as erro:
        utils.preparar_fashion_mnist(tmp_path / "dados.csv" / "fashion")
    mensagem = str(erro.value)
    assert "parte do caminho é um arquivo" in mensagem and "root=" in mensagem and sem_ingles(mensagem)
