"""O laço de treino (``train_validate``) e a avaliação (``evaluate_accuracy``).

As contas são as de um laço comum de livro-texto; o grafo CUDA (``grafo_cuda``)
só muda como a CPU dispara o trabalho na GPU. Além disso, o laço nunca perde o
trabalho do estudante: veja ``train_validate``.
"""

import os
import time
import warnings

import torch

from . import ambiente
from .avaliacao import (conferir_saidas, calcular_perda, soma_da_perda, validar_modelo,
                        evaluate_accuracy)
from .carregadores import CarregadorDeTensores, validar_lote
from .formato import decimal
from .protecao import PedidoDeParada, PontoBom, TreinoDivergiu, avisar_parada, conferir_divergencia

__all__ = ["TreinoDivergiu", "evaluate_accuracy", "train_validate", "Iteracao", "VERIFICAR_A_CADA"]

#: Na GPU, de quantas em quantas iterações o laço confere se a perda virou NaN ou
#: infinita (conferir obriga a CPU a esperar a GPU; na CPU confere-se sempre).
VERIFICAR_A_CADA = 50


class Iteracao:
    """Um iteracao de treino e as somas da época, guardadas no dispositivo.

    As somas são tensores zerados no lugar a cada época (o grafo CUDA guarda
    seus endereços). ``primeira_ruim`` é a iteração em que a perda deixou de
    ser finita pela primeira vez, ou -1; a CPU só a lê de tempos em tempos.
    """

    def __init__(self, net, otimizador, loss, dispositivo, classes=None):
        self.net, self.otimizador, self.loss, self.classes = net, otimizador, loss, classes
        novo = lambda valor, tipo: torch.full((), valor, dtype=tipo, device=dispositivo)
        self.soma_l, self.acertos = novo(0, torch.float32), novo(0, torch.long)
        self.contador, self.primeira_ruim = novo(0, torch.long), novo(-1, torch.long)
        self.conferido = False

    def zerar(self):
        for t in (self.soma_l, self.acertos, self.contador):
            t.zero_()
        self.primeira_ruim.fill_(-1)

    def __call__(self, X, y):
        y_hat = self.net(X)
        if not self.conferido:
            conferir_saidas(self.net, y_hat, y, self.classes)
            self.conferido = True
        l = calcular_perda(self.loss, self.net, y_hat, y)
        self.otimizador.zero_grad(set_to_none=True)
        (l.mean() if self.loss.reduction == "none" else l).backward()
        self.otimizador.step()
        l = l.detach()
        self.soma_l += soma_da_perda(l, self.loss, y.shape[0])
        self.acertos += (y_hat.argmax(dim=1) == y).sum()
        self.contador += 1
        ruim = (self.primeira_ruim < 0) & ~torch.isfinite(l).all()
        self.primeira_ruim.copy_(torch.where(ruim, self.contador, self.primeira_ruim))


def _iteracoes_comuns(iteracao, train_iter, dispositivo):
    """O laço comum: cada lote do carregador vai para o dispositivo e passa por um iteracao."""
    for X, y in train_iter:
        X, y = X.to(dispositivo, non_blocking=True), y.to(dispositivo, non_blocking=True)
        iteracao(X, y)
        yield y.shape[0]


def _conferir_argumentos(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs):
    validar_modelo(net, loss)
    validar_lote(batch_size)
    if not isinstance(trainer, torch.optim.Optimizer):
        raise TypeError("trainer (o otimizador) deve ser um otimizador do PyTorch, como "
                        f"torch.optim.SGD(net.parameters(), lr=0.1); recebi {type(trainer).__name__}.")
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, int) or num_epochs < 0:
        raise ValueError(f"num_epochs deve ser um inteiro ≥ 0, como 10; recebi {num_epochs!r}.")
    for nome, carregador in (("train_iter", train_iter), ("test_iter", test_iter)):
        if hasattr(carregador, "__len__") and len(carregador) == 0:
            raise ValueError(f"{nome} está vazio (nenhum lote): confira o carregador de dados, por "
                             "exemplo train_iter, test_iter = utils.load_data_fashion_mnist(128).")
    if not torch.is_grad_enabled() or torch.is_inference_mode_enabled():
        raise RuntimeError("train_validate foi chamado dentro de torch.no_grad() (ou de "
                           "torch.inference_mode()), e sem gradientes a rede não aprende. Chame-o fora "
                           "do bloco with torch.no_grad(): esse bloco é só para avaliar ou prever.")


def train_validate(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs,
                   device=None, barra=True, grafo_cuda=True, rapido=None):
    """Treina ``net`` por ``num_epochs`` épocas e avalia no teste ao fim de cada uma.

    ``trainer`` é o otimizador (o nome vem da aula original). Escolhe sozinho o
    dispositivo se ``device`` não for dado, mostra uma barra de progresso por
    época (tqdm) e imprime uma linha por época com perda e acurácia de treino
    e de teste (médias por amostra) e o tempo da época (treino mais
    avaliação). ``batch_size`` fica por compatibilidade com a aula original: o
    tamanho do lote é o dos carregadores. Com ``CURSO_RAPIDO=1``, no máximo
    ``EPOCAS_RAPIDO`` épocas.

    As contas são as de um laço comum: para cada lote, ``net(X)``, perda,
    ``zero_grad()``, ``backward()``, ``step()``, na ordem sorteada pelo
    carregador, e ``evaluate_accuracy`` no fim da época; os pesos finais são
    os mesmos. Perda e acertos são somados no próprio dispositivo, e a CPU só
    lê os totais no fim da época. Com ``grafo_cuda=True`` (o padrão), numa GPU
    NVIDIA e com um carregador deste curso, o iteracao é gravado num grafo CUDA
    (veja ``cursoconv.grafo_cuda``): mesmas contas, bem mais rápido.
    (``rapido=`` é o nome antigo de ``grafo_cuda=``.)

    Nada do trabalho se perde:

    * **Perda NaN ou infinita** (o treino divergiu): o laço para e põe de volta
      os pesos do fim da última época completa (ou os iniciais, se foi na 1ª),
      e também o estado do otimizador desse momento (o momento do SGD, as
      médias do Adam), que a divergência teria estragado; os gradientes ficam
      vazios. Então levanta ``TreinoDivergiu`` (um ``FloatingPointError``),
      com ``historico`` (as épocas completas), ``epoca`` e ``iteracao`` (onde
      a perda deixou de ser finita). Na CPU, o laço para na própria iteração.
      Na GPU, conferir a cada iteração obrigaria a CPU a esperar a GPU a cada
      iteracao; o laço anota a iteração no próprio dispositivo e só a lê a cada
      ``VERIFICAR_A_CADA`` iterações (e no fim da época), o que custa uma
      espera a cada 50 iterações: no máximo 49 iterações a mais, já descartadas
      pela restauração. ``benchmark/benchmark.py`` mede esse custo.
    * **Stop (Ctrl+C, KeyboardInterrupt)**: o primeiro Stop termina a iteração
      em curso e para; um segundo Stop interrompe na hora. Nos dois casos o
      laço imprime em que época e iteração parou e *devolve* o histórico das
      épocas completas (não há exceção). Os pesos ficam como estavam ao parar:
      dá para avaliar a rede ou continuar treinando com outra chamada.

    Devolve o histórico: um dicionário com as listas ``perda_treino``,
    ``acuracia_treino``, ``perda_teste``, ``acuracia_teste`` e ``tempo`` (s).
    """
    if rapido is not None:
        warnings.warn("O argumento rapido= de train_validate agora se chama grafo_cuda= "
                      f"(use grafo_cuda={rapido!r}); rapido= vai deixar de existir.", FutureWarning,
                      stacklevel=2)
        grafo_cuda = rapido
    _conferir_argumentos(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs)
    dispositivo = ambiente.conferir_dispositivo(device)
    net.to(dispositivo)
    if ambiente.modo_rapido() and num_epochs > ambiente.EPOCAS_RAPIDO:
        print(f"[modo rápido] {num_epochs} épocas reduzidas a {ambiente.EPOCAS_RAPIDO}.")
        num_epochs = ambiente.EPOCAS_RAPIDO
    classes = None
    if isinstance(train_iter, CarregadorDeTensores) and not train_iter.dataset.tensors[1].is_floating_point():
        classes = int(train_iter.dataset.tensors[1].max()) + 1
    iteracao = Iteracao(net, trainer, loss, dispositivo, classes)
    grafo = None
    if grafo_cuda and dispositivo.type == "cuda" and isinstance(train_iter, CarregadorDeTensores):
        from .grafo_cuda import GrafoCUDA
        grafo = GrafoCUDA(iteracao, train_iter, dispositivo)
    a_cada = 1 if dispositivo.type == "cpu" else VERIFICAR_A_CADA
    print(f"treinando em {ambiente.descrever_dispositivo(dispositivo)}")
    historico = {k: [] for k in ("perda_treino", "acuracia_treino", "perda_teste", "acuracia_teste", "tempo")}
    ponto_bom = PontoBom(net, trainer)
    onde = {"epoca": 1, "iteracao": 0, "fase": "treino"}
    try:
        with PedidoDeParada() as parada:
            for epoca in range(1, num_epochs + 1):
                onde.update(epoca=epoca, iteracao=0, fase="treino")
                inicio = time.perf_counter()
                net.train()
                iteracao.zerar()
                lotes = grafo.iteracoes() if grafo is not None else _iteracoes_comuns(iteracao, train_iter, dispositivo)
                total = len(train_iter) if hasattr(train_iter, "__len__") else None
                n = _epoca(iteracao, lotes, onde, a_cada, parada, barra, f"época {epoca}/{num_epochs}", total)
                conferir_divergencia(iteracao, net, ponto_bom, historico, onde)
                if n == 0:
                    raise ValueError("train_iter não entregou nenhum lote: confira o carregador de dados.")
                if parada.pedido and onde["iteracao"] != total:  # parou no meio da época
                    break
                onde["fase"] = "avaliação"
                perda, acuracia = iteracao.soma_l.item() / n, iteracao.acertos.item() / n
                acc_teste, perda_teste = evaluate_accuracy(test_iter, net, loss)
                ponto_bom.guardar()
                tempo = time.perf_counter() - inicio
                for chave, valor in zip(historico, (perda, acuracia, perda_teste, acc_teste, tempo)):
                    historico[chave].append(valor)
                print(f"época {epoca}, perda treino {decimal(perda, 4)}, acurácia treino {decimal(acuracia)}, "
                      f"perda teste {decimal(perda_teste, 4)}, acurácia teste {decimal(acc_teste)}, "
                      f"tempo {decimal(tempo, 1)} s")
                if parada.pedido:
                    onde["fase"] = "fim"
                    break
            else:
                return historico
    except KeyboardInterrupt:
        pass
    avisar_parada(onde, len(historico["tempo"]), dispositivo)
    return historico


def _epoca(iteracao, lotes, onde, a_cada, parada, barra, descricao, total):
    """Roda as iterações de uma época; para cedo se a perda deixar de ser finita ou se pedirem. Devolve n."""
    # TQDM_DISABLE=1 desliga as barras (ferramentas/executar.py e os testes usam): no Jupyter,
    # a barra do tqdm.auto é um widget e não lê essa variável sozinha. Sem barra, nem importamos
    # o tqdm.auto, que avisa (em inglês) quando faltam os widgets do Jupyter.
    desligada = not barra or os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true")
    if desligada:
        from tqdm import tqdm
    else:
        from tqdm.auto import tqdm
    n = 0
    with tqdm(lotes, total=total, desc=descricao, leave=False, disable=desligada) as progresso:
        for tamanho in progresso:
            n += tamanho
            onde["iteracao"] += 1
            if parada.pedido or (onde["iteracao"] % a_cada == 0 and iteracao.primeira_ruim.item() >= 0):
                break
    return n


