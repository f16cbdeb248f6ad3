"""Os arquivos do Fashion-MNIST: achar, conferir (MD5) e, se preciso, baixar, sem nunca apagar nem sobrescrever
um arquivo que não escreveu (tudo é montado numa pasta parcial com a ``MARCA``, e só essas são limpas; cada arquivo
vai para o lugar com ``os.link``, que falha se o destino existir). Um processo espera o outro (``flock`` em ``root``)
até ``ESPERA_MAXIMA_S`` s; o download desiste com menos de ``BYTES_MINIMOS`` bytes em ``JANELA_S`` s.
"""

import contextlib
import errno
import gzip
import hashlib
import http.client
import os
import shutil
import socket
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

from .formato import enxuto

VARIAVEL_DADOS = "FASHION_MNIST_DIR"
RAIZ_PADRAO = os.path.join("~", ".pytorch", "datasets", "fashion-mnist")
PREFIXO_PARCIAL = ".cursoconv-parcial-"
MARCA = "PASTA-TEMPORARIA-DO-CURSOCONV"  # dentro de cada pasta parcial, com o PID de quem a criou
JANELA_S, BYTES_MINIMOS, ESPERA_MAXIMA_S = 60, 10_000, 600  # 10 kB por minuto; 10 min de espera por outro processo
MB_DESCOMPACTADOS, MB_DO_DOWNLOAD = 55, 31  # espaço que os quatro arquivos ocupam (e os .gz baixados)

#: Nomes das dez classes, na ordem dos rótulos 0 a 9.
CLASSES = ("camiseta", "calça", "pulôver", "vestido", "casaco", "sandália", "camisa", "tênis", "bolsa", "bota")

#: MD5 do conteúdo *descompactado* de cada arquivo oficial (o mesmo na cópia do Debian, que só muda o gzip).
MD5_DESCOMPACTADO = {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}

SAIDAS = ("Há duas saídas: (1) conecte-se à internet e rode de novo; ou (2) defina a variável de ambiente "
          f"{VARIAVEL_DADOS} com a pasta dos quatro arquivos .gz oficiais (por exemplo ../shared/data/fashion-"
          "mnist, ou /usr/share/datasets/fashion-mnist do pacote Debian dataset-fashion-mnist).")
OUTRA_PASTA = "passe root=\"~/dados-fashion-mnist\" (ou outra pasta sua) para load_data_fashion_mnist"
#: Causa e conserto de cada erro do sistema ao gravar em ``root``.
CAUSAS = {
    **dict.fromkeys((errno.EACCES, errno.EPERM), ("sem permissão de escrita",
                                                  "dê a permissão de escrita nessa pasta ou " + OUTRA_PASTA)),
    errno.EROFS: ("o disco é só de leitura", OUTRA_PASTA),
    errno.ENOTDIR: ("uma parte do caminho é um arquivo, e não uma pasta", "corrija o caminho ou " + OUTRA_PASTA),
    errno.ELOOP: ("há um laço de links simbólicos no caminho", "corrija os links ou " + OUTRA_PASTA),
    errno.EEXIST: ("já existe ali um arquivo que não gravei, e eu não o sobrescrevo",
                   "mova esse arquivo para outro lugar e rode de novo, ou " + OUTRA_PASTA),
}


class ErroDeDados(RuntimeError):
    """Os dados do Fashion-MNIST faltam, estão corrompidos ou não puderam ser baixados."""


def _sem_leitura(caminho):
    return ErroDeDados(f"Não tenho permissão para ler {caminho} (o arquivo pode estar perfeito: é a permissão que "
                       f"falta). Dê a permissão de leitura (chmod u+r {caminho}) ou copie os arquivos para uma "
                       f"pasta sua e aponte {VARIAVEL_DADOS} para ela.")


def _erro_do_sistema(erro, root, precisa):
    """Um ``ErroDeDados`` que diz a causa real de ``erro`` (um ``OSError`` ao gravar) e o que fazer."""
    if erro.errno in (errno.ENOSPC, errno.EDQUOT):
        livre = shutil.disk_usage(next(p for p in (root, *root.parents) if p.is_dir())).free // 10**6
        return ErroDeDados(
            f"O disco onde fica {root} está cheio (ou a sua cota nele acabou): os dados precisam de cerca de "
            f"{precisa} MB livres ali, e há {livre} MB. Libere espaço nesse disco (veja com df -h) ou "
            f"{OUTRA_PASTA}, num disco com espaço, e rode de novo. Nada ficou gravado pela metade.")
    if erro.errno == errno.EFBIG:
        return ErroDeDados(
            f"Não pude gravar em {root}: o limite de tamanho de arquivo deste processo (ulimit -f) é menor que "
            "os 47 MB do maior arquivo do Fashion-MNIST. Rode ulimit -f unlimited no terminal que abre o "
            "Python ou o Jupyter (ou peça ao administrador) e rode de novo. Nada ficou gravado pela metade.")
    causa, conserto = CAUSAS.get(erro.errno, (f"erro {errno.errorcode.get(erro.errno, erro.errno)} do sistema",
                                               OUTRA_PASTA))
    return ErroDeDados(f"Não consegui gravar os dados em {erro.filename or root} ({causa}). "
                       f"Para resolver, {conserto}.")


def _conferidos(pasta):
    """Os arquivos de ``pasta`` que já conferem; um que existe e não confere é um erro (não é apagado)."""
    certos = [nome for nome in MD5_DESCOMPACTADO if (pasta / nome).is_file()]
    for nome in certos:
        try:
            bate = hashlib.md5((pasta / nome).read_bytes()).hexdigest() == MD5_DESCOMPACTADO[nome]
        except PermissionError as erro:
            raise _sem_leitura(pasta / nome) from erro
        if not bate:
            raise ErroDeDados(
                f"O arquivo {pasta / nome} não confere com o Fashion-MNIST oficial (está corrompido ou incompleto, "
                "ou é outro arquivo com o mesmo nome), e eu não apago nem sobrescrevo arquivos que não gravei. "
                f"Apague o arquivo {pasta / nome} (ou mova-o, se for seu) e rode de novo para obter os dados outra "
                "vez.")
    return set(certos)


def _descompactar(origem, destino, de_novo):
    """Descompacta e confere os quatro ``.gz`` de ``origem`` em ``destino``."""
    for nome in MD5_DESCOMPACTADO:
        arquivo = Path(origem) / f"{nome}.gz"
        if not arquivo.is_file():
            raise ErroDeDados(f"Falta o arquivo {arquivo}. A pasta indicada precisa ter os quatro arquivos .gz "
                              "oficiais do Fashion-MNIST: " + ", ".join(f"{n}.gz" for n in MD5_DESCOMPACTADO) + ".")
        try:
            with gzip.open(arquivo, "rb") as ent, open(destino / nome, "wb") as sai:
                shutil.copyfileobj(ent, sai)
        except PermissionError as erro:
            raise _sem_leitura(arquivo) from erro
        except (OSError, EOFError, zlib.error) as erro:
            if isinstance(erro, OSError) and erro.errno is not None:
                raise  # disco cheio, limite de tamanho...: não é culpa do arquivo
            raise ErroDeDados(f"O arquivo {arquivo} está corrompido ou truncado ({erro}). {de_novo}") from erro
        if hashlib.md5((destino / nome).read_bytes()).hexdigest() != MD5_DESCOMPACTADO[nome]:
            raise ErroDeDados(f"O conteúdo de {arquivo} não é o do Fashion-MNIST oficial. {de_novo}")


def _falha_de_rede(motivo):
    return ErroDeDados(f"Não encontrei o Fashion-MNIST e o download falhou ({motivo}). " + SAIDAS)


def _blocos(url):
    """Os blocos que chegam de ``url``; uma falha da rede vira ``ErroDeDados`` (os erros do disco, não)."""
    try:
        with urllib.request.urlopen(url, timeout=JANELA_S) as resposta:
            while bloco := resposta.read1(1 << 16):
                yield bloco
            if resposta.length:
                raise ConnectionError(f"a conexão caiu com {resposta.length} bytes ainda por chegar")
    except (OSError, http.client.HTTPException) as erro:
        parado = isinstance(erro, socket.timeout) or "timed out" in str(erro)
        raise _falha_de_rede(f"o servidor ficou {enxuto(JANELA_S)} s sem mandar nada, e desisti" if parado
                             else f"{url}: {type(erro).__name__}: {erro}") from erro


def _baixar(pasta):
    """Baixa os quatro ``.gz`` oficiais para ``pasta``, do espelho que o torchvision conhece."""
    import torchvision
    for nome in MD5_DESCOMPACTADO:
        url = f"{torchvision.datasets.FashionMNIST.mirrors[0]}{nome}.gz"
        with open(pasta / f"{nome}.gz", "wb") as arquivo:
            inicio, recebidos = time.monotonic(), 0
            for bloco in _blocos(url):
                arquivo.write(bloco)  # um erro aqui (disco cheio) sobe como OSError, não como falha da rede
                recebidos += len(bloco)
                if time.monotonic() - inicio >= JANELA_S:
                    if recebidos < BYTES_MINIMOS:
                        raise _falha_de_rede(f"chegaram só {recebidos} bytes de {url} em {enxuto(JANELA_S)} s, e "
                                             f"desisti: o mínimo é {BYTES_MINIMOS} bytes a cada {enxuto(JANELA_S)} s")
                    inicio, recebidos = time.monotonic(), 0


@contextlib.contextmanager
def _trava(root):
    """Trava exclusiva sobre ``root``, entre processos; devolve se travou (nada a fazer sem ``fcntl``)."""
    try:
        import fcntl
    except ImportError:  # Windows: sem trava; os.link ainda deixa cada arquivo inteiro
        yield False
        return
    fd = os.open(root, os.O_RDONLY)
    limite, avisar, travou = time.monotonic() + ESPERA_MAXIMA_S, True, False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                travou = True
                break
            except BlockingIOError:
                if time.monotonic() > limite:
                    pids = ""  # a marca da pasta parcial do outro processo tem o PID dele
                    with contextlib.suppress(OSError):
                        pids = ", ".join(m.read_text().strip() for m in root.glob(f"{PREFIXO_PARCIAL}*/{MARCA}"))
                    raise ErroDeDados(
                        f"Outro processo{f' (PID {pids})' if pids else ''} está preparando o Fashion-MNIST em "
                        f"{root} e não terminou em {enxuto(ESPERA_MAXIMA_S)} s (ele pode estar baixando devagar ou "
                        "parado). Espere ele terminar e rode de novo; se nenhum outro notebook ou programa "
                        f"usa essa pasta, reinicie os núcleos dos outros notebooks, ou {OUTRA_PASTA}.") from None
                if avisar:
                    print("Outro processo está preparando o Fashion-MNIST nesta pasta; esperando ele terminar "
                          f"(até {enxuto(ESPERA_MAXIMA_S)} s)...", flush=True)
                    avisar = False
                time.sleep(0.2)
            except OSError:  # sistema de arquivos sem flock (alguns discos de rede): segue sem trava
                break
        yield travou
    finally:
        os.close(fd)  # fecha e solta a trava


def _mover(origem, destino):
    """Põe ``origem`` em ``destino`` sem nunca sobrescrever, mesmo se ``destino`` estiver noutro disco."""
    try:
        return os.link(origem, destino)  # atômico; FileExistsError se destino já existir
    except OSError as erro:
        if erro.errno not in (errno.EXDEV, errno.EPERM, errno.EOPNOTSUPP):  # outro disco, ou disco sem links:
            raise                                                           # copia ao lado e renomeia lá
    provisorio = destino.with_name(f"{PREFIXO_PARCIAL}{destino.name}-{os.getpid()}")
    try:
        shutil.copyfile(origem, provisorio)
        if os.path.lexists(destino):
            raise FileExistsError(errno.EEXIST, "já existe", str(destino))
        os.replace(provisorio, destino)
    finally:
        provisorio.unlink(missing_ok=True)


def conferir_root(root):
    """``root`` como ``Path`` com ``~`` expandido, ou um ``TypeError`` em português."""
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root deve ser uma pasta, como \"{RAIZ_PADRAO}\" (o padrão); recebi {root!r}. "
                        "Para usar o padrão, não passe root.")
    return Path(os.path.expanduser(root))


def preparar_fashion_mnist(root=RAIZ_PADRAO):
    """Garante os arquivos conferidos em ``root/FashionMNIST/raw``; devolve de onde vieram: ``"raiz"``, ``"cópia
    local"`` (da pasta de ``FASHION_MNIST_DIR``) ou ``"download"`` (da internet), procurados nessa ordem."""
    root = conferir_root(root)
    bruta = root / "FashionMNIST" / "raw"
    if len(_conferidos(bruta)) == len(MD5_DESCOMPACTADO):
        return "raiz"
    local = os.environ.get(VARIAVEL_DADOS) and Path(os.path.expanduser(os.environ[VARIAVEL_DADOS]))
    if local and not local.is_dir():
        raise ErroDeDados(f"A variável {VARIAVEL_DADOS} aponta para {os.environ[VARIAVEL_DADOS]}, que não é uma "
                          "pasta. Corrija-a para a pasta com os quatro arquivos .gz do Fashion-MNIST.")
    fonte = "cópia local" if local else "download"
    if os.path.lexists(root) and not root.is_dir():
        raise ErroDeDados(f"root={root} " + (f"é um link simbólico que não leva a uma pasta (aponta para "
                          f"{os.readlink(root)}: um laço de links ou um destino que não existe)" if root.is_symlink()
                          else "é um arquivo, e não uma pasta (o arquivo não foi tocado)")
                          + f". root deve ser uma pasta (que é criada se não existir): {OUTRA_PASTA}.")
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _trava(root) as travou:
            prontos = _conferidos(bruta)  # outro processo pode ter terminado enquanto esperávamos
            if len(prontos) == len(MD5_DESCOMPACTADO):
                return "raiz"
            for marca in root.glob(f"{PREFIXO_PARCIAL}*/{MARCA}") if travou else ():  # pastas que este módulo
                shutil.rmtree(marca.parent, ignore_errors=True)  # marcou e processos mortos deixaram
            with tempfile.TemporaryDirectory(dir=root, prefix=PREFIXO_PARCIAL) as tmp:
                Path(tmp, MARCA).write_text(f"{os.getpid()}\n")
                (nova := Path(tmp, "raw")).mkdir()
                if not local:
                    (local := Path(tmp, "gz")).mkdir()
                    _baixar(local)
                _descompactar(local, nova, "Copie-o de novo a partir da fonte oficial ou do pacote Debian "
                              "dataset-fashion-mnist." if fonte == "cópia local" else "Rode de novo para baixá-lo.")
                bruta.mkdir(parents=True, exist_ok=True)
                for nome in MD5_DESCOMPACTADO.keys() - prontos:
                    _mover(nova / nome, bruta / nome)
    except OSError as erro:  # disco cheio, sem permissão de escrita, link quebrado...
        precisa = MB_DESCOMPACTADOS + (MB_DO_DOWNLOAD if fonte == "download" else 0)
        raise _erro_do_sistema(erro, root, precisa) from erro
    return fonte
