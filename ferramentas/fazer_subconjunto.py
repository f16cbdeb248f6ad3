"""Gera cursoconv/subconjunto/fashion-mnist-rapido.npz, o subconjunto do modo rápido.

Uso: python -m ferramentas.fazer_subconjunto PASTA_COM_OS_QUATRO_GZ

Pega, de cada classe, as primeiras 300 imagens de treino e as primeiras 100 de
teste dos arquivos oficiais (conferidos pelo MD5 do conteúdo), mantendo a ordem
original. O resultado é determinístico.
"""
import os
import sys
import tempfile

import numpy as np

from cursoconv import carregadores, utils

POR_CLASSE = {"treino": 300, "teste": 100}


def escolher(rotulos, n):
    indices = [np.flatnonzero(rotulos == c)[:n] for c in range(10)]
    return np.sort(np.concatenate(indices))


def main(pasta):
    os.environ[utils.VARIAVEL_DADOS] = pasta
    os.environ.pop(utils.VARIAVEL_RAPIDO, None)
    with tempfile.TemporaryDirectory() as raiz:
        Xtr, ytr, Xte, yte = (t.numpy() for t in carregadores.ler_completo(raiz))
    itr, ite = escolher(ytr, POR_CLASSE["treino"]), escolher(yte, POR_CLASSE["teste"])
    carregadores.SUBCONJUNTO.parent.mkdir(exist_ok=True)
    np.savez_compressed(carregadores.SUBCONJUNTO, X_treino=Xtr[itr], y_treino=ytr[itr],
                        X_teste=Xte[ite], y_teste=yte[ite])
    print(f"{carregadores.SUBCONJUNTO}: {len(itr)} de treino, {len(ite)} de teste, "
          f"{carregadores.SUBCONJUNTO.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
