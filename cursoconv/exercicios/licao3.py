"""Verificadores dos exercícios da lição 3 (preenchimento e passo).

As lições os chamam como ``licao3.verificar_...`` (``from cursoconv.exercicios import licao3``).
Seguem :mod:`cursoconv.exercicios.base`: recebem a resposta do estudante, testam-na em
entradas sorteadas na hora e dizem, em português, se ela está certa, sem nunca mostrar um traceback.
"""
import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn

from cursoconv.conv import tamanho_saida
from .base import Sorteio, Vigia, chamar, como_inteiro, pendente, reprovar, verificador


@verificador("ex-l3-dilatacao", "dilatação")
def verificar_tamanho_saida_dilatacao(funcao):
    """``funcao(n, k, p, s, d)`` deve prever a saída de ``nn.Conv2d`` com dilatação d."""
    sorteio = Sorteio()
    testadas = 0
    while testadas < 200:
        n, k, p = sorteio.inteiro(1, 40), sorteio.inteiro(1, 7), sorteio.inteiro(0, 4)
        s, d = sorteio.inteiro(1, 4), sorteio.inteiro(1, 4)
        if d * (k - 1) + 1 > n + 2 * p:
            continue
        testadas += 1
        with Vigia() as vigia:
            resposta = chamar(funcao, n, k, p, s, d)
        vigia.reprovar_atalhos(("convolução",), "uma fórmula, só com números inteiros")
        if vigia.total:
            reprovar("a sua função faz contas com tensores do PyTorch: o exercício pede uma fórmula, "
                     "só com números inteiros.")
        if isinstance(resposta, float) and math.isfinite(resposta) and not resposta.is_integer():
            reprovar(f"com n={n}, k={k}, p={p}, s={s}, d={d} a função devolveu {resposta}: o tamanho "
                     "da saída é um inteiro (use a divisão inteira, //).")
        obtido = como_inteiro(resposta, f"o resultado para n={n}, k={k}, p={p}, s={s}, d={d}")
        esperado = nn.functional.conv2d(torch.zeros((1, 1, n, 1)), torch.zeros((1, 1, k, 1)),
                                        stride=s, padding=(p, 0), dilation=d).shape[-2]
        if obtido != esperado:
            dica = " A sua função devolve um float: use a divisão inteira, //." if isinstance(resposta, float) else ""
            return [f"com n={n}, k={k}, p={p}, s={s}, d={d} a função deu {obtido}, mas a nn.Conv2d dá "
                    f"{esperado}.{dica}"]
    return []


def _trio(trio, qual):
    if trio is None:
        pendente()
    if not isinstance(trio, (tuple, list)) or len(trio) != 3:
        reprovar(f"a {qual} resposta deve ser um trio (k, p, s) de inteiros, mas é {trio!r}.")
    if all(v is None for v in trio):
        pendente()
    k, p, s = (como_inteiro(v, f"{nome} na {qual} resposta") for v, nome in zip(trio, "kps"))
    if k < 1 or p < 0 or s < 1:
        reprovar(f"na {qual} resposta, {trio!r}: o núcleo e o passo devem ser ao menos 1 e o "
                 "preenchimento não pode ser negativo.")
    return k, p, s


@verificador("ex-l3-metade", "metade do tamanho")
def verificar_metade(*trios):
    """Duas escolhas diferentes de (k, p, s) que levam 32×32 a 16×16 e 28×28 a 14×14."""
    if not trios or all(t is None for t in trios):
        pendente()
    if len(trios) != 2:
        reprovar(f"dê duas respostas, cada uma um trio (k, p, s); você deu {len(trios)}.")
    primeira, segunda = _trio(trios[0], "primeira"), _trio(trios[1], "segunda")
    if primeira == segunda:
        reprovar("as duas respostas são iguais: encontre uma segunda escolha de (k, p, s).")
    problemas = []
    for qual, (k, p, s) in (("primeira", primeira), ("segunda", segunda)):
        for n in (32, 28):
            m = tamanho_saida(n, k, p, s) if k <= n + 2 * p else 0
            if m != n // 2:
                problemas.append(f"com a {qual} resposta (k={k}, p={p}, s={s}), uma entrada {n}×{n} vira "
                                 f"{m}×{m}, e não {n // 2}×{n // 2}.")
                break
    return problemas


@verificador("ex-l3-par", "núcleo de lado par")
def verificar_preenchimento_par(preenchimento):
    """Os quatro preenchimentos de ``F.pad`` que igualam ``padding="same"`` com núcleo 4×4."""
    if preenchimento is None:
        pendente()
    if not isinstance(preenchimento, (tuple, list)) or len(preenchimento) != 4:
        reprovar("a resposta deve ter quatro inteiros, na ordem de F.pad: (esquerda, direita, cima, "
                 f"baixo); mas é {preenchimento!r}.")
    if all(v is None for v in preenchimento):
        pendente()
    lados = [como_inteiro(v, f"o preenchimento {nome}")
             for v, nome in zip(preenchimento, ("à esquerda", "à direita", "em cima", "embaixo"))]
    if min(lados) < 0:
        reprovar("os preenchimentos não podem ser negativos.")
    if lados[0] + lados[1] != 3 or lados[2] + lados[3] != 3:
        return ["para manter o tamanho com núcleo 4×4, cada dimensão precisa de k − 1 = 3 linhas (ou "
                f"colunas) de preenchimento ao todo; a sua resposta põe {lados[0] + lados[1]} na largura "
                f"e {lados[2] + lados[3]} na altura."]
    sorteio = Sorteio()
    X = torch.randn((1, 1, sorteio.inteiro(5, 12), sorteio.inteiro(5, 12)), generator=sorteio.gerador)
    W = torch.randn((1, 1, 4, 4), generator=sorteio.gerador)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mesmo = F.conv2d(X, W, padding="same")
    if not torch.allclose(F.conv2d(F.pad(X, tuple(lados)), W), mesmo, atol=1e-4):
        return ["o tamanho fica certo, mas o resultado não é o de padding=\"same\": o PyTorch põe o "
                "preenchimento que sobra do outro lado. Confira qual lado recebe 1 e qual recebe 2."]
    return []


@verificador("ex-l3-campo", "campo receptivo com passo")
def verificar_campo_receptivo(funcao):
    """``funcao(camadas)``, com camadas = [(k, s), ...], deve dar o lado do campo receptivo."""
    sorteio = Sorteio()
    casos = [[(3, 2), (3, 1)], [(3, 1), (3, 1)]]
    for _ in range(30):
        casos.append([(sorteio.inteiro(1, 7), sorteio.inteiro(1, 3))
                      for _ in range(sorteio.inteiro(1, 5))])
    for camadas in casos:
        obtido = como_inteiro(chamar(funcao, list(camadas)), f"o resultado para camadas={camadas}")
        certo, salto = 1, 1
        for k, s in camadas:
            certo += (k - 1) * salto
            salto *= s
        if obtido != certo:
            return [f"com camadas={camadas} (pares (k, s), da entrada para a saída), a função deu "
                    f"{obtido}, mas o campo receptivo tem lado {certo}."]
    return []
