"""Verificadores dos exercícios da lição 4 (agrupamento).

As lições os chamam como ``licao4.verificar_...`` (``from cursoconv.exercicios import licao4``).
As funções de agrupamento escritas do zero ficam em ``cursoconv.conv`` (seção
"Lição 4"). No estilo de :mod:`cursoconv.exercicios.base`, cada verificador testa a
resposta do estudante em entradas sorteadas na hora e, quando o exercício pede
código próprio, reprova a resposta que usa o atalho pronto do PyTorch que o
enunciado proíbe, ou que devolve a função da lição.
"""
import torch
import torch.nn.functional as F
from torch import nn

from cursoconv import conv
from cursoconv.formato import inteiro
from .base import Sorteio, chamar, chamar_vigiado, como_inteiro, como_tensor, reprovar, verificador


def _chamar_vigiado(funcao, *args, pedido, proibidos):
    """Chama a função do estudante; reprova se ela usou um atalho ``proibido`` do PyTorch.

    ``proibidos`` é o que o enunciado proíbe: ``("agrupamento",)`` quando ele só
    proíbe o agrupamento pronto (a convolução, por exemplo com um núcleo de uns,
    vale), ``("agrupamento", "convolução")`` quando pede só a fórmula.
    """
    resultado, vigia = chamar_vigiado(funcao, *args)
    vigia.reprovar_atalhos(proibidos, pedido)
    return resultado


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
    sorteio = Sorteio(semente)
    problemas = []
    for _ in range(quantas):
        k = (sorteio.inteiro(1, 4), sorteio.inteiro(1, 4))
        p = (sorteio.inteiro(0, k[0] // 2), sorteio.inteiro(0, k[1] // 2))
        n = (sorteio.inteiro(max(1, k[0] - 2 * p[0]), 9), sorteio.inteiro(max(1, k[1] - 2 * p[1]), 9))
        s = (sorteio.inteiro(1, 3), sorteio.inteiro(1, 3))
        X = torch.randn(n, generator=sorteio.gerador)
        esperado = media_sem_preenchimento_referencia(X, k, p, s)
        obtido = _chamar_vigiado(funcao, X.clone(), k, p, s, proibidos=("agrupamento",),
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
    sorteio = Sorteio(semente)
    rede = pilha()
    problemas = []
    # 28, 31 e 32 pegam as contas aproximadas (n // 8, (n - 1) // 8, round(n / 8)), que acertam a maioria dos lados.
    for n in [28, 31, 32] + [sorteio.inteiro(8, 300) for _ in range(quantas)]:
        with torch.no_grad():
            esperado = rede(torch.zeros(1, 1, n, n)).shape[-1]
        obtido = como_inteiro(_chamar_vigiado(funcao, n, proibidos=("agrupamento", "convolução"),
                                              pedido="use a fórmula do tamanho da saída "
                                                     "(conv.tamanho_saida), camada a camada, sem rodar as camadas"),
                              "o que a sua função devolve")
        if obtido != esperado:
            dica = ("Dividir por 8 não basta: cada camada arredonda a sua conta; siga o lado camada a camada."
                    if obtido == n // 8 else "Lembre que o passo padrão do agrupamento é o tamanho da janela.")
            problemas.append(f"com entrada {n}×{n}, a sua função deu {obtido}, mas a saída da pilha tem "
                             f"lado {esperado}. {dica}")
            if len(problemas) == 2:
                break
    return problemas


# --------------------------------------------------------------------------
# ex-l4-global: a camada densa depois do agrupamento global pela média
# --------------------------------------------------------------------------

CLASSES_IMAGENET = 1000


def parametros_da_densa_esperados(c, n, agrupamento_global):
    """Pesos e vieses da camada densa de 1.000 classes depois de um mapa c×n×n (achatado ou agrupado)."""
    entradas = c if agrupamento_global else c * n * n
    return entradas * CLASSES_IMAGENET + CLASSES_IMAGENET


@verificador("ex-l4-global", "agrupamento global pela média")
def verificar_parametros_da_densa(funcao, quantas=8, semente=None):
    """``funcao(c, n, agrupamento_global)`` deve dar os parâmetros da camada densa de 1.000 classes."""
    sorteio = Sorteio(semente)
    casos = [(512, 7, True), (512, 7, False), (512, 10, True), (512, 10, False)]
    casos += [(sorteio.inteiro(1, 64), sorteio.inteiro(2, 9), sorteio.inteiro(0, 1) == 1) for _ in range(quantas)]
    for c, n, agrupamento_global in casos:
        descricao = f"com um mapa {c}×{n}×{n} {'e' if agrupamento_global else 'sem'} o agrupamento global"
        obtido = como_inteiro(chamar(funcao, c, n, agrupamento_global), f"o valor devolvido {descricao}")
        esperado = parametros_da_densa_esperados(c, n, agrupamento_global)
        if obtido == esperado:
            continue
        if obtido == esperado - CLASSES_IMAGENET:
            return [f"{descricao}, faltam os 1.000 vieses (um por classe)."]
        if obtido == parametros_da_densa_esperados(c, n, not agrupamento_global):
            return [f"{descricao}, a função deu a conta da outra versão: com o agrupamento global, a camada "
                    "densa recebe um número por canal; sem ele, recebe o mapa inteiro achatado."]
        return [f"{descricao}, a função deu {inteiro(obtido)}, mas a camada densa tem {inteiro(esperado)} parâmetros."]
    return []
