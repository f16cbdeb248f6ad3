"""Utilitários do curso: dados do Fashion-MNIST, sementes, dispositivo e laço de treino.

Os notebooks importam este módulo com ``from cursoconv.utils import ...``.
Os nomes públicos ``load_data_fashion_mnist``, ``evaluate_accuracy`` e
``train_validate`` são os da aula original, com as mesmas chamadas, para que o
material antigo continue funcionando.

Duas variáveis de ambiente mudam o comportamento:

``FASHION_MNIST_DIR``
    Pasta com os quatro arquivos ``.gz`` oficiais do Fashion-MNIST (por exemplo
    ``../shared/data/fashion-mnist`` ou ``/usr/share/datasets/fashion-mnist``,
    do pacote Debian ``dataset-fashion-mnist``). É usada quando os dados ainda
    não estão em ``root``, antes de tentar baixá-los.
``CURSO_RAPIDO``
    Com ``1``, os carregadores usam um subconjunto pequeno e real, que vem com o
    pacote (300 imagens de treino e 100 de teste por classe), e o treino roda no
    máximo ``EPOCAS_RAPIDO`` épocas. Serve para testes e para máquinas lentas.
"""

import gzip
import hashlib
import math
import os
import random
import shutil
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset

VARIAVEL_DADOS = "FASHION_MNIST_DIR"
VARIAVEL_RAPIDO = "CURSO_RAPIDO"
EPOCAS_RAPIDO = 2
RAIZ_PADRAO = os.path.join("~", ".pytorch", "datasets", "fashion-mnist")
SUBCONJUNTO = Path(__file__).with_name("dados") / "fashion-mnist-rapido.npz"

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


class ErroDeDados(RuntimeError):
    """Os dados do Fashion-MNIST faltam, estão corrompidos ou não puderam ser baixados."""


# --------------------------------------------------------------------------
# Ambiente
# --------------------------------------------------------------------------

def modo_rapido():
    """Diz se o modo rápido (variável ``CURSO_RAPIDO=1``) está ligado."""
    return os.environ.get(VARIAVEL_RAPIDO, "").strip().lower() in ("1", "true", "sim")


def fixar_semente(semente=0):
    """Fixa as sementes de ``random``, NumPy e PyTorch (CPU e GPU) para repetir resultados."""
    random.seed(semente)
    np.random.seed(semente)
    torch.manual_seed(semente)  # também semeia todas as GPUs
    return semente


def escolher_dispositivo():
    """Devolve a GPU NVIDIA (``cuda``), a GPU da Apple (``mps``) ou, sem nenhuma, a ``cpu``."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def descrever_dispositivo(dispositivo=None):
    """Descreve o dispositivo em uma frase, com o nome da placa quando houver."""
    dispositivo = torch.device(dispositivo or escolher_dispositivo())
    if dispositivo.type == "cuda":
        nome = torch.cuda.get_device_name(dispositivo)
        return f"GPU {nome if nome.startswith('NVIDIA') else 'NVIDIA ' + nome} (cuda)"
    if dispositivo.type == "mps":
        return "GPU da Apple (mps)"
    return f"CPU, {torch.get_num_threads()} threads"


def relatar_ambiente():
    """Resume o ambiente: versão do PyTorch, dispositivo e, sem GPU, como ligar uma no Colab."""
    dispositivo = escolher_dispositivo()
    linhas = [f"PyTorch {torch.__version__}; dispositivo: {descrever_dispositivo(dispositivo)}."]
    if dispositivo.type == "cpu":
        linhas.append(
            "Nenhuma GPU encontrada: tudo funciona na CPU, só que o treino da LeNet-5 fica "
            "bem mais lento. No Colab, ligue a GPU em Ambiente de execução → Alterar o tipo "
            "de ambiente de execução → Acelerador de hardware: GPU (T4) e rode o notebook de novo.")
    if modo_rapido():
        linhas.append(f"Modo rápido ligado ({VARIAVEL_RAPIDO}=1): subconjunto pequeno dos dados "
                      f"e no máximo {EPOCAS_RAPIDO} épocas.")
    return "\n".join(linhas)


# --------------------------------------------------------------------------
# Dados
# --------------------------------------------------------------------------

def _md5(caminho):
    h = hashlib.md5()
    with open(caminho, "rb") as f:
        for bloco in iter(lambda: f.read(1 << 20), b""):
            h.update(bloco)
    return h.hexdigest()


def _verificar_pasta_bruta(pasta):
    """Confere os quatro arquivos descompactados de ``pasta``; devolve False se faltar algum."""
    pasta = Path(pasta)
    if not all((pasta / nome).is_file() for nome in MD5_DESCOMPACTADO):
        return False
    for nome, md5 in MD5_DESCOMPACTADO.items():
        if _md5(pasta / nome) != md5:
            raise ErroDeDados(
                f"O arquivo {pasta / nome} não confere com o Fashion-MNIST oficial "
                "(está corrompido ou incompleto). Apague a pasta "
                f"{pasta} e rode de novo para obter os dados outra vez.")
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
        except (OSError, EOFError, zlib.error) as erro:
            raise ErroDeDados(
                f"O arquivo {arquivo} está corrompido ou truncado ({erro}). "
                "Copie-o de novo a partir da fonte oficial ou do pacote Debian "
                "dataset-fashion-mnist.") from None
        if _md5(Path(destino) / nome) != MD5_DESCOMPACTADO[nome]:
            raise ErroDeDados(
                f"O conteúdo de {arquivo} não é o do Fashion-MNIST oficial. "
                "Copie-o de novo a partir da fonte oficial ou do pacote Debian "
                "dataset-fashion-mnist.")


def _baixar(destino):
    """Baixa os arquivos com o torchvision para ``destino`` (usado no Colab)."""
    import torchvision
    try:
        torchvision.datasets.FashionMNIST(destino, train=True, download=True)
        torchvision.datasets.FashionMNIST(destino, train=False, download=True)
    except Exception as erro:  # rede ausente, servidor fora do ar, disco cheio...
        raise ErroDeDados(
            f"Não encontrei o Fashion-MNIST e o download falhou ({erro}). Há duas saídas: "
            "(1) conecte-se à internet e rode de novo; ou "
            f"(2) defina a variável de ambiente {VARIAVEL_DADOS} com a pasta dos quatro "
            "arquivos .gz oficiais (por exemplo ../shared/data/fashion-mnist, ou "
            "/usr/share/datasets/fashion-mnist do pacote Debian dataset-fashion-mnist)."
        ) from None


def preparar_fashion_mnist(root=RAIZ_PADRAO):
    """Garante os arquivos verificados em ``root/FashionMNIST/raw`` e diz de onde vieram.

    Procura, nesta ordem: (1) em ``root``; (2) na pasta da variável
    ``FASHION_MNIST_DIR``; (3) na internet, pelo torchvision. Tudo é montado
    numa pasta temporária e só vai para ``root`` depois de conferido, de modo
    que um erro nunca deixa arquivos pela metade.

    Devolve ``"raiz"``, ``"cópia local"`` ou ``"download"``.
    """
    root = Path(os.path.expanduser(root))
    bruta = root / "FashionMNIST" / "raw"
    if _verificar_pasta_bruta(bruta):
        return "raiz"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".parcial-") as tmp:
        nova = Path(tmp) / "FashionMNIST" / "raw"
        nova.mkdir(parents=True)
        local = os.environ.get(VARIAVEL_DADOS)
        if local:
            if not Path(local).is_dir():
                raise ErroDeDados(
                    f"A variável {VARIAVEL_DADOS} aponta para {local}, que não é uma pasta. "
                    "Corrija-a para a pasta com os quatro arquivos .gz do Fashion-MNIST.")
            _descompactar(local, nova)
            fonte = "cópia local"
        else:
            _baixar(tmp)
            for resto in nova.glob("*.gz"):
                resto.unlink()
            if not _verificar_pasta_bruta(nova):
                raise ErroDeDados("O download terminou sem os quatro arquivos esperados. "
                                  "Rode de novo.")
            fonte = "download"
        if bruta.exists():
            shutil.rmtree(bruta)
        bruta.parent.mkdir(parents=True, exist_ok=True)
        os.replace(nova, bruta)
    return fonte


def _ler_completo(root):
    import torchvision
    preparar_fashion_mnist(root)
    partes = []
    for treino in (True, False):
        ds = torchvision.datasets.FashionMNIST(os.path.expanduser(root), train=treino)
        partes += [ds.data, ds.targets]
    return partes


def _ler_subconjunto():
    with np.load(SUBCONJUNTO) as z:
        return [torch.from_numpy(z[k]) for k in ("X_treino", "y_treino", "X_teste", "y_teste")]


def _validar_tamanho(resize):
    if resize is None:
        return None
    if isinstance(resize, int) and not isinstance(resize, bool):
        resize = (resize, resize)
    if (not isinstance(resize, (tuple, list)) or len(resize) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in resize)):
        raise ValueError("resize deve ser None, um inteiro positivo (ex.: 32) ou um par de "
                         f"inteiros positivos (ex.: (32, 32)); recebi {resize!r}.")
    return tuple(resize)


def _validar_lote(batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(f"batch_size deve ser um inteiro, como 128; recebi {batch_size!r}.")
    if batch_size <= 0:
        raise ValueError(f"batch_size deve ser positivo, como 128; recebi {batch_size}.")


def para_tensores(imagens, resize=None):
    """Converte imagens ``uint8`` (N×28×28) em ``float32`` N×1×H×W em [0, 1], redimensionando uma vez."""
    X = imagens.unsqueeze(1).float().div_(255)
    if resize is not None:
        from torchvision.transforms.v2 import functional as TF
        X = TF.resize(X, list(resize), antialias=True)
    return X


class CarregadorDeTensores:
    """Entrega lotes ``(X, y)`` de tensores já prontos, como um ``DataLoader``.

    O ``DataLoader`` da aula original montava cada lote amostra por amostra,
    aplicando as transformações de novo a cada época; aqui os dados já estão
    prontos e cada lote é uma simples indexação. ``dataset`` é um
    ``TensorDataset``, ``len()`` dá o número de lotes e, com ``embaralhar``, a
    ordem muda a cada época (sorteada pelo gerador global do PyTorch).
    """

    def __init__(self, X, y, batch_size, embaralhar):
        _validar_lote(batch_size)
        self.dataset = TensorDataset(X, y)
        self.batch_size, self.embaralhar = batch_size, embaralhar
        self._copia = None

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def ordem(self):
        """A ordem das amostras numa época: sorteada se ``embaralhar``, senão a original."""
        n = len(self.dataset)
        return torch.randperm(n) if self.embaralhar else torch.arange(n)

    def __iter__(self):
        X, y = self.dataset.tensors
        for indices in self.ordem().split(self.batch_size):
            yield X[indices], y[indices]

    def no_dispositivo(self, dispositivo):
        """Os tensores ``(X, y)`` copiados uma única vez para ``dispositivo`` (a cópia é guardada)."""
        dispositivo = torch.device(dispositivo)
        if self._copia is None or self._copia[0] != dispositivo:
            self._copia = (dispositivo, *(t.to(dispositivo) for t in self.dataset.tensors))
        return self._copia[1:]


def load_data_fashion_mnist(batch_size, resize=None, root=RAIZ_PADRAO):
    """Carrega o Fashion-MNIST e devolve ``(train_iter, test_iter)``.

    Cada iterador entrega lotes ``(X, y)``: ``X`` com forma ``(lote, 1, H, W)``
    e valores em [0, 1], ``y`` com os rótulos 0 a 9 (nomes em ``CLASSES``). O
    treino é embaralhado a cada época; o teste, não.

    As imagens são lidas uma vez, convertidas e, se ``resize`` for dado
    (inteiro ou par altura, largura), redimensionadas de uma vez só, e não
    amostra por amostra a cada época como fazia a aula original.
    Veja ``preparar_fashion_mnist`` para a ordem em que os dados são procurados.
    """
    _validar_lote(batch_size)
    resize = _validar_tamanho(resize)
    if modo_rapido():
        Xtr, ytr, Xte, yte = _ler_subconjunto()
    else:
        Xtr, ytr, Xte, yte = _ler_completo(root)
    Xtr, Xte = para_tensores(Xtr, resize), para_tensores(Xte, resize)
    return (CarregadorDeTensores(Xtr, ytr.long(), batch_size, True),
            CarregadorDeTensores(Xte, yte.long(), batch_size, False))


# --------------------------------------------------------------------------
# Avaliação e treino
# --------------------------------------------------------------------------

def _validar_modelo(net, loss):
    if not isinstance(net, nn.Module):
        raise TypeError("net deve ser um modelo do PyTorch (um nn.Module, como nn.Sequential(...)); "
                        f"recebi {type(net).__name__}.")
    if not isinstance(loss, nn.Module) or getattr(loss, "reduction", None) not in ("mean", "sum", "none"):
        raise TypeError("loss deve ser uma função de perda do PyTorch, como nn.CrossEntropyLoss(); "
                        f"recebi {type(loss).__name__}.")


def _soma_da_perda(l, loss, n):
    """Soma das perdas das ``n`` amostras do lote, qualquer que seja a redução da perda."""
    if loss.reduction == "mean":
        return l * n
    return l.sum()


def _dispositivo_do(net):
    p = next(net.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


LOTE_AVALIACAO = 1024  # na avaliação não há gradientes: lotes maiores saem mais baratos


def _lotes_de_avaliacao(data_iter, dispositivo):
    if isinstance(data_iter, CarregadorDeTensores):
        X, y = data_iter.no_dispositivo(dispositivo)
        lote = max(LOTE_AVALIACAO, data_iter.batch_size)
        return zip(X.split(lote), y.split(lote))
    return ((X.to(dispositivo, non_blocking=True), y.to(dispositivo, non_blocking=True))
            for X, y in data_iter)


def evaluate_accuracy(data_iter, net, loss):
    """Devolve ``(acurácia, perda)`` de ``net`` em ``data_iter``, ambas médias por amostra.

    A aula original dividia a perda pelo número de lotes, o que pesa demais o
    último lote quando ele é menor; aqui somamos a perda de cada amostra e
    dividimos pelo total de amostras. Com os carregadores deste módulo, os
    dados ficam no dispositivo e a avaliação usa lotes de ``LOTE_AVALIACAO``.
    """
    _validar_modelo(net, loss)
    dispositivo = _dispositivo_do(net)
    estava_treinando = net.training
    net.eval()
    soma_l = torch.zeros((), device=dispositivo)
    acertos = torch.zeros((), device=dispositivo, dtype=torch.long)
    n = 0
    with torch.no_grad():
        for X, y in _lotes_de_avaliacao(data_iter, dispositivo):
            y_hat = net(X)
            soma_l += _soma_da_perda(loss(y_hat, y), loss, y.shape[0])
            acertos += (y_hat.argmax(dim=1) == y).sum()
            n += y.shape[0]
    net.train(estava_treinando)
    if n == 0:
        raise ValueError("data_iter não entregou nenhum lote: confira o carregador de dados.")
    return acertos.item() / n, soma_l.item() / n


def _passo(net, trainer, loss, X, y, soma_l, acertos):
    """Um passo de treino: previsão, perda, gradientes, atualização e somas da época (no dispositivo)."""
    y_hat = net(X)
    l = loss(y_hat, y)
    trainer.zero_grad(set_to_none=True)
    (l.mean() if loss.reduction == "none" else l).backward()
    trainer.step()
    soma_l += _soma_da_perda(l.detach(), loss, y.shape[0])
    acertos += (y_hat.argmax(dim=1) == y).sum()


class _PassoEmGrafo:
    """O passo de treino inteiro (indexação do lote, previsão, retropropagação e
    ``trainer.step()``) gravado num grafo CUDA e repetido com ``replay()``: a
    CPU dispara um só comando por passo, em vez de centenas de kernels."""

    AQUECIMENTO = 3  # passos normais antes da captura (o cuDNN escolhe algoritmos, o otimizador cria estados)

    def __init__(self):
        self.grafo, self.passos, self.falhou = None, 0, False
        self.fluxo = torch.cuda.Stream()

    def executar(self, net, trainer, loss, X, y, indices, soma_l, acertos):
        if self.grafo is None and self.passos >= self.AQUECIMENTO:
            self._capturar(net, trainer, loss, X, y, indices, soma_l, acertos)
        if self.grafo is not None:
            self.indices.copy_(indices)
            self.grafo.replay()
            return
        self.fluxo.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(self.fluxo):  # aquecimento fora do fluxo principal, como pede a captura
            _passo(net, trainer, loss, X.index_select(0, indices), y.index_select(0, indices), soma_l, acertos)
        torch.cuda.current_stream().wait_stream(self.fluxo)
        self.passos += 1

    def _capturar(self, net, trainer, loss, X, y, indices, soma_l, acertos):
        self.indices = indices.clone()
        grafo = torch.cuda.CUDAGraph()
        trainer.zero_grad(set_to_none=True)
        with torch.cuda.graph(grafo):
            _passo(net, trainer, loss, X.index_select(0, self.indices), y.index_select(0, self.indices),
                   soma_l, acertos)
        self.grafo = grafo


def _epoca(net, train_iter, trainer, loss, dispositivo, rapido, grafo, soma_l, acertos, barra, descricao):
    """Treina uma época, somando perdas e acertos em ``soma_l`` e ``acertos`` (no dispositivo); devolve n."""
    from tqdm.auto import tqdm
    soma_l.zero_()  # zerados no lugar: o grafo CUDA guarda o endereço destes tensores
    acertos.zero_()
    # TQDM_DISABLE=1 desliga as barras (ferramentas/executar.py e os testes usam): no Jupyter,
    # a barra do tqdm.auto é um widget e não lê essa variável sozinha.
    desligada = not barra or os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true")
    n = 0
    if rapido and isinstance(train_iter, CarregadorDeTensores):
        X, y = train_iter.no_dispositivo(dispositivo)
        ordem = train_iter.ordem().to(dispositivo)
        for indices in tqdm(ordem.split(train_iter.batch_size), desc=descricao, leave=False, disable=desligada):
            if grafo is not None and not grafo.falhou and len(indices) == train_iter.batch_size:
                try:
                    grafo.executar(net, trainer, loss, X, y, indices, soma_l, acertos)
                    n += len(indices)
                    continue
                except Exception as erro:  # algo que o grafo CUDA não aceita: segue no laço comum
                    grafo.falhou = True
                    print("Aviso: não consegui gravar o passo de treino num grafo CUDA "
                          f"({type(erro).__name__}); sigo com o laço comum, que dá o mesmo resultado, "
                          "só que mais devagar.")
                    torch.cuda.synchronize()
            _passo(net, trainer, loss, X.index_select(0, indices), y.index_select(0, indices), soma_l, acertos)
            n += len(indices)
    else:
        for X, y in tqdm(train_iter, desc=descricao, leave=False, disable=desligada):
            X, y = X.to(dispositivo, non_blocking=True), y.to(dispositivo, non_blocking=True)
            _passo(net, trainer, loss, X, y, soma_l, acertos)
            n += y.shape[0]
    return n


def train_validate(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs,
                   device=None, barra=True, rapido=True):
    """Treina ``net`` por ``num_epochs`` épocas e avalia no teste ao fim de cada uma.

    Escolhe sozinho o dispositivo (GPU NVIDIA, GPU da Apple ou CPU) se
    ``device`` não for dado, mostra uma barra de progresso por época (tqdm) e
    imprime uma linha por época com perda e acurácia de treino e de teste
    (médias por amostra) e o tempo da época (treino mais avaliação). Para com
    uma mensagem se a perda virar NaN ou infinita. ``batch_size`` fica por
    compatibilidade com a aula original: o tamanho do lote é o dos carregadores.

    O que o laço faz para ser rápido sem mudar a matemática (``rapido=True``):

    1. Os dados dos carregadores deste módulo vão para o dispositivo uma única
       vez; cada lote é só uma indexação, feita no próprio dispositivo.
    2. Perda e acertos são somados no dispositivo; a CPU só lê os totais no fim
       da época. Ler um número da GPU a cada passo (``.item()``) obrigaria a
       CPU a esperar a GPU terminar, e a GPU ficaria ociosa esperando a CPU.
    3. Na GPU NVIDIA, depois de três passos normais, o passo de treino inteiro
       é gravado num grafo CUDA e repetido: a CPU dispara um comando por passo
       em vez de centenas de kernels pequenos, que era o gargalo desta rede.
       O que o grafo não aceita (por exemplo ``Adam`` sem ``capturable=True``)
       cai, com um aviso, no laço comum, com o mesmo resultado. O lote final
       menor roda no laço comum.
    4. A avaliação, que não guarda gradientes, usa lotes de ``LOTE_AVALIACAO``.

    A ordem dos lotes e as contas são as mesmas de um laço comum; com
    ``rapido=False`` roda esse laço comum (lote a lote, como na aula original).

    Devolve o histórico: um dicionário com as listas ``perda_treino``,
    ``acuracia_treino``, ``perda_teste``, ``acuracia_teste`` e ``tempo`` (s).
    """
    _validar_modelo(net, loss)
    _validar_lote(batch_size)
    if not isinstance(trainer, torch.optim.Optimizer):
        raise TypeError("trainer deve ser um otimizador do PyTorch, como "
                        f"torch.optim.SGD(net.parameters(), lr=0.1); recebi {type(trainer).__name__}.")
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, int) or num_epochs < 0:
        raise ValueError(f"num_epochs deve ser um inteiro ≥ 0, como 10; recebi {num_epochs!r}.")

    dispositivo = torch.device(device) if device is not None else escolher_dispositivo()
    net.to(dispositivo)
    if modo_rapido() and num_epochs > EPOCAS_RAPIDO:
        print(f"[modo rápido] {num_epochs} épocas reduzidas a {EPOCAS_RAPIDO}.")
        num_epochs = EPOCAS_RAPIDO
    grafo = _PassoEmGrafo() if rapido and dispositivo.type == "cuda" else None
    soma_l = torch.zeros((), device=dispositivo)
    acertos = torch.zeros((), device=dispositivo, dtype=torch.long)
    print(f"treinando em {descrever_dispositivo(dispositivo)}")
    historico = {k: [] for k in ("perda_treino", "acuracia_treino", "perda_teste",
                                 "acuracia_teste", "tempo")}
    for epoca in range(1, num_epochs + 1):
        inicio = time.perf_counter()
        net.train()
        n = _epoca(net, train_iter, trainer, loss, dispositivo, rapido, grafo, soma_l, acertos,
                   barra, f"época {epoca}/{num_epochs}")
        perda = soma_l.item() / max(n, 1)
        if not math.isfinite(perda):
            raise FloatingPointError(
                f"A perda virou {perda} na época {epoca}: o treino divergiu. "
                "Tente uma taxa de aprendizado (lr) menor, por exemplo 10 vezes menor.")
        acc_teste, perda_teste = evaluate_accuracy(test_iter, net, loss)
        tempo = time.perf_counter() - inicio
        for chave, valor in zip(historico, (perda, acertos.item() / max(n, 1),
                                            perda_teste, acc_teste, tempo)):
            historico[chave].append(valor)
        print(f"época {epoca}, perda treino {perda:.4f}, acurácia treino {historico['acuracia_treino'][-1]:.3f}, "
              f"perda teste {perda_teste:.4f}, acurácia teste {acc_teste:.3f}, tempo {tempo:.1f} s")
    return historico


def plotar_historico(historico, ax=None):
    """Desenha as curvas de perda e de acurácia de um histórico de ``train_validate``."""
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(10, 3.5))
    epocas = range(1, len(historico["perda_treino"]) + 1)
    for chave, rotulo in (("perda_treino", "treino"), ("perda_teste", "teste")):
        ax[0].plot(epocas, historico[chave], marker="o", label=rotulo)
    for chave, rotulo in (("acuracia_treino", "treino"), ("acuracia_teste", "teste")):
        ax[1].plot(epocas, historico[chave], marker="o", label=rotulo)
    for a, titulo in zip(ax, ("Perda (entropia cruzada)", "Acurácia")):
        a.set_xlabel("época")
        a.set_title(titulo)
        a.grid(alpha=0.3)
        a.legend()
    return ax


def mostrar_imagens(imagens, rotulos, titulos=None, colunas=8, escala=1.5):
    """Mostra uma grade de imagens (N×1×H×W ou N×H×W) com o nome da classe em cada uma."""
    import matplotlib.pyplot as plt
    imagens = imagens.detach().cpu()
    if imagens.dim() == 4:
        imagens = imagens[:, 0]
    linhas = math.ceil(len(imagens) / colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(colunas * escala, linhas * escala * 1.15))
    for i, ax in enumerate(np.atleast_1d(eixos).ravel()):
        ax.axis("off")
        if i < len(imagens):
            ax.imshow(imagens[i].numpy(), cmap="gray_r")
            ax.set_title(titulos[i] if titulos else CLASSES[int(rotulos[i])], fontsize=9)
    fig.tight_layout()
    return fig
