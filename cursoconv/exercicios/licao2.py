"""Verificadores dos exercícios da lição 2 (múltiplos canais).

As lições os chamam como ``licao2.verificar_...`` (``from cursoconv.exercicios import licao2``).
Seguem :mod:`cursoconv.exercicios.base`: recebem a resposta do estudante, testam-na em
entradas sorteadas na hora e dizem, em português, se ela está certa, sem nunca mostrar um traceback.
"""
import torch
import torch.nn.functional as F

from cursoconv.conv import contar_multiplicacoes, contar_parametros, corr2d_multi_in_out_1x1
from .base import (Sorteio, chamar_vigiado, comparar_tensor, como_inteiro, como_numero, como_tensor, pendente,
                   reprovar, verificador)
from .licao1 import formas_sorteadas


@verificador("ex-l2-cinza", "tons de cinza")
def verificar_pesos_cinza(K):
    """K (1 × 3 × 1 × 1) deve converter RGB em cinza: 0,299R + 0,587G + 0,114B."""
    K = como_tensor(K, "o núcleo K_cinza", forma=(1, 3, 1, 1))
    sorteio = Sorteio()
    X = torch.rand((3, sorteio.inteiro(2, 9), sorteio.inteiro(2, 9)), generator=sorteio.gerador)
    esperado = 0.299 * X[0] + 0.587 * X[1] + 0.114 * X[2]
    if not torch.allclose(corr2d_multi_in_out_1x1(X, K)[0], esperado, atol=1e-4):
        return ["a imagem cinza calculada com o seu núcleo não bate com 0,299R + 0,587G + 0,114B "
                "(confira a ordem dos canais: vermelho, verde, azul)."]
    return []


@verificador("ex-l2-matricial", "convolução como produto de matrizes")
def verificar_corr2d_matricial(funcao):
    """``funcao(X, K)`` deve dar o mesmo que ``corr2d_multi_in_out``, com um só produto de matrizes."""
    sorteio = Sorteio()
    for (n, k) in formas_sorteadas(sorteio):
        c_i, c_o = sorteio.inteiro(1, 4), sorteio.inteiro(1, 4)
        X = torch.randn((c_i, *n), generator=sorteio.gerador)
        K = torch.randn((c_o, c_i, *k), generator=sorteio.gerador)
        obtido, vigia = chamar_vigiado(funcao, X, K)
        vigia.reprovar_atalhos(("convolução",), "a convolução como um produto de matrizes")
        esperado = F.conv2d(X.unsqueeze(0), K).squeeze(0)
        problemas = comparar_tensor(obtido, esperado, f"X de forma {tuple(X.shape)} e K de forma {tuple(K.shape)}")
        if problemas:
            return problemas
    X, K = torch.randn((3, 12, 12), generator=sorteio.gerador), torch.randn((4, 3, 3, 3), generator=sorteio.gerador)
    _, vigia = chamar_vigiado(funcao, X, K)
    if vigia.total > 40:
        return [f"com X de forma 3×12×12 e K de forma 4×3×3×3, a sua função fez {vigia.total} operações "
                "com tensores: ela parece percorrer canais ou posições num laço. O exercício pede "
                "F.unfold e um único produto de matrizes."]
    return []


@verificador("ex-l2-custo", "custo da primeira camada da ResNet-18")
def verificar_custo_resnet(parametros, multiplicacoes):
    """Parâmetros e multiplicações da camada 3 → 64, 7×7, sem viés, com saída 64×112×112."""
    parametros = como_inteiro(parametros, "o número de parâmetros")
    multiplicacoes = como_inteiro(multiplicacoes, "o número de multiplicações")
    problemas = []
    certo_p, certo_m = contar_parametros(3, 64, 7, 7, vies=False), contar_multiplicacoes(3, 64, 7, 7, 112, 112)
    if parametros == certo_p + 64:
        problemas.append("o número de parâmetros inclui 64 vieses, mas esta camada não tem viés (vies=False).")
    elif parametros != certo_p:
        problemas.append(f"o número de parâmetros ({parametros}) não está certo: são c_o·c_i·k_h·k_w pesos.")
    if multiplicacoes == contar_multiplicacoes(3, 64, 7, 7, 224, 224):
        problemas.append("as multiplicações foram contadas com o tamanho da entrada (224×224); use o da "
                         "saída, 112×112.")
    elif multiplicacoes != certo_m:
        problemas.append(f"o número de multiplicações ({multiplicacoes}) não está certo: cada um dos "
                         "c_o·m_h·m_w valores da saída custa c_i·k_h·k_w multiplicações.")
    return problemas


@verificador("ex-l2-dobrar", "dobrar canais e imagem")
def verificar_dobrar(a_parametros, a_multiplicacoes, b_parametros, b_multiplicacoes):
    """Por quanto ficam multiplicados parâmetros e multiplicações em (a) e em (b)."""
    respostas = {"(a) parâmetros": (a_parametros, 4), "(a) multiplicações": (a_multiplicacoes, 4),
                 "(b) parâmetros": (b_parametros, 1), "(b) multiplicações": (b_multiplicacoes, 4)}
    if all(v is None for v, _ in respostas.values()):
        pendente()
    problemas = []
    for nome, (valor, certo) in respostas.items():
        fator = como_numero(valor, f"o fator {nome}")
        if abs(fator - certo) > 0.05:
            problemas.append(f"o fator {nome} não é {valor!r}: escreva as duas contagens com os novos "
                             "valores e divida pela antiga.")
    return problemas
