"""Os arquivos do Fashion-MNIST: achar, conferir e, se preciso, baixar.

``preparar_fashion_mnist(root)`` garante os quatro arquivos descompactados e
conferidos em ``root/FashionMNIST/raw`` (onde o torchvision os lê), sem nunca
apagar nem reescrever arquivos que não escreveu (os ``.gz`` do usuário ficam
onde estão). Tudo é montado numa pasta própria, ``root/.cursoconv-parcial-*``,
e cada arquivo conferido vai para o lugar com ``os.replace`` (atômico). Uma
trava (``fcntl.flock`` na pasta ``root``) faz um processo esperar o outro, e
quem a tem apaga as pastas parciais de processos mortos. O download desiste
depois de ``SEGUNDOS_SEM_PROGRESSO`` segundos sem receber nada.
"""

import contextlib
import errno
import gzip
import hashlib
import os
import shutil
import socket
import tempfile
import zlib
from pathlib import Path

VARIAVEL_DADOS = "FASHION_MNIST_DIR"
RAIZ_PADRAO = os.path.join("~", ".pytorch", "datasets", "fashion-mnist")
PREFIXO_PARCIAL = ".cursoconv-parcial-"
SEGUNDOS_SEM_PROGRESSO = 60

#: Nomes das dez classes, na ordem dos rótulos 0 a 9.
CLASSES = ("camiseta", "calça", "pulôver", "vestido", "casaco",
           "sandália", "camisa", "tênis", "bolsa", "bota")

#: MD5 do conteúdo *descompactado* de cada arquivo oficial. O conteúdo é o
#: mesmo na cópia oficial e na do Debian (que só reescreve o cabeçalho gzip).
MD5_DESCOMPACTADO = {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}

SAIDAS = ("Há duas saídas: (1) conecte-se à internet e rode de novo; ou (2) defina a variável "
          f"de ambiente {VARIAVEL_DADOS} com a pasta dos quatro arquivos .gz oficiais (por exemplo "
          "../shared/data/fashion-mnist, ou /usr/share/datasets/fashion-mnist do pacote Debian "
          "dataset-fashion-mnist).")


class ErroDeDados(RuntimeError):
    """Os dados do Fashion-MNIST faltam, estão corrompidos ou não puderam ser baixados."""


def _md5(caminho):
    h = hashlib.md5()
    with open(caminho, "rb") as f:
        for bloco in iter(lambda: f.read(1 << 20), b""):
            h.update(bloco)
    return h.hexdigest()


def _sem_leitura(caminho):
    return ErroDeDados(
        f"Não tenho permissão para ler {caminho} (o arquivo pode estar perfeito: é a permissão "
        f"que falta). Dê a permissão de leitura (chmod u+r {caminho}) ou copie os arquivos para "
        f"uma pasta sua e aponte {VARIAVEL_DADOS} para ela.")


_MOTIVOS = {errno.EACCES: "sem permissão de escrita", errno.EPERM: "sem permissão de escrita",
            errno.EROFS: "o disco é só de leitura", errno.ENOSPC: "o disco está cheio"}


def _sem_escrita(caminho, erro):
    return ErroDeDados(
        f"Não consegui gravar os dados em {caminho} ({_MOTIVOS.get(erro.errno, erro.strerror or erro)}). "
        "Use uma pasta "
        "em que você pode escrever: passe root=\"~/dados-fashion-mnist\" (ou outra pasta sua) "
        "para load_data_fashion_mnist, ou dê a permissão de escrita nessa pasta.")


def _verificar_pasta_bruta(pasta):
    """Confere os quatro arquivos descompactados de ``pasta``; devolve False se faltar algum.

    Um arquivo que existe e não confere é um erro: ele pode ser do usuário, e
    por isso não é apagado aqui.
    """
    pasta = Path(pasta)
    if not all((pasta / nome).is_file() for nome in MD5_DESCOMPACTADO):
        return False
    for nome, md5 in MD5_DESCOMPACTADO.items():
        try:
            certo = _md5(pasta / nome) == md5
        except PermissionError as erro:
            raise _sem_leitura(pasta / nome) from erro
        if not certo:
            raise ErroDeDados(
                f"O arquivo {pasta / nome} não confere com o Fashion-MNIST oficial "
                f"(está corrompido ou incompleto). Apague o arquivo {pasta / nome} "
                "(ou a pasta, se ela for só dos dados) e rode de novo para obter os dados outra vez.")
    return True


def _descompactar(origem, destino):
    """Descompacta os quatro ``.gz`` de ``origem`` em ``destino``, com mensagens claras."""
    for nome in MD5_DESCOMPACTADO:
        arquivo = Path(origem) / f"{nome}.gz"
        if not arquivo.is_file():
            raise ErroDeDados(
                f"Falta o arquivo {arquivo}. A pasta indicada precisa ter os quatro "
                "arquivos .gz oficiais do Fashion-MNIST: "
                + ", ".join(f"{n}.gz" for n in MD5_DESCOMPACTADO) + ".")
        try:
            with gzip.open(arquivo, "rb") as ent, open(Path(destino) / nome, "wb") as sai:
                shutil.copyfileobj(ent, sai)
        except PermissionError as erro:
            raise _sem_leitura(arquivo) from erro
        except (OSError, EOFError, zlib.error) as erro:
            raise ErroDeDados(
                f"O arquivo {arquivo} está corrompido ou truncado ({erro}). "
                "Copie-o de novo a partir da fonte oficial ou do pacote Debian "
                "dataset-fashion-mnist.") from erro
        if _md5(Path(destino) / nome) != MD5_DESCOMPACTADO[nome]:
            raise ErroDeDados(
                f"O conteúdo de {arquivo} não é o do Fashion-MNIST oficial. "
                "Copie-o de novo a partir da fonte oficial ou do pacote Debian "
                "dataset-fashion-mnist.")


def _baixar(destino):
    """Baixa os arquivos com o torchvision para ``destino/FashionMNIST/raw`` (usado no Colab).

    O torchvision não tem limite de tempo; durante o download, os soquetes
    novos ganham um (``socket.setdefaulttimeout``): ``SEGUNDOS_SEM_PROGRESSO``
    segundos sem receber nada interrompem a leitura.
    """
    import torchvision
    anterior = socket.getdefaulttimeout()
    socket.setdefaulttimeout(SEGUNDOS_SEM_PROGRESSO)
    try:
        torchvision.datasets.FashionMNIST(destino, train=True, download=True)
        torchvision.datasets.FashionMNIST(destino, train=False, download=True)
    except Exception as erro:  # rede ausente, servidor mudo, disco cheio...
        parado = isinstance(erro, TimeoutError) or "timed out" in str(erro).lower()
        segundos = f"{SEGUNDOS_SEM_PROGRESSO:g}".replace(".", ",")
        motivo = (f"o servidor ficou {segundos} s sem mandar nada, e desisti"
                  if parado else f"{type(erro).__name__}: {erro}")
        raise ErroDeDados(f"Não encontrei o Fashion-MNIST e o download falhou ({motivo}). "
                          + SAIDAS) from erro
    finally:
        socket.setdefaulttimeout(anterior)


@contextlib.contextmanager
def _trava(root):
    """Trava exclusiva sobre a pasta ``root``, entre processos (nada a fazer sem ``fcntl``)."""
    try:
        import fcntl
    except ImportError:  # Windows: sem trava; os.replace ainda deixa cada arquivo inteiro
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("Outro processo está preparando o Fashion-MNIST nesta pasta; esperando ele terminar...",
                  flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # sistema de arquivos sem flock (alguns discos de rede): segue sem trava
            pass
        yield
    finally:
        os.close(fd)  # fecha e solta a trava


def _limpar_parciais(root):
    """Apaga as pastas parciais deste módulo que processos mortos deixaram (chamar com a trava)."""
    for velha in Path(root).glob(PREFIXO_PARCIAL + "*"):
        shutil.rmtree(velha, ignore_errors=True)
    # As versões antigas deste módulo usavam ".parcial-*" com só uma pasta FashionMNIST dentro.
    for velha in Path(root).glob(".parcial-*"):
        if velha.is_dir() and [p.name for p in velha.iterdir()] in ([], ["FashionMNIST"]):
            shutil.rmtree(velha, ignore_errors=True)


def _mover(origem, destino):
    """Move ``origem`` para ``destino`` de forma atômica, mesmo se ``destino`` estiver noutro disco."""
    try:
        os.replace(origem, destino)
    except OSError as erro:
        if erro.errno != errno.EXDEV:
            raise
        # raw/ é um link para outro sistema de arquivos: copia ao lado e renomeia lá.
        provisorio = destino.with_name(f"{PREFIXO_PARCIAL}{destino.name}-{os.getpid()}")
        try:
            shutil.copyfile(origem, provisorio)
            os.replace(provisorio, destino)
        finally:
            provisorio.unlink(missing_ok=True)


def _pasta_da_variavel():
    local = os.environ.get(VARIAVEL_DADOS)
    if not local:
        return None
    pasta = Path(os.path.expanduser(local))
    if not pasta.is_dir():
        raise ErroDeDados(
            f"A variável {VARIAVEL_DADOS} aponta para {local}, que não é uma pasta. "
            "Corrija-a para a pasta com os quatro arquivos .gz do Fashion-MNIST.")
    return pasta


def conferir_root(root):
    """``root`` como ``Path`` com ``~`` expandido, ou um ``TypeError`` em português."""
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root deve ser uma pasta, como \"{RAIZ_PADRAO}\" (o padrão); recebi {root!r}. "
                        "Para usar o padrão, não passe root.")
    return Path(os.path.expanduser(root))


def preparar_fashion_mnist(root=RAIZ_PADRAO):
    """Garante os arquivos verificados em ``root/FashionMNIST/raw`` e diz de onde vieram.

    Procura, nesta ordem: (1) em ``root``; (2) na pasta da variável
    ``FASHION_MNIST_DIR``; (3) na internet, pelo torchvision. Veja no começo
    deste módulo como ele protege os arquivos do usuário e o trabalho feito.

    Devolve ``"raiz"``, ``"cópia local"`` ou ``"download"``.
    """
    root = conferir_root(root)
    bruta = root / "FashionMNIST" / "raw"
    if _verificar_pasta_bruta(bruta):
        return "raiz"
    local = _pasta_da_variavel()
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _trava(root):
            if _verificar_pasta_bruta(bruta):  # outro processo terminou enquanto esperávamos
                return "raiz"
            _limpar_parciais(root)
            with tempfile.TemporaryDirectory(dir=root, prefix=PREFIXO_PARCIAL) as tmp:
                nova = Path(tmp) / "FashionMNIST" / "raw"
                nova.mkdir(parents=True)
                if local is not None:
                    _descompactar(local, nova)
                    fonte = "cópia local"
                else:
                    _baixar(tmp)
                    if not _verificar_pasta_bruta(nova):
                        raise ErroDeDados("O download terminou sem os quatro arquivos esperados. Rode de novo.")
                    fonte = "download"
                bruta.mkdir(parents=True, exist_ok=True)
                for nome in MD5_DESCOMPACTADO:
                    _mover(nova / nome, bruta / nome)
    except ErroDeDados:
        raise
    except OSError as erro:  # sem permissão de escrita, disco cheio, link quebrado...
        raise _sem_escrita(erro.filename or root, erro) from erro
    return fonte
