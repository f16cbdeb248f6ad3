"""Verificadores dos exercícios da lição 0 (preparando o ambiente).

As lições os chamam como ``licao0.verificar_...`` (``from cursoconv.exercicios import licao0``).
Seguem :mod:`cursoconv.exercicios.base`: recebem a resposta do estudante, testam-na em
entradas sorteadas na hora e dizem, em português, se ela está certa, sem nunca mostrar um traceback.
"""
import torch

from .base import Sorteio, chamar, comparar_tensor, como_inteiro, reprovar, verificador


@verificador("ex-l0-lotes", "lotes por época")
def verificar_lotes(funcao):
    """``funcao(n_imagens, tamanho_lote)`` deve devolver (número de lotes, imagens no último lote)."""
    sorteio = Sorteio()
    casos = [(60000, 100), (60000, 128)]
    casos += [(sorteio.inteiro(1, 5000), sorteio.inteiro(1, 300)) for _ in range(30)]
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
    sorteio = Sorteio()
    for _ in range(4):
        n, h, w = sorteio.inteiro(20, 60), sorteio.inteiro(3, 12), sorteio.inteiro(3, 12)
        X = torch.rand((n, 1, h, w), generator=sorteio.gerador)
        y = torch.cat([torch.arange(10), torch.randint(0, 10, (n - 10,), generator=sorteio.gerador)])
        y = y[torch.randperm(n, generator=sorteio.gerador)]
        esperado = torch.stack([X[y == c].mean() for c in range(10)])
        obtido = chamar(funcao, X.clone(), y.clone())
        problemas = comparar_tensor(obtido, esperado, f"um lote X de forma {tuple(X.shape)}")
        if problemas:
            if tuple(obtido.shape) == (10,) and torch.allclose(obtido.float(), X.mean().expand(10), atol=1e-4):
                problemas = ["as dez médias saíram iguais à média do lote inteiro: separe as imagens de "
                             "cada classe com X[y == c]."]
            return problemas
    return []
