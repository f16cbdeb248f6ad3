"""Nunca perder o trabalho do estudante: o ponto bom, o pedido de parada e as mensagens.

``train_validate`` (em ``cursoconv.treino``) usa estas peças para que uma perda
NaN devolva a rede ao fim da última época boa, e para que o Stop do Jupyter
pare o treino limpo, devolvendo o histórico.
"""

import copy
import signal
import threading

import torch

from .formato import inteiro


class TreinoDivergiu(FloatingPointError):
    """A perda virou NaN ou infinita. ``historico`` tem as épocas completas;
    ``epoca`` e ``iteracao`` dizem onde a perda deixou de ser finita."""

    def __init__(self, mensagem, historico, epoca, iteracao):
        super().__init__(mensagem)
        self.historico, self.epoca, self.iteracao = historico, epoca, iteracao


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
    """Durante o treino, o primeiro Ctrl+C (o Stop do Jupyter) só pede para parar depois
    da iteração em curso; um segundo interrompe na hora, com ``KeyboardInterrupt``."""

    def __init__(self):
        self.pedido, self.anterior = False, None

    def __enter__(self):
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.anterior = signal.signal(signal.SIGINT, self._pedir)
        return self

    def _pedir(self, *_):
        if self.pedido:
            raise KeyboardInterrupt
        self.pedido = True

    def __exit__(self, *_):
        if self.anterior is not None:
            signal.signal(signal.SIGINT, self.anterior)


def conferir_divergencia(passo, net, ponto_bom, historico, onde):
    """Se a perda deixou de ser finita (ou algum peso), restaura o ponto bom e levanta TreinoDivergiu."""
    iteracao = passo.primeira_ruim.item()
    if iteracao < 0:
        pesos = [p.detach() for p in net.parameters()]
        if not pesos or bool(torch.stack([torch.isfinite(p).all() for p in pesos]).all()):
            return
        iteracao = onde["iteracao"]
    ponto_bom.restaurar()
    epoca = onde["epoca"]
    volta = f"do fim da época {epoca - 1}" if epoca > 1 else "iniciais (de antes do treino)"
    raise TreinoDivergiu(
        f"A perda virou NaN ou infinita na época {epoca}, iteração {inteiro(iteracao)}: o treino divergiu. "
        f"Parei o treino e pus de volta os pesos {volta}, com o estado do otimizador desse momento; "
        f"erro.historico traz o histórico até aqui ({_epocas_completas(len(historico['tempo']))}). O que fazer: "
        "use uma taxa de aprendizado (lr) menor, por exemplo 10 vezes menor, e rode de novo.",
        historico, epoca, iteracao)


def _epocas_completas(n):
    """0 → "nenhuma época completa"; 1 → "1 época completa"; 3 → "3 épocas completas"."""
    if n == 0:
        return "nenhuma época completa"
    return f"{inteiro(n)} época completa" if n == 1 else f"{inteiro(n)} épocas completas"


def avisar_parada(onde, completas, dispositivo):
    if dispositivo.type == "cuda":
        torch.cuda.synchronize(dispositivo)  # o que já foi disparado termina antes de devolver
    if onde["fase"] == "fim":
        lugar = f"no fim da época {onde['epoca']}"
    elif onde["fase"] == "avaliação":
        lugar = f"na avaliação da época {onde['epoca']} (depois das {inteiro(onde['iteracao'])} iterações de treino)"
    else:
        lugar = f"na época {onde['epoca']}, iteração {inteiro(onde['iteracao'])}"
    print(f"Treino interrompido {lugar}. Devolvo o histórico até aqui ({_epocas_completas(completas)}); "
          "os pesos da rede ficam como estavam ao parar (dá para avaliá-la ou continuar o treino "
          "com outra chamada de train_validate).", flush=True)
