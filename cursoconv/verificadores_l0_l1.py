"""Verificadores dos exercícios das lições 0 e 1, e as ferramentas que os das lições 0 a 3 usam.

Os das lições 2 e 3 ficam em :mod:`cursoconv.verificadores_l2_l3`. As lições os chamam como ``conv.verificar_...`` (o módulo :mod:`cursoconv.conv`
os entrega). Todos seguem :mod:`cursoconv.verificacao`: recebem a resposta do
estudante e dizem, em português, se ela está certa, sem nunca mostrar um
traceback.
"""
import math
import secrets

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from cursoconv.conv import corr2d
from cursoconv.verificacao import chamar, como_inteiro, como_tensor, pendente, reprovar, verificador

# --------------------------------------------------------------------------
# Verificadores dos exercícios das lições 0 a 3
# --------------------------------------------------------------------------
# Todos seguem cursoconv.verificacao: devolvem a lista de problemas (vazia se a
# resposta está certa) e nunca mostram um traceback. As entradas de teste são
# sorteadas a cada chamada, com formas e valores que o estudante não tem como
# ter decorado; o problema relatado diz em que entrada a resposta falhou.


#: Operações do PyTorch que já fazem a convolução inteira: quem as usa não escreveu a sua.
_CONVOLUCOES = {"conv1d", "conv2d", "conv3d", "convolution", "_convolution", "conv_transpose2d"}


def _gerador():
    """Um gerador com semente nova a cada chamada: as entradas de teste mudam sempre."""
    return torch.Generator().manual_seed(secrets.randbits(62))


def _sortear(gerador, a, b):
    """Um inteiro sorteado entre a e b (inclusive)."""
    return int(torch.randint(a, b + 1, (1,), generator=gerador))


class _ContarOperacoes(TorchFunctionMode):
    """Conta as operações do PyTorch feitas dentro do bloco e guarda os seus nomes."""

    def __init__(self):
        super().__init__()
        self.total, self.nomes = 0, set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.total += 1
        self.nomes.add(getattr(func, "__name__", str(func)))
        return func(*args, **(kwargs or {}))


def _chamar_contando(funcao, *args):
    """Chama a função do estudante como :func:`chamar` e conta as operações do PyTorch que ela fez."""
    with _ContarOperacoes() as contador:
        resultado = chamar(funcao, *args)
    return resultado, contador


def _sem_convolucao_pronta(contador, o_que):
    """Reprova quem usou a convolução pronta do PyTorch num exercício que pede a conta própria."""
    usadas = contador.nomes & _CONVOLUCOES
    if usadas:
        reprovar(f"a sua função usa a convolução pronta do PyTorch ({', '.join(sorted(usadas))}). "
                 f"O exercício pede {o_que}, sem F.conv2d nem nn.Conv2d.")


def _comparar_tensor(obtido, esperado, entrada):
    """Lista (0 ou 1 item) o que não bate entre a saída do estudante e a esperada."""
    if not isinstance(obtido, torch.Tensor):
        reprovar(f"a função deve devolver um tensor, mas devolveu um {type(obtido).__name__}.")
    if tuple(obtido.shape) != tuple(esperado.shape):
        return [f"com {entrada}, a saída tem forma {tuple(obtido.shape)}, "
                f"mas deveria ter forma {tuple(esperado.shape)}."]
    if not torch.allclose(obtido.detach().float(), esperado.float(), atol=1e-4, rtol=1e-4):
        return [f"com {entrada}, a forma da saída está certa, mas os valores não batem."]
    return []


def _como_numero(valor, nome):
    """Converte ``valor`` em ``float``; tipo errado vira mensagem clara."""
    if valor is None or valor is ...:
        pendente()
    if isinstance(valor, bool):
        reprovar(f"{nome} deve ser um número, mas é {valor!r}.")
    try:
        return float(valor)
    except (TypeError, ValueError):
        reprovar(f"{nome} deve ser um número, mas é {valor!r} ({type(valor).__name__}).")


def _formas(gerador, quantas=6, maximo=9):
    """Pares (forma da entrada, forma do núcleo) sorteados, com o núcleo cabendo na entrada."""
    formas = []
    for _ in range(quantas):
        n_h, n_w = _sortear(gerador, 2, maximo), _sortear(gerador, 2, maximo)
        formas.append(((n_h, n_w), (_sortear(gerador, 1, n_h), _sortear(gerador, 1, n_w))))
    return formas


# ---------------------------------------------------------------- lição 0

@verificador("ex-l0-lotes", "lotes por época")
def verificar_lotes(funcao):
    """``funcao(n_imagens, tamanho_lote)`` deve devolver (número de lotes, imagens no último lote)."""
    gerador = _gerador()
    casos = [(60000, 100), (60000, 128)]
    casos += [(_sortear(gerador, 1, 5000), _sortear(gerador, 1, 300)) for _ in range(30)]
    casos.append((casos[-1][1] * 7, casos[-1][1]))  # divisão exata
    for n, b in casos:
        resposta = chamar(funcao, n, b)
        if not isinstance(resposta, (tuple, list)) or len(resposta) != 2:
            reprovar("a função deve devolver dois números, (lotes, imagens no último lote), "
                     f"mas devolveu {resposta!r}.")
        lotes = como_inteiro(resposta[0], "o número de lotes")
        ultimo = como_inteiro(resposta[1], "o número de imagens no último lote")
        certo_lotes = -(-n // b)
        certo_ultimo = n - (certo_lotes - 1) * b
        if (lotes, ultimo) != (certo_lotes, certo_ultimo):
            dica = ""
            if lotes == n // b and n % b:
                dica = " As imagens que sobram formam um último lote, menor."
            return [f"com {n} imagens e lotes de {b}, a função deu {lotes} lotes com {ultimo} imagens no "
                    f"último, mas são {certo_lotes} lotes, o último com {certo_ultimo}.{dica}"]
    return []


@verificador("ex-l0-medias", "média por classe")
def verificar_media_por_classe(funcao):
    """``funcao(X, y)`` deve devolver as 10 médias dos pixels das imagens de cada classe."""
    gerador = _gerador()
    for _ in range(4):
        n, h, w = _sortear(gerador, 20, 60), _sortear(gerador, 3, 12), _sortear(gerador, 3, 12)
        X = torch.rand((n, 1, h, w), generator=gerador)
        y = torch.cat([torch.arange(10), torch.randint(0, 10, (n - 10,), generator=gerador)])
        y = y[torch.randperm(n, generator=gerador)]
        esperado = torch.stack([X[y == c].mean() for c in range(10)])
        obtido = chamar(funcao, X.clone(), y.clone())
        problemas = _comparar_tensor(obtido, esperado, f"um lote X de forma {tuple(X.shape)}")
        if problemas:
            if tuple(obtido.shape) == (10,) and torch.allclose(obtido.float(), X.mean().expand(10), atol=1e-4):
                problemas = ["as dez médias saíram iguais à média do lote inteiro: separe as imagens de "
                             "cada classe com X[y == c]."]
            return problemas
    return []


# ---------------------------------------------------------------- lição 1

@verificador("ex-l1-horizontal", "bordas horizontais")
def verificar_borda_horizontal(K):
    """K (3×3) deve acender nas bordas horizontais e dar zero nas verticais e em regiões de cor constante."""
    K = como_tensor(K, "o núcleo K_horizontal", forma=(3, 3))
    gerador = _gerador()
    problemas = []
    # Faixas verticais (cada coluna de uma cor): só bordas verticais, a saída deve ser zero.
    colunas = torch.rand((1, _sortear(gerador, 6, 12)), generator=gerador).round()
    colunas[0, :2] = torch.tensor([1.0, 0.0])  # ao menos uma borda vertical
    verticais = colunas.expand(_sortear(gerador, 6, 12), -1)
    if corr2d(torch.ones((5, 5)), K).abs().max() > 1e-4:
        problemas.append("numa região de cor constante a saída deve ser zero, mas não é: "
                         "os pesos do núcleo devem somar 0.")
    elif corr2d(verticais, K).abs().max() > 1e-4:
        problemas.append("o núcleo reage a bordas verticais: a saída deveria ser zero numa imagem de "
                         "faixas verticais (dica: some os pesos de cada coluna do núcleo).")
    # Faixas horizontais: cada linha de uma cor. A saída deve ser não nula perto de cada borda.
    altura = _sortear(gerador, 8, 14)
    linha_da_borda = _sortear(gerador, 3, altura - 4)
    horizontais = torch.ones((altura, _sortear(gerador, 6, 12)))
    horizontais[linha_da_borda:] = 0
    if corr2d(horizontais, K).abs().max() < 1e-4:
        problemas.append("o núcleo não reage às bordas horizontais: a saída é zero numa imagem com uma "
                         "borda horizontal.")
    return problemas


def _corr2d_vetorizada_ref(X, K):
    return F.conv2d(X.reshape(1, 1, *X.shape), K.reshape(1, 1, *K.shape))[0, 0]


@verificador("ex-l1-vetorizada", "correlação cruzada vetorizada")
def verificar_corr2d_vetorizada(funcao):
    """``funcao(X, K)`` deve dar o mesmo que ``corr2d``, com um laço só sobre os pesos do núcleo."""
    if funcao is corr2d or getattr(funcao, "__code__", None) is corr2d.__code__:
        reprovar("a resposta é a própria corr2d da lição: escreva uma função nova, com um laço só "
                 "sobre os pesos do núcleo.")
    gerador = _gerador()
    for (n, k) in _formas(gerador):
        X, K = torch.randn(n, generator=gerador), torch.randn(k, generator=gerador)
        obtido, contador = _chamar_contando(funcao, X, K)
        _sem_convolucao_pronta(contador, "a correlação cruzada feita por você")
        problemas = _comparar_tensor(obtido, _corr2d_vetorizada_ref(X, K),
                                     f"X de forma {n[0]}×{n[1]} e K de forma {k[0]}×{k[1]}")
        if problemas:
            return problemas
    # Uma saída grande e um núcleo pequeno: a versão vetorizada faz poucas operações.
    X, K = torch.randn((30, 30), generator=gerador), torch.randn((2, 3), generator=gerador)
    _, contador = _chamar_contando(funcao, X, K)
    if contador.total > 20 * K.numel() + 40:
        return [f"com X de forma 30×30 e K de forma 2×3, a sua função fez {contador.total} operações "
                "com tensores: ela ainda passa por cada posição da saída, como a corr2d. Faça um laço "
                "só sobre os 6 pesos do núcleo, somando de uma vez a fatia de X que cada peso multiplica."]
    return []


@verificador("ex-l1-campo", "camadas para cobrir a imagem")
def verificar_camadas_para_cobrir(funcao):
    """``funcao(n, k)``: quantas camadas k×k (passo 1) até o campo receptivo cobrir n×n pixels."""
    gerador = _gerador()
    casos = [(28, 3)] + [(_sortear(gerador, 2, 100), _sortear(gerador, 2, 9)) for _ in range(40)]
    for n, k in casos:
        obtido = como_inteiro(chamar(funcao, n, k), f"o resultado para n={n}, k={k}")
        certo = math.ceil((n - 1) / (k - 1))
        if obtido != certo:
            return [f"com n={n} e k={k}, a função deu {obtido} camadas, mas são {certo}: com L camadas, "
                    "o campo receptivo tem lado L(k − 1) + 1, e ele precisa ser ao menos n."]
    return []
