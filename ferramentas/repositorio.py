"""O que as ferramentas sabem do repositório: caminhos, ``_config.yml``, lições e endereços.

Tudo o que depende do endereço do repositório (selos e botões do Colab, célula
de preparação, links para o site publicado) deriva de ``repository.url`` no
``_config.yml``; a versão que os alunos instalam é ``repository.etiqueta`` (uma
etiqueta de versão, como ``v1.0``) ou, se ela estiver vazia, ``repository.branch``.

Só usa a biblioteca padrão, ``pyyaml`` e ``nbformat`` (o ``make edicoes`` roda
num ambiente pequeno, sem PyTorch nem jupyter-book).
"""
import functools
import re
from pathlib import Path

import yaml

RAIZ = Path(__file__).resolve().parents[1]
CONFIG = RAIZ / "_config.yml"
TOC = RAIZ / "_toc.yml"
LICOES = RAIZ / "lessons"
EDICOES = RAIZ / "edicoes"
EDICAO_COLAB = EDICOES / "colab"
EDICAO_ALUNO = EDICOES / "aluno"
TEMPOS = RAIZ / "ferramentas" / "tempos.yml"
INSTRUTORES = RAIZ / "instrutores.md"
INTRO = RAIZ / "intro.md"
BIBTEX = RAIZ / "references.bib"
COLAB = "https://colab.research.google.com"


@functools.lru_cache(maxsize=None)
def _ler_yaml(caminho, _marca):
    return yaml.safe_load(Path(caminho).read_text(encoding="utf-8")) or {}


def ler_yaml(caminho):
    """Lê um YAML do repositório (relido se o arquivo mudar)."""
    caminho = Path(caminho)
    return _ler_yaml(str(caminho), caminho.stat().st_mtime_ns)


def tempos():
    """Os tempos medidos de cada lição (``tempos.yml``: lição → cpu/gpu), ou ``{}`` se ainda não há."""
    return dict(ler_yaml(TEMPOS)) if TEMPOS.is_file() else {}


def config():
    """O ``_config.yml`` inteiro, como dicionário."""
    return ler_yaml(CONFIG)


def endereco():
    """O endereço do repositório no GitHub, sem a barra final."""
    url = str(config().get("repository", {}).get("url", "")).rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise SystemExit(f"_config.yml: repository.url deve ser um endereço https://github.com/DONO/NOME "
                         f"(é {url!r}); o Colab só abre notebooks do GitHub.")
    return url


def dono_e_nome():
    """``("curso-cnn-ptbr", "camada-convolucional")`` a partir do endereço."""
    dono, nome = endereco()[len("https://github.com/"):].split("/")
    return dono, nome


def ramo():
    return str(config().get("repository", {}).get("branch") or "main")


def etiqueta():
    """A etiqueta de versão publicada (``repository.etiqueta``), ou ``""`` se não houver."""
    return str(config().get("repository", {}).get("etiqueta") or "").strip()


def versao():
    """O que os alunos instalam e abrem no Colab: a etiqueta, ou o ramo se não houver etiqueta."""
    return etiqueta() or ramo()


def url_site():
    """O endereço do site publicado no GitHub Pages: ``https://DONO.github.io/NOME/``."""
    dono, nome = dono_e_nome()
    if nome.lower() == f"{dono.lower()}.github.io":
        return f"https://{dono.lower()}.github.io/"
    return f"https://{dono.lower()}.github.io/{nome}/"


def url_pagina(pagina, ancora=None):
    """Endereço publicado de uma página do livro (``"lessons/01-..."``, ``"bibliografia"``)."""
    pagina = re.sub(r"\.(md|ipynb)$", "", pagina)
    return url_site() + pagina + ".html" + (f"#{ancora}" if ancora else "")


def url_colab(caminho, versao_=None):
    """Endereço que abre no Colab o notebook ``caminho`` (relativo à raiz) do repositório."""
    dono, nome = dono_e_nome()
    caminho = Path(caminho).as_posix()
    return f"{COLAB}/github/{dono}/{nome}/blob/{versao_ or versao()}/{caminho}"


def paginas_do_toc():
    """As páginas do ``_toc.yml`` na ordem de leitura (sem extensão), a raiz primeiro."""
    toc = ler_yaml(TOC)
    paginas = [toc["root"]]

    def visitar(itens):
        for item in itens or []:
            if "file" in item:
                paginas.append(item["file"])
            visitar(item.get("sections"))
            for parte in item.get("parts", []) or []:
                visitar(parte.get("chapters"))

    visitar(toc.get("chapters"))
    for parte in toc.get("parts", []) or []:
        visitar(parte.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", p) for p in paginas]


def licoes():
    """Os notebooks das lições (``lessons/*.ipynb`` que estão no ``_toc.yml``), na ordem do livro."""
    caminhos = [RAIZ / f"{p}.ipynb" for p in paginas_do_toc() if p.startswith("lessons/")]
    faltam = [c.relative_to(RAIZ).as_posix() for c in caminhos if not c.is_file()]
    if faltam:
        raise SystemExit(f"_toc.yml cita lições que não existem: {', '.join(faltam)}")
    return caminhos


def numero_da_licao(caminho):
    """O número de uma lição pelo nome (``lessons/04-agrupamento`` → 4), ou None fora de ``lessons/``."""
    caminho = Path(caminho)
    m = re.match(r"(\d+)-", caminho.name)
    return int(m[1]) if m and caminho.parent.name == "lessons" else None


def relativo(caminho):
    """O caminho relativo à raiz, com barras normais (``lessons/01-....ipynb``)."""
    return Path(caminho).resolve().relative_to(RAIZ).as_posix()


def titulo_da_licao(nb):
    """O título da lição: a primeira linha da primeira célula, sem o ``# ``."""
    return nb.cells[0].source.lstrip().split("\n")[0].lstrip("# ").strip()


def ler_licao(caminho):
    import nbformat
    return nbformat.read(caminho, as_version=4)
