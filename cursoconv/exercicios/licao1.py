"""Verificadores dos exercícios da lição 1 (a operação de convolução).

As lições os chamam como ``licao1.verificar_...`` (``from cursoconv.exercicios import licao1``).
Seguem :mod:`cursoconv.exercicios.base`: recebem a resposta do estudante, testam-na em
entradas sorteadas na hora e dizem, em português, se ela está certa, sem nunca mostrar um traceback.
"""
import math

import torch
import torch.nn.functional as F

from cursoconv.conv import corr2d
from .base import (Sorteio, chamar, chamar_vigiado, comparar_tensor, como_inteiro, como_tensor, reprovar,
                   verificador)


def formas_sorteadas(sorteio, quantas=6, maximo=9):
    """Pares (forma da entrada, forma do núcleo) sorteados, com o núcleo cabendo na entrada."""
    formas = []
    for _ in range(quantas):
        n_h, n_w = sorteio.inteiro(2, maximo), sorteio.inteiro(2, maximo)
        formas.append(((n_h, n_w), (sorteio.inteiro(1, n_h), sorteio.inteiro(1, n_w))))
    return formas


@verificador("ex-l1-horizontal", "bordas horizontais")
def verificar_borda_horizontal(K):
    """K (3×3) deve acender nas bordas horizontais e dar zero nas verticais e em regiões de cor constante."""
    K = como_tensor(K, "o núcleo K_horizontal", forma=(3, 3))
    sorteio = Sorteio()
    problemas = []
    # Faixas verticais (cada coluna de uma cor): só bordas verticais, a saída deve ser zero.
    colunas = torch.rand((1, sorteio.inteiro(6, 12)), generator=sorteio.gerador).round()
    # Começo fixo 1, 0, 0, 1, 1: as janelas (1, 0, 0), (0, 0, 1) e (0, 1, 1) pegam qualquer núcleo
    # cujas colunas não somem todas zero (faixas sorteadas que alternam 1, 0, 1, 0 não pegariam).
    colunas[0, :5] = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])
    verticais = colunas.expand(sorteio.inteiro(6, 12), -1)
    if corr2d(torch.ones((5, 5)), K).abs().max() > 1e-4:
        problemas.append("numa região de cor constante a saída deve ser zero, mas não é: "
                         "os pesos do núcleo devem somar 0.")
    elif corr2d(verticais, K).abs().max() > 1e-4:
        problemas.append("o núcleo reage a bordas verticais: a saída deveria ser zero numa imagem de "
                         "faixas verticais (dica: some os pesos de cada coluna do núcleo).")
    # Faixas horizontais: cada linha de uma cor. A saída deve ser não nula perto de cada borda.
    altura = sorteio.inteiro(8, 14)
    linha_da_borda = sorteio.inteiro(3, altura - 4)
    horizontais = torch.ones((altura, sorteio.inteiro(6, 12)))
    horizontais[linha_da_borda:] = 0
    if corr2d(horizontais, K).abs().max() < 1e-4:
        problemas.append("o núcleo não reage às bordas horizontais: a saída é zero numa imagem com uma "
                         "borda horizontal.")
    zeradas = [str(j + 1) for j in range(3) if K[:, j].abs().max() < 1e-6]
    if zeradas:
        problemas.append(f"a coluna {' e a '.join(zeradas)} do núcleo é toda zero, e o enunciado pede as três "
                         "colunas da janela (nenhuma coluna toda zero): somar a diferença ao longo de três "
                         "pixels deixa o detector menos sensível a um pixel isolado.")
    return problemas


def _corr2d_vetorizada_ref(X, K):
    return F.conv2d(X.reshape(1, 1, *X.shape), K.reshape(1, 1, *K.shape))[0, 0]


@verificador("ex-l1-vetorizada", "correlação cruzada vetorizada")
def verificar_corr2d_vetorizada(funcao):
    """``funcao(X, K)`` deve dar o mesmo que ``corr2d``, com um laço só sobre os pesos do núcleo."""
    if funcao is corr2d or getattr(funcao, "__code__", None) is corr2d.__code__:
        reprovar("a resposta é a própria corr2d da lição: escreva uma função nova, com um laço só "
                 "sobre os pesos do núcleo.")
    sorteio = Sorteio()
    for (n, k) in formas_sorteadas(sorteio):
        X, K = torch.randn(n, generator=sorteio.gerador), torch.randn(k, generator=sorteio.gerador)
        obtido, vigia = chamar_vigiado(funcao, X, K)
        vigia.reprovar_atalhos(("convolução",), "a correlação cruzada feita por você")
        problemas = comparar_tensor(obtido, _corr2d_vetorizada_ref(X, K),
                                     f"X de forma {n[0]}×{n[1]} e K de forma {k[0]}×{k[1]}")
        if problemas:
            return problemas
    # Uma saída grande e um núcleo pequeno: a versão vetorizada faz poucas operações.
    X, K = torch.randn((30, 30), generator=sorteio.gerador), torch.randn((2, 3), generator=sorteio.gerador)
    _, vigia = chamar_vigiado(funcao, X, K)
    if vigia.total > 20 * K.numel() + 40:
        return [f"com X de forma 30×30 e K de forma 2×3, a sua função fez {vigia.total} operações "
                "com tensores: ela ainda passa por cada posição da saída, como a corr2d. Faça um laço "
                "só sobre os 6 pesos do núcleo, somando de uma vez a fatia de X que cada peso multiplica."]
    return []


@verificador("ex-l1-campo", "camadas para cobrir a imagem")
def verificar_camadas_para_cobrir(funcao):
    """``funcao(n, k)``: quantas camadas k×k (passo 1) até o campo receptivo cobrir n×n pixels."""
    sorteio = Sorteio()
    casos = [(28, 3)] + [(sorteio.inteiro(2, 100), sorteio.inteiro(2, 9)) for _ in range(40)]
    for n, k in casos:
        obtido = como_inteiro(chamar(funcao, n, k), f"o resultado para n={n}, k={k}")
        certo = math.ceil((n - 1) / (k - 1))
        if obtido != certo:
            return [f"com n={n} e k={k}, a função deu {obtido} camadas, mas são {certo}: com L camadas, "
                    "o campo receptivo tem lado L(k − 1) + 1, e ele precisa ser ao menos n."]
    return []
