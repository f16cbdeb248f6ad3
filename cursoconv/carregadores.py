"""Os carregadores do Fashion-MNIST: imagens lidas, convertidas e redimensionadas uma vez só, e cada
lote é uma indexação (o ``DataLoader`` da aula original refazia tudo a cada época, amostra por amostra).
Com o modo rápido (``CURSO_RAPIDO=1``), usa o subconjunto que vem com o pacote.
"""

import math
import warnings
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import TensorDataset

from . import ambiente, dados
from .formato import decimal, inteiro

SUBCONJUNTO = Path(__file__).with_name("subconjunto") / "fashion-mnist-rapido.npz"
#: Maior memória (em GiB) que as imagens convertidas podem ocupar; acima disso, um erro.
LIMITE_MEMORIA_GIB = 4
LOTE_DE_REDIMENSIONAR = 2048  # imagens redimensionadas por vez (limita o pico de memória)


def ler_completo(root):
    """Os tensores ``uint8``/``int64`` (X_treino, y_treino, X_teste, y_teste) dos dados completos."""
    import torchvision
    root = dados.conferir_root(root)
    dados.preparar_fashion_mnist(root)
    partes = []
    for treino in (True, False):
        ds = torchvision.datasets.FashionMNIST(root, train=treino)
        partes += [ds.data, ds.targets]
    return partes


def ler_subconjunto():
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


def validar_lote(batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(f"batch_size deve ser um inteiro, como 128; recebi {batch_size!r}.")
    if batch_size <= 0:
        raise ValueError(f"batch_size deve ser positivo, como 128; recebi {batch_size}.")


def _conferir_memoria(quantidade, resize):
    """Recusa, com a estimativa, um ``resize`` cujas imagens não caberiam na memória."""
    altura, largura = resize or (28, 28)
    gib = quantidade * altura * largura * 4 / 2**30  # float32: 4 bytes por pixel
    if gib > LIMITE_MEMORIA_GIB:
        raise MemoryError(
            f"Com resize={resize[0] if resize[0] == resize[1] else resize}, as {inteiro(quantidade)} "
            f"imagens ocupariam {decimal(gib, 1)} GiB de memória ({inteiro(quantidade)} × "
            f"{altura} × {largura} pixels × 4 bytes), acima do limite de {LIMITE_MEMORIA_GIB} GiB "
            "deste curso (uma máquina do Colab tem uns 12 GiB). Use um tamanho menor: a LeNet-5 usa "
            "resize=32, e 28 (sem resize) é o tamanho original.")


def para_tensores(imagens, resize=None):
    """Converte imagens ``uint8`` (N×28×28) em ``float32`` N×1×H×W em [0, 1], redimensionando (se
    ``resize``) em blocos de ``LOTE_DE_REDIMENSIONAR`` imagens, sem uma cópia extra de tudo."""
    if resize is None:
        return imagens.unsqueeze(1).float().div_(255)
    from torchvision.transforms.v2 import functional as TF
    X = torch.empty(len(imagens), 1, *resize)
    for inicio in range(0, len(imagens), LOTE_DE_REDIMENSIONAR):
        bloco = imagens[inicio:inicio + LOTE_DE_REDIMENSIONAR].unsqueeze(1).float().div_(255)
        X[inicio:inicio + len(bloco)] = TF.resize(bloco, list(resize), antialias=True)
    return X


class CarregadorDeTensores:
    """Entrega lotes ``(X, y)`` de tensores já prontos, como um ``DataLoader``: ``dataset`` é um
    ``TensorDataset``, ``len()`` dá o número de lotes e, com ``embaralhar``, a ordem é sorteada a cada
    época pelo gerador global do PyTorch (``torch.randperm``), quando a iteração começa."""

    def __init__(self, X, y, batch_size, embaralhar, papel=None):
        validar_lote(batch_size)
        self.dataset = TensorDataset(X, y)
        self.batch_size, self.embaralhar = batch_size, embaralhar
        #: "treino", "teste" ou "validação": o que ``train_validate`` diz que está avaliando.
        self.papel = papel
        self._conferido = None  # a versão das imagens já conferida por imagens_ruins()

    def imagens_ruins(self):
        """Os índices das imagens com algum pixel NaN ou infinito (vazio se não há nenhuma).

        A soma de todos os pixels só é finita se nenhum for NaN ou infinito: uma conta só, sem um
        tensor de 60 000 × 1 024 respostas. O resultado "nenhuma" fica guardado até as imagens
        mudarem (o PyTorch conta, em ``_version``, cada mudança no lugar, como
        ``X[0] = float("nan")``), e ``train_validate`` chamado época a época não paga a conta de novo."""
        X = self.dataset.tensors[0]
        versao = (id(X), X.data_ptr(), X._version)
        if versao == self._conferido or not X.is_floating_point():
            return torch.empty(0, dtype=torch.long)
        if bool(torch.isfinite(X.sum())):  # uma soma infinita sem pixel ruim (números enormes) cai na conta de baixo
            self._conferido = versao
            return torch.empty(0, dtype=torch.long)
        return (~torch.isfinite(X.flatten(1))).any(dim=1).nonzero().flatten()

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def __repr__(self):
        return f"CarregadorDeTensores({len(self.dataset)} amostras em lotes de {self.batch_size})"

    def ordem(self):
        """A ordem das amostras numa época: sorteada se ``embaralhar``, senão a original."""
        n = len(self.dataset)
        return torch.randperm(n) if self.embaralhar else torch.arange(n)

    def __iter__(self):
        X, y = self.dataset.tensors
        for indices in self.ordem().split(self.batch_size):
            yield X[indices], y[indices]


def load_data_fashion_mnist(batch_size, resize=None, root=dados.RAIZ_PADRAO, num_workers=None):
    """Carrega o Fashion-MNIST e devolve ``(train_iter, test_iter)``.

    Cada um entrega lotes ``(X, y)``: ``X`` de forma ``(lote, 1, H, W)`` com valores em
    [0, 1], ``y`` com os rótulos 0 a 9 (nomes em ``CLASSES``); o treino é embaralhado a
    cada época. ``resize`` (inteiro ou par altura, largura) redimensiona tudo de uma vez;
    um que passaria de ``LIMITE_MEMORIA_GIB`` é recusado. ``num_workers`` é ignorado,
    com um aviso. A ordem em que os dados são procurados: ``preparar_fashion_mnist``.
    """
    validar_lote(batch_size)
    resize = _validar_tamanho(resize)
    root = dados.conferir_root(root)
    if num_workers not in (None, 0):
        warnings.warn(f"num_workers={num_workers!r} foi ignorado: este carregador não precisa de "
                      "processos auxiliares, porque as imagens já ficam prontas na memória e cada "
                      "lote é só uma indexação. Pode tirar num_workers da chamada.", stacklevel=2)
    rapido = ambiente.modo_rapido()
    _conferir_memoria(4000 if rapido else 70000, resize)
    Xtr, ytr, Xte, yte = ler_subconjunto() if rapido else ler_completo(root)
    Xtr, Xte = para_tensores(Xtr, resize), para_tensores(Xte, resize)
    return (CarregadorDeTensores(Xtr, ytr.long(), batch_size, True, "treino"),
            CarregadorDeTensores(Xte, yte.long(), batch_size, False, "teste"))


#: Tamanho padrão da validação: 10 000 das 60 000 imagens de treino (o mesmo tamanho do teste).
TAMANHO_VALIDACAO = 10_000
#: Imagens de treino dos dados completos e do subconjunto do modo rápido.
TREINO_COMPLETO, TREINO_RAPIDO = 60_000, 3_000


def dividir_validacao(train_iter, tamanho=TAMANHO_VALIDACAO, semente=0):
    """Separa ``tamanho`` imagens do treino para a validação; devolve ``(train_iter, valid_iter)``.

    A mesma divisão a cada ``semente`` (um gerador próprio, sem mexer no global); nenhuma
    imagem fica nos dois, e o teste fica para a avaliação final. O lote é o de
    ``train_iter``; só o treino é embaralhado, e ``train_validate`` chama as colunas de
    ``perda_validacao``/``acuracia_validacao``. No modo rápido, ``tamanho`` encolhe na
    proporção do treino (os 10 000 padrão viram 500).
    """
    if not isinstance(train_iter, CarregadorDeTensores):
        raise TypeError("dividir_validacao recebe o carregador de treino do curso, como o train_iter de "
                        f"utils.load_data_fashion_mnist(128); recebi {type(train_iter).__name__}.")
    if isinstance(tamanho, bool) or not isinstance(tamanho, int) or tamanho <= 0:
        raise ValueError(f"tamanho (o número de imagens da validação) deve ser um inteiro positivo, como "
                         f"10000; recebi {tamanho!r}.")
    if ambiente.modo_rapido():
        tamanho = max(1, round(tamanho * TREINO_RAPIDO / TREINO_COMPLETO))
    X, y = train_iter.dataset.tensors
    if tamanho >= len(X):
        raise ValueError(f"A validação de {inteiro(tamanho)} imagens não deixaria nada para treinar: o treino "
                         f"tem {inteiro(len(X))}. Use um tamanho menor, como {inteiro(len(X) // 6)}.")
    ordem = torch.randperm(len(X), generator=torch.Generator().manual_seed(ambiente.conferir_semente(semente)))
    validacao, treino = ordem[:tamanho].sort().values, ordem[tamanho:].sort().values
    lote = train_iter.batch_size
    return (CarregadorDeTensores(X[treino], y[treino], lote, train_iter.embaralhar, "treino"),
            CarregadorDeTensores(X[validacao], y[validacao], lote, False, "validação"))
