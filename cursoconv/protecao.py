"""Nunca perder o trabalho do estudante (perda NaN, Stop): a rodada, o ponto bom, a parada e as mensagens."""

import copy
import math
import signal
import threading
from dataclasses import dataclass, field

import torch

from .formato import decimal, inteiro


@dataclass
class Rodada:
    """O estado de uma chamada de ``train_validate``: onde o treino está, o histórico e o Stop.

    ``avaliado``: ``"teste"`` ou ``"validação"`` (também nas colunas do histórico); ``fase``:
    ``"treino"``, ``"avaliação"`` ou ``"fim"``; ``parar``: verdadeiro com o primeiro Stop.
    """

    num_epochs: int
    avaliado: str = "teste"
    epoca: int = 0
    iteracao: int = 0
    fase: str = "treino"
    parar: bool = False
    historico: dict = field(init=False)

    def __post_init__(self):
        sufixo = "validacao" if self.avaliado == "validação" else "teste"
        chaves = ("perda_treino", "acuracia_treino", f"perda_{sufixo}", f"acuracia_{sufixo}", "tempo")
        self.historico = {chave: [] for chave in chaves}

    @property
    def completas(self):
        """0 → "nenhuma época completa"; 1 → "1 época completa"; 3 → "3 épocas completas"."""
        n = len(self.historico["tempo"])
        return "nenhuma época completa" if n == 0 else f"{inteiro(n)} época{'s' * (n > 1)} completa{'s' * (n > 1)}"

    def comecar(self, epoca):
        self.epoca, self.iteracao, self.fase = epoca, 0, "treino"

    def anotar(self, perda, acuracia, perda_avaliada, acuracia_avaliada, tempo):
        """Guarda a época no histórico e imprime a sua linha."""
        for chave, valor in zip(self.historico, (perda, acuracia, perda_avaliada, acuracia_avaliada, tempo)):
            self.historico[chave].append(valor)
        print(f"época {self.epoca}, perda treino {decimal(perda, 4)}, acurácia treino {decimal(acuracia)}, "
              f"perda {self.avaliado} {decimal(perda_avaliada, 4)}, acurácia {self.avaliado} "
              f"{decimal(acuracia_avaliada)}, tempo {decimal(tempo, 1)} s")


class TreinoDivergiu(FloatingPointError):
    """A perda virou NaN ou infinita. ``historico`` tem as épocas completas;
    ``epoca`` e ``iteracao`` dizem onde a perda deixou de ser finita."""

    def __init__(self, mensagem, historico, epoca, iteracao):
        super().__init__(mensagem)
        self.historico, self.epoca, self.iteracao = historico, epoca, iteracao


class AvaliacaoInvalida(FloatingPointError):
    """A perda da avaliação (teste ou validação) deu NaN ou infinita, com o treino finito.
    ``historico`` tem as épocas completas; ``epoca``, a época cuja avaliação falhou."""

    def __init__(self, mensagem, historico, epoca):
        super().__init__(mensagem)
        self.historico, self.epoca = historico, epoca


class PontoBom:
    """Cópia dos pesos (e do estado do otimizador) do fim da última época boa."""

    def __init__(self, net, otimizador):
        self.net, self.otimizador = net, otimizador
        self.guardar()

    def guardar(self):
        self.pesos = {k: v.detach().clone() for k, v in self.net.state_dict().items()}
        self.estado = copy.deepcopy(self.otimizador.state_dict())

    def restaurar(self):
        self.net.load_state_dict(self.pesos)  # copia nos mesmos tensores
        self.otimizador.load_state_dict(self.estado)
        self.otimizador.zero_grad(set_to_none=True)


class PedidoDeParada:
    """Durante o treino, o primeiro Ctrl+C (o Stop do Jupyter) só pede para parar depois da
    iteração em curso (``rodada.parar``); um segundo interrompe na hora, com ``KeyboardInterrupt``."""

    def __init__(self, rodada):
        self.rodada, self.anterior = rodada, None

    def __enter__(self):
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.anterior = signal.signal(signal.SIGINT, self._pedir)
        return self

    def _pedir(self, *_):
        if self.rodada.parar:
            raise KeyboardInterrupt
        self.rodada.parar = True

    def __exit__(self, *_):
        if self.anterior is not None:
            signal.signal(signal.SIGINT, self.anterior)


def conferir_divergencia(passo, net, ponto_bom, rodada):
    """Se a perda deixou de ser finita (ou algum peso), restaura o ponto bom e levanta TreinoDivergiu."""
    iteracao = passo.iteracao_ruim()
    if iteracao < 0:
        pesos = [p.detach() for p in net.parameters()]
        if not pesos or bool(torch.stack([torch.isfinite(p).all() for p in pesos]).all()):
            return
        iteracao = rodada.iteracao
    ponto_bom.restaurar()
    epoca = rodada.epoca
    volta = f"do fim da época {epoca - 1}" if epoca > 1 else "iniciais (de antes do treino)"
    causa, fazer = (("porque o lote dessa iteração tinha pixels NaN ou infinitos: o problema está nos dados, e não "
                     "na taxa de aprendizado", "confira os dados (torch.isfinite(X).all() em cada lote de train_iter) "
                     "e troque ou corrija as imagens com NaN ou infinito antes de treinar de novo.")
                    if passo.lote_ruim() else ("o treino divergiu", "use uma taxa de aprendizado (lr) "
                                                       "menor, por exemplo 10 vezes menor, e rode de novo."))
    raise TreinoDivergiu(
        f"A perda virou NaN ou infinita na época {epoca}, iteração {inteiro(iteracao)}: {causa}. "
        f"Parei o treino e pus de volta os pesos {volta}, com o estado do otimizador desse momento; "
        f"erro.historico traz o histórico até aqui ({rodada.completas}). O que fazer: {fazer}",
        rodada.historico, epoca, iteracao)


def conferir_avaliacao(perda_avaliada, perda_treino, rodada):
    """Para o treino, com uma mensagem clara, se a avaliação deu NaN ou infinito com o treino finito."""
    if math.isfinite(perda_avaliada):
        return
    nome = "test_iter" if rodada.avaliado == "teste" else "o carregador de validação"
    raise AvaliacaoInvalida(
        f"A perda de {rodada.avaliado} deu NaN ou infinita na avaliação da época {rodada.epoca}, mas a perda de "
        f"treino foi finita ({decimal(perda_treino, 4)}): o problema não é a taxa de aprendizado. Causas "
        f"prováveis: imagens de {nome} com pixels NaN ou infinitos (confira com torch.isfinite(X).all() em "
        "cada lote) ou uma camada que se comporta diferente em modo de avaliação, net.eval() (BatchNorm, "
        "Dropout). Parei o treino; os pesos ficam como estão, e erro.historico traz o histórico até aqui "
        f"({rodada.completas}).", rodada.historico, rodada.epoca)


def avisar_parada(rodada, dispositivo):
    if dispositivo.type == "cuda":
        torch.cuda.synchronize(dispositivo)  # o que já foi disparado termina antes de devolver
    epoca, iteracao = rodada.epoca, inteiro(rodada.iteracao)
    lugar = {"fim": f"no fim da época {epoca}",
             "avaliação": f"na avaliação da época {epoca} (depois das {iteracao} iterações de treino)",
             }.get(rodada.fase, f"na época {epoca}, iteração {iteracao}")
    print(f"Treino interrompido {lugar}. Devolvo o histórico até aqui ({rodada.completas}); "
          "os pesos da rede ficam como estavam ao parar (dá para avaliá-la ou continuar o treino "
          "com outra chamada de train_validate).", flush=True)
