"""Configuração comum dos testes.

O modo rápido fica ligado para o nbval (o kernel herda o ambiente), de modo que
nenhum teste precisa de rede nem de ``../shared``.
"""
import functools
import gzip
import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("CURSO_RAPIDO", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

RAIZ = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def livro(tmp_path_factory):
    """O livro montado uma só vez por sessão, com avisos tratados como erros (-W).

    Devolve a pasta ``_build``, com o site (``html``) e a página única da apostila
    (``singlehtml``).
    """
    destino = tmp_path_factory.mktemp("livro")
    jb = Path(sys.executable).with_name("jupyter-book")
    for construtor in ("html", "singlehtml"):
        r = subprocess.run([str(jb), "build", str(RAIZ), "--all", "-W", "--keep-going",
                            "--builder", construtor, "--path-output", str(destino)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            pytest.fail(f"o livro ({construtor}) não montou sem avisos:\n"
                        + r.stdout[-4000:] + r.stderr[-4000:], pytrace=False)
    return destino / "_build"


def _idx(array):
    """Codifica um array uint8 no formato IDX do MNIST."""
    cabecalho = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return cabecalho + array.astype(np.uint8).tobytes()


@functools.lru_cache(maxsize=1)
def _gz_sinteticos():
    """Os quatro .gz (e os MD5 do conteúdo) feitos do subconjunto, calculados uma vez por sessão."""
    from cursoconv import utils
    with np.load(utils.SUBCONJUNTO) as z:
        partes = {"train-images-idx3-ubyte": z["X_treino"], "train-labels-idx1-ubyte": z["y_treino"],
                  "t10k-images-idx3-ubyte": z["X_teste"], "t10k-labels-idx1-ubyte": z["y_teste"]}
    arquivos, md5s = {}, {}
    for nome, array in partes.items():
        conteudo = _idx(array)
        md5s[nome] = hashlib.md5(conteudo).hexdigest()
        arquivos[f"{nome}.gz"] = gzip.compress(conteudo, compresslevel=1)
    return arquivos, md5s


@pytest.fixture
def copia_sintetica(tmp_path, monkeypatch):
    """Uma pasta com os quatro .gz no formato oficial, feitos a partir do subconjunto do repositório.

    Os MD5 esperados pelo módulo (``cursoconv.dados.MD5_DESCOMPACTADO``, que
    ``utils`` reexporta) são trocados pelos destes arquivos, para que a
    verificação funcione igual à dos dados reais.
    """
    from cursoconv import dados, utils
    arquivos, md5s = _gz_sinteticos()
    pasta = tmp_path / "copia"
    pasta.mkdir()
    for nome, conteudo in arquivos.items():
        (pasta / nome).write_bytes(conteudo)
    monkeypatch.setattr(dados, "MD5_DESCOMPACTADO", dict(md5s))
    monkeypatch.setattr(utils, "MD5_DESCOMPACTADO", dict(md5s))
    return pasta


@pytest.fixture(scope="session")
def chromium():
    """O Chromium do Debian, aberto uma vez para todos os testes de navegador (Playwright)."""
    from playwright.sync_api import sync_playwright

    from ferramentas import navegador
    with sync_playwright() as p:
        navegador_ = navegador.abrir_chromium(p)
        yield navegador_
        navegador_.close()
