"""Verificadores dos exercícios das lições 2 e 3.

As lições os chamam como ``conv.verificar_...`` (o módulo :mod:`cursoconv.conv`
os entrega). Seguem :mod:`cursoconv.verificacao` e usam as mesmas ferramentas
dos verificadores das lições 0 e 1 (:mod:`cursoconv.verificadores_l0_l1`).
"""
import warnings

import torch
import torch.nn.functional as F
from torch import nn

from cursoconv.conv import contar_multiplicacoes, contar_parametros, corr2d_multi_in_out_1x1, tamanho_saida
from cursoconv.verificacao import chamar, como_inteiro, como_tensor, pendente, reprovar, verificador
from cursoconv.verificadores_l0_l1 import _ContarOperacoes, _chamar_contando, _como_numero, _comparar_tensor, _formas, _gerador, _sem_convolucao_pronta, _sortear


# ---------------------------------------------------------------- lição 2

@verificador("ex-l2-cinza", "tons de cinza")
def verificar_pesos_cinza(K):
    """K (1 × 3 × 1 × 1) deve converter RGB em cinza: 0,299R + 0,587G + 0,114B."""
    K = como_tensor(K, "o núcleo K_cinza", forma=(1, 3, 1, 1))
    gerador = _gerador()
    X = torch.rand((3, _sortear(gerador, 2, 9), _sortear(gerador, 2, 9)), generator=gerador)
    esperado = 0.299 * X[0] + 0.587 * X[1] + 0.114 * X[2]
    if not torch.allclose(corr2d_multi_in_out_1x1(X, K)[0], esperado, atol=1e-4):
        return ["a imagem cinza calculada com o seu núcleo não bate com 0,299R + 0,587G + 0,114B "
                "(confira a ordem dos canais: vermelho, verde, azul)."]
    return []


@verificador("ex-l2-matricial", "convolução como produto de matrizes")
def verificar_corr2d_matricial(funcao):
    """``funcao(X, K)`` deve dar o mesmo que ``corr2d_multi_in_out``, com um só produto de matrizes."""
    gerador = _gerador()
    for (n, k) in _formas(gerador):
        c_i, c_o = _sortear(gerador, 1, 4), _sortear(gerador, 1, 4)
        X = torch.randn((c_i, *n), generator=gerador)
        K = torch.randn((c_o, c_i, *k), generator=gerador)
        obtido, contador = _chamar_contando(funcao, X, K)
        _sem_convolucao_pronta(contador, "a convolução como um produto de matrizes")
        esperado = F.conv2d(X.unsqueeze(0), K).squeeze(0)
        problemas = _comparar_tensor(obtido, esperado, f"X de forma {tuple(X.shape)} e K de forma {tuple(K.shape)}")
        if problemas:
            return problemas
    X, K = torch.randn((3, 12, 12), generator=gerador), torch.randn((4, 3, 3, 3), generator=gerador)
    _, contador = _chamar_contando(funcao, X, K)
    if contador.total > 40:
        return [f"com X de forma 3×12×12 e K de forma 4×3×3×3, a sua função fez {contador.total} operações "
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
        fator = _como_numero(valor, f"o fator {nome}")
        if abs(fator - certo) > 0.05:
            problemas.append(f"o fator {nome} não é {valor!r}: escreva as duas contagens com os novos "
                             "valores e divida pela antiga.")
    return problemas


# ---------------------------------------------------------------- lição 3

@verificador("ex-l3-dilatacao", "dilatação")
def verificar_tamanho_saida_dilatacao(funcao):
    """``funcao(n, k, p, s, d)`` deve prever a saída de ``nn.Conv2d`` com dilatação d."""
    gerador = _gerador()
    testadas = 0
    while testadas < 200:
        n, k, p = _sortear(gerador, 1, 40), _sortear(gerador, 1, 7), _sortear(gerador, 0, 4)
        s, d = _sortear(gerador, 1, 4), _sortear(gerador, 1, 4)
        if d * (k - 1) + 1 > n + 2 * p:
            continue
        testadas += 1
        with _ContarOperacoes() as contador:
            resposta = chamar(funcao, n, k, p, s, d)
        _sem_convolucao_pronta(contador, "uma fórmula")
        if contador.total:
            reprovar("a sua função faz contas com tensores do PyTorch: o exercício pede uma fórmula, "
                     "só com números inteiros.")
        if isinstance(resposta, float) and resposta != int(resposta):
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
        if k < 2:
            problemas.append(f"na {qual} resposta, use um núcleo de pelo menos 2×2, para que cada saída "
                             "veja uma vizinhança.")
            continue
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
    gerador = _gerador()
    X = torch.randn((1, 1, _sortear(gerador, 5, 12), _sortear(gerador, 5, 12)), generator=gerador)
    W = torch.randn((1, 1, 4, 4), generator=gerador)
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
    gerador = _gerador()
    casos = [[(3, 2), (3, 1)], [(3, 1), (3, 1)]]
    for _ in range(30):
        casos.append([(_sortear(gerador, 1, 7), _sortear(gerador, 1, 3))
                      for _ in range(_sortear(gerador, 1, 5))])
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
