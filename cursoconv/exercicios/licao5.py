"""Verificadores dos exercícios da lição 5 (a LeNet-5).

As lições os chamam como ``licao5.verificar_...`` (``from cursoconv.exercicios import licao5``).
Seguem :mod:`cursoconv.exercicios.base`: recebem a resposta do estudante e terminam com uma
mensagem em português, nunca com um traceback.
"""
import contextlib
import copy
import random
import sys

import torch
from torch import nn

from cursoconv.avaliacao import evaluate_accuracy
from cursoconv.lenet import contar_parametros, lenet5_moderna, lenet5_variante
from .base import chamar, como_inteiro, pendente, reprovar, verificador

# Os exercícios que só se corrigem lendo (sem verificador) estão listados aqui
# para a página dos instrutores: a solução de cada um traz os critérios de correção.
CORRIGIDOS_POR_LEITURA = ("ex-l5-lr",)


def _parametros_f6_esperados(n):
    """Parâmetros de F6 da variante para uma entrada n×n: C1, C3 e C5 tiram 4 pixels cada."""
    lado = n - 3 * 4
    return 120 * lado * lado * 84 + 84


@verificador("ex-l5-f6", "parâmetros de F6")
def verificar_parametros_f6(funcao):
    """``funcao(n)`` deve dar o número de parâmetros de F6 da variante para entradas n×n."""
    problemas = []
    sorteio = random.Random(5)
    tamanhos = [28, 32] + sorteio.sample(range(13, 97), 6)
    for n in tamanhos:
        obtido = como_inteiro(chamar(funcao, n), f"o valor devolvido para n = {n}")
        esperado = _parametros_f6_esperados(n)
        if obtido == esperado:
            continue
        lado = n - 12
        if obtido == esperado - 84:
            problemas.append(f"com n = {n}, faltam os 84 vieses de F6 (um por neurônio).")
        elif obtido == 120 * lado * lado:
            problemas.append(f"com n = {n}, {obtido} é o número de entradas de F6; "
                             "cada um dos 84 neurônios tem um peso por entrada e mais um viés.")
        elif obtido == _parametros_f6_esperados(32) and n != 32:
            problemas.append(f"com n = {n}, a função devolveu o valor de entradas 32×32: "
                             "o lado da saída de C5 depende de n.")
        else:
            problemas.append(f"com n = {n}, a função deu {obtido}, mas F6 tem {esperado} parâmetros. "
                             "Lembre que cada convolução 5×5 sem preenchimento tira 4 pixels do lado.")
        break
    return problemas


def _tipos(modelo):
    """Os tipos das camadas-folha do modelo, na ordem."""
    return [type(m) for m in modelo.modules() if not list(m.children())]


def _conferir_rede(modelo, referencia, troca, nome):
    """Problemas de ``modelo`` em relação a ``referencia`` com as camadas trocadas por ``troca``."""
    if modelo is None or modelo is ...:
        pendente()
    if not isinstance(modelo, nn.Module):
        reprovar(f"{nome} deve ser uma rede do PyTorch (um nn.Module, como nn.Sequential(...)), "
                 f"mas é um {type(modelo).__name__}.")
    antigo, novo = troca
    esperado = [novo if t is antigo else t for t in _tipos(referencia)]
    obtido = _tipos(modelo)
    problemas = []
    if antigo in obtido:
        problemas.append(f"a rede ainda tem {obtido.count(antigo)} camada(s) {antigo.__name__}: "
                         f"troque todas por {novo.__name__}.")
    elif obtido != esperado:
        nomes = lambda tipos: ", ".join(t.__name__ for t in tipos)
        problemas.append(f"as camadas deveriam ser, na ordem: {nomes(esperado)}; "
                         f"mas são: {nomes(obtido)}.")
    try:
        with torch.no_grad():
            saida = copy.deepcopy(modelo).cpu()(torch.zeros(2, 1, 32, 32))
    except Exception as erro:
        reprovar(f"uma entrada 2×1×32×32 não passa pela rede ({type(erro).__name__}: {erro}). "
                 "Confira os tamanhos de cada camada.", estado="erro")
    if tuple(getattr(saida, "shape", ())) != (2, 10):
        problemas.append(f"para 2 imagens 1×32×32 a saída deveria ter forma (2, 10), "
                         f"mas tem forma {tuple(getattr(saida, 'shape', ()))}.")
    if contar_parametros(modelo) != contar_parametros(referencia):
        problemas.append(f"a rede tem {contar_parametros(modelo)} parâmetros, mas a troca não muda a conta: "
                         f"deveriam ser {contar_parametros(referencia)}.")
    return problemas


@verificador("ex-l5-relu", "variante com ReLU")
def verificar_variante_relu(modelo):
    """``modelo`` deve ser a variante com cada ``nn.Tanh`` trocada por ``nn.ReLU``."""
    return _conferir_rede(modelo, lenet5_variante(), (nn.Tanh, nn.ReLU), "variante_relu")


@verificador("ex-l5-maxpool", "agrupamento pelo máximo")
def verificar_moderna_max(modelo):
    """``modelo`` deve ser a LeNet-5 moderna com ``nn.MaxPool2d(2)`` no lugar de cada ``nn.AvgPool2d``."""
    problemas = _conferir_rede(modelo, lenet5_moderna(), (nn.AvgPool2d, nn.MaxPool2d), "moderna_max")
    for camada in modelo.modules():
        if isinstance(camada, nn.MaxPool2d) and (camada.kernel_size not in (2, (2, 2))
                                                  or camada.stride not in (2, (2, 2))):
            problemas.append(f"use janelas 2×2 com passo 2, como S2 e S4 (achei {camada}).")
            break
    return problemas


@contextlib.contextmanager
def _vigiar_chamadas(funcao):
    """Anota, na lista devolvida, cada chamada de ``funcao`` dentro do bloco, por qualquer nome."""
    chamadas, anterior = [], sys.getprofile()

    def perfil(quadro, evento, _):
        if evento == "call" and quadro.f_code is funcao.__code__:
            chamadas.append(quadro.f_code.co_name)

    sys.setprofile(perfil)
    try:
        yield chamadas
    finally:
        sys.setprofile(anterior)


@verificador("ex-l5-avaliar", "avaliação por amostra")
def verificar_avaliar(funcao):
    """``funcao(net, data_iter, loss)`` deve dar ``(acurácia, perda)`` médias por amostra."""
    if funcao is None:
        pendente()
    gerador = torch.Generator().manual_seed(11)
    problemas = []
    for caso in range(4):
        entradas, classes = int(torch.randint(3, 9, (1,), generator=gerador)), 4
        net = nn.Sequential(nn.Flatten(), nn.Linear(entradas, classes))
        with torch.no_grad():
            for p in net.parameters():
                p.copy_(torch.randn(p.shape, generator=gerador))
        # lotes de tamanhos diferentes: a média das médias dos lotes não é a média por amostra
        tamanhos = [int(t) for t in torch.randint(1, 12, (int(torch.randint(2, 5, (1,), generator=gerador)),),
                                                  generator=gerador)]
        tamanhos[-1] = 1 if caso % 2 == 0 else tamanhos[-1]
        lotes = [(torch.randn(t, 1, entradas, generator=gerador),
                  torch.randint(0, classes, (t,), generator=gerador)) for t in tamanhos]
        loss = nn.CrossEntropyLoss()
        acc_ref, perda_ref = evaluate_accuracy(lotes, net, loss)
        with _vigiar_chamadas(evaluate_accuracy) as chamadas:
            resposta = chamar(funcao, net, lotes, loss)
        if chamadas:
            reprovar("a sua função chama utils.evaluate_accuracy, a função do curso que o exercício pede "
                     "para você escrever: percorra os lotes e some acertos e perdas por conta própria.")
        if not isinstance(resposta, (tuple, list)) or len(resposta) != 2:
            reprovar("a função deve devolver um par (acurácia, perda), como utils.evaluate_accuracy; "
                     f"devolveu {type(resposta).__name__}.")
        try:
            acc, perda = (float(v) for v in resposta)
        except (TypeError, ValueError, RuntimeError):
            reprovar("a acurácia e a perda devolvidas devem ser números "
                     f"(recebi {type(resposta[0]).__name__} e {type(resposta[1]).__name__}).")
        if abs(acc - acc_ref) > 1e-6:
            problemas.append(f"com lotes de {tamanhos} amostras, a acurácia deu {acc:.4f}, mas é {acc_ref:.4f}: "
                             "divida os acertos pelo número total de amostras.")
            break
        if abs(perda - perda_ref) > 1e-4 * max(1.0, abs(perda_ref)):
            with torch.no_grad():
                media_dos_lotes = sum(float(loss(net(X), y)) for X, y in lotes) / len(lotes)
            dica = (" Parece a média das perdas dos lotes: multiplique a perda de cada lote pelo "
                    "tamanho dele, some e divida pelo total de amostras."
                    if abs(perda - media_dos_lotes) < 1e-4 * max(1.0, abs(media_dos_lotes)) else "")
            problemas.append(f"com lotes de {tamanhos} amostras, a perda deu {perda:.4f}, "
                             f"mas a média por amostra é {perda_ref:.4f}.{dica}")
            break
    return problemas
