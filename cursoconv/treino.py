"""O laço de treino (``train_validate``): o laço da lição 5 e os extras que nunca perdem trabalho.

As conferências ficam em ``avaliacao.py``; a proteção do trabalho (perda NaN, Stop), em ``protecao.py``.
"""

import math
import os
import time

import torch

from . import ambiente
from .avaliacao import (calcular_perda, conferir_argumentos, conferir_probabilidades, conferir_saidas,
                        evaluate_accuracy, materializar, prever, soma_da_perda)
from .carregadores import CarregadorDeTensores
from .grafo_cuda import GrafoCUDA
from .protecao import PedidoDeParada, PontoBom, Rodada, avisar_parada, conferir_avaliacao, conferir_divergencia

#: Na GPU, de quantas em quantas iterações o laço confere se a perda virou NaN ou
#: infinita (conferir obriga a CPU a esperar a GPU; na CPU confere-se sempre).
VERIFICAR_A_CADA = 50


class Iteracao:
    """Uma iteração de treino e as somas da época, em tensores do dispositivo zerados no lugar (o grafo
    CUDA guarda seus endereços, e a CPU não espera a GPU a cada iteração para ler um número)."""

    def __init__(self, net, otimizador, loss, dispositivo, classes=None, conferir_entrada=True):
        self.net, self.otimizador, self.loss, self.classes = net, otimizador, loss, classes
        self.dispositivo, self.conferir_entrada, self.conferido = dispositivo, conferir_entrada, False
        self.criar_somas()
        self.zerar()

    def criar_somas(self):
        novo = lambda valor, tipo: torch.full((), valor, dtype=tipo, device=self.dispositivo)  # noqa: E731
        self.soma_l, self.acertos = novo(0, torch.float32), novo(0, torch.long)
        self.contador, self.primeira_ruim = novo(0, torch.long), novo(-1, torch.long)
        self.entrada_ruim = novo(False, torch.bool)

    def zerar(self):
        for t in (self.soma_l, self.acertos, self.contador, self.entrada_ruim):
            t.zero_()
        self.primeira_ruim.fill_(-1)

    def treinar(self, X, y):
        """Os cinco passos do laço da lição 5; devolve a perda (sem gradiente) e a previsão."""
        y_hat = prever(self.net, X)                       # 1. previsão
        if not self.conferido:
            conferir_saidas(self.net, y_hat, y, self.loss, self.classes)
            conferir_probabilidades(y_hat, self.loss)
            self.conferido = True
        l = calcular_perda(self.loss, self.net, y_hat, y)  # 2. perda
        self.otimizador.zero_grad(set_to_none=True)       # 3. zera os gradientes
        (l.mean() if self.loss.reduction == "none" else l).backward()  # 4. retropropagação
        self.otimizador.step()                            # 5. atualização dos pesos
        return l.detach(), y_hat

    def __call__(self, X, y):
        l, y_hat = self.treinar(X, y)
        self.soma_l += soma_da_perda(l, self.loss, y.shape[0])
        self.acertos += (y_hat.argmax(dim=1) == y).sum()
        self.contador += 1
        ruim = (self.primeira_ruim < 0) & ~torch.isfinite(l).all()
        self.primeira_ruim.copy_(torch.where(ruim, self.contador, self.primeira_ruim))
        if self.conferir_entrada:
            self.entrada_ruim |= ruim & ~torch.isfinite(X).all()

    def totais(self):
        """(soma das perdas, acertos) da época até aqui."""
        return self.soma_l.item(), self.acertos.item()

    def iteracao_ruim(self):
        """A iteração em que a perda deixou de ser finita, ou -1."""
        return self.primeira_ruim.item()

    def lote_ruim(self):
        """Se o lote da iteração ruim tinha pixels NaN ou infinitos (com ``conferir_entrada``)."""
        return bool(self.entrada_ruim.item())


class IteracaoNaCPU(Iteracao):
    """Na CPU, as somas são números do Python, como no laço da lição: ler um número do tensor não
    espera ninguém, e cada conta a menos em tensores de um só número poupa tempo a cada iteração."""

    def criar_somas(self):
        pass

    def zerar(self):
        self.soma, self.certos, self.contador, self.ruim, self.entrada = 0.0, 0, 0, -1, False

    def __call__(self, X, y):
        l, y_hat = self.treinar(X, y)
        soma = soma_da_perda(l, self.loss, y.shape[0]).item()
        self.soma += soma
        self.certos += (y_hat.argmax(dim=1) == y).sum().item()
        self.contador += 1
        if self.ruim < 0 and not math.isfinite(soma):  # uma soma finita só sai de perdas finitas
            self.ruim = self.contador
            self.entrada = self.conferir_entrada and not bool(torch.isfinite(X).all())

    def totais(self):
        return self.soma, self.certos

    def iteracao_ruim(self):
        return self.ruim

    def lote_ruim(self):
        return self.entrada


def _lotes(iteracao, train_iter, dispositivo):
    """O laço comum: cada lote do carregador vai para o dispositivo e passa por uma iteração."""
    for X, y in train_iter:
        X, y = X.to(dispositivo, non_blocking=True), y.to(dispositivo, non_blocking=True)
        iteracao(X, y)
        yield y.shape[0]


def train_validate(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs,
                   device=None, barra=True, grafo_cuda=True):
    """Treina ``net`` por ``num_epochs`` épocas e avalia em ``test_iter`` ao fim de cada uma.

    As contas são as do laço da lição 5 (``net(X)``, perda, ``zero_grad()``,
    ``backward()``, ``step()``, e ``evaluate_accuracy`` no fim da época); ``trainer``
    é o otimizador, e ``batch_size`` tem de ser o lote de ``train_iter``. Imprime
    uma linha por época (perda e acurácia médias por amostra, tempo) e devolve o
    histórico: listas ``perda_treino``, ``acuracia_treino``, ``perda_teste``,
    ``acuracia_teste`` e ``tempo`` (``perda_validacao``/``acuracia_validacao`` com
    o carregador de ``dividir_validacao``). Com ``CURSO_RAPIDO=1``, no máximo
    ``EPOCAS_RAPIDO`` épocas. Os extras, que não mudam as contas:

    * ``device``: escolhido sozinho se não for dado; ``barra``: uma barra (tqdm) por época;
      ``grafo_cuda``: numa GPU NVIDIA, a iteração de treino é gravada num grafo CUDA (mais rápido).
    * Antes de treinar, cada erro de uso (pesos NaN, imagens com NaN, otimizador de
      outra rede, gerador que não daria a 2ª época...) é uma mensagem em português, e
      camadas preguiçosas (``nn.LazyLinear``, como no d2l) ganham os pesos no 1º lote.
    * Perda NaN ou infinita: volta os pesos e o estado do otimizador ao fim da
      última época completa e levanta ``TreinoDivergiu`` (com ``historico``,
      ``epoca``, ``iteracao`` e a causa: dados ou taxa de aprendizado). Na GPU a
      conferência é a cada ``VERIFICAR_A_CADA`` iterações (as a mais são descartadas).
    * Avaliação NaN com o treino finito: ``AvaliacaoInvalida``, com ``historico``.
    * Stop (Ctrl+C): o primeiro termina a iteração em curso; um segundo interrompe
      na hora. Os dois devolvem o histórico das épocas completas, e os pesos ficam
      como estavam ao parar.
    """
    conferir_argumentos(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs)
    dispositivo = ambiente.conferir_dispositivo(device)
    net.to(dispositivo)
    train_iter = materializar(net, train_iter, loss)  # extra: camadas preguiçosas (nn.LazyLinear) ganham pesos
    if ambiente.modo_rapido() and num_epochs > ambiente.EPOCAS_RAPIDO:
        print(f"[modo rápido] {num_epochs} épocas reduzidas a {ambiente.EPOCAS_RAPIDO}.")
        num_epochs = ambiente.EPOCAS_RAPIDO
    do_curso = isinstance(train_iter, CarregadorDeTensores)  # conferido antes (sem NaN), com os tensores à mão
    classes = None
    if do_curso and not train_iter.dataset.tensors[1].is_floating_point():
        classes = int(train_iter.dataset.tensors[1].max()) + 1
    tipo = IteracaoNaCPU if dispositivo.type == "cpu" else Iteracao
    passo = tipo(net, trainer, loss, dispositivo, classes, conferir_entrada=not do_curso)
    no_grafo = grafo_cuda and dispositivo.type == "cuda" and do_curso
    grafo = GrafoCUDA(passo, train_iter, dispositivo) if no_grafo else None
    validacao = getattr(test_iter, "papel", None) == "validação"  # de dividir_validacao
    rodada = Rodada(num_epochs, avaliado="validação" if validacao else "teste")
    ponto_bom = PontoBom(net, trainer)
    print(f"treinando em {ambiente.descrever_dispositivo(dispositivo)}")
    try:
        with PedidoDeParada(rodada):
            for epoca in range(1, num_epochs + 1):
                inicio = time.perf_counter()
                rodada.comecar(epoca)
                net.train()
                passo.zerar()
                lotes = grafo.iteracoes() if grafo is not None else _lotes(passo, train_iter, dispositivo)
                n = _epoca(passo, lotes, rodada, dispositivo, barra, train_iter)
                conferir_divergencia(passo, net, ponto_bom, rodada)       # extra: NaN → pesos bons de volta
                if n == 0:
                    raise ValueError("train_iter não entregou nenhum lote: confira o carregador de dados.")
                if rodada.parar and rodada.iteracao != _tamanho(train_iter):  # Stop no meio da época
                    break
                rodada.fase = "avaliação"
                soma, acertos = passo.totais()
                perda, acuracia = soma / n, acertos / n
                acc_avaliada, perda_avaliada = evaluate_accuracy(test_iter, net, loss)
                conferir_avaliacao(perda_avaliada, perda, rodada)          # extra: NaN só na avaliação
                ponto_bom.guardar()
                rodada.anotar(perda, acuracia, perda_avaliada, acc_avaliada, time.perf_counter() - inicio)
                if rodada.parar:                                           # Stop na última iteração
                    rodada.fase = "fim"
                    break
    except KeyboardInterrupt:
        rodada.parar = True
    if rodada.parar:
        avisar_parada(rodada, dispositivo)
    return rodada.historico


def _epoca(passo, lotes, rodada, dispositivo, barra, train_iter):
    """Roda as iterações de uma época; para cedo se a perda deixar de ser finita ou se pedirem. Devolve n."""
    # TQDM_DISABLE=1 desliga as barras (o tqdm.auto do Jupyter não a lê); sem barra, nem importamos
    # o tqdm.auto, que avisa (em inglês) quando faltam os widgets do Jupyter.
    desligada = not barra or os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true")
    if desligada:
        from tqdm import tqdm
    else:
        from tqdm.auto import tqdm
    a_cada = 1 if dispositivo.type == "cpu" else VERIFICAR_A_CADA
    n = 0
    with tqdm(lotes, total=_tamanho(train_iter), desc=f"época {rodada.epoca}/{rodada.num_epochs}", leave=False,
              disable=desligada) as progresso:
        for tamanho in progresso:
            n += tamanho
            rodada.iteracao += 1
            if rodada.parar or (rodada.iteracao % a_cada == 0 and passo.iteracao_ruim() >= 0):
                break
    return n


def _tamanho(carregador):
    """Número de lotes por época, ou None para um carregador sem ``len()``."""
    return len(carregador) if hasattr(carregador, "__len__") else None
