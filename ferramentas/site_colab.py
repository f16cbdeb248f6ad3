"""Extensão do Sphinx: o botão "Colab" do site abre a edição Colab da lição.

O sphinx-book-theme monta o botão com o caminho da página no repositório
(``lessons/NN-nome.ipynb``), que no Colab mostraria o MyST cru. Este gancho, que
roda logo depois do tema, troca esse endereço pelo da edição Colab
(``edicoes/colab/NN-nome.ipynb``, gerada por ``python -m ferramentas.edicoes``),
na versão publicada (``repository.etiqueta`` do ``_config.yml`` ou, sem ela, o ramo).

É carregada como ``local_extensions`` no ``_config.yml`` (que põe só a pasta
``ferramentas/`` no caminho do Python); por isso carrega ``repositorio.py`` pelo
arquivo, em vez de ``from ferramentas import repositorio``.
"""
import importlib.util
import re
from pathlib import Path

COLAB = "https://colab.research.google.com/github/"


def endereco_da_edicao(url, pagina, versao):
    """``url`` do botão do tema → endereço da edição Colab de ``pagina`` na ``versao``."""
    if not url.startswith(COLAB) or not pagina.startswith("lessons/"):
        return url
    m = re.match(rf"{re.escape(COLAB)}(?P<dono>[^/]+)/(?P<nome>[^/]+)/blob/", url)
    if not m:
        return url
    return f"{COLAB}{m['dono']}/{m['nome']}/blob/{versao}/edicoes/colab/{pagina[len('lessons/'):]}.ipynb"


def _versao():
    spec = importlib.util.spec_from_file_location("_repositorio_do_livro", Path(__file__).with_name("repositorio.py"))
    repositorio = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(repositorio)
    return repositorio.versao()


def _trocar_botao(app, pagename, templatename, context, doctree):
    versao = None
    for grupo in context.get("header_buttons", []):
        if grupo.get("label") != "launch-buttons":
            continue
        for botao in grupo.get("buttons", []):
            if botao.get("url", "").startswith(COLAB):
                versao = versao or _versao()
                botao["url"] = endereco_da_edicao(botao["url"], pagename, versao)


def setup(app):
    # O tema põe os botões com prioridade 501; este gancho vem depois.
    app.connect("html-page-context", _trocar_botao, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
