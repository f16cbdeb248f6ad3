"""Verificadores dos exercícios da lição 4 (agrupamento).

As funções de agrupamento escritas do zero ficam em ``cursoconv.conv`` (seção
"Lição 4"), junto das outras camadas; aqui ficam só os verificadores, no estilo
de ``cursoconv.verificacao``: cada um testa a resposta do estudante em entradas
sorteadas na hora (que ninguém pode ter decorado) e, quando o exercício pede
código próprio, reprova a resposta que só chama o agrupamento do PyTorch ou
devolve a função da lição.
"""
import contextlib

import torch
import torch.nn.functional as F
from torch import nn

from . import conv
from .verificacao import chamar, como_inteiro, como_tensor, reprovar, verificador

#: Funções do PyTorch que fazem o agrupamento (ou a convolução) por nós: (módulo, nome).
#: As camadas ``nn.MaxPool2d``, ``nn.AvgPool2d``, ``nn.AdaptiveAvgPool2d`` e
#: ``nn.Conv2d`` chamam as de ``torch.nn.functional``, por isso também são vigiadas.
PRONTAS = [(F, nome) for nome in ("max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d",
                                  "adaptive_max_pool2d", "lp_pool2d", "conv2d")]
PRONTAS += [(torch, nome) for nome in ("max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "conv2d")
            if hasattr(torch, nome)]


@contextlib.contextmanager
def vigiar(prontas=PRONTAS):
    """Troca, enquanto durar o bloco, as funções ``prontas`` por cópias que anotam a chamada.

    Devolve a lista (preenchida durante o bloco) dos nomes chamados, como
    ``"F.max_pool2d"``. As originais voltam ao lugar mesmo se der erro.
    """
    chamadas = []
    originais = []
    for modulo, nome in prontas:
        original = getattr(modulo, nome, None)
        if original is None:
            continue
        rotulo = ("F." if modulo is F else "torch.") + nome

        def anotar(*args, _original=original, _rotulo=rotulo, **kwargs):
            chamadas.append(_rotulo)
            return _original(*args, **kwargs)

        originais.append((modulo, nome, original))
        setattr(modulo, nome, anotar)
    try:
        yield chamadas
    finally:
        for modulo, nome, original in originais:
            setattr(modulo, nome, original)


def _chamar_vigiado(funcao, *args, pedido="escreva o cálculo com laços ou operações de tensores"):
    """Chama a função do estudante; reprova se ela usou o agrupamento pronto do PyTorch."""
    with vigiar() as chamadas:
        resultado = chamar(funcao, *args)
    if chamadas:
        usadas = ", ".join(sorted(set(chamadas)))
        verbo = "fazem" if len(set(chamadas)) > 1 else "faz"
        reprovar(f"a sua função chama {usadas}, que já {verbo} o trabalho pronto. "
                 f"O exercício pede o seu próprio código: {pedido}.")
    return resultado


def _sorteio(semente=None):
    gerador = torch.Generator()
    if semente is None:
        gerador.seed()  # entradas novas a cada verificação
    else:
        gerador.manual_seed(semente)

    def sorteia(a, b):
        return int(torch.randint(a, b + 1, (1,), generator=gerador))

    return gerador, sorteia


# --------------------------------------------------------------------------
# ex-l4-media-real: média sem contar o preenchimento
# --------------------------------------------------------------------------

def media_sem_preenchimento_referencia(X, tamanho, preenchimento, passo):
    """Referência: ``F.avg_pool2d`` com ``count_include_pad=False`` (X é n_h × n_w)."""
    return F.avg_pool2d(X[None, None], tamanho, passo, preenchimento, count_include_pad=False)[0, 0]


@verificador("ex-l4-media-real", "média só dos pixels de verdade")
def verificar_media_sem_preenchimento(funcao, quantas=30, semente=None):
    """``funcao(X, tamanho, preenchimento, passo)`` deve dar a média de cada janela sem contar a moldura."""
    if any(funcao is da_licao for da_licao in (conv.pool2d, conv.pool2d_passo, conv.pool2d_canais)):
        reprovar(f"você entregou a função da lição, conv.{funcao.__name__}, que divide pelo tamanho da "
                 "janela inteira (conta a moldura de zeros). Escreva a sua própria função.")
    gerador, sorteia = _sorteio(semente)
    problemas = []
    for _ in range(quantas):
        k = (sorteia(1, 4), sorteia(1, 4))
        p = (sorteia(0, k[0] // 2), sorteia(0, k[1] // 2))
        n = (sorteia(max(1, k[0] - 2 * p[0]), 9), sorteia(max(1, k[1] - 2 * p[1]), 9))
        s = (sorteia(1, 3), sorteia(1, 3))
        X = torch.randn(n, generator=gerador)
        esperado = media_sem_preenchimento_referencia(X, k, p, s)
        obtido = _chamar_vigiado(funcao, X.clone(), k, p, s,
                                 pedido="percorra as janelas e divida cada soma pelo número de pixels "
                                        "de verdade que ela cobre")
        obtido = como_tensor(obtido, "a saída da sua função")
        caso = f"com X {n[0]}×{n[1]}, tamanho={k}, preenchimento={p}, passo={s}"
        if tuple(obtido.shape) != tuple(esperado.shape):
            problemas.append(f"{caso}, a saída tem forma {tuple(obtido.shape)}, e deveria ter "
                             f"{tuple(esperado.shape)} (confira o passo e a fórmula do tamanho da saída).")
        elif not torch.allclose(obtido, esperado, atol=1e-4):
            contando = conv.pool2d_passo(X, k, p, s, modo="media")
            dica = (" Parece que a moldura de zeros entrou na divisão (é o que o PyTorch faz por padrão)."
                    if torch.allclose(obtido, contando, atol=1e-4) else "")
            problemas.append(f"{caso}, os valores da saída não batem.{dica}")
        if len(problemas) == 2:
            break
    return problemas


# --------------------------------------------------------------------------
# ex-l4-pilha: o lado da saída de uma pilha de convoluções e agrupamentos
# --------------------------------------------------------------------------

def pilha():
    """A pilha do exercício, com um canal só (o número de canais não muda o tamanho da saída)."""
    return nn.Sequential(
        nn.Conv2d(1, 1, kernel_size=5, padding=2),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1),
        nn.AvgPool2d(kernel_size=2),
    )


@verificador("ex-l4-pilha", "tamanho da saída de uma pilha")
def verificar_lado_da_pilha(funcao, quantas=12, semente=None):
    """``funcao(n)`` deve dar o lado da saída da pilha para uma entrada n×n, sem rodar a pilha."""
    _, sorteia = _sorteio(semente)
    rede = pilha()
    problemas = []
    for n in [sorteia(8, 300) for _ in range(quantas)]:
        with torch.no_grad():
            esperado = rede(torch.zeros(1, 1, n, n)).shape[-1]
        obtido = como_inteiro(_chamar_vigiado(funcao, n, pedido="use a fórmula do tamanho da saída "
                                                                "(conv.tamanho_saida), camada a camada"),
                              "o que a sua função devolve")
        if obtido != esperado:
            problemas.append(f"com entrada {n}×{n}, a sua função deu {obtido}, mas a saída da pilha tem "
                             f"lado {esperado}. Lembre que o passo padrão do agrupamento é o tamanho "
                             "da janela.")
            if len(problemas) == 2:
                break
    return problemas


# --------------------------------------------------------------------------
# ex-l4-global: agrupamento médio global
# --------------------------------------------------------------------------

@verificador("ex-l4-global", "agrupamento médio global")
def verificar_media_global(funcao, quantas=10, semente=None):
    """``funcao(X)``, com X de forma b × c × n_h × n_w, deve dar a média de cada canal: b × c."""
    gerador, sorteia = _sorteio(semente)
    problemas = []
    for _ in range(quantas):
        b, c, n_h, n_w = sorteia(1, 4), sorteia(1, 6), sorteia(1, 9), sorteia(1, 9)
        X = torch.randn((b, c, n_h, n_w), generator=gerador)
        obtido = _chamar_vigiado(funcao, X.clone(), pedido="tire a média de cada canal com as operações "
                                                         "de tensores (por exemplo, .mean ou .sum)")
        obtido = como_tensor(obtido, f"com X {b}×{c}×{n_h}×{n_w}, a saída", forma=(b, c))
        if not torch.allclose(obtido, X.mean(dim=(2, 3)), atol=1e-4):
            problemas.append(f"com X {b}×{c}×{n_h}×{n_w}, os valores não são as médias de cada canal.")
            break
    return problemas
