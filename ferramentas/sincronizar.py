"""Mantém iguais, em todas as lições, a célula de preparação e o selo do Colab.

Ambos derivam do endereço e do ramo do repositório em ``_config.yml``. Rode
depois de mudar esse endereço (num fork, por exemplo) ou de criar uma lição:

    python ferramentas/sincronizar.py             # reescreve o que mudou
    python ferramentas/sincronizar.py --verificar # só confere (usado nos testes)

Cada lição em ``lessons/`` começa por uma célula de texto com o título (``# ...``);
o selo vai logo abaixo do título e a célula de preparação é a primeira de código.
"""
import base64
import re
import sys
from pathlib import Path

import nbformat
import yaml

RAIZ = Path(__file__).resolve().parents[1]
MARCA_SELO = "<!-- selo-colab -->"

CELULA_PREPARACAO = '''\
# Preparação (igual em todas as lições). No Colab, instala o módulo do curso;
# no seu computador, onde ele já está instalado, não faz nada.
import importlib.util, os, subprocess, sys

REPOSITORIO = "{url}"
VERSAO = "{ramo}"
if importlib.util.find_spec("cursoconv") is None:
    fonte = os.environ.get("CURSOCONV_FONTE") or f"git+{{REPOSITORIO}}@{{VERSAO}}"
    print(f"Instalando o módulo do curso a partir de {{fonte}} ...")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", fonte], check=True)
    importlib.invalidate_caches()

from cursoconv import utils

utils.fixar_semente(0)
print(utils.relatar_ambiente())'''


def configuracao():
    cfg = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))
    return cfg["repository"]["url"].rstrip("/"), cfg["repository"].get("branch", "main")


def selo_svg():
    """Um selo "Abrir no Colab" desenhado aqui mesmo (nada é buscado fora)."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="126" height="20" role="img" '
           'aria-label="Abrir no Colab"><rect width="126" height="20" rx="3" fill="#555"/>'
           '<rect x="44" width="82" height="20" rx="3" fill="#f9ab00"/>'
           '<rect x="44" width="6" height="20" fill="#f9ab00"/>'
           '<g font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" fill="#fff">'
           '<text x="8" y="14">Abrir</text><text x="52" y="14" fill="#222">no Colab</text></g></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def url_colab(url, ramo, caminho):
    caminho_repo = re.sub(r"^https://github\.com/", "", url)
    return f"https://colab.research.google.com/github/{caminho_repo}/blob/{ramo}/{caminho}"


def linha_selo(url, ramo, caminho):
    # HTML e não Markdown: o Markdown do site (markdown-it) recusa imagens
    # "data:image/svg+xml" e mostraria o texto do selo em vez da imagem. A marca
    # vai no fim: uma linha que começa por um comentário HTML vira um bloco de
    # HTML cru. O Colab e o Jupyter mostram o selo do mesmo jeito.
    return (f'<a href="{url_colab(url, ramo, caminho)}"><img src="{selo_svg()}" alt="Abrir no Colab"></a> '
            f"{MARCA_SELO}")


def licoes():
    return sorted((RAIZ / "lessons").glob("*.ipynb"))


def sincronizar(nb, caminho, url, ramo):
    """Ajusta o notebook ``nb`` em memória; devolve True se algo mudou."""
    mudou = False
    titulo = nb.cells[0]
    if titulo.cell_type != "markdown" or not titulo.source.lstrip().startswith("# "):
        raise SystemExit(f"{caminho}: a primeira célula deve ser de texto e começar pelo título '# ...'.")
    linhas = [l for l in titulo.source.split("\n") if MARCA_SELO not in l]
    linhas.insert(1, linha_selo(url, ramo, caminho))
    novo = "\n".join(linhas)
    if novo != titulo.source:
        titulo.source, mudou = novo, True
    codigo = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    celula = nb.cells[codigo]
    esperado = CELULA_PREPARACAO.format(url=url, ramo=ramo)
    if celula.source != esperado:
        celula.source, mudou = esperado, True
    tags = celula.metadata.setdefault("tags", [])
    if "nbval-ignore-output" not in tags:
        tags.append("nbval-ignore-output")
        mudou = True
    motivo = "a saída depende da máquina (GPU ou CPU, versão do PyTorch)"
    if celula.metadata.get("motivo_nbval") != motivo:
        celula.metadata["motivo_nbval"] = motivo
        mudou = True
    return mudou


def main(verificar=False):
    url, ramo = configuracao()
    fora = []
    for arquivo in licoes():
        nb = nbformat.read(arquivo, as_version=4)
        caminho = arquivo.relative_to(RAIZ).as_posix()
        if sincronizar(nb, caminho, url, ramo):
            fora.append(caminho)
            if not verificar:
                nbformat.write(nb, arquivo)
    if fora:
        acao = "fora de sincronia" if verificar else "atualizadas"
        print(f"Lições {acao}: " + ", ".join(fora))
    return 1 if (verificar and fora) else 0


if __name__ == "__main__":
    sys.exit(main(verificar="--verificar" in sys.argv))
