"""Verificadores dos exercícios da lição 5 (a LeNet-5 moderna e o seu treino).

As lições os chamam como ``licao5.verificar_...`` (``from cursoconv.exercicios import licao5``).
Seguem :mod:`cursoconv.exercicios.base`: recebem a resposta do estudante e terminam com uma
mensagem em português, nunca com um traceback.
"""
import contextlib
import copy
import sys

import torch
from torch import nn

from cursoconv.ambiente import escolher_dispositivo
from cursoconv.avaliacao import evaluate_accuracy
from cursoconv.carregadores import CarregadorDeTensores
from cursoconv.lenet import contar_parametros, lenet5_moderna
from .base import Sorteio, chamar, como_inteiro, como_numero, pendente, reprovar, verificador

# Os exercícios que só se corrigem lendo (sem verificador) estão listados aqui
# para a página dos instrutores: a solução de cada um traz os critérios de correção.
CORRIGIDOS_POR_LEITURA = ()


def _entradas_f6_de_verdade(n):
    """Entradas de F6 da LeNet-5 moderna para imagens n×n, pela própria rede (0 se ela recusar a imagem)."""
    ate_c5 = lenet5_moderna()[:8]  # de C1 até tanh5
    try:
        with torch.no_grad():
            return ate_c5(torch.zeros(1, 1, n, n)).numel()
    except RuntimeError:
        return 0


@verificador("ex-l5-f6", "entradas de F6")
def verificar_entradas_f6(funcao):
    """``funcao(n)`` deve dar as entradas de F6 da LeNet-5 moderna para imagens n×n (0 se não couber)."""
    if funcao is None or funcao is ...:
        pendente()
    sorteio = Sorteio()  # tamanhos novos a cada verificação, além dos fixos (pares, ímpares, pequenos demais)
    sorteados = torch.randperm(43, generator=sorteio.gerador)[:4]
    tamanhos = [32, 28, 33, 35, 36, 31, 16] + [37 + int(i) for i in sorteados]
    for n in tamanhos:
        obtido = como_inteiro(chamar(funcao, n), f"o valor devolvido para n = {n}")
        esperado = _entradas_f6_de_verdade(n)
        if obtido == esperado:
            continue
        if esperado == 0:
            return [f"com n = {n}, a rede não funciona (em alguma camada a entrada fica menor que a janela), "
                    f"e a função devia devolver 0, mas devolveu {obtido}."]
        if obtido == 0:
            return [f"com n = {n}, a rede funciona e F6 recebe {esperado} entradas, mas a função devolveu 0."]
        return [f"com n = {n}, a função deu {obtido}, mas F6 recebe {esperado} entradas. Siga o lado camada a "
                "camada: cada convolução 5×5 tira 4 pixels, cada agrupamento 2×2 divide por 2 arredondando "
                "para baixo, e C5 tem 120 canais."]
    return []


@verificador("ex-l5-parada", "época de parada")
def verificar_epoca_de_parada(funcao):
    """``funcao(historico)`` deve dar a época (de 1 em diante) da menor perda de validação; no empate, a primeira."""
    if funcao is None or funcao is ...:
        pendente()
    # No último caso, a menor perda vem depois de um 1º mínimo: parar na 1ª vez que a perda sobe não a acha.
    casos = [([0.9, 0.5, 0.4, 0.45], 3), ([0.3, 0.5, 0.6], 1), ([0.9, 0.4, 0.7, 0.4, 0.8], 2),
             ([0.8, 0.7, 0.6, 0.5], 4), ([0.9, 0.5, 0.6, 0.7, 0.45, 0.5], 5)]
    for perdas, esperado in casos:
        historico = {"perda_treino": [1.0 - 0.1 * i for i in range(len(perdas))], "perda_validacao": list(perdas),
                     "perda_teste": [1.0 - p for p in perdas]}
        obtido = como_inteiro(chamar(funcao, copy.deepcopy(historico)), "o valor devolvido")
        if obtido == esperado:
            continue
        if obtido == esperado - 1:
            return ["a função devolve a posição na lista, que começa em 0; as épocas contam de 1."]
        teste, treino = historico["perda_teste"], historico["perda_treino"]
        if obtido == teste.index(min(teste)) + 1:
            return ["a função escolheu a época pela perda de teste: a decisão deve usar só a validação."]
        if obtido == treino.index(min(treino)) + 1:
            return ["a função escolheu a época pela perda de treino, que quase sempre cai até o fim: "
                    "use a de validação."]
        return [f"com as perdas de validação {perdas}, a função deu {obtido}, mas a menor está na época "
                f"{esperado} (no empate, a primeira)."]
    return []


def _tipos(modelo):
    """Os tipos das camadas-folha do modelo, na ordem."""
    return [type(m) for m in modelo.modules() if not list(m.children())]


def conferir_rede(modelo, referencia, troca, nome):
    """Problemas de ``modelo`` em relação a ``referencia`` com as camadas trocadas por ``troca``."""
    if modelo is None or modelo is ...:
        pendente()
    if not isinstance(modelo, nn.Module):
        criadora = (f" Você entregou a {'classe' if isinstance(modelo, type) else 'função'} que cria a rede: "
                    f"entregue a rede, chamando-a com parênteses: {nome} = {getattr(modelo, '__name__', '')}()."
                    if callable(modelo) else "")
        reprovar(f"{nome} deve ser uma rede do PyTorch (um nn.Module, como nn.Sequential(...)), "
                 f"mas é um {type(modelo).__name__}.{criadora}")
    try:  # testamos uma cópia (a rede do estudante não muda), em float32 (uma rede em float64 também vale)
        copia = copy.deepcopy(modelo).cpu().float()
    except Exception as erro:
        reprovar(f"não consegui copiar a rede para testá-la sem mexer nela ({type(erro).__name__}: {erro}). "
                 "Ela guarda um tensor calculado numa passada? Guarde-o com .detach(), ou não o guarde na rede.",
                 estado="erro")
    try:
        with torch.no_grad():
            saida = copia(torch.zeros(2, 1, 32, 32))
    except Exception as erro:
        reprovar(f"uma entrada 2×1×32×32 não passa pela rede ({type(erro).__name__}: {erro}). "
                 "Confira os tamanhos de cada camada.", estado="erro")
    antigo, novo = troca
    esperado = [novo if t is antigo else t for t in _tipos(referencia)]
    obtido = _tipos(copia)  # depois da passada: as camadas preguiçosas (nn.LazyLinear) já são nn.Linear
    problemas = []
    if antigo in obtido:
        problemas.append(f"a rede ainda tem {obtido.count(antigo)} camada(s) {antigo.__name__}: "
                         f"troque todas por {novo.__name__}.")
    elif obtido != esperado:
        nomes = lambda tipos: ", ".join(t.__name__ for t in tipos)
        problemas.append(f"as camadas deveriam ser, na ordem: {nomes(esperado)}; "
                         f"mas são: {nomes(obtido)}.")
    if tuple(getattr(saida, "shape", ())) != (2, 10):
        problemas.append(f"para 2 imagens 1×32×32 a saída deveria ter forma (2, 10), "
                         f"mas tem forma {tuple(getattr(saida, 'shape', ()))}.")
    if contar_parametros(copia) != contar_parametros(referencia):
        problemas.append(f"a rede tem {contar_parametros(copia)} parâmetros, mas a troca não muda a conta: "
                         f"deveriam ser {contar_parametros(referencia)}.")
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
    gerador = Sorteio().gerador  # redes e lotes novos a cada verificação
    disp = escolher_dispositivo()  # rede e lotes no dispositivo da lição: X.to(disp), como no laço de treino, vale
    problemas = []
    for caso in range(4):
        entradas, classes = int(torch.randint(3, 9, (1,), generator=gerador)), 4
        net = nn.Sequential(nn.Flatten(), nn.Linear(entradas, classes))
        with torch.no_grad():
            for p in net.parameters():
                p.copy_(torch.randn(p.shape, generator=gerador))
        net.to(disp)
        # um carregador como o valid_iter da lição (com .dataset), de lotes de b e o último menor (1 nos
        # casos pares): a média das médias dos lotes não é a média por amostra
        b, k = int(torch.randint(2, 12, (1,), generator=gerador)), int(torch.randint(2, 5, (1,), generator=gerador))
        tamanhos = [b] * (k - 1) + [1 if caso % 2 == 0 else int(torch.randint(1, b, (1,), generator=gerador))]
        n = sum(tamanhos)
        lotes = CarregadorDeTensores(torch.randn(n, 1, entradas, generator=gerador).to(disp),
                                     torch.randint(0, classes, (n,), generator=gerador).to(disp), b, False)
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
        acc, perda = como_numero(resposta[0], "a acurácia devolvida"), como_numero(resposta[1], "a perda devolvida")
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
