"""Extensão do Sphinx: os botões do cabeçalho do site (Colab e download).

Roda logo depois do sphinx-book-theme, que monta os botões, e muda dois deles:

- **Colab.** O tema monta o botão com o caminho da página no repositório
  (``lessons/NN-nome.ipynb``), que no Colab mostraria o MyST cru. O endereço passa
  a ser o da edição Colab (``edicoes/colab/NN-nome.ipynb``, gerada por
  ``python -m ferramentas.edicoes``), na versão publicada (``repository.etiqueta``
  do ``_config.yml`` ou, sem ela, o ramo).
- **Download.** Sai o ".pdf" do tema (a impressão da página pelo navegador: código
  cortado na margem, sem números de página, um quadro só de cada animação) e
  entram as duas apostilas, ``apostilas/apostila-aluno.pdf`` e
  ``apostilas/apostila-instrutor.pdf``, que ``make apostila`` grava no site montado
  (o workflow do GitHub Pages publica o site com elas).

O ``_config.yml`` a carrega como ``ferramentas.site_colab`` (``local_extensions``,
com a raiz do repositório no caminho do Python).
"""
from ferramentas import repositorio

COLAB = f"{repositorio.COLAB}/github/"
PASTA_APOSTILAS = "apostilas"  # dentro do site montado
APOSTILAS = (("aluno", "Apostila do aluno (PDF)"), ("instrutor", "Apostila do instrutor (PDF, com soluções)"))


def endereco_da_edicao(url, pagina):
    """``url`` do botão do tema → endereço da edição Colab de ``pagina`` na versão publicada."""
    if not url.startswith(COLAB) or not pagina.startswith("lessons/"):
        return url
    return repositorio.url_colab(f"edicoes/colab/{pagina[len('lessons/'):]}.ipynb")


def botoes_das_apostilas(pathto):
    """Os itens do menu de download que levam às duas apostilas (caminhos relativos à página)."""
    return [{"type": "link", "url": pathto(f"{PASTA_APOSTILAS}/apostila-{versao}.pdf", 1), "text": texto,
             "tooltip": texto, "icon": "fas fa-file-pdf", "label": f"apostila-{versao}-button"}
            for versao, texto in APOSTILAS]


def _trocar_botoes(app, pagename, templatename, context, doctree):
    for grupo in context.get("header_buttons", []):
        if grupo.get("label") == "launch-buttons":
            for botao in grupo.get("buttons", []):
                if botao.get("url", "").startswith(COLAB):
                    botao["url"] = endereco_da_edicao(botao["url"], pagename)
        elif grupo.get("label") == "download-buttons":
            grupo["buttons"] = [b for b in grupo.get("buttons", []) if b.get("label") != "download-pdf-button"]
            grupo["buttons"] += botoes_das_apostilas(context["pathto"])


def setup(app):
    # O tema põe os botões com prioridade 501; este gancho vem depois.
    app.connect("html-page-context", _trocar_botoes, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
