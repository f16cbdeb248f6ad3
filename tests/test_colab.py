"""Cada lição roda sozinha, como no Google Colab, nas duas edições que o Colab abre.

No Colab o aluno abre um único notebook (a edição Colab ou a do aluno, em
``edicoes/``): o repositório não está lá e o módulo ``cursoconv`` não está
instalado, mas PyTorch, torchvision e matplotlib estão. Estes testes conferem a
célula de preparação de cada lição e executam cada edição nessas condições, sem
rede: o pip instala o módulo a partir de uma cópia deste checkout, indicada pela
variável ``CURSOCONV_FONTE``.
"""
import json
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ferramentas import repositorio, sincronizar

RAIZ = repositorio.RAIZ
LICOES = repositorio.licoes()
EDICOES = [repositorio.EDICOES / pasta / licao.name for licao in LICOES for pasta in ("colab", "aluno")]
# O que o pip precisa para montar o pacote (veja pyproject.toml).
ARQUIVOS_DO_PACOTE = ("pyproject.toml", "README.md", "LICENSE", "cursoconv")
NUCLEO = "cursoconv-como-no-colab"


def primeira_celula_de_codigo(nb):
    """A célula de preparação: a primeira de código que não é de resposta (na edição do aluno,
    a célula de identificação, com o nome e a matrícula, vem antes dela)."""
    return next(c for c in nb.cells
                if c.cell_type == "code" and "resposta" not in c.metadata.get("cursoconv", {}))


def test_ha_licoes():
    assert LICOES, "nenhuma lição no _toc.yml"


def test_celula_de_preparacao_igual_em_todas_e_do_repositorio_configurado():
    url, versao = repositorio.endereco(), repositorio.versao()
    fontes = {}
    for licao in LICOES:
        nb = nbformat.read(licao, as_version=4)
        fonte = primeira_celula_de_codigo(nb).source
        # A dica da GPU só nas lições que treinam uma rede.
        relato = sincronizar.RELATO_COM_GPU if sincronizar.treina(nb) else sincronizar.RELATO_SEM_GPU
        assert fonte.endswith("\n" + relato), licao.name
        fontes[licao.name] = fonte[:-len(relato)]
    assert any(sincronizar.treina(nbformat.read(l, as_version=4)) for l in LICOES)
    assert not sincronizar.treina(nbformat.read(LICOES[1], as_version=4)), "a lição 1 não treina redes"
    diferentes = set(fontes.values())
    assert len(diferentes) == 1, "células de preparação diferentes: rode make edicoes"
    fonte = diferentes.pop()
    assert f'REPOSITORIO = "{url}"' in fonte
    assert re.search(rf'^VERSAO = "{re.escape(versao)}"', fonte, re.MULTILINE)
    assert re.findall(r"https?://[^\s\"']+", fonte) == [url], "a célula cita outro endereço"
    assert 'f"git+{REPOSITORIO}@{VERSAO}"' in fonte
    assert 'os.environ.get("CURSOCONV_FONTE")' in fonte
    assert 'importlib.util.find_spec("cursoconv") is None' in fonte, "a instalação deve ser condicional"
    assert "--quiet" not in fonte, "o progresso do pip deve aparecer"
    assert len(fonte.split("\n")) <= 30


def test_versao_e_a_etiqueta_ou_o_ramo(monkeypatch):
    cfg = repositorio.config()
    monkeypatch.setattr(repositorio, "config", lambda: {**cfg, "repository": {**cfg["repository"], "etiqueta": "v2.0"}})
    assert repositorio.versao() == "v2.0"
    assert repositorio.url_colab("edicoes/colab/x.ipynb").endswith("/blob/v2.0/edicoes/colab/x.ipynb")
    monkeypatch.setattr(repositorio, "config", lambda: {**cfg, "repository": {**cfg["repository"], "etiqueta": ""}})
    assert repositorio.versao() == repositorio.ramo()


def rodar_preparacao(tmp_path, repositorio_, versao):
    """Roda a célula de preparação num Python em que o cursoconv "falta"; devolve a saída."""
    fonte = primeira_celula_de_codigo(nbformat.read(LICOES[0], as_version=4)).source
    fonte = re.sub(r'^REPOSITORIO = ".*"$', f'REPOSITORIO = "{repositorio_}"', fonte, flags=re.M)
    fonte = re.sub(r'^VERSAO = ".*"', f'VERSAO = "{versao}"', fonte, flags=re.M)
    fonte = fonte.replace('importlib.util.find_spec("cursoconv") is None', "True")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "CURSOCONV_FONTE"}
    env.update({"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "GIT_TERMINAL_PROMPT": "0"})
    r = subprocess.run([sys.executable, "-c", fonte], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert r.returncode != 0
    return r.stdout + r.stderr


def test_preparacao_diz_o_que_esta_errado(tmp_path):
    """Etiqueta ou endereço errados dão uma mensagem que diz isso (e não "confira a internet")."""
    origem = tmp_path / "repo"
    origem.mkdir()
    git = lambda *a: subprocess.run(["git", *a], cwd=origem, check=True, capture_output=True)  # noqa: E731
    git("init", "-q", "-b", "main")
    (origem / "LEIAME").write_text("x")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    saida = rodar_preparacao(tmp_path, origem.as_uri(), "v9.9")
    assert "a versão v9.9 não existe em" in saida and "confira VERSAO" in saida
    assert "Collecting" in saida or "Cloning" in saida, "o progresso do pip não apareceu"
    saida = rodar_preparacao(tmp_path, (tmp_path / "nao-existe").as_uri(), "main")
    assert "não é um repositório público; confira REPOSITORIO" in saida
    assert "internet" not in saida


@pytest.fixture(scope="module")
def fonte_local(tmp_path_factory):
    """Uma cópia do que o pacote precisa; o pip monta dentro dela, sem sujar o checkout."""
    destino = tmp_path_factory.mktemp("fonte") / "camada-convolucional"
    destino.mkdir()
    for nome in ARQUIVOS_DO_PACOTE:
        origem = RAIZ / nome
        if origem.is_dir():
            shutil.copytree(origem, destino / nome, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origem, destino / nome)
    return destino


def ambiente_como_no_colab(pasta):
    """Um ambiente virtual que enxerga os pacotes deste (torch, pip...), mas não o ``cursoconv``.

    O arquivo ``.pth`` põe as pastas de pacotes deste ambiente no ``sys.path`` do
    novo, sem processar os ``.pth`` delas; por isso a instalação editável do
    ``cursoconv`` (feita por um ``.pth``) não aparece lá.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(pasta)], check=True)
    python = pasta / "bin" / "python"
    pacotes = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    pastas = site.getsitepackages() + ([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])
    (pacotes / "pacotes_do_colab.pth").write_text("\n".join(pastas) + "\n", encoding="utf-8")
    return python, pacotes


def ambiente_do_nucleo(fonte):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "FASHION_MNIST_DIR")
           and not k.startswith("PIP_")}
    env.update({
        "CURSOCONV_FONTE": str(fonte),
        "CURSO_RAPIDO": "1",
        "TQDM_DISABLE": "1",
        "PYTHONNOUSERSITE": "1",
        "PIP_NO_INDEX": "1",  # sem rede
        # O pip lê esta variável ao contrário: "0" equivale a --no-build-isolation,
        # que usa o setuptools já instalado em vez de baixá-lo.
        "PIP_NO_BUILD_ISOLATION": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    })
    return env


SONDA = """\
import json, sys
import cursoconv
from cursoconv import utils
print(json.dumps({"python": sys.executable, "modulo": cursoconv.__file__,
                  "dados": str(utils.SUBCONJUNTO), "dados_existem": utils.SUBCONJUNTO.is_file()}))"""


@pytest.mark.parametrize("licao", EDICOES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_edicao_roda_sozinha_como_no_colab(licao, fonte_local, tmp_path, monkeypatch):
    python, pacotes = ambiente_como_no_colab(tmp_path / "ambiente")
    env = ambiente_do_nucleo(fonte_local)
    pasta = tmp_path / "colab"
    pasta.mkdir()
    shutil.copy2(licao, pasta / licao.name)

    antes = subprocess.run(
        [str(python), "-c", "import importlib.util as u, torch, torchvision, matplotlib, ipykernel; "
                            "print(u.find_spec('cursoconv'))"],
        cwd=pasta, env=env, capture_output=True, text=True)
    assert antes.returncode == 0, antes.stderr
    assert antes.stdout.strip() == "None", "o cursoconv já é importável antes da célula de preparação"

    nucleos = tmp_path / "jupyter" / "kernels" / NUCLEO
    nucleos.mkdir(parents=True)
    (nucleos / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (como no Colab)", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))

    nb = nbformat.read(pasta / licao.name, as_version=4)
    preparacao = primeira_celula_de_codigo(nb)
    # Ao fim, a célula de preparação roda de novo (não deve reinstalar) e a sonda diz
    # de onde veio o módulo usado pela lição.
    nb.cells += [nbformat.v4.new_code_cell(preparacao.source), nbformat.v4.new_code_cell(SONDA)]
    NotebookClient(nb, timeout=900, kernel_name=NUCLEO,
                   resources={"metadata": {"path": str(pasta)}}).execute(env=env)

    def texto(celula):
        return "".join(s.get("text", "") for s in celula.outputs if s.output_type == "stream")

    assert f"Instalando o módulo do curso a partir de {fonte_local}" in texto(preparacao)
    assert "Instalando" not in texto(nb.cells[-2]), "a célula de preparação reinstalou o módulo"
    sonda = json.loads(texto(nb.cells[-1]))
    assert Path(sonda["python"]).parent == python.parent
    assert Path(sonda["modulo"]).resolve().is_relative_to(pacotes.resolve()), sonda["modulo"]
    assert Path(sonda["dados"]).resolve().is_relative_to(pacotes.resolve()) and sonda["dados_existem"], \
        "o pacote instalado não traz os dados do modo rápido"
