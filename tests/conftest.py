"""Configuração comum dos testes.

O modo rápido fica ligado para o nbval (o kernel herda o ambiente), de modo que
nenhum teste precisa de rede nem de ``../shared``.
"""
import gzip
import hashlib
import os
import struct
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("CURSO_RAPIDO", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

RAIZ = Path(__file__).resolve().parents[1]


def _idx(array):
    """Codifica um array uint8 no formato IDX do MNIST."""
    cabecalho = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return cabecalho + array.astype(np.uint8).tobytes()


@pytest.fixture
def copia_sintetica(tmp_path, monkeypatch):
    """Uma pasta com os quatro .gz no formato oficial, feitos a partir do subconjunto do repositório.

    Os MD5 esperados pelo módulo são trocados pelos destes arquivos, para que a
    verificação funcione igual à dos dados reais.
    """
    from cursoconv import utils
    with np.load(utils.SUBCONJUNTO) as z:
        partes = {"train-images-idx3-ubyte": z["X_treino"], "train-labels-idx1-ubyte": z["y_treino"],
                  "t10k-images-idx3-ubyte": z["X_teste"], "t10k-labels-idx1-ubyte": z["y_teste"]}
    pasta = tmp_path / "copia"
    pasta.mkdir()
    md5s = {}
    for nome, array in partes.items():
        dados = _idx(array)
        md5s[nome] = hashlib.md5(dados).hexdigest()
        (pasta / f"{nome}.gz").write_bytes(gzip.compress(dados))
    monkeypatch.setattr(utils, "MD5_DESCOMPACTADO", md5s)
    return pasta
