"""Cada lição roda sozinha, como no Google Colab.

No Colab o aluno abre um único notebook: o repositório não está lá e o módulo
``cursoconv`` não está instalado, mas PyTorch, torchvision e matplotlib estão.
Estes testes conferem o selo do Colab e a célula de preparação de cada lição e
executam cada uma nessas condições, sem rede: o pip instala o módulo a partir
de uma cópia deste checkout, indicada pela variável ``CURSOCONV_FONTE``.
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
import yaml
from nbclient import NotebookClient

RAIZ = Path(__file__).resolve().parents[1]
LICOES = sorted((RAIZ / "lessons").glob("*.ipynb"))
# O que o pip precisa para montar o pacote (veja pyproject.toml).
ARQUIVOS_DO_PACOTE = ("pyproject.toml", "README.md", "LICENSE", "cursoconv")
NUCLEO = "cursoconv-como-no-colab"


def repositorio():
    cfg = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))["repository"]
    return cfg["url"].rstrip("/"), str(cfg.get("branch", "main"))


def primeira_celula_de_codigo(nb):
    return next(c for c in nb.cells if c.cell_type == "code")


def test_ha_licoes():
    assert LICOES, "nenhuma lição em lessons/"


def test_celula_de_preparacao_igual_em_todas_e_do_repositorio_configurado():
    url, ramo = repositorio()
    fontes = {licao.name: primeira_celula_de_codigo(nbformat.read(licao, as_version=4)).source
              for licao in LICOES}
    diferentes = set(fontes.values())
    assert len(diferentes) == 1, "células de preparação diferentes: rode python ferramentas/sincronizar.py"
    fonte = diferentes.pop()
    assert f'REPOSITORIO = "{url}"' in fonte
    assert re.search(rf'^VERSAO = "{re.escape(ramo)}"', fonte, re.MULTILINE)
    assert re.findall(r"https?://[^\s\"']+", fonte) == [url], "a célula cita outro endereço"
    assert 'f"git+{REPOSITORIO}@{VERSAO}"' in fonte
    assert 'os.environ.get("CURSOCONV_FONTE")' in fonte
    assert 'importlib.util.find_spec("cursoconv") is None' in fonte, "a instalação deve ser condicional"
    assert "utils.relatar_ambiente()" in fonte


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.name)
def test_selo_do_colab_abre_a_propria_licao(licao):
    url, ramo = repositorio()
    assert url.startswith("https://github.com/"), "o Colab abre notebooks do GitHub"
    esperado = (f"https://colab.research.google.com/github/{url[len('https://github.com/'):]}"
                f"/blob/{ramo}/lessons/{licao.name}")
    nb = nbformat.read(licao, as_version=4)
    titulo = nb.cells[0].source.split("\n")
    assert titulo[0].startswith("# ")
    selo = re.fullmatch(r'<p class="selo-colab"><a href="([^"]+)"><img src="data:image/svg\+xml;base64,[^"]+" '
                        r'alt="Abrir no Colab"></a></p>', titulo[1])
    assert selo, titulo[1][:80]
    assert selo.group(1) == esperado
    texto = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.findall(r"https://colab\.research\.google\.com/[^)\s\"]+", texto) == [esperado]


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


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.name)
def test_licao_roda_sozinha_como_no_colab(licao, fonte_local, tmp_path, monkeypatch):
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
